"""Checks run on uploaded files before any parser sees them.

An .xlsx is a zip of XML parts. A small upload can expand to gigabytes (a zip bomb), and its
XML may declare entities (billion laughs) or external entities (XXE). Archives are checked
from their central directory first; then each part is inflated chunk by chunk, never held
whole, to make sure it is no larger than the directory says. XML is parsed with defusedxml,
which refuses DTDs, entity declarations and external references.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.utils.translation import gettext as _

MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 2_000
INFLATE_CHUNK = 64 * 1024
# A zip member's local header: signature, version, flags, method, time, date, CRC-32,
# sizes, then the lengths of the name and of the extra field that precede the data.
LOCAL_HEADER = struct.Struct("<4s5H3L2H")


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
        if not _unpacks_to_declared_size(data, member):
            raise UnsafeFile(
                _("This .xlsx file is damaged: its part %(part)s is not the size it declares.")
                % {"part": member.filename}
            )
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            try:
                content = archive.read(member)
            except (zipfile.BadZipFile, RuntimeError):  # a bad checksum; an encrypted part
                raise UnsafeFile(
                    _("This .xlsx file is damaged: its part %(part)s cannot be read.")
                    % {"part": member.filename}
                ) from None
            check_xml(content, name=member.filename)


def _unpacks_to_declared_size(data: bytes, member: zipfile.ZipInfo) -> bool:
    """Whether the member's data unpacks to exactly the size the central directory gives.

    zipfile stops at the declared size but inflates the whole stream before cutting it
    (up to 2 GB in one call), so a part that understates its size is a zip bomb the size
    check above cannot see. Workbooks use only "stored" and "deflated" parts.
    """
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size == member.file_size
    if member.compress_type != zipfile.ZIP_DEFLATED:
        return False
    header = data[member.header_offset : member.header_offset + LOCAL_HEADER.size]
    if len(header) < LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        return False
    *_fields, name_length, extra_length = LOCAL_HEADER.unpack(header)
    start = member.header_offset + LOCAL_HEADER.size + name_length + extra_length
    stream = memoryview(data)[start : start + member.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    try:
        for offset in range(0, len(stream), INFLATE_CHUNK):
            pending: bytes | memoryview = stream[offset : offset + INFLATE_CHUNK]
            while pending:
                size += len(inflater.decompress(pending, INFLATE_CHUNK))
                if size > member.file_size:
                    return False
                pending = inflater.unconsumed_tail
        size += len(inflater.flush())
    except zlib.error:
        return False
    return size == member.file_size


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
