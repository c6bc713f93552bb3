"""A report found both on the page and in an attachment: the more complete reading is kept
and every cell the two disagree on is flagged with its address."""

from __future__ import annotations

from pathlib import Path

from nianbao.parsers import parse_html, parse_path, parse_text
from nianbao.parsers.attachments import merge_reports, parse_attachment

PAGE_URL = "http://www.hongze.gov.cn/hzqrmzf/zfxxgknb/2024/nb2023.html"
PDF_URL = "http://www.hongze.gov.cn/uploadfile/hongze_qu_2023.pdf"


def _text_page(shared: Path) -> str:
    return (shared / "corpus" / "texts" / "011_hongze_qu_2023.txt").read_text("utf-8")


def test_page_and_pdf_of_one_report_agree(shared: Path, hongze_pdf: bytes) -> None:
    page = parse_path(shared / "corpus" / "texts" / "011_hongze_qu_2023.txt")
    pdf = parse_attachment(hongze_pdf, url=PDF_URL)
    kept = merge_reports(page, [(PDF_URL, pdf)])
    assert "source_disagreement" not in [w.code for w in kept.warnings]


def test_disagreeing_cells_are_listed_with_their_addresses(shared: Path, hongze_pdf: bytes) -> None:
    # The page printed table 四's 复议 总计 as 11 (the sum) where the PDF prints 0.
    text = _text_page(shared).replace(
        "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0", "10 1 0 0 11 0 0 0 0 0 5 0 0 0 0"
    )
    page = parse_text(text, url=PAGE_URL)
    pdf = parse_attachment(hongze_pdf, url=PDF_URL)
    kept = merge_reports(page, [(PDF_URL, pdf)])
    assert kept is page  # equally complete: the page is kept
    (warning,) = [w for w in kept.warnings if w.code == "source_disagreement"]
    assert warning.detail.startswith("1 cells differ between page (kept) and " + PDF_URL)
    assert f"t4:review:total page=11 {PDF_URL}=0" in warning.detail


def test_page_without_tables_takes_the_attachment(hongze_pdf: bytes) -> None:
    page_html = (
        "<html><head><title>洪泽区人民政府2023年政府信息公开工作年度报告</title></head><body>"
        "<h1>洪泽区人民政府2023年政府信息公开工作年度报告</h1>"
        '<p>附件：<a href="/uploadfile/hongze_qu_2023.pdf">洪泽区2023年报.pdf</a></p>'
        "</body></html>"
    )
    page = parse_html(page_html, url=PAGE_URL, hints={"authority": "淮安市洪泽区人民政府"})
    page.warn("attachment_type_mismatch", "http://x/2.pdf: claims to be pdf but is html")
    pdf = parse_attachment(hongze_pdf, url=PDF_URL)
    kept = merge_reports(page, [(PDF_URL, pdf)])
    assert kept is pdf
    assert kept.source_url == PAGE_URL
    assert kept.tables["t4"].value("review", "upheld") == 10
    codes = [w.code for w in kept.warnings]
    assert "tables_from_attachment" in codes
    assert "attachment_type_mismatch" in codes  # the other file's refusal is kept
    assert "table_missing" not in codes  # the page's missing tables are no longer missing


def test_attachment_of_another_year_is_not_merged(shared: Path, hongze_pdf: bytes) -> None:
    """Pages link last year's report too; a reading of another year never replaces this one."""
    page = parse_path(shared / "corpus" / "texts" / "011_hongze_qu_2023.txt")
    other = parse_attachment(hongze_pdf, url=PDF_URL)
    other.report_year = 2022
    kept = merge_reports(page, [(PDF_URL, other)])
    assert kept is page and kept.report_year == 2023
    (warning,) = [w for w in kept.warnings if w.code == "attachment_other_report"]
    assert warning.detail == f"{PDF_URL} reports 2022, the page 2023: not merged"
