"""Attachment stage (250): read the downloaded files and keep the best reading of the report.

Between parse (200) and validate (300). Every file the download stage (210) fetched is parsed
with :func:`nianbao.parsers.attachments.parse_attachment` in a worker thread (PDF layout
analysis and OCR take seconds; the reactor keeps downloading meanwhile), within
``NIANBAO_ATTACHMENT_TIMEOUT`` seconds per item: past it the page's reading is stored with an
``attachment_timeout`` warning naming the files (see :mod:`.workers`). The page's report and
the attachments' reports are then merged: the more complete reading is kept, cells on which
they disagree are listed in a ``source_disagreement`` warning, and every file that was refused
(too large, encrypted, corrupt, a bomb, not what its name says, unsupported) or could not be
downloaded leaves a warning with its URL on the stored report. Nothing here drops an item.

Stats: ``nianbao/attachments/parsed``, ``/refused/<code>``, ``/unavailable``, ``/timeout``,
``/kept/attachment`` or ``/kept/page`` (which reading was stored), ``/disagreements``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy.exceptions import NotConfigured

from nianbao.parsers.attachments import AttachmentRefused, Limits, merge_reports, parse_attachment
from nianbao.parsers.model import ParseError, Report

from .workers import OverBudget, in_worker

logger = logging.getLogger(__name__)
STAT_PREFIX = "nianbao/attachments/"
_HINTS = ("title", "authority", "report_year", "published")


def limits_from_settings(settings: Any) -> Limits:
    """The parser limits from the ``NIANBAO_ATTACHMENT_*`` settings."""
    defaults = Limits()
    return Limits(
        max_bytes=settings.getint("NIANBAO_ATTACHMENT_MAX_BYTES", defaults.max_bytes),
        max_pages=settings.getint("NIANBAO_ATTACHMENT_MAX_PAGES", defaults.max_pages),
        max_decompressed=settings.getint(
            "NIANBAO_ATTACHMENT_MAX_DECOMPRESSED", defaults.max_decompressed
        ),
        ocr_max_pages=settings.getint("NIANBAO_ATTACHMENT_OCR_MAX_PAGES", defaults.ocr_max_pages),
        ocr_dpi=settings.getint("NIANBAO_ATTACHMENT_OCR_DPI", defaults.ocr_dpi),
        convert_timeout=settings.getfloat(
            "NIANBAO_ATTACHMENT_CONVERT_TIMEOUT", defaults.convert_timeout
        ),
        soffice=settings.get("NIANBAO_SOFFICE") or "",
    )


def read_attachments(
    files: list[dict[str, Any]], store: Path, limits: Limits, hints: dict[str, Any]
) -> tuple[list[tuple[str, Report]], list[tuple[str, str, str]]]:
    """Parse each downloaded file: ``(url, report)`` pairs and ``(code, url, detail)`` refusals."""
    parsed: list[tuple[str, Report]] = []
    refused: list[tuple[str, str, str]] = []
    for entry in files:
        url = entry.get("url") or "?"
        if entry.get("error"):
            refused.append((entry.get("code") or "attachment_unavailable", url, entry["error"]))
            continue
        try:
            data = (store / entry["path"]).read_bytes()
            report = parse_attachment(
                data,
                filename=entry.get("filename"),
                content_type=entry.get("content_type"),
                url=url,
                hints=hints,
                limits=limits,
            )
        except AttachmentRefused as refusal:
            refused.append((refusal.code, url, refusal.detail))
            continue
        except ParseError as error:
            refused.append(("attachment_unreadable", url, str(error)))
            continue
        except OSError as error:
            refused.append(("attachment_unavailable", url, f"stored file unreadable: {error}"))
            continue
        except Exception as error:
            logger.exception("attachment %s crashed its reader", url)
            refused.append(("attachment_unreadable", url, f"{type(error).__name__}: {error}"))
            continue
        parsed.append((url, report))
    return parsed, refused


class AttachmentsPipeline:
    """Merge the attachments' readings into ``item["report"]``."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("NIANBAO_ATTACHMENTS_ENABLED", True):
            raise NotConfigured("NIANBAO_ATTACHMENTS_ENABLED is off")
        self.stats = crawler.stats
        self.store = Path(settings.get("NIANBAO_ATTACHMENT_STORE") or "attachments")
        self.limits = limits_from_settings(settings)
        self.budget = settings.getfloat("NIANBAO_ATTACHMENT_TIMEOUT", 600.0)

    @classmethod
    def from_crawler(cls, crawler: Any) -> AttachmentsPipeline:
        return cls(crawler)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        files = item.get("attachment_files") or []
        page = item.get("report")
        if not files or not isinstance(page, Report):
            return item
        hints = {key: item.get(key) for key in _HINTS if item.get(key)}
        try:
            parsed, refused = await in_worker(
                read_attachments, files, self.store, self.limits, hints, budget=self.budget
            )
        except OverBudget as error:
            urls = ", ".join(entry.get("url") or "?" for entry in files)
            page.warn("attachment_timeout", f"{urls}: reading {error}; the page's reading is kept")
            self.stats.inc_value(STAT_PREFIX + "timeout")
            return item
        for code, url, detail in refused:
            page.warn(code, f"{url}: {detail}")
            self.stats.inc_value(STAT_PREFIX + f"refused/{code}")
        self.stats.inc_value(STAT_PREFIX + "parsed", len(parsed))
        report = merge_reports(page, parsed)
        kept = "page" if report is page else "attachment"
        self.stats.inc_value(STAT_PREFIX + f"kept/{kept}")
        if any(w.code == "source_disagreement" for w in report.warnings):
            self.stats.inc_value(STAT_PREFIX + "disagreements")
        item["report"] = report
        return item
