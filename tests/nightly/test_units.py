"""The pure pieces of nightly operation: flags, run status, charset guessing, request kinds,
the add-on's per-crawler decisions, the progress line and the alert webhook."""

from __future__ import annotations

import http.server
import json
import socketserver
import threading
from pathlib import Path
from typing import ClassVar

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from nianbao.crawler.addon import NightlyAddon, default_run_id
from nianbao.crawler.commands.runreport import run_status
from nianbao.crawler.extensions.progress import progress_figures, progress_line
from nianbao.crawler.middlewares.encoding import ChineseEncodingMiddleware, guess_chinese_encoding
from nianbao.crawler.middlewares.faults import response_kind
from nianbao.crawler.middlewares.kinds import request_kind
from nianbao.crawler.monitor import flags, spider_figures
from nianbao.crawler.notify import notify
from nianbao.crawler.spiders.registry import SichuanLudingSpider

LUDING_PAGE = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"


def test_zero_reports_and_error_rate_jump() -> None:
    stats = {"nianbao/lists/pages": 2, "downloader/request_count": 10, "finish_reason": "finished"}
    quiet = spider_figures(stats)
    assert [f["flag"] for f in flags(quiet, [], 0.2)] == ["zero_reports"]
    failing = spider_figures(
        {
            **stats,
            "nianbao/lists/report_links": 8,
            "nianbao/fault/timeout": 3,
            "nianbao/fault/server_error": 2,
            "nianbao/fault/undeclared_charset": 4,  # repaired, not an error
        }
    )
    assert failing["errors"] == 5 and failing["error_rate"] == 0.5
    assert [f["flag"] for f in flags(failing, [0.05, 0.1, 0.0], 0.2)] == ["error_rate"]
    # A portal that always fails this much is not news.
    assert flags(failing, [0.45, 0.5, 0.4], 0.2) == []
    blocked = spider_figures({**stats, "nianbao/lists/report_links": 1, "nianbao/fault/blocked": 1})
    assert [f["flag"] for f in flags(blocked, [0.5], 0.2)] == ["blocked"]
    stopped = spider_figures(
        {**stats, "nianbao/lists/report_links": 1, "finish_reason": "shutdown"}
    )
    assert [f["flag"] for f in flags(stopped, [], 0.2)] == ["not_finished"]


def test_run_status() -> None:
    assert run_status(["finished", "finished"]) == "finished"
    assert run_status(["finished", "shutdown"]) == "interrupted"
    assert run_status(["finished", "closespider_timeout"]) == "failed"


def test_gbk_page_without_charset_is_read_as_chinese(shared: Path) -> None:
    text = (shared / "seeds" / "000_b5566a94ec5fc8f8.txt").read_text("utf-8")[:400]
    body = f"<html><head><title>x</title></head><body>{text}</body></html>".encode("gbk")
    response = HtmlResponse(LUDING_PAGE, body=body, headers={"Content-Type": "text/html"})
    fixed = ChineseEncodingMiddleware(None).process_response(Request(LUDING_PAGE), response)
    assert "渔洋镇2024年政府信息公开工作年度报告" in fixed.text
    # UTF-8 bodies and declared charsets are left alone.
    assert guess_chinese_encoding(text.encode("utf-8")) is None
    declared = HtmlResponse(
        LUDING_PAGE, body=body, headers={"Content-Type": "text/html; charset=gbk"}
    )
    assert ChineseEncodingMiddleware(None).process_response(None, declared) is declared


def test_request_kinds() -> None:
    spider = SichuanLudingSpider()
    assert request_kind(Request(LUDING_PAGE, callback=spider.parse_report)) == "report"
    assert request_kind(Request("http://www.luding.gov.cn/", callback=spider.parse)) == "list"
    assert request_kind(Request("http://www.luding.gov.cn/robots.txt")) == "robots"
    assert request_kind(Request("http://www.luding.gov.cn/a/P020250101000000000001.pdf")) == (
        "attachment"
    )


def test_redirect_back_to_a_visited_url_is_a_loop() -> None:
    request = Request("http://x.gov.cn/a?loop=1", meta={"redirect_urls": ["http://x.gov.cn/a"]})
    loop = HtmlResponse(request.url, status=302, headers={"Location": "/a"}, request=request)
    assert response_kind(request, loop) == "redirect_loop"
    onward = HtmlResponse(request.url, status=302, headers={"Location": "/b"}, request=request)
    assert response_kind(request, onward) is None


def _addon_settings(**values: object) -> Settings:
    settings = Settings()
    settings.setmodule("nianbao.crawler.settings", priority="project")
    settings.setdict(values, priority="cmdline")
    NightlyAddon("sichuan_luding").update_settings(settings)
    return settings


def test_addon_decisions(tmp_path: Path) -> None:
    replay = _addon_settings(CASSETTE_ENABLED=True)
    assert not replay.getbool("HTTPCACHE_ENABLED") and not replay.getbool("NIANBAO_INCREMENTAL")
    assert not replay.get("JOBDIR")
    nightly = _addon_settings(NIANBAO_JOBS_DIR=str(tmp_path / "jobs"))
    assert nightly.get("JOBDIR") == f"{tmp_path / 'jobs'}/sichuan_luding"
    assert nightly.getbool("HTTPCACHE_ENABLED")
    worker = _addon_settings(NIANBAO_REDIS_URL="redis://127.0.0.1:6379/0", NIANBAO_RUN_ID="n1")
    assert worker.get("SCHEDULER") == "scrapy_redis.scheduler.Scheduler"
    assert worker.getbool("SCHEDULER_PERSIST")
    assert worker.get("SCHEDULER_QUEUE_KEY") == "nianbao:n1:%(spider)s:requests"
    assert not worker.get("JOBDIR")
    # -s on the command line wins over the add-on.
    assert not _addon_settings(CASSETTE_ENABLED=True, HTTPCACHE_ENABLED=True).getbool(
        "NIANBAO_INCREMENTAL"
    )
    assert _addon_settings(CASSETTE_ENABLED=True, HTTPCACHE_ENABLED=True).getbool(
        "HTTPCACHE_ENABLED"
    )
    assert len(default_run_id()) == 10


def test_progress_line() -> None:
    figures = progress_figures(
        [
            {
                "response_received_count": 30,
                "nianbao/http/not_modified": 20,
                "nianbao/store/new": 2,
                "nianbao/incremental/skipped/not_modified": 19,
                "nianbao/fault/timeout": 1,
                "scheduler/enqueued": 40,
                "scheduler/dequeued": 35,
            },
            {"response_received_count": 2, "nianbao/store/unchanged": 1},
        ]
    )
    line = progress_line(1, 2, 75, figures)
    assert line == (
        "[1:15] spiders 1/2 | pages 32 (20 not modified) | reports 2 new, 0 updated, "
        "1 unchanged, 19 skipped | faults 1 | queued 5"
    )


class _Hook(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_flags_are_posted_to_the_webhook() -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        flagged = {"sichuan_luding": [{"flag": "zero_reports", "detail": "no link"}]}
        assert notify({"NIANBAO_ALERT_WEBHOOK": url}, 7, flagged) == ["webhook"]
        assert notify({"NIANBAO_ALERT_WEBHOOK": url}, 8, {}) == []
    finally:
        server.shutdown()
        server.server_close()
    (payload,) = _Hook.received
    assert payload["run"] == 7
    assert payload["flags"] == flagged
    assert "sichuan_luding: zero_reports: no link" in str(payload["text"])


def test_failing_alert_channel_does_not_raise() -> None:
    flagged = {"x": [{"flag": "blocked", "detail": "1"}]}
    assert notify({"NIANBAO_ALERT_WEBHOOK": "http://127.0.0.1:9/none"}, 1, flagged) == []


@pytest.mark.parametrize("mode", ["bogus"])
def test_unknown_progress_mode_is_refused(mode: str) -> None:
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from nianbao.crawler.extensions.progress import Progress

    with pytest.raises(NotConfigured):
        Progress.from_crawler(get_crawler(settings_dict={"NIANBAO_PROGRESS": mode}))


def test_live_progress_line_on_a_terminal_and_log_lines_otherwise(nights: object) -> None:
    import os
    import pty
    import subprocess

    from nightcrawl import ROOT, Nights, environment

    assert isinstance(nights, Nights)
    nights.portal.latency = 0.3
    command = nights.command(NIANBAO_PROGRESS="auto", CONCURRENT_REQUESTS_PER_DOMAIN="2")
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment(), stdout=subprocess.DEVNULL, stderr=follower
    )
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the crawl closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    process.wait(timeout=120)
    os.close(leader)
    text = screen.decode("utf-8", "replace")
    assert process.returncode == 0, text[-3000:]
    assert "\r\x1b[K[0:0" in text  # the live line, redrawn in place
    assert "spiders 0/1 | pages" in text
    assert "Progress:" not in text  # no log lines on a terminal
    # Not a terminal (captured output): plain log lines instead, and a last one at the close
    # even when the night is shorter than the interval.
    piped = nights.crawl(NIANBAO_PROGRESS="auto", NIANBAO_PROGRESS_INTERVAL="600")
    lines = [line for line in piped.stderr.splitlines() if "Progress: [" in line]
    assert len(lines) == 1 and "spiders 1/1" in lines[0], piped.stderr[-3000:]
    assert "\x1b[K" not in piped.stderr


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive one message."""

    messages: ClassVar[list[str]] = []

    def handle(self) -> None:
        self.wfile.write(b"220 test\r\n")
        data: list[str] = []
        in_data = False
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace")
            if in_data:
                if line.rstrip("\r\n") == ".":
                    in_data = False
                    self.messages.append("".join(data))
                    self.wfile.write(b"250 ok\r\n")
                else:
                    data.append(line)
                continue
            verb = line[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-test\r\n250 8BITMIME\r\n")
            elif verb == "DATA":
                in_data = True
                self.wfile.write(b"354 go\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_flags_are_mailed() -> None:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = {
            "NIANBAO_ALERT_EMAIL": "ops@example.org, dev@example.org",
            "NIANBAO_SMTP_URL": f"smtp://127.0.0.1:{server.server_address[1]}",
            "NIANBAO_ALERT_FROM": "nianbao@example.org",
        }
        flagged = {"sichuan_luding": [{"flag": "error_rate", "detail": "60% of 10 failed"}]}
        assert notify(settings, 3, flagged) == ["email"]
    finally:
        server.shutdown()
        server.server_close()
    (message,) = _Smtp.messages
    assert "To: ops@example.org, dev@example.org" in message
    assert "Subject: nianbao: 1 spider(s) flagged" in message
    assert "sichuan_luding: error_rate: 60% of 10 failed" in message


def test_cache_policy_revalidates_and_leaves_attachments_out() -> None:
    from nianbao.crawler.httpcache import RevalidatingPolicy

    policy = RevalidatingPolicy(Settings())
    page = Request("http://www.luding.gov.cn/ldxrmzf2024zfnbzf/")
    cached = HtmlResponse(
        page.url,
        body=b"<html></html>",
        headers={
            "ETag": '"abc"',
            "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT",
            "Date": "Tue, 01 Jul 2025 00:00:00 GMT",
        },
    )
    assert policy.should_cache_request(page)
    # Never fresh, however old Last-Modified is: always a conditional request.
    assert not policy.is_cached_response_fresh(cached, page)
    assert page.headers[b"If-None-Match"] == b'"abc"'
    assert page.headers[b"If-Modified-Since"] == b"Mon, 01 Jan 2024 00:00:00 GMT"
    pdf = Request("http://www.luding.gov.cn/a/P020250101000000000001.pdf")
    assert not policy.should_cache_request(pdf)
