"""PDF attachments: tables with their cell structure from the text layer, scans by OCR.

pdfplumber's table finder (ruling lines) was chosen over PyMuPDF's after measuring both on the
real 洪泽区 2023 report (corpus/attachments/hongze_qu_2023.pdf): both find the same 7 table
pieces, but PyMuPDF splits cell text at punctuation (``7730.28`` came out as ``773028\\n.``,
``1.属于国家秘密`` as ``1属于国家秘密\\n.``), moved the enumerator ``一、`` behind its label and
put ``550`` in the wrong column of a spanned row; pdfplumber returned every cell exactly as
printed, merged cells as ``None``, and took 0.33 s against 1.75 s for the five pages.

Before pdfplumber (pdfminer) touches the file, pikepdf (qpdf) opens it: a password-protected,
hopelessly corrupt or oversized file is refused there, and every stream is decoded through its
whole filter chain under a cap (pdfstreams.py) so a decompression bomb is refused before
pdfminer would inflate it whole.
"""

from __future__ import annotations

import io
import logging
import struct
import zlib
from typing import Any

from nianbao.parsers.layout import Row

from .document import Extracted, OcrStats
from .grid import grid_rows, text_rows
from .limits import MAX_OCR_PIXELS, AttachmentRefused, Limits
from .pdfstreams import decoded_size

logger = logging.getLogger(__name__)
# pdfminer logs a warning per glyph of a damaged font; the outcome is reported on the report.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

#: A page with fewer characters than this in its text layer is taken for a scan.
_MIN_TEXT_CHARS = 20
#: Share of ``(cid:N)`` glyphs (fonts without a Unicode map) above which the layer is useless.
_MAX_CID_SHARE = 0.3
_CHUNK = 1024 * 1024


def guard_pdf(data: bytes, limits: Limits) -> tuple[int, bytes | None]:
    """Open the file with qpdf and check it against the limits.

    Returns the page count and, when qpdf had to repair the file (a download cut short, a
    broken cross-reference table), the repaired file for pdfminer to read instead.
    """
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as error:
        raise AttachmentRefused(
            "attachment_encrypted", "the PDF is encrypted with a password"
        ) from error
    except (pikepdf.PdfError, ValueError, RuntimeError) as error:
        raise AttachmentRefused("attachment_corrupt", f"not a readable PDF: {error}") from error
    with pdf:
        pages = len(pdf.pages)
        if pages == 0:
            raise AttachmentRefused("attachment_corrupt", "the PDF has no pages")
        if pages > limits.max_pages:
            raise AttachmentRefused(
                "attachment_too_many_pages", f"{pages} pages > limit {limits.max_pages}"
            )
        inflated = 0
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                inflated += _stream_size(obj, limits.max_decompressed - inflated)
                if inflated > limits.max_decompressed:
                    raise AttachmentRefused(
                        "attachment_decompression_bomb",
                        f"streams inflate past {limits.max_decompressed} bytes",
                    )
        repaired = None
        if pdf.get_warnings():
            out = io.BytesIO()
            try:
                pdf.save(out)
            except (pikepdf.PdfError, RuntimeError) as error:
                raise AttachmentRefused(
                    "attachment_corrupt", f"unrepairable PDF: {error}"
                ) from error
            repaired = out.getvalue()
    return pages, repaired


def _stream_size(stream: Any, budget: int) -> int:
    """Decoded size of a stream through its whole filter chain, stopped just past ``budget``."""
    import pikepdf

    try:
        raw = stream.read_raw_bytes()
    except pikepdf.PdfError:
        return 0
    filters = stream.get("/Filter")
    if filters is None:
        return len(raw)
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
    return decoded_size(raw, names, budget)


def read_pdf(data: bytes, limits: Limits) -> Extracted:
    """The row stream of a PDF: grid rows for ruled tables, text rows around them, page by
    page; pages without a text layer are rendered and OCRed (within ``ocr_max_pages``)."""
    import pdfplumber
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    pages, repaired = guard_pdf(data, limits)
    out = Extracted(kind="pdf", pages=pages)
    if repaired is not None:
        out.warn(
            "attachment_damaged", "the PDF was damaged (e.g. cut short); read as qpdf repaired it"
        )
        data = repaired
    texts: list[str] = []
    table_index = 0
    last_was_table = False
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                if not _has_text_layer(page):
                    rows, text = _ocr_page(page, number, out, limits)
                    texts.append(text)
                    out.rows.extend(rows)
                    last_was_table = False
                    continue
                texts.append(page.extract_text() or "")
                items = _page_items(page)
                for position, (kind, payload) in enumerate(items):
                    if kind == "table":
                        if position == 0 and last_was_table:
                            out.continuations.append(len(out.rows))
                        out.rows.extend(grid_rows(payload, table_index))
                        table_index += 1
                    else:
                        out.rows.extend(payload)
                last_was_table = bool(items) and items[-1][0] == "table"
                page.flush_cache()
    except AttachmentRefused:
        raise
    except (
        PdfminerException,
        PDFException,
        PSException,
        ValueError,
        KeyError,
        struct.error,
        zlib.error,
    ) as error:
        raise AttachmentRefused(
            "attachment_corrupt", f"pdfminer cannot read it: {error}"
        ) from error
    if repaired is not None and not out.rows:
        raise AttachmentRefused("attachment_corrupt", "damaged PDF: nothing readable after repair")
    out.text = "\n".join(texts)
    return out


def _has_text_layer(page: Any) -> bool:
    text = "".join(char["text"] for char in page.chars)
    if len(text.strip()) < _MIN_TEXT_CHARS:
        return False
    return text.count("(cid:") * 5 / max(len(text), 1) < _MAX_CID_SHARE


def _page_items(page: Any) -> list[tuple[str, Any]]:
    """Tables and runs of text lines of one page in reading order (top to bottom).

    A table of one column is not a table (pdfplumber finds frames drawn around body text);
    its lines are read as text. Text lines inside a table's box belong to the table.
    """
    tables = [t for t in page.find_tables() if _columns(t) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    lines = (
        page.filter(outside).extract_text_lines(return_chars=False)
        if boxes
        else (page.extract_text_lines(return_chars=False))
    )
    placed: list[tuple[float, int, str, Any]] = [
        (line["top"], 1, "line", line["text"]) for line in lines
    ]
    placed += [(t.bbox[1], 0, "table", _table_grid(page, t)) for t in tables]
    placed.sort(key=lambda item: (item[0], item[1]))
    items: list[tuple[str, Any]] = []
    run: list[str] = []
    for _, _, kind, payload in placed:
        if kind == "line":
            run.append(payload)
            continue
        if run:
            rows = text_rows(run)
            if rows:
                items.append(("text", rows))
            run = []
        items.append(("table", payload))
    if run:
        rows = text_rows(run)
        if rows:
            items.append(("text", rows))
    return items


def _table_grid(page: Any, table: Any) -> list[list[str | None]]:
    """The table's cells; text the finder left outside every cell is put back in place.

    Where a table continues from the previous page its top rule is missing, and pdfplumber
    finds no cell for the first row's label (洪泽区 2023, page 3: 信息内容 came back ``None``).
    Characters inside the table but in no cell are assigned to the empty grid position under
    them, so no printed label or value is lost.
    """
    grid = table.extract()
    boxes = [box for box in table.cells if box is not None]

    def in_box(char: dict, box: tuple[float, float, float, float]) -> bool:
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        return box[0] <= x <= box[2] and box[1] <= y <= box[3]

    orphans = [
        char
        for char in page.chars
        if in_box(char, table.bbox)
        and char["text"].strip()
        and not any(in_box(char, box) for box in boxes)
    ]
    if not orphans:
        return grid
    columns = [column.bbox for column in table.columns]
    for r, row in enumerate(table.rows):
        for c, box in enumerate(row.cells):
            if box is not None or grid[r][c] is not None or c >= len(columns):
                continue
            implied = (columns[c][0], row.bbox[1], columns[c][2], row.bbox[3])
            chars = sorted(
                (ch for ch in orphans if in_box(ch, implied)), key=lambda ch: (ch["top"], ch["x0"])
            )
            if chars:
                grid[r][c] = "".join(ch["text"] for ch in chars)
    return grid


def _columns(table: Any) -> int:
    return max((len(row.cells) for row in table.rows), default=0)


def _ocr_page(page: Any, number: int, out: Extracted, limits: Limits) -> tuple[list[Row], str]:
    """Render a page without a text layer and read it by OCR, within the page budget."""
    from .ocr import OcrUnavailable, ocr_image

    stats = out.ocr or OcrStats()
    if len(stats.pages) >= limits.ocr_max_pages:
        out.warn("table_image", f"page {number} has no text layer; OCR page limit reached")
        return [], ""
    pixels = float(page.width) * float(page.height) * (limits.ocr_dpi / 72) ** 2
    if pixels > MAX_OCR_PIXELS:
        out.warn("table_image", f"page {number} has no text layer and is too large to render")
        return [], ""
    try:
        image = page.to_image(resolution=limits.ocr_dpi).original
        result = ocr_image(image)
    except OcrUnavailable as error:
        out.warn("table_image", f"page {number} has no text layer and OCR is unavailable: {error}")
        return [], ""
    out.ocr = stats
    stats.pages.append(number)
    stats.boxes += result.boxes
    stats.low_confidence += result.low_confidence
    stats.min_score = min(stats.min_score, result.min_score)
    return result.rows, result.text
