"""Hostile and damaged archives built in memory, for the tests of uploaded-file checks."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
MEGABYTE = 1024 * 1024

# Sheet XML declaring an external entity that reads a local file (XXE) ...
XXE_DOCTYPE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_REFERENCE = "&xxe;"
# ... and nested entities that expand a few hundred bytes to gigabytes (billion laughs).
BILLION_LAUGHS_DOCTYPE = (
    "<!DOCTYPE worksheet ["
    '<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)
BILLION_LAUGHS_REFERENCE = "&lol9;"


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The archive `data` with the member `name` replaced (or added)."""
    return zip_of(members_of(data) | {name: content})


def with_entity(sheet_xml: bytes, doctype: str, reference: str) -> bytes:
    """A worksheet part with `doctype` before its root and `reference` as its first text."""
    text = sheet_xml.decode()
    if text.startswith("<?xml"):
        declaration_end = text.index("?>") + 2
        text = text[:declaration_end] + doctype + text[declaration_end:]
    else:
        text = doctype + text
    text = text.replace("<t>", f"<t>{reference}", 1)
    assert reference in text, "the sheet has no inline text to carry the entity"
    return text.encode()


@cache
def zip_bomb(size: int = 100 * MEGABYTE) -> bytes:
    """About 100 KB whose `xl/worksheets/sheet1.xml` unpacks to `size` zero bytes (the
    central directory says so). Written in chunks: the zeros are never in memory at once."""
    buffer = io.BytesIO()
    chunk = bytes(MEGABYTE)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(size // MEGABYTE):
                member.write(chunk)
    return buffer.getvalue()


@cache
def understated_zip_bomb(size: int = 100 * MEGABYTE, declared: int = 1000) -> bytes:
    """The zip bomb, with the central directory claiming the member unpacks to `declared`
    bytes and giving the checksum of those first bytes, so that zipfile reads it without
    complaint (after inflating all of it)."""
    data = bytearray(zip_bomb(size))
    entry = data.rindex(b"PK\x01\x02")  # the last directory entry: the zeros
    name_length = struct.unpack_from("<H", data, entry + 28)[0]
    assert data[entry + 46 : entry + 46 + name_length] == b"xl/worksheets/sheet1.xml"
    struct.pack_into("<L", data, entry + 16, zlib.crc32(bytes(declared)))
    struct.pack_into("<L", data, entry + 24, declared)
    return bytes(data)


def corrupted(data: bytes, name: str) -> bytes:
    """The archive with a few bytes of member `name`'s compressed data flipped."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    damaged = bytearray(data)
    for offset in range(start + 2, start + 6):
        damaged[offset] ^= 0xFF
    return bytes(damaged)
