"""One slow page never stalls the crawl and is never lost: clean-up, parsing and attachment
reading run in worker threads with a time budget, the reactor keeps running meanwhile, and work
over budget leaves the item stored with a warning.

The slow inputs are real ones, not sleeps: the 泸定县 report page from its cassette with two
million characters of prose before the report (parsing it takes seconds), and the real 洪泽区 PDF
(pdfplumber's layout analysis). The stages run under a real Twisted reactor in a subprocess
(one reactor per process), with a heartbeat every 20 ms counting how often the reactor got to
run while the work was in its thread.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from simulator import ROOT, Portal, crawl_through, serving
from sqlalchemy import text

from nianbao.crawler.middlewares.cassette_yaml import Interaction, load_interactions
from nianbao.pipelines.db import make_engine

LUDING_URL = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"
#: 2 M characters (6 MB in UTF-8, under the crawl's download cap): parsing takes a while.
FILLER = "<p>" + "本机关坚持以公开为常态、不公开为例外。" * 105_000 + "</p>"

SCRIPT = r"""
import json, sys
from pathlib import Path
from twisted.internet import asyncioreactor
asyncioreactor.install()
from twisted.internet import reactor, task
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.test import get_crawler
from nianbao.pipelines.attachments import AttachmentsPipeline
from nianbao.pipelines.parse import ParsePipeline
from nianbao.crawler.items import ReportPage
from nianbao.parsers import parse_text

stage, payload, budget = sys.argv[1], json.loads(Path(sys.argv[2]).read_text("utf-8")), sys.argv[3]
crawler = get_crawler(settings_dict={
    "NIANBAO_PARSE_TIMEOUT": budget, "NIANBAO_ATTACHMENT_TIMEOUT": budget,
    "NIANBAO_ATTACHMENT_STORE": payload.get("store", ""),
})
crawler.stats.open_spider(None) if hasattr(crawler.stats, "open_spider") else None
ticks = []
heartbeat = task.LoopingCall(lambda: ticks.append(reactor.seconds()))
out = {}

async def run():
    item = ReportPage(source_url=payload["url"], authority="泸定县人民政府", report_year=2024)
    if stage == "parse":
        item["html"], item["text"] = payload["html"], "clean text kept"
        pipeline = ParsePipeline(crawler)
    else:
        item["report"] = parse_text(payload["text"], url=payload["url"])
        item["attachment_files"] = payload["files"]
        pipeline = AttachmentsPipeline(crawler)
    heartbeat.start(0.02)
    item = await pipeline.process_item(item)
    heartbeat.stop()
    report = item["report"]
    out.update(
        warnings=[w.code for w in report.warnings], tables=sorted(report.tables),
        authority=report.authority, year=report.report_year, text=report.text[:40],
        ticks=len(ticks), stats=crawler.stats.get_stats(),
    )

def main():
    d = deferred_from_coro(run())  # an asyncio task, as Scrapy runs pipelines
    d.addErrback(lambda f: out.update(error=f.getTraceback()))
    d.addBoth(lambda _: reactor.stop())

reactor.callWhenRunning(main)
reactor.run()
print(json.dumps(out, ensure_ascii=False, default=str))
"""


def _run_stage(tmp_path: Path, stage: str, payload: dict, budget: float) -> dict:
    source = tmp_path / "payload.json"
    source.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, stage, str(source), str(budget)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert "error" not in out, out.get("error")
    return out


def _luding_page() -> Interaction:
    portal = Portal()
    for interaction in load_interactions(ROOT / "cassettes/sichuan_luding"):
        portal.add(interaction)
    return portal.pages[("GET", LUDING_URL, "")]


def _slow_html() -> str:
    html = _luding_page().body.decode("utf-8")
    start = html.index(">", html.index("<body")) + 1
    return html[:start] + FILLER + html[start:]


def test_a_page_over_its_parse_budget_is_kept_with_a_warning(tmp_path: Path) -> None:
    out = _run_stage(tmp_path, "parse", {"url": LUDING_URL, "html": _slow_html()}, budget=0.05)
    assert "parse_timeout" in out["warnings"]
    assert out["stats"]["nianbao/parse/timeout"] == 1
    # What the spider knew and the clean stage's text are kept; no tables were read.
    assert (out["authority"], out["year"], out["text"]) == (
        "泸定县人民政府",
        2024,
        "clean text kept",
    )
    assert out["tables"] == []
    # The reactor ran while the page was in its thread (0.05 s at 20 ms: a few beats).
    assert out["ticks"] >= 2


def test_the_same_page_within_its_budget_is_read_whole(tmp_path: Path) -> None:
    """Without a budget the page reads its three tables: the timeout above is the budget's."""
    out = _run_stage(tmp_path, "parse", {"url": LUDING_URL, "html": _slow_html()}, budget=0)
    assert "parse_timeout" not in out["warnings"]
    assert out["tables"] == ["t2", "t3", "t4"]
    assert out["ticks"] >= 5  # seconds of parsing, the reactor beating throughout


def test_attachments_over_their_budget_leave_the_pages_reading(
    tmp_path: Path, shared: Path
) -> None:
    store = tmp_path / "files"
    (store / "full").mkdir(parents=True)
    pdf = (shared / "corpus/attachments/hongze_qu_2023.pdf").read_bytes()
    (store / "full/hongze.pdf").write_bytes(pdf)
    url = "http://www.luding.gov.cn/upload/2024nb.pdf"
    payload = {
        "url": LUDING_URL,
        "text": (shared / "seeds/002_54edbe98636d0c3c.txt").read_text("utf-8"),
        "store": str(store),
        "files": [{"url": url, "path": "full/hongze.pdf", "content_type": "application/pdf"}],
    }
    out = _run_stage(tmp_path, "attachments", payload, budget=0.05)
    assert "attachment_timeout" in out["warnings"]
    assert out["stats"]["nianbao/attachments/timeout"] == 1
    assert out["tables"] == ["t2", "t3", "t4"]  # the page's own reading, stored as it was


def test_a_crawl_stores_the_page_over_budget(tmp_path: Path) -> None:
    """In a real crawl through the simulator: the page over budget is stored, flagged."""
    page = _luding_page()
    portal = Portal()
    for interaction in load_interactions(ROOT / "cassettes/sichuan_luding"):
        portal.add(interaction)
    portal.add(Interaction("GET", LUDING_URL, 200, page.headers, _slow_html().encode("utf-8")))
    db = f"sqlite:///{tmp_path / 'nianbao.db'}"
    with serving(portal) as proxy:
        result = crawl_through(
            proxy, "sichuan_luding", tmp_path, f"NIANBAO_DATABASE_URL={db}",
            "NIANBAO_PARSE_TIMEOUT=0.05", "NIANBAO_ATTACHMENTS_ENABLED=False",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    engine = make_engine(db)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT report_year, warnings, text FROM report")).all()
    engine.dispose()
    assert len(rows) == 1
    year, warnings, stored_text = rows[0]
    assert year == 2024
    assert "parse_timeout" in str(warnings)
    assert "本机关坚持以公开为常态" in stored_text  # the page's text, kept for a later reparse
