"""Checks run on uploaded files before any parser sees them.

An .xlsx is a zip of XML parts. A small upload can expand to gigabytes (a zip bomb), and its
XML may declare entities (billion laughs) or external entities (XXE). Archives are checked
from their central directory, without decompressing; XML is parsed with defusedxml, which
refuses DTDs, entity declarations and external references.
"""

from __future__ import annotations

import io
import zipfile

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.utils.translation import gettext as _

MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 2_000


class UnsafeFile(ValueError):
    """The upload is not what it claims to be, or would be unsafe to parse."""


def check_xlsx(data: bytes) -> None:
    """Raise UnsafeFile unless `data` is a zip archive that is safe to open as a workbook."""
    if not data.startswith(b"PK"):
        raise UnsafeFile(_("This is not an .xlsx workbook (an .xlsx file is a zip archive)."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsafeFile(
            _("This .xlsx file is damaged: it cannot be opened as an archive.")
        ) from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnsafeFile(_("This .xlsx file has too many parts to be a workbook."))
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    # A high ratio alone is harmless in a small workbook (a sheet of repeated rows packs well).
    suspicious_ratio = total / packed > MAX_COMPRESSION_RATIO and total > 1024 * 1024
    if total > MAX_UNCOMPRESSED_BYTES or suspicious_ratio:
        raise UnsafeFile(
            _("This .xlsx file would expand to %(size)s MB: refused as a possible zip bomb.")
            % {"size": f"{total / (1024 * 1024):.0f}"}
        )
    if "[Content_Types].xml" not in archive.namelist():
        raise UnsafeFile(_("This archive is not an .xlsx workbook (no [Content_Types].xml)."))
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            check_xml(archive.read(member), name=member.filename)


def check_xml(data: bytes, *, name: str = "") -> None:
    """Raise UnsafeFile if `data` declares a DTD or entities, or is not well-formed XML."""
    try:
        SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise UnsafeFile(
            _("%(name)s declares a DTD or entities, which capdev refuses for safety.")
            % {"name": name or _("The XML")}
        ) from None
    except SafeElementTree.ParseError as error:
        raise UnsafeFile(
            _("%(name)s is not well-formed XML: %(error)s")
            % {"name": name or _("The XML"), "error": error}
        ) from None
