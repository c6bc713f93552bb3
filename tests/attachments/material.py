"""Attachment test material, built only from real reports in ``../shared``.

- ``hongze_pdf``: the real 洪泽区 2023 report PDF (corpus/attachments/hongze_qu_2023.pdf).
- ``filled_docx``: the real official 2021 template DOCX with its empty value cells filled with
  the 洪泽区 2023 values (HONGZE below), as an authority fills it in Word.
- ``hongze_xlsx``: the same filled tables written cell for cell to a workbook with openpyxl,
  merged ranges kept.
- ``scanned_pages``: pages of the real PDF rendered to PNG (pdfium, the renderer pdfplumber
  ships) as a scanner would deliver them.

The gold values are typed from the PDF by reading its pages (rendered to PNG and looked at),
not taken from any parser's output.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

# --- Gold: 洪泽区人民政府 2023, read off pages 2-4 of hongze_qu_2023.pdf ------------------------

HONGZE_T2 = {
    ("regulations", "issued"): 0,
    ("regulations", "repealed"): 0,
    ("regulations", "in_force"): 0,
    ("normative_documents", "issued"): 0,
    ("normative_documents", "repealed"): 5,
    ("normative_documents", "in_force"): 5,
    ("licensing", "decisions"): 550,
    ("penalty", "decisions"): 4119,
    ("coercion", "decisions"): 195,
    ("fees", "amount_wan_yuan"): Decimal("7730.28"),
}
#: Table 三, 自然人 column as printed; every legal-person column is printed 0 and the 总计
#: column repeats the 自然人 figures.
HONGZE_T3_NATURAL = {
    "new_requests": 21,
    "carried_over": 0,
    "granted": 0,
    "partially_granted": 4,
    "denied.state_secret": 1,
    "denied.law_prohibited": 0,
    "denied.security_stability": 0,
    "denied.third_party_rights": 0,
    "denied.internal_affairs": 0,
    "denied.process_info": 1,
    "denied.enforcement_file": 1,
    "denied.admin_query": 0,
    "unable.not_held": 10,
    "unable.needs_creation": 3,
    "unable.unclear_after_correction": 0,
    "not_processed.petition_complaint": 1,
    "not_processed.duplicate": 0,
    "not_processed.publication": 0,
    "not_processed.excessive": 0,
    "not_processed.confirm_or_reissue": 0,
    "total_processed": 21,
    "carried_forward": 0,
}
ORG_COLUMNS = (
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)
#: Table 四 as printed (breaks its own rule: 复议 10 + 1 but 总计 0; 复议后起诉 5 but 总计 0).
HONGZE_T4 = {
    "review": (10, 1, 0, 0, 0),
    "litigation_direct": (0, 0, 0, 0, 0),
    "litigation_after_review": (5, 0, 0, 0, 0),
}
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


def _unique_cells(row: Any) -> list[Any]:
    seen: list[Any] = []
    out = []
    for cell in row.cells:
        if cell._tc not in seen:
            seen.append(cell._tc)
            out.append(cell)
    return out


def _fill(row: Any, values: list[object]) -> None:
    cells = _unique_cells(row)
    for cell, value in zip(cells[-len(values) :], values, strict=True):
        cell.text = str(value)


def fill_template(template: bytes) -> bytes:
    """The official template with the 洪泽区 2023 values typed into its value cells."""
    import docx

    document = docx.Document(io.BytesIO(template))
    t2, t3, t4 = document.tables
    by_label = {
        "规章": ["0", "0", "0"],
        "行政规范性文件": ["0", "5", "5"],
        "行政许可": ["550"],
        "行政处罚": ["4119"],
        "行政强制": ["195"],
        "行政事业性收费": ["7730.28"],
    }
    for row in t2.rows:
        label = _unique_cells(row)[0].text.strip()
        if label in by_label:
            _fill(row, by_label[label])
    keys = list(HONGZE_T3_NATURAL)
    # Template rows 3..27: 一, 二, （一）…（五） leaves, （六） three sub-rows, （七）, 四.
    order = [*keys[:20], "other.a", "other.b", "other.c", "total_processed", "carried_forward"]
    for row, key in zip(t3.rows[3:], order, strict=True):
        natural = HONGZE_T3_NATURAL.get(key, 0)
        _fill(row, [natural, 0, 0, 0, 0, 0, natural])
    _fill(t4.rows[3], [v for group in HONGZE_T4.values() for v in group])
    paragraphs = document.paragraphs
    paragraphs[0].text = "洪泽区人民政府2023年政府信息公开工作年度报告"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_tables_to_xlsx(data: bytes) -> bytes:
    """Each DOCX table on its own sheet, merged cells as merged ranges (openpyxl)."""
    import docx
    import openpyxl
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    book = openpyxl.Workbook()
    book.remove(book.active)
    heading = ""
    index = 0
    for block in document.iter_inner_content():
        if not isinstance(block, Table):
            heading = block.text.strip() or heading
            continue
        table = block
        index += 1
        sheet = book.create_sheet(f"表{index}")
        # The section heading above the table becomes the sheet's merged title row.
        sheet.cell(1, 1, heading)
        width = len(table.rows[0].cells)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        owners: dict[Any, tuple[Any, list[tuple[int, int]]]] = {}
        for r, row in enumerate(table.rows, start=2):
            for c, cell in enumerate(row.cells, start=1):
                owners.setdefault(cell._tc, (cell, []))[1].append((r, c))
        for cell, positions in owners.values():
            (r0, c0), (r1, c1) = positions[0], positions[-1]
            value: object = cell.text.strip()
            if isinstance(value, str) and value.replace(".", "", 1).isdigit():
                value = Decimal(value) if "." in value else int(value)
            sheet.cell(r0, c0, value if value != "" else None)
            if (r0, c0) != (r1, c1):
                sheet.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_pages(pdf: bytes, pages: list[int], dpi: int = 150) -> list[bytes]:
    """PNG images of 1-based ``pages`` of a PDF, as a scanner would deliver them."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    images = []
    for number in pages:
        bitmap = document[number - 1].render(scale=dpi / 72)
        out = io.BytesIO()
        bitmap.to_pil().convert("L").save(out, format="PNG")
        images.append(out.getvalue())
    document.close()
    return images


def images_to_pdf(images: list[bytes], dpi: int = 150) -> bytes:
    """A scanned PDF: one image per page, no text layer (Pillow's PDF writer)."""
    from PIL import Image

    pages = [Image.open(io.BytesIO(data)).convert("RGB") for data in images]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


def assert_hongze_tables(report: Any, *, t2: bool = True) -> None:
    """Every value of tables 二 (optional), 三 and 四 equals the printed 洪泽区 2023 value."""
    if t2:
        table = report.tables["t2"]
        got = {key: table.value(*key) for key in HONGZE_T2}
        assert got == HONGZE_T2
    t3 = report.tables["t3"]
    for row, natural in HONGZE_T3_NATURAL.items():
        assert t3.value(row, "natural_person") == natural, row
        assert t3.value(row, "total") == natural, row
        for col in ORG_COLUMNS:
            assert t3.value(row, col) == 0, (row, col)
    t4 = report.tables["t4"]
    for row, values in HONGZE_T4.items():
        assert tuple(t4.value(row, col) for col in T4_COLUMNS) == values, row
    failed = sorted((c.rule, c.binding) for c in report.checks if c.status == "fail")
    assert failed == [
        ("T4_GROUP_TOTAL", "litigation_after_review"),
        ("T4_GROUP_TOTAL", "review"),
    ]


def require_soffice() -> str:
    """LibreOffice for the DOC/WPS/XLS conversion tests: skip locally, fail under CI."""
    import os
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        return soffice
    message = "LibreOffice (soffice) is not installed; .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def soffice_convert(data: bytes, source_suffix: str, target: str) -> bytes:
    """Convert with LibreOffice as a person would save-as (used to make DOC/WPS/XLS files)."""
    import subprocess
    import tempfile

    soffice = require_soffice()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / f"in{source_suffix}"
        source.write_bytes(data)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(folder / "out"),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (folder / "out" / f"in.{target.split(':')[0]}").read_bytes()
