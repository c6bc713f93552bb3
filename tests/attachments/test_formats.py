"""Every real attachment, and real report tables rendered into each format, read exactly."""

from __future__ import annotations

from pathlib import Path

from nianbao.parsers import parse_path
from nianbao.parsers.attachments import (
    completeness,
    disagreements,
    parse_attachment,
    read_attachment,
)

from .material import (
    HONGZE_T2,
    assert_hongze_tables,
    soffice_convert,
)


def test_hongze_pdf_reads_every_printed_value(hongze_pdf: bytes) -> None:
    report = parse_attachment(hongze_pdf, filename="hongze_qu_2023.pdf")
    assert_hongze_tables(report)
    assert report.report_year == 2023
    assert "洪泽区" in (report.authority or "")
    # Tables 二 and 三 run over a page break (pages 2→3 and 3→4).
    assert "table_split" in report.tables["t2"].flags
    assert "table_split" in report.tables["t3"].flags
    # Table 四 is stored as printed and flagged, never fixed: 复议 总计 0, 复议后起诉 总计 0.
    t4_review = next(c for c in report.checks if c.binding == "review")
    assert (t4_review.status, t4_review.lhs, t4_review.rhs) == ("fail", 0, 11)


def test_hongze_pdf_cells_keep_their_structure(hongze_pdf: bytes) -> None:
    """pdfplumber's grid: merged cells once, wrapped and vertical labels joined."""
    rows = read_attachment(hongze_pdf, filename="hongze_qu_2023.pdf").rows
    by_label = {row.filled()[0]: row for row in rows if row.exact and row.filled()}
    assert by_label["行政事业性收费"].cells == ["行政事业性收费", "7730.28"]
    # The vertical label 三/、/本/年/度/办/理/结/果 printed one character per line.
    first_result = by_label["三、本年度办理结果"]
    assert first_result.cells[:3] == ["三、本年度办理结果", "（一）予以公开", None]
    assert first_result.cells[3:] == ["0"] * 7
    # 信息内容 at the top of page 3 sits in a table whose top rule is on page 2.
    assert ["信息内容", "本年处理决定数量"] in [row.cells for row in rows if row.exact]
    t4_values = [row.cells for row in rows if row.exact and row.cells[0] == "10"]
    assert t4_values == [
        ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]
    ]


def test_hongze_pdf_agrees_with_its_text_layer_transcription(
    hongze_pdf: bytes, shared: Path
) -> None:
    text_report = parse_path(shared / "corpus" / "texts" / "011_hongze_qu_2023.txt")
    pdf_report = parse_attachment(hongze_pdf, filename="hongze_qu_2023.pdf")
    assert disagreements(text_report, pdf_report) == []
    assert completeness(pdf_report) >= completeness(text_report)


def test_blank_template_docx_is_unfilled(template_docx: bytes) -> None:
    report = parse_attachment(template_docx, filename="政务公开年报模版.docx")
    assert set(report.tables) == {"t2", "t3", "t4"}
    for table in report.tables.values():
        assert table.flags == ["table_unfilled"]
        assert all(cell.value is None for cell in table.cells.values())
    assert report.format == "f2021"
    rows = read_attachment(template_docx, filename="x.docx").rows
    # python-docx repeats a merged cell's text; the grid keeps it once (the 勾稽 note spans
    # three columns and three rows).
    note = [row for row in rows if row.exact and (row.cells[0] or "").startswith("（本列数据")]
    assert len(note) == 1
    assert note[0].cells[1:3] == [None, None]


def test_filled_template_docx(filled_docx: bytes) -> None:
    report = parse_attachment(filled_docx, filename="洪泽区2023年报.docx")
    assert_hongze_tables(report)
    assert report.tables["t3"].variant == "t3_2021"
    assert report.report_year == 2023


def test_xlsx_with_merged_ranges(hongze_xlsx: bytes) -> None:
    report = parse_attachment(hongze_xlsx, filename="统计表.xlsx")
    assert_hongze_tables(report)
    # Money keeps its decimals as printed.
    assert (
        report.tables["t2"].value("fees", "amount_wan_yuan")
        == HONGZE_T2[("fees", "amount_wan_yuan")]
    )


def test_legacy_xls_through_xlrd(hongze_xlsx: bytes) -> None:
    xls = soffice_convert(hongze_xlsx, ".xlsx", "xls")
    assert xls[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    report = parse_attachment(xls, filename="统计表.xls")
    assert_hongze_tables(report)


def test_legacy_doc_and_wps_through_libreoffice(filled_docx: bytes) -> None:
    doc = soffice_convert(filled_docx, ".docx", "doc")
    assert doc[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    for name in ("洪泽区2023年报.doc", "洪泽区2023年报.wps"):
        report = parse_attachment(doc, filename=name)
        assert_hongze_tables(report)
        assert not [w for w in report.warnings if w.code.startswith("attachment_")]


def test_xls_that_is_an_html_export(hongze_xlsx: bytes) -> None:
    """Portals often serve a workbook saved as a web page under its .xls name."""
    html = soffice_convert(hongze_xlsx, ".xlsx", "html")
    assert b"<table" in html.lower()
    report = parse_attachment(html, filename="政府信息公开情况统计表.xls")
    assert_hongze_tables(report)
    assert "attachment_type_mismatch" in [w.code for w in report.warnings]
