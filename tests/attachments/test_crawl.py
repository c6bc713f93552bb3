"""Attachments through the whole crawl: spider → download (FilesPipeline, cassette replay) →
parse → attachment stage → validate → store.

The portal is a test spider over a cassette made here: a column page and a report page that
carries only the report's opening lines and three attachments — the real 洪泽区 2023 PDF, an
HTML error page served under a ``.pdf`` name, and a ``.doc`` link that answers 404. Crawls run
in subprocesses (the Twisted reactor does not restart).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from nianbao.crawler.middlewares.cassette_yaml import Interaction, write_cassette

ROOT = Path(__file__).resolve().parents[2]
HOST = "http://www.hongze.gov.cn"
COLUMN = f"{HOST}/hzqrmzf/zfxxgknb/index.html"
ARTICLE = f"{HOST}/hzqrmzf/zfxxgknb/202401/t20240119_4187.html"
PDF = f"{HOST}/uploadfile/202401/P020240119559263145721.pdf"
LYING = f"{HOST}/uploadfile/202401/tongjibiao.pdf"
GONE = f"{HOST}/uploadfile/202401/fujian.doc"
TITLE = "洪泽区人民政府2023年政府信息公开工作年度报告"

SPIDER = f'''
from nianbao.crawler.spiders.base.link_list import LinkListSpider


class HongzeAttachmentSpider(LinkListSpider):
    name = "test_hongze_attachments"
    portal = authority = "淮安市洪泽区人民政府"
    allowed_domains = ["www.hongze.gov.cn"]
    column_urls = ["{COLUMN}"]
'''


def _html(body: str, title: str) -> bytes:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body>{body}</body></html>"
    ).encode()


def _portal(pdf: bytes) -> list[Interaction]:
    html = {"Content-Type": "text/html; charset=utf-8"}
    column = _html(f'<ul><li><a href="{ARTICLE}" title="{TITLE}">{TITLE}</a></li></ul>', "年报")
    article = _html(
        f"<h1>{TITLE}</h1><div class='content'>"
        "<p>本报告由淮安市洪泽区人民政府办公室根据《中华人民共和国政府信息公开条例》"
        "（国令第711号）（以下简称《条例》）要求编制此报告。</p>"
        f'<p>附件：<a href="{PDF}">{TITLE}.pdf</a></p>'
        f'<p><a href="{LYING}">政府信息公开情况统计表.pdf</a></p>'
        f'<p><a href="{GONE}">附件.doc</a></p></div>',
        TITLE,
    )
    error_page = _html("<h1>您访问的页面不存在或已被删除</h1>", "提示信息")
    return [
        Interaction("GET", COLUMN, 200, html, column),
        Interaction("GET", ARTICLE, 200, html, article),
        Interaction("GET", PDF, 200, {"Content-Type": "application/pdf"}, pdf),
        Interaction("GET", LYING, 200, {"Content-Type": "application/pdf"}, error_page),
        Interaction("GET", GONE, 404, html, error_page),
    ]


def _crawl(tmp_path: Path, pdf: bytes, db: Path) -> subprocess.CompletedProcess[str]:
    package = tmp_path / "nbtest_spiders"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "hongze.py").write_text(SPIDER, encoding="utf-8")
    cassettes = tmp_path / "cassettes" / "test_hongze_attachments"
    cassettes.mkdir(parents=True, exist_ok=True)
    write_cassette(cassettes / "www.hongze.gov.cn.yaml", _portal(pdf))
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")])
    settings = {
        "SPIDER_MODULES": "nbtest_spiders",
        "CASSETTE_ENABLED": "True",
        "CASSETTE_RECORD_MODE": "none",
        "CASSETTE_DIR": str(tmp_path / "cassettes"),
        "NIANBAO_DATABASE_URL": f"sqlite:///{db}",
        "NIANBAO_ATTACHMENT_STORE": str(tmp_path / "store"),
        "FILES_EXPIRES": "0",
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
    }
    args = [sys.executable, "-m", "scrapy", "crawl", "test_hongze_attachments"]
    for name, value in settings.items():
        args += ["-s", f"{name}={value}"]
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _stored(db: Path) -> tuple[dict[tuple[str, str, str], object], list[dict]]:
    with sqlite3.connect(db) as connection:
        (report_id, warnings), *rest = connection.execute(
            "SELECT id, warnings FROM report WHERE report_year = 2023"
        ).fetchall()
        assert rest == []
        cells = {
            (table[:2], row, col): value
            for table, row, col, value in connection.execute(
                "SELECT table_id, row_key, col_key, value FROM cell WHERE report_id = ?",
                (report_id,),
            )
        }
    return cells, json.loads(warnings)


def test_report_read_from_its_pdf_attachment(tmp_path: Path, hongze_pdf: bytes) -> None:
    db = tmp_path / "nianbao.db"
    result = _crawl(tmp_path, hongze_pdf, db)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "'nianbao/attachments/kept/attachment': 1" in result.stderr
    cells, warnings = _stored(db)
    # Values typed from the PDF (pages 2-4), stored from the attachment.
    assert cells[("t2", "penalty", "decisions")] == 4119
    assert cells[("t3", "unable.not_held", "natural_person")] == 10
    assert cells[("t4", "review", "upheld")] == 10
    assert cells[("t4", "review", "total")] == 0  # as printed, flagged, not fixed
    by_code = {w["code"]: w.get("detail", "") for w in warnings}
    assert LYING in by_code["attachment_type_mismatch"]
    assert "is html" in by_code["attachment_type_mismatch"]
    assert by_code["attachment_unavailable"].startswith(GONE)
    assert "HTTP 404" in by_code["attachment_unavailable"]
    assert PDF in by_code["tables_from_attachment"]
    # The original is archived in the store (FilesPipeline layout).
    stored = [p.read_bytes() for p in (tmp_path / "store" / "full").glob("*.pdf")]
    assert hongze_pdf in stored

    # The next night the file is damaged beyond reading: the stored report is not lost.
    damaged = hongze_pdf[:2000]
    again = _crawl(tmp_path, damaged, db)
    assert again.returncode == 0, again.stderr[-4000:]
    assert "'nianbao/attachments/refused/attachment_corrupt': 1" in again.stderr
    cells_after, _ = _stored(db)
    assert cells_after == cells
