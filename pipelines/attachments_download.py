"""Download stage (210): fetch the files a report page links to, through Scrapy's FilesPipeline.

The files go through the downloader like every page, so robots.txt, politeness delays, retries
and the cassette middleware apply (replayed crawls and tests read attachments from cassettes).
Each file is kept in ``NIANBAO_ATTACHMENT_STORE`` under the SHA-1 of its URL (FilesPipeline's
layout), so the originals are archived and a re-crawl within ``FILES_EXPIRES`` days does not
fetch them again. A file larger than ``NIANBAO_ATTACHMENT_MAX_BYTES`` is cancelled by the
downloader (``download_maxsize``) and recorded as refused, never read.

``item["attachment_files"]`` gets one entry per linked URL: ``{"url", "path", "checksum",
"content_type", "filename"}`` when downloaded, ``{"url", "error", "code"}`` when not.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline

STAT_PREFIX = "nianbao/attachments/"
_DISPOSITION_NAME = re.compile(r"filename\*?=(?:UTF-8''|\"?)([^\";]+)", re.IGNORECASE)


class AttachmentDownloadError(Exception):
    """A linked file could not be fetched; the message says why (status, size, network)."""


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
        pipe.max_bytes = settings.getint("NIANBAO_ATTACHMENT_MAX_BYTES", 50 * 1024 * 1024)
        pipe.max_files = settings.getint("NIANBAO_ATTACHMENT_MAX_FILES", 10)
        pipe.file_meta = {}
        return pipe

    max_bytes: int
    max_files: int
    file_meta: dict[str, dict[str, str | None]]

    def urls(self, item: Any) -> list[str]:
        urls = item.get("attachments") or []
        return [url for url in urls if isinstance(url, str)][: self.max_files]

    def get_media_requests(self, item: Any, info: Any) -> list[Request]:
        return [
            Request(
                url,
                callback=NO_CALLBACK,
                # Report files often sit on another host (a file server, a CDN).
                meta={
                    "download_maxsize": self.max_bytes,
                    "download_warnsize": 0,
                    "allow_offsite": True,
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
            code = (
                "attachment_too_large"
                if "maxsize" in message.replace("max size", "maxsize")
                else ("attachment_unavailable")
            )
            files.append({"url": url, "error": message, "code": code})
            stats.inc_value(STAT_PREFIX + "download_failed")
        item["attachment_files"] = files
        return item

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
