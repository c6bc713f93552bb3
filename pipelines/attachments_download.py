"""Download stage (210): fetch the files a report page links to, through Scrapy's FilesPipeline.

The files go through the downloader like every page, so robots.txt, politeness delays, retries
and the cassette middleware apply (replayed crawls and tests read attachments from cassettes).
Each file is kept in ``NIANBAO_ATTACHMENT_STORE`` under the SHA-1 of its URL (FilesPipeline's
layout), so the originals are archived and a re-crawl within ``FILES_EXPIRES`` days does not
fetch them again. A file larger than ``NIANBAO_ATTACHMENT_MAX_BYTES`` is cancelled by the
downloader (``download_maxsize``) and recorded as refused, never read.

``item["attachment_files"]`` gets one entry per linked URL: ``{"url", "path", "checksum",
"content_type", "filename"}`` when downloaded, ``{"url", "error", "code"}`` when not. A file that
could not be fetched (an HTTP error status, a network failure, a cassette miss) is an outcome
of the crawl, not an error of it: it becomes a warning on the stored report and the stat
``nianbao/attachments/refused/<code>`` (read by the run summary), and Scrapy's media pipeline
does not log it as an ERROR with a traceback (:class:`CountedFailureFilter`).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline
from twisted.internet.defer import CancelledError

from nianbao.crawler.middlewares.addresses import NonPublicAddress

try:  # Scrapy 2.14+: what its download handlers raise when they cancel a body past maxsize
    from scrapy.exceptions import DownloadCancelledError as _ScrapyCancelled
except ImportError:  # pragma: no cover - older Scrapy raised Twisted's CancelledError
    _ScrapyCancelled = CancelledError
_CANCELLED = (CancelledError, _ScrapyCancelled)

STAT_PREFIX = "nianbao/attachments/"
#: How Scrapy's OffsiteMiddleware words its refusal (of a link, or of a redirect hop).
_OFFSITE = "Filtered offsite request"
_DISPOSITION_NAME = re.compile(r"filename\*?=(?:UTF-8''|\"?)([^\";]+)", re.IGNORECASE)


class AttachmentDownloadError(Exception):
    """A linked file could not be fetched; the message says why (status, size, network)."""


#: Where Scrapy's MediaPipeline logs every failed media download with its traceback.
_MEDIA_LOGGER = "scrapy.pipelines.media"


class CountedFailureFilter(logging.Filter):
    """Drop Scrapy's traceback for a download this pipeline records as a warning instead.

    ``MediaPipeline`` calls ``logger.exception`` for every failure other than a filtered
    request; an attachment that answers 404 would print two tracebacks on a clean crawl,
    although it is counted and stored (``attachment_unavailable``). Other errors still log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, AttachmentDownloadError)


def quiet_counted_failures() -> None:
    """Install :class:`CountedFailureFilter` on Scrapy's media logger once per process."""
    media_logger = logging.getLogger(_MEDIA_LOGGER)
    if not any(isinstance(f, CountedFailureFilter) for f in media_logger.filters):
        media_logger.addFilter(CountedFailureFilter())


class AttachmentDownloadPipeline(FilesPipeline):
    """FilesPipeline over ``item["attachments"]`` with a size cap and failure reasons kept."""

    FILES_URLS_FIELD = "attachments"
    FILES_RESULT_FIELD = "attachment_files"

    @classmethod
    def from_crawler(cls, crawler: Any) -> AttachmentDownloadPipeline:
        settings = crawler.settings
        if not settings.getbool("NIANBAO_ATTACHMENTS_ENABLED", True):
            raise NotConfigured("NIANBAO_ATTACHMENTS_ENABLED is off")
        pipe = cls(settings.get("NIANBAO_ATTACHMENT_STORE"), crawler=crawler)
        quiet_counted_failures()
        pipe.max_bytes = settings.getint("NIANBAO_ATTACHMENT_MAX_BYTES", 50 * 1024 * 1024)
        pipe.max_files = settings.getint("NIANBAO_ATTACHMENT_MAX_FILES", 10)
        pipe.file_meta = {}
        pipe.extra_hosts = settings.getlist("NIANBAO_ATTACHMENT_HOSTS")
        return pipe

    max_bytes: int
    max_files: int
    extra_hosts: list[str]
    file_meta: dict[str, dict[str, str | None]]

    def urls(self, item: Any) -> list[str]:
        urls = item.get("attachments") or []
        return [url for url in urls if isinstance(url, str)][: self.max_files]

    def get_media_requests(self, item: Any, info: Any) -> list[Request]:
        # Report files on a known file server or CDN of the portal are named in
        # NIANBAO_ATTACHMENT_HOSTS; any other host outside the spider's allowed domains is
        # left to Scrapy's offsite filter, which refuses it (recorded as attachment_offsite).
        return [
            Request(
                url,
                callback=NO_CALLBACK,
                meta={
                    "download_maxsize": self.max_bytes,
                    "download_warnsize": 0,
                    "allow_offsite": host_in_domains(url, self.extra_hosts),
                },
            )
            for url in self.urls(item)
        ]

    def file_downloaded(self, response: Any, request: Any, info: Any, *, item: Any = None) -> Any:
        """Remember what the server said the file is before FilesPipeline stores it."""
        content_type = response.headers.get(b"Content-Type")
        disposition = response.headers.get(b"Content-Disposition")
        self.file_meta[request.url] = {
            "content_type": content_type.decode("latin-1") if content_type else None,
            "filename": _disposition_name(disposition),
        }
        return super().file_downloaded(response, request, info, item=item)

    def media_downloaded(self, response: Any, request: Any, info: Any, *, item: Any = None) -> Any:
        """Say which status a refused download had (FilesPipeline only says download-error)."""
        if response.status != 200:
            raise AttachmentDownloadError(f"HTTP {response.status}")
        if not response.body:
            raise AttachmentDownloadError("empty response")
        return super().media_downloaded(response, request, info, item=item)

    def media_failed(self, failure: Any, request: Any, info: Any) -> Any:
        message = str(failure.value)
        if isinstance(failure.value, NonPublicAddress) or message.startswith(_OFFSITE):
            raise AttachmentDownloadError(message)  # keep why: failure_code reads it
        if isinstance(failure.value, _CANCELLED):  # a body read past download_maxsize
            limit = request.meta.get("download_maxsize", self.max_bytes)
            raise AttachmentDownloadError(f"download cancelled past maxsize ({limit} bytes)")
        if isinstance(failure.value, IgnoreRequest):
            return super().media_failed(failure, request, info)
        raise AttachmentDownloadError(str(failure.value) or failure.type.__name__)

    def item_completed(self, results: list[Any], item: Any, info: Any) -> Any:
        stats = self.crawler.stats
        files: list[dict[str, Any]] = []
        for url, (ok, value) in zip(self.urls(item), results, strict=False):
            if ok:
                entry = dict(value)
                entry.update(self.file_meta.pop(url, {}))
                files.append(entry)
                stats.inc_value(STAT_PREFIX + "downloaded")
                continue
            error = getattr(value, "value", value)
            message = str(error) or type(error).__name__
            code = failure_code(error, message, url, self._domains(info))
            files.append({"url": url, "error": message, "code": code})
            stats.inc_value(STAT_PREFIX + "download_failed")
        item["attachment_files"] = files
        return item

    def _domains(self, info: Any) -> list[str]:
        spider = getattr(info, "spider", None)
        return [*(getattr(spider, "allowed_domains", None) or []), *self.extra_hosts]

    def store_path(self, path: str) -> str:
        """Local path of a stored file (the store is a folder: NIANBAO_ATTACHMENT_STORE)."""
        return str(self.store.basedir) + "/" + path  # type: ignore[attr-defined]


def _disposition_name(value: bytes | None) -> str | None:
    if not value:
        return None
    for encoding in ("utf-8", "gb18030", "latin-1"):
        try:
            text = value.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    match = _DISPOSITION_NAME.search(text)
    return unquote(match.group(1)).strip() if match else None


def failure_code(error: BaseException, message: str, url: str, domains: list[str]) -> str:
    """The warning code of a download that failed, by what stopped it.

    A download over ``download_maxsize`` is cancelled: with a Content-Length Scrapy says so in
    the message, a chunked one past the cap is a cancellation with no message (Twisted's
    ``CancelledError``, or Scrapy's ``DownloadCancelledError`` since 2.14); both are too large,
    not unavailable.
    """
    if isinstance(error, NonPublicAddress) or message.startswith("address_refused"):
        return "attachment_address_refused"
    if "maxsize" in message.replace("max size", "maxsize") or isinstance(error, _CANCELLED):
        return "attachment_too_large"
    if message.startswith(_OFFSITE) or (domains and not host_in_domains(url, domains)):
        return "attachment_offsite"
    return "attachment_unavailable"


def host_in_domains(url: str, domains: list[str]) -> bool:
    """Whether the URL's host is one of ``domains`` or under one (the port does not count;
    Scrapy's ``url_is_from_any_domain`` compares host *and* port)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in domains if d)
