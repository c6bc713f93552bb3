"""A fault-injecting government portal on 127.0.0.1, serving real reports.

Nightly operation must be tested against the failures real portals produce, repeatably and
without the network. :class:`SimulatedPortal` is a small threaded HTTP server that publishes a
政府信息公开年报 column the way a static county CMS does (``/xxgk/nb/`` and ``index_N.html`` list
pages, ``/xxgk/nb/YYYYMM/tYYYYMMDD_N.html`` report pages, ``ETag``/``Last-Modified`` validators
answered with 304) and injects, on the pages and for the number of requests a test chooses:

``timeout`` (answers after ``delay`` seconds), ``status`` (any status; 412 comes with the real
瑞数 challenge page), ``challenge`` (that page served as a 200), ``reset`` (TCP RST instead of an
answer), ``truncate`` (a body cut short of its Content-Length), ``cut`` (half a page served as if
it were whole), ``gbk`` (the page in GBK, no charset anywhere), ``redirect_loop``, ``gigantic``
(a page far over any size cap, streamed until the client hangs up) and ``empty_list`` (a list
page with no links).

Every answer is logged (:attr:`SimulatedPortal.hits`), with the fault it carried, so a test or
benchmark can say how many faults it injected. The reports are the project's real material
(:func:`real_reports`): the seeds, the corpus texts and pages, and the 泸定县 page of the
cassettes, each under its own authority and year.
"""

from __future__ import annotations

import dataclasses
import html
import http.server
import re
import threading
import time
from collections.abc import Iterable
from email.utils import formatdate
from pathlib import Path
from typing import ClassVar

from support.local_server import LocalServer, QuietHandler, etag, not_modified, reset

#: Fault kinds the portal can inject.
FAULT_KINDS = (
    "timeout",
    "status",
    "challenge",
    "reset",
    "truncate",
    "cut",
    "gbk",
    "redirect_loop",
    "gigantic",
    "empty_list",
)

COLUMN = "/xxgk/nb/"
#: Seed files: authority and year as the seeds README lists them (the pages name them in titles).
_SEEDS = {
    "000_b5566a94ec5fc8f8.txt": ("渔洋镇", 2024),
    "001_c8d30c2eb8575ca5.txt": ("邙岭镇人民政府", 2020),
    "003_9be01f7833830f67.txt": ("凉州区四坝镇人民政府", 2017),
    "004_83053b7e25c70037.txt": ("劳动镇", 2022),
}
_HEADER = re.compile(r"^(\w+):\s*(.*)$")


@dataclasses.dataclass
class PortalReport:
    """One report page of the portal; ``version`` changes its validators and date."""

    authority: str
    year: int
    html: str
    version: int = 1

    @property
    def title(self) -> str:
        return f"{self.authority}{self.year}年政府信息公开工作年度报告"


@dataclasses.dataclass
class Fault:
    """Inject ``kind`` on requests whose path (query left out) is ``path``; ``"*"`` matches
    every report page and ``"list"`` every list page. ``times``: for that many matching
    requests, then the page is served normally (None: for ever)."""

    kind: str
    path: str
    times: int | None = None
    status: int = 503
    delay: float = 3.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; one of {', '.join(FAULT_KINDS)}")


@dataclasses.dataclass(frozen=True)
class Hit:
    path: str
    status: int
    fault: str | None
    conditional: bool
    bytes_sent: int


def _page(title: str, body: str, *, charset: bool = True) -> str:
    meta = '<meta charset="utf-8">' if charset else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{html.escape(title)}</title></head>"
        f'<body><div class="header">政府信息公开</div>{body}</body></html>'
    )


def text_page(title: str, text: str) -> str:
    """A report page holding a text report, one ``<p>`` per line, as small CMSs print them."""
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return _page(title, f'<div class="article"><h1>{html.escape(title)}</h1>{lines}</div>')


def real_reports(shared: Path, cassettes: Path) -> list[PortalReport]:
    """The project's real reports, one page each, under distinct (authority, year) keys."""
    reports: list[PortalReport] = []
    for name, (authority, year) in _SEEDS.items():
        text = (shared / "seeds" / name).read_text("utf-8")
        report = PortalReport(authority, year, "")
        report.html = text_page(report.title, text)
        reports.append(report)
    for path in sorted((shared / "corpus" / "texts").glob("*.txt")):
        head, _, text = path.read_text("utf-8").partition("\n---\n")
        fields = dict(m.groups() for line in head.splitlines() if (m := _HEADER.match(line)))
        report = PortalReport(fields["authority"], int(fields["report_year"]), "")
        report.html = text_page(report.title, text)
        reports.append(report)
    shuyang = (shared / "corpus" / "html" / "ucap_shuyang_fgj_2023.html").read_text("utf-8")
    reports.append(PortalReport("沭阳县发展和改革局", 2023, shuyang))
    from nianbao.crawler.middlewares.cassette_yaml import load_interactions

    for interaction in load_interactions(cassettes / "sichuan_luding"):
        if interaction.url.endswith("/article/633321"):
            reports.append(PortalReport("泸定县人民政府", 2024, interaction.body.decode("utf-8")))
    return reports


class SimulatedPortal(LocalServer):
    """The portal server. Use as a context manager; :attr:`url` is its root."""

    def __init__(
        self,
        reports: Iterable[PortalReport],
        *,
        per_page: int = 10,
        validators: bool = True,
        challenge_page: bytes = b"<html><head><title>412 Precondition Failed</title></head>",
    ) -> None:
        self.reports = list(reports)
        self.per_page = per_page
        self.validators = validators
        self.challenge_page = challenge_page
        self.faults: list[Fault] = []
        self.hits: list[Hit] = []
        self.empty_lists = False
        #: Seconds every report page takes to answer (a slow county server).
        self.latency = 0.0
        self._lock = threading.Lock()

    # --- content ---------------------------------------------------------------------------

    def report_path(self, index: int) -> str:
        month = f"2025{index % 12 + 1:02d}"
        return f"{COLUMN}{month}/t{month}15_{index + 1}.html"

    def list_path(self, page: int) -> str:
        return f"{COLUMN}index.html" if page == 0 else f"{COLUMN}index_{page}.html"

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.reports) // self.per_page))

    def list_html(self, page: int) -> str:
        items = []
        chunk = range(page * self.per_page, min(len(self.reports), (page + 1) * self.per_page))
        for index in chunk:
            report = self.reports[index]
            title = html.escape(report.title)
            items.append(
                f'<li><a href="{self.report_path(index)}" title="{title}">{title}</a>'
                f"<span>2025-01-{report.version:02d}</span></li>"
            )
        pager = ""
        if page + 1 < self.pages:
            pager = f'<div class="page"><a href="index_{page + 1}.html">下一页</a></div>'
        return _page("政府信息公开年报", f'<ul class="list">{"".join(items)}</ul>{pager}')

    def resolve(self, path: str) -> tuple[str, str, int] | None:
        """(kind, html, version) of the page at ``path``: kind ``list`` or ``report``."""
        if path in (COLUMN, f"{COLUMN}index.html"):
            return "list", self.list_html(0), self._list_version()
        match = re.fullmatch(rf"{COLUMN}index_(\d+)\.html", path)
        if match and 0 < int(match.group(1)) < self.pages:
            return "list", self.list_html(int(match.group(1))), self._list_version()
        for index, report in enumerate(self.reports):
            if self.report_path(index) == path:
                return "report", report.html, report.version
        return None

    def _list_version(self) -> int:
        return len(self.reports) * 1000 + sum(r.version for r in self.reports)

    # --- faults ----------------------------------------------------------------------------

    def take_fault(self, path: str, kind: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.path not in (path, "*" if kind == "report" else "list"):
                    continue
                if fault.times is None:
                    return fault
                if fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def log(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def injected(self) -> dict[str, int]:
        """Faults injected so far, by kind."""
        counts: dict[str, int] = {}
        for hit in self.hits:
            if hit.fault:
                counts[hit.fault] = counts.get(hit.fault, 0) + 1
        return counts

    def requests_for(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    # --- server ----------------------------------------------------------------------------

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"portal": self})


def _last_modified(version: int) -> str:
    # A fixed past instant per version: the same page always carries the same date.
    return formatdate(1_700_000_000 + version * 86_400, usegmt=True)


class _Handler(QuietHandler):
    portal: ClassVar[SimulatedPortal]

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        conditional = bool(
            self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")
        )
        found = self.portal.resolve(path)
        if found is None:
            self._send(404, b"not found", path, None, conditional)
            return
        kind, page, version = found
        if kind == "list" and self.portal.empty_lists:
            page = _page("政府信息公开年报", '<ul class="list"></ul>')
        if kind == "report" and self.portal.latency:
            time.sleep(self.portal.latency)
        fault = self.portal.take_fault(path, kind)
        if fault is not None:
            self._inject(fault, path, page, conditional)
            return
        body = page.encode("utf-8")
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if self.portal.validators:
            tag, modified = etag(body), _last_modified(version)
            headers |= {"ETag": tag, "Last-Modified": modified}
            if not_modified(self.headers, tag, modified):
                self._send(304, b"", path, None, conditional, headers)
                return
        self._send(200, body, path, None, conditional, headers)

    def _send(
        self,
        status: int,
        body: bytes,
        path: str,
        fault: str | None,
        conditional: bool,
        headers: dict[str, str] | None = None,
        *,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {"Content-Type": "text/html; charset=utf-8"}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
        self.wfile.flush()
        self.portal.log(Hit(path, status, fault, conditional, len(body)))

    def _inject(self, fault: Fault, path: str, page: str, conditional: bool) -> None:
        body = page.encode("utf-8")
        kind = fault.kind
        if kind == "timeout":
            self.portal.log(Hit(path, 0, kind, conditional, 0))
            time.sleep(fault.delay)  # the client has given up by now
            reset(self)
        elif kind == "status":
            answer = self.portal.challenge_page if fault.status == 412 else b"error"
            self._send(fault.status, answer, path, kind, conditional)
        elif kind == "challenge":
            self._send(200, self.portal.challenge_page, path, kind, conditional)
        elif kind == "reset":
            self.portal.log(Hit(path, 0, kind, conditional, 0))
            reset(self)
        elif kind == "truncate":
            self.close_connection = True
            self._send(200, body[: len(body) // 2], path, kind, conditional, length=len(body))
            reset(self)
        elif kind == "cut":
            self._send(200, body[: len(body) // 2], path, kind, conditional)
        elif kind == "gbk":
            stripped = page.replace('<meta charset="utf-8">', "")
            gbk = stripped.encode("gbk", errors="xmlcharrefreplace")
            self._send(200, gbk, path, kind, conditional, {"Content-Type": "text/html"})
        elif kind == "redirect_loop":
            target = path if "?" in self.path else f"{path}?loop=1"
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.portal.log(Hit(path, 302, kind, conditional, 0))
        elif kind == "gigantic":
            self._gigantic(path, conditional)
        elif kind == "empty_list":
            empty = _page("政府信息公开年报", '<ul class="list"></ul>').encode("utf-8")
            self._send(200, empty, path, kind, conditional)

    def _gigantic(self, path: str, conditional: bool, limit: int = 64 * 1024 * 1024) -> None:
        """A page announced and streamed far past any cap, until the client hangs up."""
        chunk = ("<p>" + "政府信息公开" * 1000 + "</p>").encode("utf-8")
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(limit))
        self.end_headers()
        sent = 0
        try:
            while sent + len(chunk) <= limit:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        self.portal.log(Hit(path, 200, "gigantic", conditional, sent))
