"""Reading back the PDF files the reports write, without a PDF library.

WeasyPrint writes its page objects into compressed object streams; inflating every stream
is enough to count pages, read the outline (bookmarks) and see the fonts. The text itself
is read with poppler's `pdftotext` (poppler-utils, which ./dev test installs): the tests
that read it need it and fail without it; none is skipped.
"""

from __future__ import annotations

import re
import subprocess
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def inflated(content: bytes) -> bytes:
    """The file with every Flate stream inflated and appended."""
    parts = [content]
    for stream in STREAM.findall(content):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def page_count(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", inflated(content)))


def outline(content: bytes) -> list[str]:
    """The titles of the bookmarks (WeasyPrint makes one per heading)."""
    titles = []
    for raw in re.findall(rb"/Title\s*(\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f]*>)", inflated(content)):
        if raw.startswith(b"<"):
            data = bytes.fromhex(raw[1:-1].decode())
            titles.append(
                data[2:].decode("utf-16-be") if data[:2] == b"\xfe\xff" else data.decode("latin-1")
            )
        else:
            titles.append(re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1"))
    return titles


def text(content: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """The text of the file, by poppler's pdftotext (./dev test installs poppler-utils)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return done.stdout.decode()
