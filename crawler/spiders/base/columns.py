"""Recognising 年报 columns, their sub-columns and a site's registered domain.

A 政府信息公开年报 column is rarely one flat list: counties split it by year (``2023n_109815/``,
a Hanweb column per year) or by township (``…/gxzjdbsc/msz/xxgkndbg/``: 各乡镇、街道办事处 >
马水镇 > 信息公开年度报告), and the generic spider has to find the column from a home page at
all. What a column link looks like (its text and its URL) is written down here once, from
PORTALS.md §5, for the family bases and the generic spider alike. Pure functions: no Scrapy.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from urllib.parse import urlsplit

import tldextract
from parsel import Selector

#: Link texts naming the 年报 column itself (PORTALS.md §5: 政府信息公开年报, 信息公开年报,
#: 政府信息公开工作年度报告, 年度报告; 信息公开年度报告 on 耒阳's township trees).
NIANBAO_COLUMN_TEXT = re.compile(
    r"^(?:政府)?(?:信息|资讯)公开(?:工作)?(?:年报|年度报告|年度工作报告)(?:专栏)?$"
    r"|^(?:政府信息公开)?工作年度报告$|^年度报告$|^年报$|^政务公开年报$"
)
#: URL slugs of 年报 columns (PORTALS.md §5; ``xxgkndbg`` from 耒阳, ``ndbg`` from 抚松,
#: ``gknb`` from 宿迁/沭阳, ``XxgkAnnualReport`` from 利辛, ``frame=nb`` from 合肥).
NIANBAO_COLUMN_URL = re.compile(
    r"(?:zfxxgknb|xxgknb|xxgkndbg|xxgknd|gknb|ndbg|nianbao|annualreport|frame=nb)"
    r"(?:_\d+)?(?:/|\.s?html?|$|[?&])",
    re.I,
)
#: A sub-column for one year: 2017, 2017年, 2017年度 (gsliangzhou's breadcrumb ends in 2017).
YEAR_COLUMN_TEXT = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*年?度?\s*$")
#: A sub-column for one township or street (county trees: 马水镇, 二郎街道, 四坝镇 …).
TOWNSHIP_COLUMN_TEXT = re.compile(r"^[\u4e00-\u9fff]{1,12}(?:镇|乡|街道|街道办事处|办事处|苏木)$")
#: Hub pages a 年报 column usually hangs under (PORTALS.md §5), searched when looking for it.
HUB_TEXT = re.compile(
    r"^(?:政府)?信息公开$|^政务公开$|^政府信息公开(?:专栏|目录|平台)?$|^法定主动公开内容$"
)
HUB_URL = re.compile(r"/(?:xxgk|zfxxgk|zwgk|gkml|zfxxgkml|govinfo|public)(?:/|\.s?html?|$)", re.I)

#: Anchors inside these are navigation back up the tree, never a sub-column to walk down.
BREADCRUMB = re.compile(r"crumb|position|location|dqwz|weizhi|curpos|current-?pos|daohang", re.I)

#: Where an article (not a column) lives, by family: TRS ``t20230130_11545442.html``, Hanweb
#: ``/art/2024/1/16/art_…``, gkmlpt/NFCMS ``post_…``, UCAP ``/202401/<32 hex>.shtml``.
ARTICLE_URL = re.compile(
    r"/t\d{8}_\d+(?:_\d+)?\.s?html?$|/art/\d{4}/|/(?:m?post)_\d+\.html$|/[0-9a-f]{32}\.s?html?$"
    r"|/\d{6,8}/[a-z]?\d+\.s?html?$|/ct/\d+\.s?html?$|/article/\d+$",
    re.I,
)
_INDEX_PAGE = re.compile(r"/(?:index|default|list|[\w-]+)(?:_\d+)?\.s?html?$", re.I)


def column_year(text: str | None) -> int | None:
    """The year a sub-column link names (``2017``, ``2017年度``), else None."""
    match = YEAR_COLUMN_TEXT.match(text or "")
    return int(match.group("year")) if match else None


def names_nianbao_column(text: str | None, url: str = "") -> bool:
    """Whether a link (its text or its URL) names a 年报 column."""
    squashed = re.sub(r"\s+", "", text or "")
    return bool(NIANBAO_COLUMN_TEXT.search(squashed)) or bool(
        NIANBAO_COLUMN_URL.search(urlsplit(url).path + "?" + urlsplit(url).query)
    )


def is_article_url(url: str) -> bool:
    return bool(ARTICLE_URL.search(urlsplit(url).path))


def folder(url: str) -> str:
    """The folder a URL lives in: ``http://h/a/b/index.html`` -> ``http://h/a/b/``."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def is_below(url: str, root: str) -> bool:
    """Whether ``url`` is a column page in a folder strictly below ``root`` (a folder URL).

    ``…/gxzjdbsc/msz/`` and ``…/zfxxgknb/2023n_109815/index.html`` are below their county or
    年报 folder; ``index_1.html`` of the same folder (a pager) and articles are not.
    """
    if is_article_url(url):
        return False
    here = folder(url)
    if not here.startswith(root) or here == root:
        return False
    path = urlsplit(url).path
    return path.endswith("/") or bool(_INDEX_PAGE.search(path))


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    # The public-suffix snapshot bundled with tldextract: no network, no cache files written.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(url_or_host: str) -> str:
    """The registrable domain of a URL or host: ``www.luding.gov.cn`` -> ``luding.gov.cn``.

    gov.cn is a public suffix, so two counties never share a registered domain, while a
    portal's own sub-sites (``xxgk.``, ``www.``) do. An IP address or a host with no known
    suffix (``localhost``) is its own registered domain.
    """
    host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    host = (host or "").lower().rstrip(".").split(":")[0]
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    extracted = _extractor()(host)
    if extracted.suffix and extracted.domain:
        return f"{extracted.domain}.{extracted.suffix}"
    return host


def site_name(html: str) -> str | None:
    """The portal's name a page states: meta ``SiteName``, else the last part of the
    ``<title>`` (``…_泸定县人民政府``)."""
    if not html:
        return None
    page = Selector(text=html)
    site = (page.css('meta[name="SiteName"]::attr(content)').get() or "").strip()
    if site:
        return site
    title = re.sub(r"\s+", " ", page.css("title::text").get() or "").strip()
    parts = [part for part in re.split(r"\s*[-_|｜—–－]\s*", title) if part]
    return parts[-1] if parts else None
