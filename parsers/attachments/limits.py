"""Limits on what an attachment may cost, and the refusal raised when a file breaks one.

Portals serve whatever was uploaded: 300-page scans, spreadsheets exported with a million empty
rows, password-protected PDFs, error pages saved as ``.pdf``. A crawl must read thousands of
files without one of them exhausting memory or time, so every reader checks these limits
*before* the expensive step (decompression, rendering, OCR) and refuses instead of trying.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.parsers.model import ParseError

MB = 1024 * 1024
#: Pixels of one image handed to OCR: an A4 page at 300 dpi is 8.7 million; a larger bitmap
#: is a decompression bomb (a few kB of PNG can declare 100,000 x 100,000 pixels).
MAX_OCR_PIXELS = 80_000_000


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps for one attachment; the crawler builds them from the ``NIANBAO_ATTACHMENT_*``
    settings, direct callers get the defaults."""

    #: Bytes of the file as downloaded.
    max_bytes: int = 50 * MB
    #: Pages of a PDF (real annual reports have 3-40); sheets x 50 rows count for workbooks.
    max_pages: int = 200
    #: Bytes after decompression: all members of a DOCX/XLSX zip, all Flate streams of a PDF.
    max_decompressed: int = 300 * MB
    #: Decompressed / compressed ratio of a zip member above which it is taken for a bomb.
    max_ratio: int = 200
    #: Pages without a text layer that are OCRed; 0 turns OCR off.
    ocr_max_pages: int = 30
    #: Resolution scanned pages are rendered at for OCR.
    ocr_dpi: int = 150
    #: Seconds a LibreOffice conversion of a DOC/WPS/ET file may take.
    convert_timeout: float = 120.0
    #: The LibreOffice binary; empty means "look for soffice / libreoffice on PATH".
    soffice: str = ""


DEFAULT_LIMITS = Limits()


class AttachmentRefused(ParseError):
    """The file is not read: too large, encrypted, corrupt, a bomb, or not what it claims.

    ``code`` is the warning code stored on the report (``attachment_too_large``,
    ``attachment_encrypted`` ...), so a refused file is recorded, never silently skipped.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
