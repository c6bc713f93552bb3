"""Which CMS family a page comes from, by the markers PORTALS.md lists for each.

Used by the generic spider (to walk a column it found with the right family's rules) and by
``nianbao new-spider`` (to write a portal spider on the right base). Every marker is a
substring or pattern seen on real pages of the family; a page with none is a plain link list.
"""

from __future__ import annotations

import re
from typing import Final

from nianbao.crawler.spiders.base.annual_report import AnnualReportSpider
from nianbao.crawler.spiders.base.gkmlpt import GkmlptSpider
from nianbao.crawler.spiders.base.hanweb import HanwebSpider
from nianbao.crawler.spiders.base.link_list import LinkListSpider
from nianbao.crawler.spiders.base.trs import TrsSpider
from nianbao.crawler.spiders.base.ucap import UcapSpider

#: Family name -> its base spider.
FAMILY_BASES: Final[dict[str, type[AnnualReportSpider]]] = {
    "hanweb": HanwebSpider,
    "trs": TrsSpider,
    "gkmlpt": GkmlptSpider,
    "ucap": UcapSpider,
    "link_list": LinkListSpider,
}

#: (family, pattern, weight). Strong markers (the list machinery itself: the datastore, the
#: createPageHTML pager, the gkmlpt config) weigh 3; generator names and asset paths 2; URL
#: shapes, which other CMSs sometimes imitate, 1.
MARKERS: Final[tuple[tuple[str, re.Pattern[str], int], ...]] = tuple(
    (family, re.compile(pattern, re.I), weight)
    for family, pattern, weight in (
        ("hanweb", r"<datastore>|/jpage/dataproxy\.jsp", 3),
        ("hanweb", r"大汉版通|hanweb\.com|content=['\"]大汉网络|/jcms_files/", 2),
        (
            "hanweb",
            r"/module/(?:web/)?jpage/|/module/visitcount/|/art/\d{4}/\d{1,2}/\d{1,2}/art_",
            1,
        ),
        ("trs", r"createPageHTML\(|\bvar\s+countPage\s*=", 3),
        ("trs", r"TRS_Editor|TRS_UEDITOR|CurrChnlCls|/was[45]0?/search", 2),
        ("trs", r"/t\d{8}_\d+\.s?html?['\"]", 1),
        ("gkmlpt", r"window\._CONFIG\s*=\s*\{[^}]*\bSID\b|/gkmlpt/api/", 3),
        ("gkmlpt", r"/gkmlpt/(?:index|content)", 2),
        ("ucap", r"<ucapcontent|<ucaptitle|/xhtml/zwgkjs/", 3),
        ("ucap", r"\bwebsiteCode\s*=|/[0-9a-f]{32}\.shtml['\"]", 1),
    )
)


def family_scores(url: str, html: str) -> dict[str, int]:
    """The marker weight found for each family in a page (its URL counts as a marker too)."""
    scores: dict[str, int] = {}
    text = f"{url}'\n{html}"
    for family, pattern, weight in MARKERS:
        if pattern.search(text):
            scores[family] = scores.get(family, 0) + weight
    return scores


def detect_family(url: str, html: str) -> str:
    """The family whose markers weigh most on the page; ``link_list`` when none is found.

    Ties go to the order of :data:`FAMILY_BASES` (the list machinery decides: a Hanweb page
    whose articles happen to have TRS-like names is still walked through its datastore).
    """
    scores = family_scores(url, html)
    if not scores:
        return "link_list"
    best = max(scores.values())
    return next(family for family in FAMILY_BASES if scores.get(family) == best)
