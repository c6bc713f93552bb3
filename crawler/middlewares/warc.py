"""Raw captures: every fetched response kept as WARC, and served back from WARC for reparsing.

Capture (the default): each response the downloader fetches is written as a WARC ``request`` and
``response`` record pair (warcio) with its URL, fetch time, status line and headers, into
``NIANBAO_WARC_DIR``. Files are named ``nianbao-<spider>-<UTC time>-<pid>-<seq>.warc.gz``, begin
with a ``warcinfo`` record naming the spider and its start URLs, and rotate past
``NIANBAO_WARC_MAX_BYTES``. The middleware sits next to the downloader (960), so it keeps the
body as sent (still gzip-encoded when the server compressed it) before decompression, retries
or the HTTP cache act on it. Responses replayed from cassettes, the HTTP cache or WARC itself are
not fetched and not captured (``NIANBAO_WARC_CAPTURE_REPLAYED`` keeps cassette replays too).

Replay (``NIANBAO_WARC_REPLAY``, set by ``nianbao reparse``): requests are answered from the
newest capture of their URL and never reach the network; a URL never captured is dropped and
counted (``nianbao/warc/miss``). Stats: ``nianbao/warc/captured``, ``/bytes``, ``/files``,
``/replayed``, ``/miss``, ``/error`` (a capture that could not be written, e.g. a full disk: the
response still reaches the spider).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

STAT = "nianbao/warc/"
#: Response flags of answers that were not fetched from a server just now.
NOT_FETCHED = ("cassette", "cached", "warc")
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_STARTED = re.compile(r"-(\d{8}T\d{6})-")
SOFTWARE = "nianbao (warcio)"


def _http_date(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _header_pairs(headers: Headers) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        key = name.decode("latin-1")
        for value in values:
            pairs.append((key, value.decode("latin-1")))
    return pairs


class WarcFiles:
    """Appends records to rotating ``.warc.gz`` files of one spider run."""

    def __init__(self, folder: Path, spider: str, info: dict[str, Any], max_bytes: int) -> None:
        self.folder = folder
        self.spider = _SAFE.sub("_", spider) or "spider"
        self.info = info
        self.max_bytes = max_bytes
        self.started = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        self.sequence = 0
        self.handle: BinaryIO | None = None
        self.writer: WARCWriter | None = None
        self.paths: list[Path] = []

    def _open(self) -> WARCWriter:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"nianbao-{self.spider}-{self.started}-{os.getpid()}-{self.sequence:05d}.warc.gz"
        self.sequence += 1
        path = self.folder / name
        self.handle = path.open("xb")
        self.paths.append(path)
        writer = WARCWriter(self.handle, gzip=True)
        payload = json.dumps({"software": SOFTWARE, **self.info}, ensure_ascii=False)
        record = writer.create_warcinfo_record(name, {"json": payload})
        writer.write_record(record)
        self.writer = writer
        return writer

    def write(self, records: list[Any]) -> int:
        """Write ``records`` together into the current file; returns the bytes written."""
        writer = self.writer or self._open()
        assert self.handle is not None
        before = self.handle.tell()
        for record in records:
            writer.write_record(record)
        self.handle.flush()
        written = self.handle.tell() - before
        if self.handle.tell() >= self.max_bytes:
            self.close()
        return written

    @property
    def current(self) -> WARCWriter:
        return self.writer or self._open()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
        self.handle = None
        self.writer = None


@dataclass(frozen=True, slots=True)
class Capture:
    """Where the newest response record of a URL lies."""

    path: Path
    offset: int
    date: str


def warc_files(folder: Path) -> list[Path]:
    """The capture files of a folder, oldest first (names start with the run's UTC time)."""

    def started(path: Path) -> tuple[str, str]:
        match = _STARTED.search(path.name)
        return (match.group(1) if match else "", path.name)

    return sorted(
        (p for p in folder.rglob("*.warc*") if p.name.endswith((".warc", ".warc.gz"))),
        key=started,
    )


def _records(path: Path) -> Iterator[tuple[Any, ArchiveIterator]]:
    """(record, iterator) pairs; ``iterator.get_record_offset()`` reads the record to its end,
    so call it only after reading what is needed of the record."""
    with path.open("rb") as handle:
        iterator = ArchiveIterator(handle)
        for record in iterator:
            yield record, iterator


def runs(folder: Path) -> dict[str, dict[str, Any]]:
    """Per spider, what its captures say about its runs: ``start_urls`` (all runs, in order)
    and ``runs``: one entry per distinct set of spider arguments (``arguments``, the
    ``start_urls`` of those runs). The generic spider crawls one portal per run, each with its
    own ``start_url``: a reparse re-creates it once per portal, with that portal's arguments."""
    found: dict[str, dict[str, Any]] = {}
    for path in warc_files(folder):
        for record, _iterator in _records(path):
            if record.rec_type != "warcinfo":
                break
            fields = dict(
                line.split(": ", 1)
                for line in record.content_stream().read().decode("utf-8").splitlines()
                if ": " in line
            )
            info = json.loads(fields.get("json", "{}"))
            spider = info.get("spider")
            if spider:
                _add_run(found.setdefault(spider, {"start_urls": [], "files": 0, "runs": []}), info)
            break
    return found


def _add_run(entry: dict[str, Any], info: dict[str, Any]) -> None:
    entry["files"] += 1
    arguments = {str(k): str(v) for k, v in (info.get("arguments") or {}).items()}
    run = next((run for run in entry["runs"] if run["arguments"] == arguments), None)
    if run is None:
        run = {"arguments": arguments, "start_urls": []}
        entry["runs"].append(run)
    for url in info.get("start_urls", []):
        for urls in (entry["start_urls"], run["start_urls"]):
            if url not in urls:
                urls.append(url)


def index(folder: Path) -> dict[str, Capture]:
    """URL → its newest captured response (by WARC-Date, then file order)."""
    latest: dict[str, Capture] = {}
    for path in warc_files(folder):
        for record, iterator in _records(path):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            date = record.rec_headers.get_header("WARC-Date") or ""
            known = latest.get(url)
            if known is None or date >= known.date:
                latest[url] = Capture(path, iterator.get_record_offset(), date)
    return latest


def read_response(capture: Capture, request: Request) -> Response:
    """The captured response as Scrapy's downloader would have produced it."""
    with capture.path.open("rb") as handle:
        handle.seek(capture.offset)
        record = next(iter(ArchiveIterator(handle)))
        status = int(record.http_headers.get_statuscode())
        headers = Headers()
        for name, value in record.http_headers.headers:
            headers.appendlist(name, value)
        body = record.raw_stream.read()
    cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return cls(
        url=request.url,
        status=status,
        headers=headers,
        body=body,
        request=request,
        flags=["warc"],
    )


class WarcMiddleware:
    """Capture every fetched response as WARC, or (replay) serve responses from captures."""

    def __init__(self, crawler: Crawler, folder: Path, *, replay: bool) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.folder = folder
        self.replay = replay
        self.max_bytes = settings.getint("NIANBAO_WARC_MAX_BYTES", 100 * 1024 * 1024)
        self.capture_replayed = settings.getbool("NIANBAO_WARC_CAPTURE_REPLAYED")
        self.files: WarcFiles | None = None
        self.captures: dict[str, Capture] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        folder = crawler.settings.get("NIANBAO_WARC_DIR")
        if not folder:
            raise NotConfigured("NIANBAO_WARC_DIR is empty: responses are not captured")
        middleware = cls(
            crawler, Path(folder), replay=crawler.settings.getbool("NIANBAO_WARC_REPLAY")
        )
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(STAT + key, count)

    def spider_opened(self, spider: Spider) -> None:
        if self.replay:
            self.captures = index(self.folder)
            logger.info("Replaying %d captured URLs from %s", len(self.captures), self.folder)
            return
        info = {
            "spider": spider.name,
            "start_urls": list(getattr(spider, "start_urls", []) or []),
            "arguments": dict(getattr(spider, "spider_arguments", {}) or {}),
            "format": "WARC/1.0 request+response pairs; bodies as sent (content-encoded)",
        }
        self.files = WarcFiles(self.folder, spider.name, info, self.max_bytes)

    def spider_closed(self, spider: Spider) -> None:
        if self.files is not None:
            self._inc("files", len(self.files.paths))
            self.files.close()

    def process_request(self, request: Request) -> Response | None:
        if not self.replay:
            return None
        capture = self.captures.get(request.url)
        if capture is None:
            self._inc("miss")
            raise IgnoreRequest(f"not captured: {request.url}")
        self._inc("replayed")
        return read_response(capture, request)

    def process_response(self, request: Request, response: Response) -> Response:
        if self.replay or self.files is None:
            return response
        flags = set(response.flags)
        if flags & set(NOT_FETCHED) and not (self.capture_replayed and "warc" not in flags):
            return response
        try:
            self._inc("bytes", self._capture(request, response))
        except OSError as error:
            # A full disk must not cost the crawl its page: the response goes on, uncaptured.
            logger.error("WARC capture of %s failed: %s", response.url, error)
            self._inc("error")
            return response
        self._inc("captured")
        return response

    def _capture(self, request: Request, response: Response) -> int:
        assert self.files is not None
        writer = self.files.current
        when = _http_date(dt.datetime.now(dt.UTC))
        protocol = response.protocol or "HTTP/1.1"
        reason = response.headers.get(b"Reason") or b""
        status_line = f"{response.status} {reason.decode('latin-1')}".strip()
        http_headers = StatusAndHeaders(
            status_line, _header_pairs(response.headers), protocol=protocol
        )
        warc_headers = {"WARC-Date": when}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        response_record = _record(
            writer, response.url, "response", response.body, http_headers, warc_headers
        )
        path = request.url.split("/", 3)[3] if request.url.count("/") >= 3 else ""
        request_headers = StatusAndHeaders(
            f"{request.method} /{path} HTTP/1.1",
            _header_pairs(request.headers),
            is_http_request=True,
        )
        concurrent_to = response_record.rec_headers.get_header("WARC-Record-ID")
        request_record = _record(
            writer,
            request.url,
            "request",
            request.body,
            request_headers,
            {"WARC-Date": when, "WARC-Concurrent-To": concurrent_to},
        )
        return self.files.write([response_record, request_record])


def _record(
    writer: Any,
    url: str,
    kind: str,
    body: bytes,
    http_headers: StatusAndHeaders,
    warc_headers: dict[str, str],
) -> Any:
    """One WARC record of ``kind`` ("response", "request") holding ``body`` as its payload."""
    return writer.create_warc_record(
        url,
        kind,
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )
