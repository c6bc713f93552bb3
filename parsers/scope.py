"""Scope of a report: the organ's own work (``self``) or a whole region's (``aggregate``).

SPEC.md §8: one report is (authority, report year, scope); Shanghai publishes both a report of
the city government's own work and one compiled from every organ in the city for the same year.
Only explicit cues count as aggregate: the report says it was compiled (汇总/综合…编制) from the
reports of the region's organs. Everything else is ``self``, so that an ordinary report never
drifts between two keys from one crawl to the next.
"""

from __future__ import annotations

import re

_COMPILED = re.compile(
    r"(?:汇总|综合)[^。；;]{0,40}编制|编制[^。；;]{0,6}(?:汇总|综合)"
    r"|全(?:省|市|区|县|州|盟|旗)各级行政机关[^。；;]{0,30}(?:年度报告|年报)[^。；;]{0,20}(?:汇总|综合)"
)
#: Cues sit in the opening paragraph (前言) that says how the report was made.
_OPENING = 1500


def report_scope(text: str | None, title: str | None = None) -> str:
    """``aggregate`` when the report says it is compiled from a region's organs, else ``self``."""
    opening = re.sub(r"\s+", "", (title or "") + (text or "")[:_OPENING])
    return "aggregate" if _COMPILED.search(opening) else "self"
