"""Record and replay a crawl through vcrpy cassettes: the downloader middleware.

Government portals change, go offline and block foreign address ranges, so the spiders and
parsers are developed and tested against recorded traffic. vcrpy owns the cassette format
and the tooling people already know, but it patches ``http.client`` and friends, which
Twisted never calls. This downloader middleware therefore does the loading, matching and
saving itself (in the manner of Scrapy's ``HttpCacheMiddleware``) while reading and writing
files only through vcrpy's own persister and serializer, so every cassette it writes also
plays back under plain ``vcr.use_cassette``.

This module is the record modes and the replay/record logic; its parts live beside it:
``cassette_match`` (when a recording answers a request), ``cassette_yaml``
(:class:`Interaction` and the files) and ``cassette_scrapy`` (Scrapy responses to
interactions and back). ``nianbao.crawler.middlewares.cassette.CassetteMiddleware`` is the
path settings name, and stays.

Layout: ``<CASSETTE_DIR>/<spider name or spider.cassette_name>/*.yaml``. Every ``*.yaml``
file in the spider's folder is replayed; recordings are saved to ``<host>.yaml``.
"""

from __future__ import annotations

import collections
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urldefrag, urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from vcr.record_mode import RecordMode

from .cassette_match import MatchKey, match_key
from .cassette_scrapy import (
    interaction_from_scrapy,
    response_from_interaction,
    synthetic_robots_response,
)
from .cassette_yaml import (
    Interaction,
    cassette_filename,
    cassette_files,
    load_cassette,
    reason_phrase,
    write_cassette,
)
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

#: Replaying a host whose robots.txt was never recorded answers it with an empty 404, which
#: tells Scrapy's RobotsTxtMiddleware that everything is allowed.
_ROBOTS_PATH = "/robots.txt"
_META_KEY = "cassette"
_META_HOPS = "_cassette_hops"


def parse_record_mode(value: object) -> str:
    """Accept vcrpy's mode names only: a typo must not silently record over cassettes."""
    mode = str(value or "").strip().lower()
    if mode not in RECORD_MODES:
        raise ValueError(
            f"CASSETTE_RECORD_MODE={value!r} is not a record mode; "
            f"use one of: {', '.join(RECORD_MODES)}"
        )
    return mode


def _is_robots_request(request: Request) -> bool:
    return urlsplit(request.url).path == _ROBOTS_PATH


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
        paths = cassette_files(folder)
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
                return synthetic_robots_response(request)
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
                reason=reason_phrase(status),
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
