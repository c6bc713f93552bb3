"""What a spider's run amounts to, and what is wrong with it: figures and flags from stats.

Pure functions over Scrapy's stats and the spider's earlier error rates, so the rules are
tested without a crawl. The run monitor extension stores the figures and flags in the run
record; ``nianbao crawl`` prints them and sends the flags to the alert channels.

Flags (the monitors, in the manner of Spidermon's; kept here because they need the run history
in our database and one alert per night over all spiders):

- ``zero_reports``: the column yielded no report link at all (a redesign, a moved column, a
  shield) - the quiet failure that looks like a calm night.
- ``error_rate``: failed attempts / requests above ``NIANBAO_ERROR_RATE_THRESHOLD`` and above
  twice the spider's median of its last runs (a portal that always times out a little is not
  news; one that suddenly fails is).
- ``blocked``: anti-bot answers (403/412/521/challenge pages); a human must look.
- ``not_finished``: the spider closed for another reason than ``finished``.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from nianbao.crawler.middlewares.faults import FAULT_KINDS

#: Faults the crawler repaired on the fly: counted, but no attempt failed because of them.
REPAIRED_FAULTS = frozenset({"undeclared_charset"})


def _int(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def _sum(stats: Mapping[str, Any], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def fault_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """``nianbao/fault/<kind>`` counters, every kind present (host_skipped included)."""
    counts = {kind: _int(stats, f"nianbao/fault/{kind}") for kind in FAULT_KINDS}
    counts["host_skipped"] = _int(stats, "nianbao/fault/host_skipped")
    return counts


def spider_figures(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a ``crawl_run_spider`` row (without run id, spider and flags)."""
    faults = fault_counts(stats)
    errors = sum(n for kind, n in faults.items() if kind not in REPAIRED_FAULTS)
    errors += _int(stats, "spider_exceptions/count") + _int(stats, "nianbao/store/error")
    requests = _int(stats, "downloader/request_count")
    return {
        "pages": _int(stats, "response_received_count"),
        "full_downloads": _int(stats, "nianbao/http/full"),
        "not_modified": _int(stats, "nianbao/http/not_modified"),
        "list_pages": _int(stats, "nianbao/lists/pages"),
        "report_links": _int(stats, "nianbao/lists/report_links"),
        "report_pages": _int(stats, "nianbao/spider/report_pages"),
        "skipped_unchanged": _sum(stats, "nianbao/incremental/skipped/"),
        "reports_new": _int(stats, "nianbao/store/new"),
        "reports_updated": _int(stats, "nianbao/store/updated"),
        "reports_unchanged": _int(stats, "nianbao/store/unchanged"),
        "reports_kept": _int(stats, "nianbao/store/kept_stored"),
        "dropped": _int(stats, "item_dropped_count"),
        "errors": errors,
        "requests": requests,
        "error_rate": round(errors / requests, 4) if requests else 0.0,
        "rule_violations": _int(stats, "nianbao/validate/reports_failing"),
        "faults": {kind: n for kind, n in faults.items() if n},
        "finish_reason": stats.get("finish_reason"),
    }


def flags(
    figures: Mapping[str, Any], history: Sequence[float], threshold: float
) -> list[dict[str, str]]:
    """The flags of one spider's run; ``history``: its error rates in earlier runs."""
    found = []
    if figures.get("report_links", 0) == 0:
        found.append(
            {
                "flag": "zero_reports",
                "detail": f"the column yielded no report link ({figures.get('list_pages', 0)} "
                "list page(s) read)",
            }
        )
    rate = float(figures.get("error_rate", 0.0))
    baseline = statistics.median(history) if history else 0.0
    if rate > threshold and rate > 2 * baseline:
        found.append(
            {
                "flag": "error_rate",
                "detail": f"{rate:.0%} of {figures.get('requests', 0)} requests failed "
                f"(usual: {baseline:.0%})",
            }
        )
    blocked = int(figures.get("faults", {}).get("blocked", 0))
    if blocked:
        found.append({"flag": "blocked", "detail": f"{blocked} anti-bot answer(s)"})
    reason = figures.get("finish_reason")
    if reason not in (None, "finished"):
        found.append({"flag": "not_finished", "detail": f"closed: {reason}"})
    return found
