"""Text extraction from evaluation documents (PDF and DOCX), for search.

Uploads are checked before any parser sees them: a DOCX is a zip of XML parts, checked like
a workbook for zip bombs and entity declarations (capdev.lib.safe_files), then its
word/document.xml is read with defusedxml. A PDF is read with pypdf; a damaged one is
refused with a clear message rather than stored half-read.
"""

from __future__ import annotations

import io
import logging
import zipfile

from defusedxml import ElementTree as SafeElementTree
from django.utils.translation import gettext as _

from capdev.lib import safe_files
from capdev.lib.safe_files import UnsafeFile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def media_type_of(name: str, data: bytes) -> str:
    """The document's media type, from its content and its name (they must agree)."""
    lowered = name.lower()
    if data.startswith(b"%PDF-"):
        if not lowered.endswith(".pdf"):
            raise UnsafeFile(_("This file is a PDF but its name does not end in .pdf."))
        return PDF
    if data.startswith(b"PK"):
        if not lowered.endswith(".docx"):
            raise UnsafeFile(_("Only PDF and DOCX documents are accepted."))
        return DOCX
    raise UnsafeFile(_("Only PDF and DOCX documents are accepted."))


def check_docx(data: bytes) -> None:
    """Raise UnsafeFile unless `data` is a zip that is safe to open as a Word document."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsafeFile(
            _("This DOCX file is damaged: it cannot be opened as an archive.")
        ) from None
    members = archive.infolist()
    if len(members) > safe_files.MAX_MEMBERS:
        raise UnsafeFile(_("This DOCX file has too many parts to be a document."))
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    suspicious_ratio = total / packed > safe_files.MAX_COMPRESSION_RATIO and total > 1024 * 1024
    if total > safe_files.MAX_UNCOMPRESSED_BYTES or suspicious_ratio:
        raise UnsafeFile(
            _("This DOCX file would expand to %(size)s MB: refused as a possible zip bomb.")
            % {"size": f"{total / (1024 * 1024):.0f}"}
        )
    if "word/document.xml" not in archive.namelist():
        raise UnsafeFile(_("This archive is not a Word document (no word/document.xml)."))
    for member in members:
        if not safe_files._unpacks_to_declared_size(data, member):
            raise UnsafeFile(
                _("This DOCX file is damaged: its part %(part)s is not the size it declares.")
                % {"part": member.filename}
            )
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            try:
                content = archive.read(member)
            except (zipfile.BadZipFile, RuntimeError):
                raise UnsafeFile(
                    _("This DOCX file is damaged: its part %(part)s cannot be read.")
                    % {"part": member.filename}
                ) from None
            safe_files.check_xml(content, name=member.filename)


def docx_text(data: bytes) -> str:
    """The paragraphs of a (checked) DOCX, one a line."""
    check_docx(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = SafeElementTree.fromstring(archive.read("word/document.xml"), forbid_dtd=True)
    lines = []
    for paragraph in root.iter(f"{WORD_NS}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{WORD_NS}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{WORD_NS}tab":
                parts.append("\t")
        lines.append("".join(parts))
    return "\n".join(line for line in lines if line.strip())


def pdf_text(data: bytes) -> str:
    """The text of a PDF's pages; UnsafeFile for a damaged or encrypted one."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnsafeFile(_("This PDF is encrypted: upload it without a password."))
        pages = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            pages.append(text)
            size += len(text)
            if size > MAX_TEXT_CHARS:
                break
    except UnsafeFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
        raise UnsafeFile(_("This PDF is damaged: its text cannot be read.")) from None
    except RecursionError:
        raise UnsafeFile(_("This PDF is damaged: its text cannot be read.")) from None
    return "\n".join(pages)[:MAX_TEXT_CHARS].replace("\x00", "")


def extract_text(name: str, data: bytes) -> tuple[str, str]:
    """(media type, text) of an uploaded document; UnsafeFile when it is refused."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UnsafeFile(
            _("This file is larger than %(size)s MB.")
            % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}
        )
    if not data:
        raise UnsafeFile(_("The file is empty."))
    media_type = media_type_of(name, data)
    text = pdf_text(data) if media_type == PDF else docx_text(data)
    return media_type, text
