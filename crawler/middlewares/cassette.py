"""Record and replay a crawl through vcrpy cassettes.

Government portals change, go offline and block foreign address ranges, so the spiders and
parsers are developed and tested against recorded traffic. vcrpy owns the cassette format
and the tooling people already know, but it patches ``http.client`` and friends, which
Twisted never calls. This downloader middleware therefore does the loading, matching and
saving itself (in the manner of Scrapy's ``HttpCacheMiddleware``) while reading and writing
files only through vcrpy's own persister and serializer, so every cassette it writes also
plays back under plain ``vcr.use_cassette``.

Layout: ``<CASSETTE_DIR>/<spider name or spider.cassette_name>/*.yaml``. Every ``*.yaml``
file in the spider's folder is replayed; recordings are saved to ``<host>.yaml``.
"""

from __future__ import annotations

import collections
import http
import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urldefrag, urlsplit, urlunsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from vcr.persisters.filesystem import CassetteNotFoundError, FilesystemPersister
from vcr.record_mode import RecordMode
from vcr.request import Request as VcrRequest
from vcr.serializers import yamlserializer
from w3lib.url import canonicalize_url

from .kinds import request_kind

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider

logger = logging.getLogger(__name__)

#: The vcrpy record modes this middleware implements ("any" has no meaning for a crawler).
RECORD_MODES: tuple[str, ...] = (
    RecordMode.NONE.value,
    RecordMode.ONCE.value,
    RecordMode.NEW_EPISODES.value,
    RecordMode.ALL.value,
)

STAT_HIT = "cassette/hit"
STAT_MISS = "cassette/miss"
STAT_MISS_ATTACHMENT = "cassette/miss/attachment"
STAT_RECORDED = "cassette/recorded"
STAT_ROBOTS_SYNTHESIZED = "cassette/robots_synthesized"
STAT_LOAD_ERROR = "cassette/load_error"

#: Request headers worth keeping: they change what a server answers and never carry secrets.
#: Everything else (Cookie, Authorization, User-Agent with its contact URL, Referer, which
#: depends on crawl order) is left out so cassettes are safe to commit and stable.
KEPT_REQUEST_HEADERS = frozenset({"accept", "accept-language", "content-type", "x-requested-with"})

#: Response headers left out of recordings: Set-Cookie may hold a session, and the others
#: change on every fetch, so keeping them would make re-recording an unchanged site produce
#: a different file.
DROPPED_RESPONSE_HEADERS = frozenset({"set-cookie", "date", "age", "expires"})

#: Replaying a host whose robots.txt was never recorded answers it with an empty 404, which
#: tells Scrapy's RobotsTxtMiddleware that everything is allowed.
_ROBOTS_PATH = "/robots.txt"
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Methods whose body identifies the request (a search form posts its query in the body).
_BODYLESS_METHODS = frozenset({"GET", "HEAD"})
_META_KEY = "cassette"
_META_HOPS = "_cassette_hops"

HeaderValues = str | bytes | Sequence[str | bytes]
MatchKey = tuple[str, str, bytes]


@dataclass(frozen=True)
class Interaction:
    """One request and the response it received, independent of Scrapy and vcrpy.

    It exists so scripts can build cassettes (for instance from saved HTML pages) without
    knowing vcrpy's dict layout. ``headers`` are the response headers; a ``str`` value is a
    single value, a list holds repeated headers. Header values round-trip as latin-1, as
    http.client reads them, so raw GBK bytes in e.g. Content-Disposition survive unchanged.
    """

    method: str
    url: str
    status: int
    headers: Mapping[str, HeaderValues] = field(default_factory=dict)
    body: bytes = b""
    request_body: bytes = b""
    request_headers: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""

    @property
    def key(self) -> MatchKey:
        """What a request must share with this interaction to be answered by it."""
        return match_key(self.method, self.url, self.request_body)


# --- Matching ------------------------------------------------------------------------------


def normalize_url(url: str) -> str:
    """Spell a URL one way so that cosmetic differences do not cause replay misses.

    Scheme and host case, the default port, query argument order, percent-encoding
    variants and the fragment (never sent to the server) are all ignored, as in Scrapy's
    request fingerprints.
    """
    canonical = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(canonical)
    netloc = parts.netloc
    if parts.port is not None and _DEFAULT_PORTS.get(parts.scheme) == parts.port:
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def match_key(method: str, url: str, body: bytes | None = b"") -> MatchKey:
    """Identify a request: method and normalised URL, plus the body unless GET or HEAD."""
    method = method.upper()
    kept_body = b"" if method in _BODYLESS_METHODS else (body or b"")
    return (method, normalize_url(url), kept_body)


def _is_robots_request(request: Request) -> bool:
    return urlsplit(request.url).path == _ROBOTS_PATH


# --- Conversions: header values ------------------------------------------------------------


def _header_text(value: str | bytes) -> str:
    """Store header bytes as latin-1 text: lossless for any byte, and what vcrpy sees."""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _header_bytes(value: str) -> bytes:
    """Undo :func:`_header_text`; hand-written non-latin-1 text is sent as UTF-8."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _header_lists(headers: Mapping[str, HeaderValues]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, values in headers.items():
        listed = [values] if isinstance(values, str | bytes) else list(values)
        result[_header_text(name)] = [_header_text(value) for value in listed]
    return result


def _reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


# --- Conversions: vcrpy --------------------------------------------------------------------


def _to_vcr(interaction: Interaction) -> tuple[VcrRequest, dict[str, Any]]:
    """Build the (request, response) pair exactly as vcrpy's own stubs record them."""
    request = VcrRequest(
        method=interaction.method.upper(),
        uri=urldefrag(interaction.url).url,
        body=interaction.request_body or None,
        headers=dict(interaction.request_headers),
    )
    response = {
        "status": {
            "code": interaction.status,
            "message": interaction.reason or _reason_phrase(interaction.status),
        },
        "headers": _header_lists(interaction.headers),
        "body": {"string": interaction.body},
    }
    return request, response


def _from_vcr(request: VcrRequest, response: Mapping[str, Any]) -> Interaction:
    """Read a vcrpy pair, also those recorded by plain vcrpy through requests or urllib."""
    status = response.get("status") or {}
    body = (response.get("body") or {}).get("string") or b""
    # body_bytes (vcrpy >= 9) unwraps bodies that were recorded from files or iterators.
    request_body = getattr(request, "body_bytes", request.body) or b""
    return Interaction(
        method=request.method.upper(),
        url=request.uri,
        status=int(status.get("code", 200)),
        headers=_header_lists(response.get("headers") or {}),
        body=body.encode("utf-8") if isinstance(body, str) else bytes(body),
        request_body=request_body.encode("utf-8")
        if isinstance(request_body, str)
        else bytes(request_body),
        request_headers={name: str(value) for name, value in request.headers.items()},
        reason=str(status.get("message", "")),
    )


# --- Conversions: Scrapy -------------------------------------------------------------------


def _request_headers(request: Request) -> dict[str, str]:
    kept: dict[str, str] = {}
    for name, values in request.headers.items():
        text_name = _header_text(name)
        if text_name.lower() in KEPT_REQUEST_HEADERS and values:
            kept[text_name] = _header_text(values[-1])
    return kept


def _response_headers(response: Response) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, values in response.headers.items():
        text_name = _header_text(name)
        if text_name.lower() not in DROPPED_RESPONSE_HEADERS:
            headers[text_name] = [_header_text(value) for value in values]
    # HttpCompressionMiddleware has already decoded the body by the time this middleware
    # sees it; a stale Content-Length would make vcrpy's http.client playback truncate it.
    for name in headers:
        if name.lower() == "content-length":
            headers[name] = [str(len(response.body))]
    return headers


def interaction_from_scrapy(request: Request, response: Response) -> Interaction:
    """Capture a downloaded response the way it will be saved."""
    return Interaction(
        method=request.method,
        url=urldefrag(request.url).url,
        status=response.status,
        headers=_response_headers(response),
        body=response.body,
        request_body=request.body,
        request_headers=_request_headers(request),
        reason=_reason_phrase(response.status),
    )


def response_from_interaction(interaction: Interaction, request: Request) -> Response:
    """Rebuild the Scrapy response, with the class Scrapy's downloader would have chosen."""
    headers = Headers(
        {
            name: [_header_bytes(value) for value in values]
            for name, values in _header_lists(interaction.headers).items()
        }
    )
    response_class = responsetypes.from_args(
        headers=headers, url=request.url, body=interaction.body
    )
    return response_class(
        url=request.url,
        status=interaction.status,
        headers=headers,
        body=interaction.body,
        flags=["cassette"],
        request=request,
    )


def _synthetic_robots_response(request: Request) -> Response:
    headers = Headers({"Content-Type": "text/plain"})
    response_class = responsetypes.from_args(headers=headers, url=request.url, body=b"")
    return response_class(
        url=request.url,
        status=404,
        headers=headers,
        body=b"",
        flags=["cassette", "synthesized"],
        request=request,
    )


# --- Files ---------------------------------------------------------------------------------


def cassette_filename(url: str) -> str:
    """Name of the file recordings for this URL go to: one file per host keeps diffs small."""
    host = (urlsplit(url).hostname or "").lower()
    return (re.sub(r"[^a-z0-9._-]", "_", host) or "_") + ".yaml"


def load_cassette(path: Path) -> list[Interaction]:
    """Read one cassette file through vcrpy, so anything vcrpy recorded is accepted too.

    An empty file counts as an empty cassette, as in vcrpy; a broken one raises.
    """
    try:
        requests, responses, *_metadata = FilesystemPersister.load_cassette(
            path, serializer=yamlserializer
        )
    except CassetteNotFoundError:
        return []
    return [
        _from_vcr(request, response) for request, response in zip(requests, responses, strict=True)
    ]


def load_interactions(folder: Path) -> list[Interaction]:
    """Everything a spider's folder would replay, for checks and tools outside a crawl.

    ``nianbao`` keeps one folder per spider holding several files (one per host, or per
    column when built by hand); this reads all ``*.yaml`` files in name order. A missing
    folder holds nothing.
    """
    interactions: list[Interaction] = []
    for path in _cassette_files(Path(folder)):
        interactions.extend(load_cassette(path))
    return interactions


def write_cassette(path: Path, interactions: Iterable[Interaction]) -> None:
    """Write a cassette that both this middleware and plain vcrpy can play back.

    Interactions are sorted by URL, method and request body (keeping the given order of
    repeats), and vcrpy's YAML serializer sorts keys, so the same interactions always give
    the same file: re-recording an unchanged site leaves ``git diff`` empty. The file is
    replaced atomically so an interrupted crawl never leaves half a cassette behind.
    """
    path = Path(path)
    ordered = sorted(interactions, key=_sort_key)
    pairs = [_to_vcr(interaction) for interaction in ordered]
    cassette = {
        "requests": [request for request, _ in pairs],
        "responses": [response for _, response in pairs],
    }
    temporary = path.with_name(f".{path.name}.tmp")
    FilesystemPersister.save_cassette(temporary, cassette, serializer=yamlserializer)
    os.replace(temporary, path)


def _sort_key(interaction: Interaction) -> tuple[str, str, bytes]:
    method, url, body = interaction.key
    return (url, method, body)


def _cassette_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.yaml") if path.is_file())


def parse_record_mode(value: object) -> str:
    """Accept vcrpy's mode names only: a typo must not silently record over cassettes."""
    mode = str(value or "").strip().lower()
    if mode not in RECORD_MODES:
        raise ValueError(
            f"CASSETTE_RECORD_MODE={value!r} is not a record mode; "
            f"use one of: {', '.join(RECORD_MODES)}"
        )
    return mode


# --- The middleware ------------------------------------------------------------------------


class CassetteMiddleware:
    """Serve requests from the spider's cassettes and record what the network answered.

    It sits at 120, just after RobotsTxtMiddleware, so what it records has already been
    through decompression, retries and redirects. Redirect hops never reach it, so the
    hops of a redirected response are saved as synthetic 3xx interactions (a meta-refresh
    hop as a 302) to make the chain replayable. Requests that ended in a network error are
    not recorded.
    """

    def __init__(self, crawler: Crawler, root: Path, mode: str) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.root = root
        self.mode = mode
        self.folder: Path | None = None
        self.effective_mode = mode
        self._files: dict[Path, list[Interaction]] = {}
        self._broken: set[Path] = set()
        self._index: dict[MatchKey, list[Interaction]] = {}
        self._plays: collections.Counter[MatchKey] = collections.Counter()
        self._recorded: dict[MatchKey, Interaction] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("CASSETTE_ENABLED"):
            raise NotConfigured("CASSETTE_ENABLED is off")
        mode = parse_record_mode(settings.get("CASSETTE_RECORD_MODE", RecordMode.NONE.value))
        root = settings.get("CASSETTE_DIR")
        if not root:
            raise ValueError("CASSETTE_ENABLED is on but CASSETTE_DIR is not set")
        middleware = cls(crawler, Path(root), mode)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # --- Lifecycle -------------------------------------------------------------------------

    @property
    def replaying(self) -> bool:
        return self.effective_mode in (RecordMode.NONE.value, RecordMode.NEW_EPISODES.value)

    @property
    def recording(self) -> bool:
        return self.effective_mode != RecordMode.NONE.value

    def spider_opened(self, spider: Spider) -> None:
        """Load the spider's cassettes once, so every request is a dictionary look-up."""
        if self.folder is not None:
            return
        folder = self.root / (getattr(spider, "cassette_name", None) or spider.name)
        paths = _cassette_files(folder)
        self.folder = folder
        self.effective_mode = self.mode
        if self.mode == RecordMode.ONCE.value:
            self.effective_mode = RecordMode.NONE.value if paths else RecordMode.ALL.value
        for path in paths:
            self._load_file(path)
        logger.info(
            "Cassettes: mode %s (acting as %s), %d interactions in %d files under %s",
            self.mode,
            self.effective_mode,
            sum(len(items) for items in self._index.values()),
            len(paths),
            folder,
        )

    def spider_closed(self, spider: Spider) -> None:
        """Save recordings when the crawl ends; a crash mid-crawl leaves cassettes as they were."""
        if self._recorded:
            self._save()

    def _ensure_open(self) -> None:
        if self.folder is None:
            spider = self.crawler.spider
            if spider is None:
                raise RuntimeError("CassetteMiddleware used before a spider was opened")
            self.spider_opened(spider)

    def _load_file(self, path: Path) -> None:
        try:
            interactions = load_cassette(path)
        except Exception:
            # Not fatal to the crawl, but replay misses will show it, and the file is never
            # overwritten: it may hold recordings someone wants to repair.
            logger.exception("Cannot read cassette %s; it is skipped and left untouched", path)
            self.stats.inc_value(STAT_LOAD_ERROR)
            self._broken.add(path)
            return
        self._files[path] = interactions
        for interaction in interactions:
            self._index.setdefault(interaction.key, []).append(interaction)

    # --- Replay ----------------------------------------------------------------------------

    def process_request(self, request: Request) -> Response | None:
        if request.meta.get("dont_cassette"):
            return None
        self._ensure_open()
        if self.recording:
            hops = request.meta.get(_META_HOPS, [])
            request.meta[_META_HOPS] = [*hops, (request.method, request.url, request.body)]
        if self.replaying:
            interaction = self._lookup(request)
            if interaction is not None:
                self.stats.inc_value(STAT_HIT)
                request.meta[_META_KEY] = "hit"
                return response_from_interaction(interaction, request)
            if not self.recording and _is_robots_request(request):
                self.stats.inc_value(STAT_ROBOTS_SYNTHESIZED)
                request.meta[_META_KEY] = "robots_synthesized"
                return _synthetic_robots_response(request)
            self.stats.inc_value(STAT_MISS)
            request.meta[_META_KEY] = "miss"
            if not self.recording:
                self._refuse(request)
            return None
        request.meta[_META_KEY] = "record"
        return None

    def _lookup(self, request: Request) -> Interaction | None:
        """Answer repeats of a request in recorded order, then keep answering the last one."""
        key = match_key(request.method, request.url, request.body)
        candidates = self._index.get(key)
        if not candidates:
            return None
        played = self._plays[key]
        self._plays[key] += 1
        return candidates[min(played, len(candidates) - 1)]

    def _refuse(self, request: Request) -> None:
        """Refuse a request no recording answers.

        A missing page is an ERROR (the replay cannot be what was recorded); a missing
        attachment is a warning: the download stage stores it on the report as
        ``attachment_unavailable``, counted like a file the portal no longer serves. Both are
        ``cassette/miss``, so ``--replay`` still exits 1.
        """
        attachment = request_kind(request) == "attachment"
        if attachment:
            self.stats.inc_value(STAT_MISS_ATTACHMENT)
        logger.log(
            logging.WARNING if attachment else logging.ERROR,
            "Cassette miss: %s %s%s is not recorded under %s (record mode %s)",
            request.method,
            request.url,
            " (an attachment: stored as attachment_unavailable)" if attachment else "",
            self.folder,
            self.mode,
        )
        raise IgnoreRequest(f"Not in cassette: {request.method} {request.url}")

    # --- Recording -------------------------------------------------------------------------

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("dont_cassette") or "cassette" in response.flags:
            return response
        if not self.recording or self.folder is None:
            return response
        self._record_redirect_hops(request)
        self._remember(interaction_from_scrapy(request, response))
        return response

    def _record_redirect_hops(self, request: Request) -> None:
        urls: list[str] = request.meta.get("redirect_urls") or []
        reasons: list[Any] = request.meta.get("redirect_reasons") or []
        sent: list[tuple[str, str, bytes]] = request.meta.get(_META_HOPS) or []
        targets = [*urls[1:], request.url]
        for url, reason, target in zip(urls, reasons, targets, strict=False):
            method, body = _as_sent(sent, url, fallback=(request.method, request.body))
            status = reason if isinstance(reason, int) and 300 <= reason < 400 else 302
            hop = Interaction(
                method=method,
                url=urldefrag(url).url,
                status=status,
                headers={"Location": [target]},
                request_body=body,
                reason=_reason_phrase(status),
            )
            self._remember(hop)

    def _remember(self, interaction: Interaction) -> None:
        key = interaction.key
        if self.effective_mode == RecordMode.NEW_EPISODES.value and key in self._index:
            return  # new_episodes keeps what is recorded and only adds what was missing
        if key not in self._recorded:
            self.stats.inc_value(STAT_RECORDED)
        self._recorded[key] = interaction

    def _save(self) -> None:
        """Merge recordings into the files: replace in the file that held the request, or
        add to the host's file, then rewrite only the files that changed."""
        assert self.folder is not None
        files = {path: list(items) for path, items in self._files.items()}
        where = {item.key: path for path, items in files.items() for item in items}
        touched: set[Path] = set()
        for key, interaction in self._recorded.items():
            path = where.get(key) or self.folder / cassette_filename(interaction.url)
            files[path] = _replace_all(files.get(path, []), key, interaction)
            where[key] = path
            touched.add(path)
        for path in sorted(touched):
            if path in self._broken:
                logger.error("Not overwriting unreadable cassette %s; recordings lost", path)
                continue
            write_cassette(path, files[path])
            logger.info("Saved %d interactions to cassette %s", len(files[path]), path)


def _as_sent(
    sent: list[tuple[str, str, bytes]], url: str, fallback: tuple[str, bytes]
) -> tuple[str, bytes]:
    """Method and body a redirect hop was requested with (a 302 may turn a POST into GET)."""
    for method, sent_url, body in reversed(sent):
        if sent_url == url:
            return method, body
    return fallback


def _replace_all(
    interactions: list[Interaction], key: MatchKey, new: Interaction
) -> list[Interaction]:
    """Put ``new`` where the first interaction with ``key`` was and drop any repeats."""
    result: list[Interaction] = []
    placed = False
    for interaction in interactions:
        if interaction.key != key:
            result.append(interaction)
        elif not placed:
            result.append(new)
            placed = True
    if not placed:
        result.append(new)
    return result
