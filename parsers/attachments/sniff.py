"""What a downloaded file really is, from its first bytes rather than its name or header.

Portals label files carelessly (``application/octet-stream`` for everything, ``.doc`` files
that are DOCX, ``.xls`` that are HTML tables) and sometimes answer a file URL with an error or
login page. The magic bytes decide; the name and the declared type only break ties between
formats that share a container (OLE2: DOC/WPS vs XLS/ET; zip: DOCX vs XLSX).
"""

from __future__ import annotations

import io
import zipfile

PDF, DOCX, XLSX, DOC, XLS, IMAGE, HTML, TEXT, UNKNOWN = (
    "pdf",
    "docx",
    "xlsx",
    "doc",
    "xls",
    "image",
    "html",
    "text",
    "unknown",
)

#: Kinds a report can be read from.
DOCUMENT_KINDS = frozenset({PDF, DOCX, XLSX, DOC, XLS, IMAGE})

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)
_WORD_EXT = (".doc", ".wps", ".dot", ".wpt", ".rtf")
_SHEET_EXT = (".xls", ".et", ".xlt", ".ett")


def declared_kind(filename: str | None, content_type: str | None) -> str:
    """The kind the name or header claims (``unknown`` when they say nothing useful)."""
    name = (filename or "").lower().split("?")[0]
    ctype = (content_type or "").lower()
    by_name = {
        ".pdf": PDF,
        ".docx": DOCX,
        ".xlsx": XLSX,
        ".png": IMAGE,
        ".jpg": IMAGE,
        ".jpeg": IMAGE,
        ".tif": IMAGE,
        ".tiff": IMAGE,
        ".bmp": IMAGE,
        ".gif": IMAGE,
    }
    for ext, kind in by_name.items():
        if name.endswith(ext):
            return kind
    if name.endswith(_WORD_EXT):
        return DOC
    if name.endswith(_SHEET_EXT):
        return XLS
    for marker, kind in (
        ("pdf", PDF),
        ("wordprocessingml", DOCX),
        ("spreadsheetml", XLSX),
        ("msword", DOC),
        ("ms-works", DOC),
        ("wps", DOC),
        ("ms-excel", XLS),
        ("image/", IMAGE),
        ("html", HTML),
    ):
        if marker in ctype:
            return kind
    return UNKNOWN


def sniff_kind(data: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    """The kind the bytes are, whatever the name says."""
    head = data[:2048]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data, declared_kind(filename, content_type))
    if head.startswith(_OLE2):
        return _ole_kind(data, declared_kind(filename, content_type))
    if any(head.startswith(magic) for magic in _IMAGE_MAGIC):
        return IMAGE
    lowered = stripped[:512].lower()
    if lowered.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<script")):
        return HTML
    if b"<html" in lowered or b"<table" in lowered:
        return HTML
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return UNKNOWN
    return TEXT


def _zip_kind(data: bytes, declared: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        # A damaged zip named as an Office file is that file, damaged (refused as corrupt).
        return declared if declared in (DOCX, XLSX) else UNKNOWN
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return declared if declared in (DOCX, XLSX) else UNKNOWN


def _ole_kind(data: bytes, declared: str) -> str:
    """OLE2 compound files: Word/WPS keep a ``WordDocument`` stream, Excel/ET a ``Workbook``.

    The stream names are UTF-16 in the directory sectors; searching the bytes is enough to
    tell the two apart without an OLE parser.
    """
    if "WordDocument".encode("utf-16-le") in data:
        return DOC
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return XLS
    return declared if declared in (DOC, XLS) else DOC
