"""Tests for the cassette record/replay downloader middleware.

Unit tests drive the middleware by hand with Scrapy request/response objects (no reactor);
the end-to-end test crawls a local HTTP server in a subprocess, because Twisted's reactor
cannot be restarted inside one pytest process.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import vcr
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy import Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import (
    HtmlResponse,
    JsonResponse,
    Request,
    Response,
    TextResponse,
    XmlResponse,
)
from scrapy.utils.test import get_crawler
from vcr.cassette import Cassette
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from nianbao.crawler.middlewares.cassette import CassetteMiddleware
from nianbao.crawler.middlewares.cassette_match import normalize_url
from nianbao.crawler.middlewares.cassette_yaml import Interaction, load_interactions, write_cassette

TITLE = "政府信息公开工作年度报告"
GBK_HTML = f"<html><head><title>{TITLE}</title></head><body><p>{TITLE}</p></body></html>".encode(
    "gbk"
)
PORTAL = "http://www.example.gov.cn"
ARTICLE = f"{PORTAL}/zfxxgk/ndbg/2023/index.html"


class PortalSpider(Spider):
    name = "portal"


class RenamedSpider(Spider):
    name = "renamed"
    cassette_name = "shared-folder"


# --- Helpers ---------------------------------------------------------------------------------


def make_middleware(
    root: Path, mode: str, spider_class: type[Spider] = PortalSpider
) -> CassetteMiddleware:
    crawler = get_crawler(
        spider_class,
        {
            "CASSETTE_ENABLED": True,
            "CASSETTE_DIR": str(root),
            "CASSETTE_RECORD_MODE": mode,
        },
    )
    middleware = CassetteMiddleware.from_crawler(crawler)
    middleware.spider_opened(spider_class.from_crawler(crawler))
    return middleware


def fetch(middleware: CassetteMiddleware, request: Request, network: Response) -> Response:
    """What Scrapy's middleware manager does around this middleware for one request."""
    response = middleware.process_request(request)
    if response is None:
        response = network
    return middleware.process_response(request, response)


def gbk_response(url: str = ARTICLE, body: bytes = GBK_HTML) -> HtmlResponse:
    return HtmlResponse(
        url=url,
        status=200,
        headers={
            "Content-Type": "text/html; charset=gb2312",
            "Set-Cookie": "JSESSIONID=secret",
            "Date": "Mon, 01 Jan 2024 00:00:00 GMT",
            "Link": ["</a.css>; rel=preload", "</b.js>; rel=preload"],
            "Last-Modified": "Fri, 29 Dec 2023 08:00:00 GMT",
        },
        body=body,
    )


def stat(middleware: CassetteMiddleware, name: str) -> int:
    return middleware.stats.get_value(name, 0)


def cassette_path(root: Path, host: str = "www.example.gov.cn", folder: str = "portal") -> Path:
    return root / folder / f"{host}.yaml"


def page(url: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> Interaction:
    return Interaction("GET", url, 200, {"Content-Type": content_type}, body)


# --- Recording and replay -----------------------------------------------------------------


def test_recording_writes_a_cassette_that_vcrpy_loads(tmp_path: Path) -> None:
    recorder = make_middleware(tmp_path, "all")
    request = Request(ARTICLE, headers={"Cookie": "a=b", "Authorization": "Basic eA=="})
    request.headers["Accept-Language"] = "zh-CN"
    fetch(recorder, request, gbk_response())
    recorder.spider_closed(recorder.crawler.spider)

    path = cassette_path(tmp_path)
    cassette = Cassette.load(path=str(path), record_mode="none")
    assert len(cassette) == 1
    (vcr_request, vcr_response) = cassette.data[0]
    assert (vcr_request.method, vcr_request.uri) == ("GET", ARTICLE)
    assert dict(vcr_request.headers) == {"Accept-Language": "zh-CN"}
    assert vcr_response["status"] == {"code": 200, "message": "OK"}
    assert vcr_response["body"]["string"] == GBK_HTML
    assert vcr_response["headers"]["Content-Type"] == ["text/html; charset=gb2312"]
    assert "Set-Cookie" not in vcr_response["headers"]
    text = path.read_text()
    assert text.startswith("interactions:") and "version: 1" in text
    assert "secret" not in text and "Basic" not in text and "a=b" not in text
    assert stat(recorder, "cassette/recorded") == 1


def test_replay_returns_identical_gbk_response(tmp_path: Path) -> None:
    recorder = make_middleware(tmp_path, "all")
    original = gbk_response()
    fetch(recorder, Request(ARTICLE), original)
    recorder.spider_closed(recorder.crawler.spider)

    player = make_middleware(tmp_path, "none")
    request = Request(ARTICLE)
    replayed = player.process_request(request)

    assert isinstance(replayed, HtmlResponse)
    assert replayed.body == GBK_HTML
    assert replayed.status == 200
    assert replayed.url == ARTICLE
    assert replayed.encoding == "gb18030"  # Scrapy reads gb2312 as its superset
    assert replayed.css("title::text").get() == TITLE
    assert replayed.headers.getlist("Link") == original.headers.getlist("Link")
    assert replayed.headers["Last-Modified"] == original.headers["Last-Modified"]
    assert replayed.headers["Content-Type"] == b"text/html; charset=gb2312"
    assert "Set-Cookie" not in replayed.headers
    assert "cassette" in replayed.flags
    assert request.meta["cassette"] == "hit"
    assert player.process_response(request, replayed) is replayed
    assert stat(player, "cassette/hit") == 1
    assert stat(player, "cassette/miss") == 0


@pytest.mark.parametrize(
    ("url", "content_type", "body", "expected"),
    [
        (f"{PORTAL}/data.xml", "application/xml", b"<a/>", XmlResponse),
        (f"{PORTAL}/list.json", "application/json; charset=utf-8", b"{}", JsonResponse),
        (f"{PORTAL}/list.txt", "text/plain; charset=gbk", TITLE.encode("gbk"), TextResponse),
        (f"{PORTAL}/report.pdf", "application/pdf", b"%PDF-1.4\n\x01\x02\xff", Response),
    ],
)
def test_replay_picks_the_response_class(
    tmp_path: Path, url: str, content_type: str, body: bytes, expected: type[Response]
) -> None:
    write_cassette(cassette_path(tmp_path), [page(url, body, content_type)])
    replayed = make_middleware(tmp_path, "none").process_request(Request(url))
    assert type(replayed) is expected


def test_non_latin1_header_bytes_round_trip(tmp_path: Path) -> None:
    disposition = "attachment; filename=年报.pdf".encode("gbk")
    recorder = make_middleware(tmp_path, "all")
    network = Response(
        f"{PORTAL}/download?id=1", headers={"Content-Disposition": disposition}, body=b"%PDF"
    )
    fetch(recorder, Request(f"{PORTAL}/download?id=1"), network)
    recorder.spider_closed(recorder.crawler.spider)

    replayed = make_middleware(tmp_path, "none").process_request(Request(network.url))
    assert replayed is not None
    assert replayed.headers["Content-Disposition"] == disposition


def test_plain_vcrpy_plays_back_a_written_cassette(tmp_path: Path) -> None:
    path = tmp_path / "portal.yaml"
    write_cassette(path, [page(ARTICLE, GBK_HTML, "text/html; charset=gb2312")])

    with vcr.use_cassette(str(path), record_mode="none"), urllib.request.urlopen(ARTICLE) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "text/html; charset=gb2312"
        assert r.read() == GBK_HTML


def test_matching_ignores_fragment_host_case_default_port_and_query_order(
    tmp_path: Path,
) -> None:
    url = f"{PORTAL}/search?b=2&a=1"
    write_cassette(cassette_path(tmp_path), [page(url, b"found")])
    player = make_middleware(tmp_path, "none")

    for variant in (
        "http://WWW.Example.GOV.cn:80/search?a=1&b=2#results",
        f"{PORTAL}/search?b=2&a=1",
    ):
        request = Request(variant)
        replayed = player.process_request(request)
        assert replayed is not None and replayed.body == b"found"
        assert replayed.url == request.url
    assert normalize_url("HTTPS://A.B:443") == "https://a.b/"


def test_post_requests_match_on_body(tmp_path: Path) -> None:
    url = f"{PORTAL}/search"
    recorder = make_middleware(tmp_path, "all")
    for year in (b"2022", b"2023"):
        request = Request(url, method="POST", body=b"year=" + year)
        fetch(recorder, request, TextResponse(url, body=b"result " + year, encoding="utf-8"))
    recorder.spider_closed(recorder.crawler.spider)

    player = make_middleware(tmp_path, "none")
    for year in (b"2023", b"2022"):
        replayed = player.process_request(Request(url, method="POST", body=b"year=" + year))
        assert replayed is not None and replayed.body == b"result " + year
    with pytest.raises(IgnoreRequest):
        player.process_request(Request(url, method="POST", body=b"year=2021"))
    with pytest.raises(IgnoreRequest):
        player.process_request(Request(url))


def test_repeated_requests_replay_in_order_then_repeat_the_last(tmp_path: Path) -> None:
    url = f"{PORTAL}/counter"
    write_cassette(cassette_path(tmp_path), [page(url, b"first"), page(url, b"second")])
    player = make_middleware(tmp_path, "none")
    bodies = [player.process_request(Request(url, dont_filter=True)).body for _ in range(3)]
    assert bodies == [b"first", b"second", b"second"]


# --- Record modes ------------------------------------------------------------------------------


def test_none_mode_miss_raises_ignore_request_and_logs_the_url(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    player = make_middleware(tmp_path, "none")
    request = Request(f"{PORTAL}/missing.html")
    with caplog.at_level(logging.ERROR), pytest.raises(IgnoreRequest):
        player.process_request(request)
    assert stat(player, "cassette/miss") == 1
    assert request.meta["cassette"] == "miss"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any(f"{PORTAL}/missing.html" in r.getMessage() for r in errors)

    # Whatever reaches process_response in none mode is never recorded.
    player.process_response(request, Response(request.url))
    player.spider_closed(player.crawler.spider)
    assert not (tmp_path / "portal").exists()


def test_once_with_existing_cassettes_replays_and_never_records(tmp_path: Path) -> None:
    path = cassette_path(tmp_path)
    write_cassette(path, [page(ARTICLE, b"old")])
    before = path.read_bytes()

    player = make_middleware(tmp_path, "once")
    assert player.process_request(Request(ARTICLE)).body == b"old"
    other = Request(f"{PORTAL}/new.html")
    with pytest.raises(IgnoreRequest):
        player.process_request(other)
    player.process_response(other, Response(other.url, body=b"new"))
    player.spider_closed(player.crawler.spider)

    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    assert stat(player, "cassette/recorded") == 0


def test_once_without_cassettes_records_everything(tmp_path: Path) -> None:
    recorder = make_middleware(tmp_path, "once")
    assert recorder.process_request(Request(ARTICLE)) is None
    fetch(recorder, Request(f"{PORTAL}/robots.txt"), Response(f"{PORTAL}/robots.txt", status=404))
    fetch(recorder, Request(ARTICLE), gbk_response())
    fetch(recorder, Request("https://other.gov.cn/a"), TextResponse("https://other.gov.cn/a"))
    recorder.spider_closed(recorder.crawler.spider)

    assert {i.url for i in load_interactions(tmp_path / "portal")} == {
        f"{PORTAL}/robots.txt",
        ARTICLE,
        "https://other.gov.cn/a",
    }
    assert cassette_path(tmp_path, "other.gov.cn").is_file()
    assert stat(recorder, "cassette/recorded") == 3


def test_all_mode_rerecords_and_replaces_old_interactions(tmp_path: Path) -> None:
    kept_url = f"{PORTAL}/kept.html"
    column = tmp_path / "portal" / "column-ndbg.yaml"  # a hand-made file, not the host file
    write_cassette(column, [page(ARTICLE, b"old"), page(kept_url, b"kept")])

    recorder = make_middleware(tmp_path, "all")
    request = Request(ARTICLE)
    assert recorder.process_request(request) is None  # all mode never replays
    assert request.meta["cassette"] == "record"
    fetch(recorder, request, gbk_response())
    recorder.spider_closed(recorder.crawler.spider)

    interactions = load_interactions(tmp_path / "portal")
    assert sorted((i.url, i.body) for i in interactions) == [
        (kept_url, b"kept"),
        (ARTICLE, GBK_HTML),
    ]
    assert not cassette_path(tmp_path).exists()  # replaced where it was, not duplicated


def test_new_episodes_replays_known_and_merges_new(tmp_path: Path) -> None:
    path = cassette_path(tmp_path)
    write_cassette(path, [page(ARTICLE, b"old")])
    recorder = make_middleware(tmp_path, "new_episodes")

    assert recorder.process_request(Request(ARTICLE)).body == b"old"
    new = Request(f"{PORTAL}/new.html")
    fetch(recorder, new, TextResponse(new.url, body=b"new", encoding="utf-8"))
    recorder.spider_closed(recorder.crawler.spider)

    assert new.meta["cassette"] == "miss"
    assert stat(recorder, "cassette/miss") == 1
    assert stat(recorder, "cassette/recorded") == 1
    assert {(i.url, i.body) for i in load_interactions(path.parent)} == {
        (ARTICLE, b"old"),
        (new.url, b"new"),
    }


def test_dont_cassette_passes_through(tmp_path: Path) -> None:
    player = make_middleware(tmp_path, "none")
    request = Request(f"{PORTAL}/live.html", meta={"dont_cassette": True})
    assert player.process_request(request) is None
    network = Response(request.url, body=b"live")
    assert player.process_response(request, network) is network
    assert "cassette" not in request.meta
    assert player.stats.get_stats() == {}

    recorder = make_middleware(tmp_path, "all")
    fetch(recorder, request, network)
    recorder.spider_closed(recorder.crawler.spider)
    assert not (tmp_path / "portal").exists()


def test_cassette_name_overrides_the_folder(tmp_path: Path) -> None:
    recorder = make_middleware(tmp_path, "all", RenamedSpider)
    fetch(recorder, Request(ARTICLE), gbk_response())
    recorder.spider_closed(recorder.crawler.spider)
    assert cassette_path(tmp_path, folder="shared-folder").is_file()


# --- robots.txt and redirects ------------------------------------------------------------------


def test_missing_robots_txt_is_a_synthetic_404_in_none_mode(tmp_path: Path) -> None:
    write_cassette(cassette_path(tmp_path), [page(ARTICLE, b"x")])
    player = make_middleware(tmp_path, "none")
    request = Request(f"{PORTAL}/robots.txt", meta={"dont_obey_robotstxt": True})
    response = player.process_request(request)
    assert response is not None
    assert (response.status, response.body) == (404, b"")
    assert "cassette" in response.flags
    assert stat(player, "cassette/robots_synthesized") == 1
    assert stat(player, "cassette/miss") == 0


def test_recorded_robots_txt_is_replayed(tmp_path: Path) -> None:
    robots = f"{PORTAL}/robots.txt"
    write_cassette(cassette_path(tmp_path), [page(robots, b"User-agent: *\nDisallow: /x", "")])
    response = make_middleware(tmp_path, "none").process_request(Request(robots))
    assert response is not None and response.body.startswith(b"User-agent")


def test_missing_robots_txt_is_recorded_in_new_episodes(tmp_path: Path) -> None:
    recorder = make_middleware(tmp_path, "new_episodes")
    request = Request(f"{PORTAL}/robots.txt")
    fetch(recorder, request, TextResponse(request.url, body=b"User-agent: *", encoding="utf-8"))
    recorder.spider_closed(recorder.crawler.spider)
    assert stat(recorder, "cassette/robots_synthesized") == 0
    assert [i.url for i in load_interactions(tmp_path / "portal")] == [request.url]


def test_redirect_hops_are_recorded_and_replayed(tmp_path: Path) -> None:
    start = f"{PORTAL}/ndbg"
    final = f"{PORTAL}/ndbg/"
    recorder = make_middleware(tmp_path, "all")
    assert recorder.process_request(Request(start)) is None
    # RedirectMiddleware (600) turned the 301 into a new request before this middleware saw it.
    redirected = Request(final, meta={"redirect_urls": [start], "redirect_reasons": [301]})
    fetch(recorder, redirected, gbk_response(final))
    recorder.spider_closed(recorder.crawler.spider)

    player = make_middleware(tmp_path, "none")
    hop = player.process_request(Request(start))
    assert hop is not None
    assert (hop.status, hop.headers["Location"]) == (301, final.encode())
    assert player.process_request(Request(final)).body == GBK_HTML


# --- Files and settings ------------------------------------------------------------------------


def test_write_cassette_is_deterministic(tmp_path: Path) -> None:
    interactions = [
        page(f"{PORTAL}/{n}.html", f"第{n}页".encode(), "text/html; charset=utf-8")
        for n in range(5)
    ]
    write_cassette(tmp_path / "a.yaml", interactions)
    write_cassette(tmp_path / "b.yaml", list(reversed(interactions)))
    assert (tmp_path / "a.yaml").read_bytes() == (tmp_path / "b.yaml").read_bytes()


def test_rerecording_an_unchanged_site_gives_an_unchanged_file(tmp_path: Path) -> None:
    urls = [f"{PORTAL}/{n}.html" for n in range(3)]
    contents = []
    for order in (urls, list(reversed(urls))):
        recorder = make_middleware(tmp_path, "all")
        for url in order:
            network = gbk_response(url)
            network.headers["Date"] = f"Tue, 0{len(contents) + 1} Jan 2024 00:00:00 GMT"
            fetch(recorder, Request(url), network)
        recorder.spider_closed(recorder.crawler.spider)
        contents.append(cassette_path(tmp_path).read_bytes())
    assert contents[0] == contents[1]


def test_load_interactions_reads_every_yaml_file_in_the_folder(tmp_path: Path) -> None:
    write_cassette(tmp_path / "a.yaml", [page(f"{PORTAL}/a", b"a")])
    write_cassette(tmp_path / "b.yaml", [page("http://b.gov.cn/b", b"b")])
    (tmp_path / "notes.txt").write_text("not a cassette")
    assert [i.body for i in load_interactions(tmp_path)] == [b"a", b"b"]
    assert load_interactions(tmp_path / "missing") == []


def test_unreadable_cassette_is_reported_and_not_overwritten(tmp_path: Path) -> None:
    path = cassette_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("interactions: [: broken")
    recorder = make_middleware(tmp_path, "new_episodes")
    fetch(recorder, Request(ARTICLE), gbk_response())
    recorder.spider_closed(recorder.crawler.spider)
    assert path.read_text() == "interactions: [: broken"
    assert stat(recorder, "cassette/load_error") == 1


def test_disabled_middleware_is_not_configured(tmp_path: Path) -> None:
    crawler = get_crawler(PortalSpider, {"CASSETTE_ENABLED": False, "CASSETTE_DIR": "x"})
    with pytest.raises(NotConfigured):
        CassetteMiddleware.from_crawler(crawler)


def test_unknown_record_mode_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="new_episodes"):
        make_middleware(tmp_path, "new_episode")


@settings(max_examples=100, deadline=None)
@given(
    body=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    value=st.binary(max_size=40),
    request_body=st.binary(max_size=50),
)
def test_any_bytes_round_trip_through_a_cassette(
    body: bytes, value: bytes, request_body: bytes
) -> None:
    interaction = Interaction(
        "POST",
        f"{PORTAL}/x",
        200,
        {"X-Raw": value.decode("latin-1")},
        body,
        request_body=request_body,
    )
    with tempfile.TemporaryDirectory() as folder:
        write_cassette(Path(folder) / "x.yaml", [interaction])
        (loaded,) = load_interactions(Path(folder))
        _requests, responses = FilesystemPersister.load_cassette(
            Path(folder) / "x.yaml", serializer=yamlserializer
        )
    assert loaded.body == body
    assert loaded.request_body == request_body
    assert loaded.headers["X-Raw"] == [value.decode("latin-1")]
    assert responses[0]["body"]["string"] == body


# --- End to end --------------------------------------------------------------------------------

PAGES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
    "/list.html": (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        (
            "<html><head><title>年度报告</title></head><body>"
            '<a href="article.html">2023</a> <a href="/old-article">2022</a>'
            "</body></html>"
        ).encode(),
    ),
    "/article.html": (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        f"<html><head><title>2023年{TITLE}</title></head></html>".encode(),
    ),
    "/old-article": (301, {"Location": "/article-2022.html"}, b""),
    "/article-2022.html": (
        200,
        {"Content-Type": "text/html; charset=gb2312"},
        f"<html><head><title>2022年{TITLE}</title></head></html>".encode("gbk"),
    ),
}

SPIDER = textwrap.dedent(
    """
    import json

    import scrapy


    class TinySpider(scrapy.Spider):
        name = "tiny"
        custom_settings = {
            "DOWNLOADER_MIDDLEWARES": {
                "nianbao.crawler.middlewares.cassette.CassetteMiddleware": 120,
            },
        }

        def __init__(self, base, stats_path, **kwargs):
            super().__init__(**kwargs)
            self.start_urls = [base + "/list.html"]
            self.stats_path = stats_path

        def parse(self, response):
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href, self.parse_article)

        def parse_article(self, response):
            yield {"url": response.url, "title": response.css("title::text").get()}

        def closed(self, reason):
            with open(self.stats_path, "w") as f:
                json.dump(self.crawler.stats.get_stats(), f, default=str)
    """
)


class PageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, headers, body = PAGES.get(self.path, (404, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def local_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run_spider(tmp_path: Path, base: str, mode: str, run: str) -> tuple[list[dict], dict]:
    items_path, stats_path = tmp_path / f"{run}.jsonl", tmp_path / f"{run}-stats.json"
    spider_path = tmp_path / "tiny_spider.py"
    spider_path.write_text(SPIDER)
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    overrides = {
        "CASSETTE_ENABLED": "True",
        "CASSETTE_DIR": str(tmp_path / "cassettes"),
        "CASSETTE_RECORD_MODE": mode,
        "ROBOTSTXT_OBEY": "True",
        "ITEM_PIPELINES": "{}",
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
        "TELNETCONSOLE_ENABLED": "False",
        "LOG_LEVEL": "INFO",
    }
    command = [sys.executable, "-m", "scrapy", "runspider", str(spider_path)]
    command += ["-a", f"base={base}", "-a", f"stats_path={stats_path}", "-O", str(items_path)]
    for name, value in overrides.items():
        command += ["-s", f"{name}={value}"]
    # cwd=tmp_path: no scrapy.cfg there, so the project's settings stay out of the crawl.
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-4000:]
    items = [json.loads(line) for line in items_path.read_text().splitlines()]
    return sorted(items, key=lambda item: item["url"]), json.loads(stats_path.read_text())


def test_crawl_records_then_replays_offline(tmp_path: Path) -> None:
    with local_site() as base:
        recorded_items, recorded_stats = run_spider(tmp_path, base, "all", "record")
    # The server is gone: everything below comes from the cassette.
    replayed_items, replayed_stats = run_spider(tmp_path, base, "none", "replay")

    assert recorded_items == [
        {"url": f"{base}/article-2022.html", "title": f"2022年{TITLE}"},
        {"url": f"{base}/article.html", "title": f"2023年{TITLE}"},
    ]
    assert replayed_items == recorded_items
    # robots.txt, the list page, both articles and the 301 hop before one of them.
    assert recorded_stats["cassette/recorded"] == 5
    assert replayed_stats["cassette/hit"] == 5
    assert replayed_stats.get("cassette/miss", 0) == 0
    assert replayed_stats.get("log_count/ERROR", 0) == 0
    assert "downloader/exception_count" not in replayed_stats

    (cassette,) = (tmp_path / "cassettes" / "tiny").glob("*.yaml")
    assert cassette.name == "127.0.0.1.yaml"
    loaded = Cassette.load(path=str(cassette), record_mode="none")
    assert len(loaded) == 5


def test_the_paths_users_name_stay() -> None:
    """Scrapy settings name the middleware by its module path, and scripts build cassettes
    with ``nianbao.crawler.middlewares.cassette.Interaction``: both survive the module's
    split into cassette_match, cassette_yaml and cassette_scrapy."""
    from scrapy.utils.misc import load_object

    from nianbao.crawler.middlewares import cassette

    middleware = load_object("nianbao.crawler.middlewares.cassette.CassetteMiddleware")
    assert middleware is CassetteMiddleware
    assert cassette.Interaction is Interaction
