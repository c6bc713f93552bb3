"""``nianbao new-spider``, offline: family detection on real pages, the files it writes, a
polite fetch from a local server, and the whole "add a portal" path (write the spider, record
its cassette through a simulated portal, replay it) without the network.
"""

from __future__ import annotations

import ast
import http.server
import importlib.util
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from simulator import Portal, serving

from nianbao.crawler.cli import main
from nianbao.crawler.commands.new_spider import NewSpiderError, new_spider
from nianbao.crawler.middlewares.cassette_yaml import load_cassette, load_interactions
from nianbao.crawler.spiders.base.annual_report import AnnualReportSpider

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")
HTML = SHARED / "corpus" / "html"
CASSETTES = REPO / "cassettes"


def cassette_page(spider: str, url: str, folder: Path) -> Path:
    """A recorded page saved to a file, as a user saves a page from the browser."""
    body = next(i.body for i in load_interactions(CASSETTES / spider) if i.url == url)
    path = folder / "page.html"
    path.write_bytes(body)
    return path


def load_spider(path: Path) -> type[AnnualReportSpider]:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return next(
        value
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__
    )


def code_lines(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    doc = ast.parse(source).body[0]
    return [
        line
        for number, line in enumerate(source.splitlines(), 1)
        if line.strip() and not doc.lineno <= number <= (doc.end_lineno or 0)
    ]


@pytest.mark.parametrize(
    ("page", "url", "family"),
    [
        # The real TRS pages of the corpus (their own URLs were not all recorded).
        (HTML / "trs_list_ordos_egb_xxgknb.html", "http://portal.invalid/xxgk/xxgknb/", "trs"),
        (HTML / "trs_xxgk_list_handan.html", "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/", "trs"),
        (
            HTML / "ucap_shuyang_fgj_2023.html",
            "http://www.shuyang.gov.cn/sygfj/gknb/gknb.shtml",
            "ucap",
        ),
        ("gansu_liangzhou", "http://www.gsliangzhou.gov.cn/col/col9910/index.html", "hanweb"),
        ("sichuan_luding", "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/", "link_list"),
    ],
)
def test_detects_the_family_and_writes_a_spider_on_its_base(
    page: Path | str, url: str, family: str, tmp_path: Path
) -> None:
    saved = page if isinstance(page, Path) else cassette_page(page, url, tmp_path)
    spider_path, test_path = new_spider("hebei_shiyan", url, page=saved, root=tmp_path)
    assert spider_path == tmp_path / "crawler/spiders/hebei_shiyan.py"
    assert test_path == tmp_path / "tests/spiders/test_hebei_shiyan.py"
    spider = load_spider(spider_path)
    assert spider.__name__ == "HebeiShiyanSpider" and spider.name == "hebei_shiyan"
    assert spider.family == family
    assert spider.column_urls == (url,)
    assert len(code_lines(spider_path)) <= 10
    test = test_path.read_text(encoding="utf-8")
    assert (
        'replayed("hebei_shiyan")' in test and "EXPECTED: list[tuple[str, str, int]] = []" in test
    )


def test_portal_name_and_domain_come_from_the_page(tmp_path: Path) -> None:
    url = "http://www.shuyang.gov.cn/sygfj/gknb/gknb.shtml"
    path, _ = new_spider(
        "jiangsu_shuyangx", url, page=HTML / "ucap_shuyang_fgj_2023.html", root=tmp_path
    )
    spider = load_spider(path)
    assert spider.portal == "沭阳县人民政府"  # meta SiteName on the real page
    assert spider.allowed_domains == ("shuyang.gov.cn",)
    # Without SiteName: the site part of the <title> (恩格贝's page).
    path, _ = new_spider(
        "neimenggu_engebei",
        "http://portal.invalid/",
        page=HTML / "trs_list_ordos_egb_xxgknb.html",
        root=tmp_path,
        authority="鄂尔多斯市恩格贝生态示范区管委会",
    )
    spider = load_spider(path)
    assert spider.portal == "鄂尔多斯恩格贝生态示范区"
    assert spider.authority == "鄂尔多斯市恩格贝生态示范区管委会"
    assert len(code_lines(path)) <= 10


def test_gkmlpt_category_and_site_id(tmp_path: Path) -> None:
    """A gkmlpt entry page: the SID and the one 年报 category of its TREE (TREE layout assumed,
    PORTALS.md §3 rates it unverified)."""
    page = tmp_path / "gkmlpt.html"
    page.write_text(
        "<html><head><title>政府信息公开_遂溪县</title></head><body><script>window._CONFIG = "
        "{SID: '759001', TREE: [{id: 1, name: '政府信息公开指南'}, "
        "{id: 5, name: '政府信息公开年报'}]};"
        "</script></body></html>",
        encoding="utf-8",
    )
    url = "http://www.suixi.gov.cn/gkmlpt/index"
    path, _ = new_spider("guangdong_suixix", url, page=page, root=tmp_path)
    spider = load_spider(path)
    assert spider.family == "gkmlpt"
    assert spider.column_urls == (url + "#5",)
    assert spider.sid == "759001"


def test_refuses_bad_names_and_existing_files(tmp_path: Path) -> None:
    page = HTML / "trs_list_ordos_egb_xxgknb.html"
    with pytest.raises(NewSpiderError, match="pinyin"):
        new_spider("Luding", "http://www.luding.gov.cn/", page=page, root=tmp_path)
    new_spider("sichuan_ludingx", "http://www.luding.gov.cn/", page=page, root=tmp_path)
    with pytest.raises(NewSpiderError, match="exists"):
        new_spider("sichuan_ludingx", "http://www.luding.gov.cn/", page=page, root=tmp_path)
    new_spider("sichuan_ludingx", "http://www.luding.gov.cn/", page=page, root=tmp_path, force=True)


# --- Fetching politely ---------------------------------------------------------------------


class _Site(http.server.BaseHTTPRequestHandler):
    pages: dict[str, bytes] = {}  # noqa: RUF012 (set per test)
    seen: list[tuple[str, str]] = []  # noqa: RUF012

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("User-Agent", "")))
        body = self.pages.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "text/html")  # no charset: the page may be GBK
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[tuple[str, type[_Site]]]:
    handler = type("Site", (_Site,), {"pages": {}, "seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_fetches_once_after_robots_txt_with_the_project_user_agent(
    site: tuple[str, type[_Site]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, handler = site
    column = next(
        i
        for i in load_interactions(CASSETTES / "gansu_liangzhou")
        if i.url.endswith("col9910/index.html")
    )
    # Served as an old portal would: GBK, no charset in the header or the page.
    text = column.body.decode("utf-8").replace('<meta charset="utf-8">', "")
    handler.pages = {
        "/robots.txt": b"User-agent: *\nDisallow: /search/\n",
        "/col/col9910/index.html": text.encode("gbk"),
    }
    status = main(
        ["new-spider", "gansu_wuwei", f"{base}/col/col9910/index.html", "--root", str(tmp_path)]
    )
    assert status == 0
    assert [path for path, _ in handler.seen] == ["/robots.txt", "/col/col9910/index.html"]
    assert all(agent.startswith("nianbao/") for _, agent in handler.seen)
    spider = load_spider(tmp_path / "crawler/spiders/gansu_wuwei.py")
    assert spider.family == "hanweb"
    assert spider.portal == "武威市凉州区人民政府"  # read right from the GBK bytes
    assert "nianbao crawl gansu_wuwei --record once" in capsys.readouterr().out


def test_robots_txt_can_forbid_the_fetch(site: tuple[str, type[_Site]], tmp_path: Path) -> None:
    base, handler = site
    handler.pages = {"/robots.txt": b"User-agent: *\nDisallow: /\n", "/xxgknb/": b"<html></html>"}
    assert main(["new-spider", "sichuan_x", f"{base}/xxgknb/", "--root", str(tmp_path)]) == 1
    assert [path for path, _ in handler.seen] == ["/robots.txt"]
    assert not (tmp_path / "crawler/spiders/sichuan_x.py").exists()


# --- Adding a portal, start to end ----------------------------------------------------------

ISOLATED = [
    *("-s", "HTTPCACHE_ENABLED=False"),
    *("-s", "NIANBAO_INCREMENTAL=False"),
    *("-s", "NIANBAO_JOBS_DIR="),
    *("-s", "NIANBAO_WARC_DIR="),
    *("-s", "ITEM_PIPELINES={}"),
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "DOWNLOAD_DELAY=0"),
]


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    environment.update(env)
    return subprocess.run(
        args, cwd=REPO, env=environment, capture_output=True, text=True, timeout=300, check=False
    )


def test_add_a_portal_record_and_replay(tmp_path: Path) -> None:
    """new-spider against the (simulated) live column, then record its cassette, then replay it
    with the network gone: the README's "Adding a portal", offline."""
    portal = Portal()
    for interaction in load_interactions(CASSETTES / "chongqing_jiulongpo"):
        portal.add(interaction)
    column = "http://cqjlp.gov.cn/bmjz/qzfjz_97456/eljd_97738/zwgk_97461/zfxxgknb_97478/"
    cassettes = tmp_path / "cassettes"
    spider_file = tmp_path / "crawler/spiders/chongqing_erlang.py"
    with serving(portal) as proxy:
        made = _run(
            [
                sys.executable,
                "-m",
                "nianbao.crawler",
                "new-spider",
                "chongqing_erlang",
                column,
                "--root",
                str(tmp_path),
            ],
            http_proxy=proxy,
        )
        assert made.returncode == 0, made.stderr
        assert load_spider(spider_file).family == "trs"
        recorded = _run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "runspider",
                str(spider_file),
                *ISOLATED,
                "-s",
                "CASSETTE_ENABLED=True",
                "-s",
                "CASSETTE_RECORD_MODE=once",
                "-s",
                f"CASSETTE_DIR={cassettes}",
                "-O",
                str(tmp_path / "recorded.jsonl"),
            ],
            http_proxy=proxy,
        )
        assert recorded.returncode == 0, recorded.stderr[-3000:]
    cassette = cassettes / "chongqing_erlang" / "cqjlp.gov.cn.yaml"
    assert {i.url for i in load_cassette(cassette)} >= {column}
    replayed = _run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "runspider",
            str(spider_file),
            *ISOLATED,
            "-s",
            "CASSETTE_ENABLED=True",
            "-s",
            "CASSETTE_RECORD_MODE=none",
            "-s",
            f"CASSETTE_DIR={cassettes}",
            "-O",
            str(tmp_path / "replayed.jsonl"),
        ],
    )
    assert replayed.returncode == 0, replayed.stderr[-3000:]
    assert "'cassette/miss'" not in replayed.stderr

    def items(name: str) -> list[tuple[str, str, int]]:
        lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
        return [(d["source_url"], d["authority"], d["report_year"]) for d in map(json.loads, lines)]

    expected = [(column + "202301/t20230130_11545442.html", "重庆市九龙坡区二郎街道办事处", 2022)]
    assert items("recorded.jsonl") == items("replayed.jsonl") == expected


def test_a_pure_facts_portal_becomes_a_registry_row(tmp_path: Path) -> None:
    """``--registry``: no module, one checked row in ROOT/crawler/portals.csv (its spider has the
    facts the module would have had); the same name again is refused, the file untouched."""
    from nianbao.crawler.spiders.registry import read_rows, spider_class

    url = "http://www.shuyang.gov.cn/sygfj/gknb/gknb.shtml"
    page = HTML / "ucap_shuyang_fgj_2023.html"
    written = new_spider("jiangsu_sygfj", url, page=page, root=tmp_path, registry=True)
    assert written == [
        tmp_path / "crawler/portals.csv",
        tmp_path / "tests/spiders/test_jiangsu_sygfj.py",
    ]
    assert not (tmp_path / "crawler/spiders/jiangsu_sygfj.py").exists()
    (row,) = read_rows(written[0])
    spider = spider_class(row)
    assert (spider.name, spider.family, spider.portal) == (
        "jiangsu_sygfj",
        "ucap",
        "沭阳县人民政府",
    )
    assert spider.allowed_domains == ("shuyang.gov.cn",) and spider.column_urls == (url,)
    before = written[0].read_text(encoding="utf-8")
    with pytest.raises(NewSpiderError, match=r"line 3 .*duplicate name 'jiangsu_sygfj'"):
        new_spider("jiangsu_sygfj", url, page=page, root=tmp_path, registry=True, force=True)
    assert written[0].read_text(encoding="utf-8") == before
