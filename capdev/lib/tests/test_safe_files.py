"""check_xlsx and check_xml: what an upload must pass before any parser opens it."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest

from capdev.diagnose.tests.workbooks import workbook
from capdev.lib.safe_files import MAX_MEMBERS, UnsafeFile, check_xlsx, check_xml
from capdev.lib.tests import archives
from capdev.test import shared_data

SHARED_XLSFORMS = shared_data() / "xlsform"
SHEET = "xl/worksheets/sheet1.xml"


def refusal(check: Callable[[], None]) -> str:
    with pytest.raises(UnsafeFile) as refused:
        check()
    return str(refused.value)


def peak_memory_of(check: Callable[[], None]) -> tuple[int, float]:
    """Peak bytes allocated by Python while `check` runs, and the seconds it took."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        check()
    except UnsafeFile:
        pass
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, elapsed


# --- check_xlsx -------------------------------------------------------------------------


def test_it_accepts_a_workbook_written_by_openpyxl():
    check_xlsx(workbook())


def test_it_accepts_a_workbook_written_by_another_tool():
    # Written by the pyxform project's tools, not by openpyxl.
    check_xlsx((SHARED_XLSFORMS / "pyxform" / "xlsx" / "choice_filter_test.xlsx").read_bytes())


def test_it_accepts_a_small_part_that_compresses_very_well():
    # 900 KB of spaces pack to about 1 KB: a high ratio, harmless at this size.
    data = archives.with_member(workbook(), "xl/padding.xml", b"<a>" + b" " * 900_000 + b"</a>")
    check_xlsx(data)


@pytest.mark.parametrize(
    "data",
    [b"form_title,form_id\nTest,test\n", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\n", b""],
    ids=["plain text", "pdf", "empty"],
)
def test_it_refuses_what_is_not_a_zip_archive(data):
    assert "not an .xlsx workbook" in refusal(lambda: check_xlsx(data))


def test_it_refuses_a_truncated_archive():
    data = workbook()
    assert "damaged" in refusal(lambda: check_xlsx(data[: len(data) // 2]))


def test_it_refuses_a_zip_that_is_not_a_workbook():
    data = archives.zip_of({"notes.txt": b"hello", "picture.png": b"\x89PNG\r\n"})
    assert "no [Content_Types].xml" in refusal(lambda: check_xlsx(data))


def test_it_refuses_an_archive_of_too_many_parts():
    members = {f"xl/part{n}.xml": b"<a/>" for n in range(MAX_MEMBERS + 1)}
    members["[Content_Types].xml"] = archives.CONTENT_TYPES
    assert "too many parts" in refusal(lambda: check_xlsx(archives.zip_of(members)))


def test_it_refuses_a_zip_bomb_without_unpacking_it():
    bomb = archives.zip_bomb()
    assert len(bomb) < 1024 * 1024  # 100 MB of zeros pack to about 100 KB
    message = refusal(lambda: check_xlsx(bomb))
    assert "zip bomb" in message
    assert "100 MB" in message
    peak, elapsed = peak_memory_of(lambda: check_xlsx(bomb))
    assert peak < 5 * archives.MEGABYTE, f"{peak / archives.MEGABYTE:.0f} MB were allocated"
    assert elapsed < 0.5


def test_it_refuses_a_part_that_understates_its_size_without_unpacking_it():
    # The directory claims 1000 bytes (and their checksum): the size check cannot see the
    # bomb, and zipfile would inflate all 100 MB before cutting them to 1000.
    bomb = archives.understated_zip_bomb()
    message = refusal(lambda: check_xlsx(bomb))
    assert "damaged" in message
    assert SHEET in message
    peak, _elapsed = peak_memory_of(lambda: check_xlsx(bomb))
    assert peak < 5 * archives.MEGABYTE, f"{peak / archives.MEGABYTE:.0f} MB were allocated"


def test_it_refuses_a_damaged_part_as_unsafe_not_with_a_zlib_error():
    data = archives.corrupted(workbook(), SHEET)
    message = refusal(lambda: check_xlsx(data))
    assert "damaged" in message
    assert SHEET in message


def test_it_refuses_a_sheet_declaring_an_external_entity():
    data = workbook()
    sheet = archives.with_entity(
        archives.members_of(data)[SHEET], archives.XXE_DOCTYPE, archives.XXE_REFERENCE
    )
    message = refusal(lambda: check_xlsx(archives.with_member(data, SHEET, sheet)))
    assert "declares a DTD or entities" in message
    assert SHEET in message
    assert "root:" not in message  # nothing of /etc/passwd was read


def test_it_refuses_a_sheet_with_billion_laughs():
    data = workbook()
    sheet = archives.with_entity(
        archives.members_of(data)[SHEET],
        archives.BILLION_LAUGHS_DOCTYPE,
        archives.BILLION_LAUGHS_REFERENCE,
    )
    peak, _elapsed = peak_memory_of(lambda: check_xlsx(archives.with_member(data, SHEET, sheet)))
    assert "declares a DTD or entities" in refusal(
        lambda: check_xlsx(archives.with_member(data, SHEET, sheet))
    )
    assert peak < 5 * archives.MEGABYTE


def test_it_refuses_a_relationships_part_that_is_not_xml():
    data = archives.with_member(workbook(), "_rels/.rels", b"<Relationships><oops></Relationships>")
    message = refusal(lambda: check_xlsx(data))
    assert "_rels/.rels is not well-formed XML" in message


# --- check_xml --------------------------------------------------------------------------


def test_check_xml_accepts_plain_xml():
    check_xml(b'<?xml version="1.0"?><h:html xmlns:h="http://www.w3.org/1999/xhtml"/>')


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "http://example.invalid/x">]><a>&x;</a>',
        (
            "<?xml version='1.0'?>" + archives.BILLION_LAUGHS_DOCTYPE.replace("worksheet", "a")
        ).encode()
        + b"<a>&lol9;</a>",
        b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>',
        b"<!DOCTYPE a><a/>",
    ],
    ids=["external file entity", "external url entity", "billion laughs", "external dtd", "dtd"],
)
def test_check_xml_refuses_any_dtd_or_entity(data):
    message = refusal(lambda: check_xml(data, name="upload.xml"))
    assert message == "upload.xml declares a DTD or entities, which capdev refuses for safety."


@pytest.mark.parametrize("data", [b"<a><b></a>", b"not xml at all", b""])
def test_check_xml_refuses_what_is_not_well_formed(data):
    message = refusal(lambda: check_xml(data, name="upload.xml"))
    assert message.startswith("upload.xml is not well-formed XML: ")


def test_check_xml_names_the_xml_when_given_no_name():
    assert refusal(lambda: check_xml(b"<!DOCTYPE a><a/>")).startswith("The XML declares a DTD")
