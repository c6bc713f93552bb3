"""Scans: pages of the real 洪泽区 PDF rendered to images and read back by OCR.

The images carry no text layer, only pixels, so every value below was recognised by RapidOCR
and placed in a cell rebuilt from the table's ruling lines.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from nianbao.parsers.attachments import Limits, parse_attachment

from .material import HONGZE_T4, T4_COLUMNS, assert_hongze_tables, images_to_pdf


def test_scanned_pdf_reads_back_tables_three_and_four(
    scanned_pages: Callable[[list[int]], list[bytes]],
) -> None:
    scan = images_to_pdf(scanned_pages([3, 4]))
    report = parse_attachment(scan, filename="洪泽区2023年报（扫描件）.pdf")
    assert_hongze_tables(report, t2=False)
    # Table 二 continues on page 3 from page 2 (not scanned here): its last rows are there.
    assert report.tables["t2"].value("fees", "amount_wan_yuan") is not None
    # Every value read by OCR is marked, and the report says what OCR did and what the
    # rules make of it: table 四 breaks T4_GROUP_TOTAL as printed, so the OCR reading is
    # not confirmed by the rules.
    for table in report.tables.values():
        assert "ocr" in table.flags
        assert all("ocr" in cell.flags for cell in table.cells.values())
    codes = [w.code for w in report.warnings]
    assert "ocr" in codes and "ocr_unverified" in codes
    assert "pages [1, 2]" in next(w.detail for w in report.warnings if w.code == "ocr")


def test_table_image_attachment(scanned_pages: Callable[[list[int]], list[bytes]]) -> None:
    """Table 四 alone as a picture (how some portals attach a table): page 4 of the real PDF
    at 150 dpi, cut from the section heading to below the table."""
    from PIL import Image

    (png,) = scanned_pages([4])
    page = Image.open(io.BytesIO(png))
    assert page.width == 1240  # A4 at 150 dpi
    out = io.BytesIO()
    page.crop((0, 630, 1240, 990)).save(out, format="JPEG", quality=90)
    report = parse_attachment(out.getvalue(), filename="附件2.jpg")
    t4 = report.tables["t4"]
    for row, values in HONGZE_T4.items():
        assert tuple(t4.value(row, col) for col in T4_COLUMNS) == values, row
    assert all("ocr" in cell.flags for cell in t4.cells.values())


def test_ocr_turned_off_stores_table_image(
    scanned_pages: Callable[[list[int]], list[bytes]],
) -> None:
    scan = images_to_pdf(scanned_pages([4]))
    report = parse_attachment(scan, filename="a.pdf", limits=Limits(ocr_max_pages=0))
    assert report.tables == {}
    assert "table_image" in [w.code for w in report.warnings]
