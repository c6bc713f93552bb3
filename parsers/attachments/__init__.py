"""``nianbao.parsers.attachments`` (directory ``parsers/attachments/``): reports published as
attachments: PDF, DOCX, DOC/WPS, XLSX/XLS/ET and scanned images.

``parse_attachment(data, filename=..., content_type=...)`` checks the file against the limits,
decides what it really is from its bytes, turns it into the shared row stream (exact grid rows
for real table cells) and assembles the :class:`~nianbao.parsers.model.Report` with the same
table readers and rules as a page. A file that cannot or must not be read raises
:class:`AttachmentRefused` (a ``ParseError``) whose ``code`` is the warning to store.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from nianbao.parsers.model import Report
from nianbao.parsers.report import parse_rows
from nianbao.parsers.sections import find_headings

from .document import Extracted
from .limits import DEFAULT_LIMITS, MAX_OCR_PIXELS, AttachmentRefused, Limits
from .merge import completeness, disagreements, merge_reports
from .sniff import (
    DOC,
    DOCUMENT_KINDS,
    DOCX,
    HTML,
    IMAGE,
    PDF,
    UNKNOWN,
    XLS,
    XLSX,
    declared_kind,
    sniff_kind,
)

__all__ = [
    "DEFAULT_LIMITS",
    "AttachmentRefused",
    "Limits",
    "completeness",
    "disagreements",
    "merge_reports",
    "parse_attachment",
    "read_attachment",
    "sniff_kind",
]

_FAMILY_OF_SECTION = {"proactive": "t2", "requests": "t3", "review_litigation": "t4"}


def parse_attachment(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
    hints: dict | None = None,
    limits: Limits | None = None,
) -> Report:
    """Parse one attachment into a report; raise :class:`AttachmentRefused` when refused."""
    limits = limits or DEFAULT_LIMITS
    filename = filename or _filename(url)
    extracted = read_attachment(data, filename=filename, content_type=content_type, limits=limits)
    report = parse_rows(extracted.rows, extracted.text, url=url, hints=hints)
    for code, detail in extracted.warnings:
        report.warn(code, detail)
    _flag_splits(report, extracted)
    if extracted.ocr is not None:
        _flag_ocr(report, extracted)
    return report


def read_attachment(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    limits: Limits | None = None,
) -> Extracted:
    """The row stream of a file, by what its bytes are; the limits checked first."""
    limits = limits or DEFAULT_LIMITS
    if not data:
        raise AttachmentRefused("attachment_empty", "the file is empty")
    if len(data) > limits.max_bytes:
        raise AttachmentRefused(
            "attachment_too_large", f"{len(data)} bytes > limit {limits.max_bytes}"
        )
    kind = sniff_kind(data, filename, content_type)
    claimed = declared_kind(filename, content_type)
    if kind == HTML and claimed in (XLS, DOC):
        # Office "save as web page" exports keep the .xls/.doc name (common for 统计表); an
        # HTML table is read as on a page. A PDF/DOCX/XLSX can never be HTML: refused below.
        extracted = _read_html(data, content_type)
        extracted.warn("attachment_type_mismatch", f"named as {claimed}, read as HTML")
        return extracted
    if kind not in DOCUMENT_KINDS:
        raise AttachmentRefused(
            "attachment_type_mismatch",
            f"claims to be {claimed} ({filename or '-'}, {content_type or '-'}) but is {kind}",
        )
    try:
        extracted = _read(kind, data, filename, limits)
    except AttachmentRefused:
        raise
    except Exception as error:  # zlib.error, XMLSyntaxError, a reader's ValueError on bad bytes
        raise AttachmentRefused(
            "attachment_corrupt", f"the {kind} reader failed: {type(error).__name__}: {error}"
        ) from error
    if claimed not in (UNKNOWN, kind) and {claimed, kind} != {DOC, DOCX}:
        extracted.warn("attachment_type_mismatch", f"named as {claimed}, read as {kind}")
    return extracted


def _read(kind: str, data: bytes, filename: str | None, limits: Limits) -> Extracted:
    if kind == PDF:
        from .pdf import read_pdf

        return read_pdf(data, limits)
    if kind == DOCX:
        from .docx import read_docx

        return read_docx(data, limits)
    if kind == XLSX:
        from .sheet import read_xlsx

        return read_xlsx(data, limits)
    if kind == XLS:
        return _read_xls(data, filename, limits)
    if kind == DOC:
        from .convert import convert
        from .docx import read_docx

        suffix = _suffix(filename, ".doc")
        extracted = read_docx(convert(data, suffix, "docx", limits), limits)
        extracted.kind = DOC
        return extracted
    return _read_image(data, limits)


def _read_html(data: bytes, content_type: str | None) -> Extracted:
    from nianbao.parsers.html_rows import decode_html, parse_html_document, rows_from_html

    rows = rows_from_html(parse_html_document(decode_html(data, content_type)))
    text = "\n".join(" ".join(row.filled()) for row in rows)
    return Extracted(kind=HTML, rows=rows, text=text, pages=1)


def _read_xls(data: bytes, filename: str | None, limits: Limits) -> Extracted:
    """XLS through xlrd; a WPS ET workbook xlrd cannot read goes through LibreOffice."""
    from .sheet import read_xls, read_xlsx

    try:
        return read_xls(data, limits)
    except AttachmentRefused:
        from .convert import convert

        extracted = read_xlsx(convert(data, _suffix(filename, ".xls"), "xlsx", limits), limits)
        extracted.kind = XLS
        return extracted


def _read_image(data: bytes, limits: Limits) -> Extracted:
    from PIL import Image, UnidentifiedImageError

    from .document import OcrStats
    from .ocr import OcrUnavailable, ocr_image

    out = Extracted(kind=IMAGE, pages=1)
    if limits.ocr_max_pages <= 0:
        out.warn("table_image", "the attachment is an image and OCR is turned off")
        return out
    try:
        with Image.open(_bytes_io(data)) as image:
            if image.width * image.height > MAX_OCR_PIXELS:
                raise AttachmentRefused(
                    "attachment_decompression_bomb",
                    f"image of {image.width}x{image.height} pixels",
                )
            result = ocr_image(image)
    except Image.DecompressionBombError as error:
        raise AttachmentRefused("attachment_decompression_bomb", str(error)) from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise AttachmentRefused("attachment_corrupt", f"not a readable image: {error}") from error
    except OcrUnavailable as error:
        out.warn("table_image", f"the attachment is an image and OCR is unavailable: {error}")
        return out
    out.rows, out.text = result.rows, result.text
    out.ocr = OcrStats([1], result.boxes, result.low_confidence, result.min_score)
    return out


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


def _filename(url: str | None) -> str | None:
    if not url:
        return None
    name = PurePosixPath(unquote(urlsplit(url).path)).name
    return name or None


def _suffix(filename: str | None, default: str) -> str:
    suffix = PurePosixPath(filename or "").suffix.lower()
    return suffix if suffix in (".doc", ".wps", ".dot", ".wpt", ".rtf", ".xls", ".et") else default


def _flag_splits(report: Report, extracted: Extracted) -> None:
    """Flag ``table_split`` on a table that continued from one page onto the next."""
    if not extracted.continuations:
        return
    headings = find_headings(extracted.rows)
    for index in extracted.continuations:
        before = [h for h in headings if h.index < index]
        family = _FAMILY_OF_SECTION.get(before[-1].key) if before else None
        table = report.tables.get(family) if family else None
        if table is not None and "table_split" not in table.flags:
            table.flags.append("table_split")


def _flag_ocr(report: Report, extracted: Extracted) -> None:
    """Mark every value read by OCR; say whether the rules back the reading up."""
    stats = extracted.ocr
    assert stats is not None
    for table in report.tables.values():
        if "ocr" not in table.flags:
            table.flags.append("ocr")
        for cell in table.cells.values():
            if "ocr" not in cell.flags:
                cell.flags.append("ocr")
    report.warn(
        "ocr",
        f"pages {stats.pages} read by OCR: {stats.boxes} text boxes, "
        f"{stats.low_confidence} below score 0.8 (lowest {stats.min_score:.2f})",
    )
    failed = sorted({check.rule for check in report.checks if check.status == "fail"})
    passed = sum(1 for check in report.checks if check.status == "pass")
    if failed:
        report.warn(
            "ocr_unverified",
            f"values read by OCR break {', '.join(failed)}: the reading may be wrong",
        )
    elif report.tables:
        report.warn("ocr_verified", f"values read by OCR pass all {passed} checkable rules")
