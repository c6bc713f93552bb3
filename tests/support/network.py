"""A simulated national network: many government portals on 127.0.0.1, each under its own name.

A broad crawl (``nianbao crawl --all`` over a thousand portals) must be tested and measured
without the network, against portals that look and fail like the real ones. :class:`Network`
describes ``count`` portals of mixed CMS families and page shapes; :class:`NetworkServer` is one
threaded HTTP server that answers for all of them as an HTTP proxy (the crawl runs with
``http_proxy`` pointing at it, so every portal keeps its own host name, download slot, robots.txt
and allowed domain, while nothing leaves the machine; names end in ``.test``, a TLD that never
resolves, so a crawl without the proxy reaches no real server).

Each portal publishes one simulated authority (模拟…人民政府: the name is made up, and says so)
and 1-4 of the project's real reports (:func:`~support.portal.real_reports`:
the seeds, the corpus texts and pages, the 泸定县 cassette page) of distinct years, their text
and numbers untouched, their title naming the portal's authority so that each (authority, year)
is stored once. Shapes, by the portal's number:

- families: ``link_list`` (``/xxgk/nb/``, ``index_N.html`` and 下一页), ``trs`` (``createPageHTML``
  pager, ``./YYYYMM/tYYYYMMDD_N.html`` articles) and ``ucap`` (``gknb.shtml``, 32-hex articles);
- paging (two reports a list page on some portals), per-year sub-columns (``2023年`` links to
  ``…/2023/``), a real attachment (the 洪泽区 2023 PDF of corpus/attachments, on that report's
  page), look-alike non-reports in every list (编制发布工作的通知, 法治政府建设年度报告);
- a share of broken portals: ``dead`` (every connection reset), ``5xx`` (503 on every page),
  ``antibot`` (412 with the real 瑞数 challenge head of corpus/html) and ``empty`` (a column page
  that lists nothing).

Pages carry ``ETag``/``Last-Modified`` and answer conditional requests with 304, so a second
night shows what the HTTP cache and the seen-set save. Every answer is counted per portal
(:attr:`NetworkServer.hits`).
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import html
import http.server
import random
import threading
from email.utils import formatdate
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from nianbao.crawler.spiders.registry import COLUMNS as REGISTRY_COLUMNS
from support.local_server import LocalServer, QuietHandler, QuietServer, etag, not_modified, reset
from support.portal import PortalReport, real_reports

#: Kinds of broken portal, and the share of portals (by number) that are broken.
BROKEN_KINDS = ("dead", "5xx", "antibot", "empty")
#: Every ``BROKEN_EVERY``-th portal is broken, the kinds taking turns.
BROKEN_EVERY = 12
FAMILIES = ("link_list", "trs", "ucap")
ATTACHMENT = "hongze_qu_2023.pdf"
#: The report the attachment belongs to (corpus/texts/011_hongze_qu_2023.txt).
ATTACHMENT_REPORT = ("淮安市洪泽区人民政府", 2023)
#: Titles that look like reports and are not (SPEC.md §8): a list shows them beside the reports.
LOOKALIKES = (
    "关于做好{year}年政府信息公开工作年度报告编制发布工作的通知",
    "{authority}{year}年法治政府建设年度报告",
)
_DIGITS = "零一二三四五六七八九"


def _number(n: int) -> str:
    """1 -> 一, 407 -> 四零七: a portal's made-up place name, in characters."""
    return "".join(_DIGITS[int(d)] for d in str(n))


@dataclasses.dataclass
class NetworkPortal:
    """One simulated portal: its facts (a registry row) and its pages."""

    number: int
    family: str
    reports: list[PortalReport]
    broken: str | None = None
    per_page: int = 10
    subcolumns: bool = False
    attachment: bool = False

    @property
    def name(self) -> str:
        return f"sim_{self.number:04d}"

    @property
    def host(self) -> str:
        return f"www.p{self.number:04d}.gov.test"

    @property
    def authority(self) -> str:
        return f"模拟{_number(self.number)}镇人民政府"

    @property
    def column(self) -> str:
        return {"link_list": "/xxgk/nb/", "trs": "/zwgk/xxgknb/", "ucap": "/sim/gknb/"}[self.family]

    @property
    def column_url(self) -> str:
        first = "gknb.shtml" if self.family == "ucap" else ""
        return f"http://{self.host}{self.column}{first}"

    def title(self, report: PortalReport) -> str:
        return f"{self.authority}{report.year}年政府信息公开工作年度报告"

    def row(self) -> dict[str, str]:
        """The portal as a row of the portal registry (crawler/portals.csv layout)."""
        shape = f"{self.family}, {len(self.reports)} report(s)"
        if self.broken:
            shape += f", broken: {self.broken}"
        return {
            "name": self.name,
            "portal": self.authority,
            "family": self.family,
            "allowed_domains": self.host,
            "column_urls": self.column_url,
            "knobs": "",
            "description": f"Simulated portal ({shape}); tests/support/network.py.",
        }

    # --- pages -------------------------------------------------------------------------------

    def report_path(self, index: int) -> str:
        year = self.reports[index].year
        folder = f"{self.column}{year}/" if self.subcolumns else self.column
        if self.family == "ucap":
            digest = hashlib.md5(f"{self.name}/{index}".encode()).hexdigest()
            return f"{folder}{year + 1}01/{digest}.shtml"
        return f"{folder}{year + 1}01/t{year + 1}0115_{self.number}{index}.html"

    def list_path(self, page: int, folder: str | None = None) -> str:
        folder = folder or self.column
        ext = "shtml" if self.family == "ucap" else "html"
        if page == 0:
            return f"{folder}gknb.shtml" if self.family == "ucap" else folder
        return f"{folder}index_{page}.{ext}"

    def pages(self) -> dict[str, tuple[str, bytes]]:
        """Path -> (content type, body) of every page of the portal."""
        out: dict[str, tuple[str, bytes]] = {}
        indexed = list(enumerate(self.reports))
        if self.subcolumns:
            years = sorted({report.year for report in self.reports}, reverse=True)
            links = "".join(
                f'<li><a href="{self.list_path(0, f"{self.column}{year}/")}">{year}年</a></li>'
                for year in years
            )
            out[self.list_path(0)] = _html(self._list_page("政府信息公开年报", links, 0, 1))
            for year in years:
                chosen = [(i, r) for i, r in indexed if r.year == year]
                self._list_pages(out, chosen, f"{self.column}{year}/")
        else:
            self._list_pages(out, indexed, self.column)
        for index, report in indexed:
            out[self.report_path(index)] = _html(self._report_page(report))
        return out

    def _list_pages(
        self,
        out: dict[str, tuple[str, bytes]],
        reports: list[tuple[int, PortalReport]],
        folder: str,
    ) -> None:
        count = max(1, -(-len(reports) // self.per_page))
        for page in range(count):
            chunk = reports[page * self.per_page : (page + 1) * self.per_page]
            items = []
            for index, report in chunk:
                title = html.escape(self.title(report))
                items.append(
                    f'<li><a href="{self.report_path(index)}" title="{title}">{title}</a>'
                    f"<span>{report.year + 1}-01-15</span></li>"
                )
            if page == 0 and self.broken != "empty":
                year = reports[0][1].year if reports else 2024
                for text in LOOKALIKES:
                    title = html.escape(text.format(year=year, authority=self.authority))
                    items.append(
                        f'<li><a href="{folder}notice_{len(items)}.html" title="{title}">'
                        f"{title}</a></li>"
                    )
            if self.broken == "empty":
                items = []
            body = "".join(items)
            out[self.list_path(page, folder)] = _html(
                self._list_page("政府信息公开年报", body, page, count, folder)
            )

    def _list_page(
        self, title: str, items: str, page: int, count: int, folder: str | None = None
    ) -> str:
        pager = ""
        if self.family == "trs":
            pager = (
                f"<script>var currentPage = {page};var countPage = {count};"
                'createPageHTML(countPage, currentPage, "index", "html");</script>'
            )
        elif page + 1 < count:
            pager = (
                f'<div class="page"><a href="{self.list_path(page + 1, folder)}">下一页</a></div>'
            )
        meta = f'<meta name="SiteName" content="{html.escape(self.authority)}">'
        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8">{meta}'
            f"<title>{html.escape(title)}</title></head><body>"
            f'<ul class="list">{items}</ul>{pager}</body></html>'
        )

    def _report_page(self, report: PortalReport) -> str:
        """The real page with its title (``<title>``, ``<h1>``) naming this portal's authority."""
        page = report.html.replace(report.title, self.title(report)).replace(
            f"{report.authority}{report.year}年", f"{self.authority}{report.year}年"
        )
        if self.attachment and (report.authority, report.year) == ATTACHMENT_REPORT:
            link = f'<p><a href="{self.column}files/{ATTACHMENT}">附件：{ATTACHMENT}</a></p>'
            page = page.replace("</body>", f"{link}</body>")
        return page


def _html(text: str) -> tuple[str, bytes]:
    return "text/html; charset=utf-8", text.encode("utf-8")


@dataclasses.dataclass
class Network:
    """``count`` portals built from the real reports (deterministic for a given ``seed``)."""

    portals: list[NetworkPortal]
    challenge: bytes
    attachment: bytes

    @classmethod
    def build(cls, count: int, shared: Path, cassettes: Path, seed: int = 13) -> Network:
        reports = real_reports(shared, cassettes)
        chance = random.Random(seed)
        portals = []
        for number in range(1, count + 1):
            chosen: dict[int, PortalReport] = {}
            for report in chance.sample(reports, k=min(len(reports), chance.randint(1, 5))):
                chosen.setdefault(report.year, report)
                if len(chosen) == 4:
                    break
            broken = None
            if number % BROKEN_EVERY == 0:
                broken = BROKEN_KINDS[(number // BROKEN_EVERY - 1) % len(BROKEN_KINDS)]
            attach = ATTACHMENT_REPORT in {(r.authority, r.year) for r in chosen.values()}
            portals.append(
                NetworkPortal(
                    number,
                    FAMILIES[number % len(FAMILIES)],
                    sorted(chosen.values(), key=lambda r: -r.year),
                    broken=broken,
                    per_page=2 if number % 4 == 1 else 10,
                    subcolumns=number % 5 == 2,
                    attachment=attach and number % 2 == 0,
                )
            )
        challenge = (shared / "corpus" / "html" / "ruishu_challenge_head_nmpa.html").read_bytes()
        attachment = (shared / "corpus" / "attachments" / ATTACHMENT).read_bytes()
        return cls(portals, challenge, attachment)

    def healthy(self) -> list[NetworkPortal]:
        return [portal for portal in self.portals if portal.broken is None]

    def expected_reports(self) -> set[tuple[str, int]]:
        """(authority, year) of every report a complete crawl stores."""
        return {(p.authority, r.year) for p in self.healthy() for r in p.reports}

    def rows(self) -> list[dict[str, str]]:
        return [portal.row() for portal in self.portals]

    def write_registry(self, path: Path) -> Path:
        """The portals as a registry CSV (``NIANBAO_REGISTRY=path`` once the registry lands)."""
        import csv

        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=REGISTRY_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(self.rows())
        return path


# --- The server ------------------------------------------------------------------------------


@dataclasses.dataclass
class _Site:
    portal: NetworkPortal
    pages: dict[str, tuple[str, bytes]]


#: One fixed date for every page: the same page always carries the same Last-Modified.
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)
ROBOTS = b"User-agent: *\nDisallow: /admin/\n"


class _Server(QuietServer):
    request_queue_size = 512


class NetworkServer(LocalServer):
    """The proxy answering for every portal of a :class:`Network`. A context manager."""

    server_class = _Server

    def __init__(self, network: Network) -> None:
        self.network = network
        self.sites = {p.host: _Site(p, p.pages()) for p in network.portals}
        for site in self.sites.values():
            if site.portal.attachment:
                path = f"{site.portal.column}files/{ATTACHMENT}"
                site.pages[path] = ("application/pdf", network.attachment)
        #: (host, path, status) -> answers.
        self.hits: collections.Counter[tuple[str, str, int]] = collections.Counter()
        #: Hosts in the order of their first request, with the number of requests before it.
        self.first_seen: dict[str, int] = {}
        self.total = 0
        #: Requests being answered per host right now, and the most ever at once.
        self.in_flight: collections.Counter[str] = collections.Counter()
        self.most_in_flight: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def log(self, host: str, path: str, status: int) -> None:
        with self._lock:
            self.first_seen.setdefault(host, self.total)
            self.hits[(host, path, status)] += 1
            self.total += 1

    def enter(self, host: str) -> None:
        with self._lock:
            self.in_flight[host] += 1
            self.most_in_flight[host] = max(self.most_in_flight[host], self.in_flight[host])

    def leave(self, host: str) -> None:
        with self._lock:
            self.in_flight[host] -= 1

    def downloads(self) -> int:
        """Answers that carried a body (not 304, not a reset connection)."""
        return sum(n for (_, _, status), n in self.hits.items() if status not in (0, 304))

    def requests(self) -> int:
        return self.total

    def hosts_asked(self) -> set[str]:
        return {host for host, _, _ in self.hits}

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"server_state": self})


class _Handler(QuietHandler):
    server_state: ClassVar[NetworkServer]

    def do_GET(self) -> None:
        target = urlsplit(self.path)
        host = (target.hostname or self.headers.get("Host", "").split(":")[0]).lower()
        self.server_state.enter(host)
        self._in_flight: str | None = host
        try:
            self._get(host, target.path or "/")
        finally:
            self._answered()

    def _answered(self) -> None:
        """The request stops counting as in flight when its answer *starts*: a client that
        waits for the answer may ask again as soon as it has read it, while this thread (on a
        loaded machine) has not yet been scheduled to finish; counting to the end of the write
        saw two at once where the client never sent them so."""
        host, self._in_flight = self._in_flight, None
        if host is not None:
            self.server_state.leave(host)

    def send_response(self, code: int, message: str | None = None) -> None:
        self._answered()
        super().send_response(code, message)

    def _get(self, host: str, path: str) -> None:
        state = self.server_state
        site = state.sites.get(host)
        if site is None:
            state.log(host, path, 502)
            self._send(502, "text/plain", b"unknown host")
            return
        broken = site.portal.broken
        if broken == "dead":
            state.log(host, path, 0)
            self._reset()
            return
        if path == "/robots.txt":
            self._answer(host, path, "text/plain", ROBOTS)
        elif broken == "5xx":
            state.log(host, path, 503)
            self._send(503, "text/html", b"<html><body>503 Service Unavailable</body></html>")
        elif broken == "antibot":
            state.log(host, path, 412)
            self._send(412, "text/html; charset=utf-8", state.network.challenge)
        elif path in site.pages:
            self._answer(host, path, *site.pages[path])
        else:
            state.log(host, path, 404)
            self._send(404, "text/html", b"<html><body>404</body></html>")

    def _answer(self, host: str, path: str, content_type: str, body: bytes) -> None:
        tag = etag(body)
        headers = {"ETag": tag, "Last-Modified": LAST_MODIFIED}
        if not_modified(self.headers, tag, LAST_MODIFIED):
            self.server_state.log(host, path, 304)
            self._send(304, content_type, b"", headers)
            return
        self.server_state.log(host, path, 200)
        self._send(200, content_type, body, headers)

    def _send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
        self.wfile.flush()

    def _reset(self) -> None:
        self._answered()  # before the RST: the client may retry the moment it sees it
        reset(self)
