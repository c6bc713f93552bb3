"""Raw captures: a crawl keeps its responses as WARC, and ``nianbao reparse`` rebuilds the reports
from them without the network.

The crawl is the 泸定县 spider replayed from its cassette (the page carries seed 002's text), run in
a subprocess as every crawl test is (the Twisted reactor does not restart).
"""

from __future__ import annotations

import gzip
import os
import subprocess
from pathlib import Path

from nianbao_cli import run_nianbao
from scrapy import Request
from scrapy.http import HtmlResponse
from sqlalchemy import text
from warcio.archiveiterator import ArchiveIterator

from nianbao.crawler.middlewares.warc import Capture, WarcFiles, index, read_response, runs
from nianbao.pipelines.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
REPORT = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"
COLUMN = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/"


def nianbao(
    *args: str, cwd: Path, proxy: str = "http://127.0.0.1:9"
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NIANBAO_INCREMENTAL": "0"}
    # Any attempt to reach a server goes to the proxy: by default a closed port, so that it
    # fails loudly.
    env.update(http_proxy=proxy, https_proxy=proxy, NO_PROXY="", no_proxy="")
    return run_nianbao(*args, cwd=cwd, env=env)


def test_crawl_captures_and_reparse_rebuilds_without_network(tmp_path: Path) -> None:
    warc = tmp_path / "warc"
    db = f"sqlite:///{tmp_path / 'nianbao.db'}"
    crawl = nianbao(
        "crawl",
        "sichuan_luding",
        "--replay",
        "--db",
        db,
        "-s",
        f"NIANBAO_WARC_DIR={warc}",
        "-s",
        "NIANBAO_WARC_CAPTURE_REPLAYED=True",
        cwd=ROOT,
    )
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    files = list(warc.glob("nianbao-sichuan_luding-*.warc.gz"))
    assert len(files) == 1

    with files[0].open("rb") as handle:
        records = [
            (
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.rec_headers.get_header("WARC-Date"),
                record.http_headers.get_statuscode() if record.http_headers else None,
                record.content_stream().read(),
            )
            for record in ArchiveIterator(handle)
        ]
    assert records[0][0] == "warcinfo"
    responses = {
        uri: (date, status, body) for kind, uri, date, status, body in records if kind == "response"
    }
    requests = {uri for kind, uri, *_ in records if kind == "request"}
    assert {COLUMN, REPORT} <= responses.keys() and {COLUMN, REPORT} <= requests
    date, status, body = responses[REPORT]
    assert status == "200" and date.endswith("Z")
    # Seed 002: "今年受理依申请公开事项34件".
    assert "今年受理依申请公开事项34件" in body.decode("utf-8")
    assert runs(warc)["sichuan_luding"]["start_urls"] == [COLUMN]

    # An older parser stored table 四 shifted by its padding cell: 复议 结果维持 read as 0.
    engine = make_engine(db)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE cell SET value = 0 WHERE row_key = 'review' AND col_key = 'upheld'")
        )
    reparse = nianbao("reparse", "--warc-dir", str(warc), "--db", db, cwd=tmp_path)
    assert reparse.returncode == 0, reparse.stderr[-3000:]
    out = reparse.stdout
    assert "reparsed sichuan_luding from 2 captured responses (0 not captured)" in out
    assert "reports: updated 1" in out
    assert "1 revision(s) made by this reparse" in out
    assert "cell t4:review:upheld: 0 -> 5" in out
    with engine.connect() as connection:
        upheld = connection.execute(
            text("SELECT value FROM cell WHERE row_key = 'review' AND col_key = 'upheld'")
        ).scalar_one()
        statuses = connection.execute(
            text("SELECT number, status FROM report_revision ORDER BY number")
        ).all()
    engine.dispose()
    assert upheld == 5  # seed 002, table 四: 行政复议 结果维持 5
    assert [tuple(row) for row in statuses] == [(1, "superseded"), (2, "current")]

    again = nianbao("reparse", "--warc-dir", str(warc), "--db", db, cwd=tmp_path)
    assert "reports: unchanged 1" in again.stdout
    assert "0 revision(s) made by this reparse" in again.stdout


def test_reparse_without_captures_says_so(tmp_path: Path) -> None:
    result = nianbao(
        "reparse", "--warc-dir", str(tmp_path / "none"), "--db", "sqlite://", cwd=tmp_path
    )
    assert result.returncode == 1
    assert "no captures of any spider" in result.stderr


def _response(url: str, body: bytes) -> tuple[Request, HtmlResponse]:
    request = Request(url)
    response = HtmlResponse(
        url, body=body, headers={"Content-Type": "text/html; charset=gbk"}, request=request
    )
    return request, response


def _record(files: WarcFiles, url: str, body: bytes, date: str) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders

    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=gbk")], "HTTP/1.1")
    record = files.current.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": date},
    )
    files.write([record])


def test_files_rotate_and_the_newest_capture_wins(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, "sichuan_luding", {"spider": "sichuan_luding"}, max_bytes=1)
    page = "泸定县人民政府2024年政府信息公开工作年度报告".encode("gbk")  # GBK bytes kept as sent
    _record(files, REPORT, page + b" v1", "2025-01-20T08:00:00Z")
    _record(files, REPORT, page + b" v2", "2025-02-01T08:00:00Z")
    files.close()
    assert len(files.paths) == 2  # rotated past max_bytes after each write
    for path in files.paths:
        with gzip.open(path) as handle:
            assert handle.read(8) == b"WARC/1.0"
    found = index(tmp_path)
    assert isinstance(found[REPORT], Capture) and found[REPORT].path == files.paths[1]
    response = read_response(found[REPORT], Request(REPORT))
    assert response.body == page + b" v2"
    assert isinstance(response, HtmlResponse)
    assert response.text.startswith("泸定县人民政府")  # decoded with the captured charset
    assert "warc" in response.flags


def test_capture_skips_replays_and_survives_a_failing_disk(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler

    from nianbao.crawler.middlewares.warc import WarcMiddleware
    from nianbao.crawler.spiders.registry import SichuanLudingSpider

    crawler = get_crawler(SichuanLudingSpider, {"NIANBAO_WARC_DIR": str(tmp_path / "warc")})
    crawler.spider = crawler._create_spider()
    middleware = WarcMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    request, response = _response(REPORT, "<html>泸定县</html>".encode("gbk"))
    replayed = response.replace(flags=["cassette"])
    assert middleware.process_response(request, replayed) is replayed
    assert middleware.process_response(request, response) is response
    assert crawler.stats.get_value("nianbao/warc/captured") == 1

    def full(records: object) -> int:
        raise OSError(28, "No space left on device")

    assert middleware.files is not None
    middleware.files.write = full  # type: ignore[method-assign]
    assert middleware.process_response(request, response) is response
    assert crawler.stats.get_value("nianbao/warc/error") == 1


GENERIC_PORTALS = {
    "sichuan_luding": COLUMN,
    "shaanxi_jiaxian": "http://www.sxjiaxian.gov.cn/zwgk/zfxxgkzl/xtjdbnb/",
}


def test_reparse_re_creates_the_generic_spider_once_per_portal(tmp_path: Path) -> None:
    """Two generic crawls of two portals (each a ``-a start_url``), then a reparse with no
    network: each capture's arguments come back, where the spider used to be created without
    ``start_url`` and the reparse died."""
    from simulator import Portal, serving

    from nianbao.crawler.middlewares.cassette_yaml import load_interactions

    warc = tmp_path / "warc"
    db = f"sqlite:///{tmp_path / 'nianbao.db'}"
    portal = Portal()
    for folder in GENERIC_PORTALS:
        for interaction in load_interactions(ROOT / "cassettes" / folder):
            portal.add(interaction)
    with serving(portal) as proxy:
        for start_url in GENERIC_PORTALS.values():
            crawl = nianbao(
                "crawl", "generic", "-a", f"start_url={start_url}", "--db", db,
                "-s", f"NIANBAO_WARC_DIR={warc}", "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "DOWNLOAD_DELAY=0", cwd=ROOT, proxy=proxy,
            )  # fmt: skip
            assert crawl.returncode == 0, crawl.stderr[-3000:]
    captured = runs(warc)["generic"]
    assert sorted(run["arguments"]["start_url"] for run in captured["runs"]) == sorted(
        GENERIC_PORTALS.values()
    )
    engine = make_engine(db)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM report")).scalar_one()
    engine.dispose()
    assert stored >= 2

    reparse = nianbao("reparse", "--warc-dir", str(warc), "--db", db, cwd=tmp_path)
    assert reparse.returncode == 0, reparse.stderr[-3000:]
    assert "Traceback" not in reparse.stderr
    assert "(0 not captured)" in reparse.stdout
    assert f"reports: unchanged {stored}" in reparse.stdout
