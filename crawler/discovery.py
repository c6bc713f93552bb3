"""Discovery: the generic spider's column search, turned into registry rows.

:class:`DiscoverySpider` is the generic spider (crawler/spiders/generic.py) on several start
pages at once that fetches no report: it searches home and hub pages for 年报 columns exactly
as the generic spider does, walks each column it finds with its family's rules (pages,
per-year and per-township sub-columns, at most ``column_page_limit`` list pages a column), and
notes, per column, the family detected and the report titles its lists show. Report links
come back from the family bases as requests; here they are counted and dropped, so a
discovery run costs a portal a few list pages.

:func:`column_rows` makes each column a registry row (crawler/spiders/registry.py) with a
confidence. Kept out of ``crawler/spiders`` so that ``scrapy list`` does not show it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from nianbao.crawler.spiders.base.column_walk import META_ROOT
from nianbao.crawler.spiders.base.columns import (
    NIANBAO_COLUMN_TEXT,
    folder,
    registered_domain,
    site_name,
)
from nianbao.crawler.spiders.base.families import family_scores
from nianbao.crawler.spiders.generic import META_SEARCH, GenericSpider
from nianbao.parsers.titles import title_facts

META_COLUMN = "nianbao_discover_column"
META_START = "nianbao_discover_start"


@dataclass
class Column:
    """A 年报 column found from a start page, and what its lists showed."""

    url: str
    start: str
    family: str = "link_list"
    #: The strongest family marker weight on the column page (0: none, a plain link list).
    marker_weight: int = 0
    #: Whether the column's own name (link text, ColumnName, category) names a 年报 column,
    #: rather than only its URL slug.
    named: bool = False
    portal: str = ""
    pages: int = 0
    reports: dict[str, tuple[str, str | None, int | None]] = field(default_factory=dict)

    def confidence(self) -> float:
        """0-1: reports seen weigh most (3 or more count fully), then a name that says 年报,
        then how surely the family was told (a marker of the list machinery itself)."""
        reports = min(len(self.reports), 3) / 3
        name = 1.0 if self.named else 0.5
        family = {0: 0.5, 1: 0.5, 2: 0.75}.get(self.marker_weight, 1.0)
        return round(0.6 * reports + 0.25 * name + 0.15 * family, 2)


class DiscoverySpider(GenericSpider):
    """The generic spider's search on many start pages; columns and titles, no reports."""

    name = "discover"
    include_in_all: ClassVar[bool] = False
    column_page_limit: ClassVar[int] = 20

    def __init__(
        self, start_urls: Iterable[str] = (), follow_domains: str = "", **kwargs: Any
    ) -> None:
        starts = list(dict.fromkeys(start_urls))
        if not starts:
            raise ValueError("discovery needs at least one start URL")
        super().__init__(start_url=starts[0], follow_domains=follow_domains, **kwargs)
        self.start_urls = starts
        extra = self.allowed_domains[1:]
        self.allowed_domains = list(dict.fromkeys([*map(registered_domain, starts), *extra]))
        self.columns: dict[str, Column] = {}
        self.portals: dict[str, str] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            page, category = urldefrag(url)
            meta: dict[str, Any] = {META_SEARCH: 0, META_ROOT: folder(page), META_START: url}
            if category.isdigit():
                meta["gkmlpt_category"] = category
            yield scrapy.Request(page, callback=self.parse_entry, meta=meta)

    # --- Where a column starts -------------------------------------------------------------

    def parse_entry(self, response: Response) -> Iterator[scrapy.Request]:
        if isinstance(response, TextResponse):
            name = site_name(response.text)
            if name:
                self.portals.setdefault(registered_domain(response.url), name)
        found = []
        for request in super().parse_entry(response):
            if request.callback == self.parse and META_COLUMN not in request.meta:
                request.meta[META_COLUMN] = request.url  # a column link found on this page
                request.meta["nianbao_named"] = True
            found.append(request)
        yield from self._walk(response, found)

    def looks_like_column(self, response: TextResponse) -> bool:
        """The start page is itself the column: its walk is that column's."""
        found = super().looks_like_column(response)
        if found:
            response.meta[META_COLUMN] = response.url
            column_name = response.css('meta[name="ColumnName"]::attr(content)').get() or ""
            response.meta["nianbao_named"] = bool(
                NIANBAO_COLUMN_TEXT.search(re.sub(r"\s+", "", column_name))
            )
        return found

    def gkmlpt_entry(self, response: TextResponse) -> Iterator[scrapy.Request]:
        for request in super().gkmlpt_entry(response):
            category = request.meta["gkmlpt_category"]
            key = f"{urldefrag(response.url).url}#{category}"
            column = self._column(key, response)
            column.family, column.marker_weight, column.named = "gkmlpt", 3, True
            request.meta[META_COLUMN] = key
            yield request

    # --- Walking it ------------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        key = response.meta.get(META_COLUMN)
        if key is None or not isinstance(response, TextResponse):
            return
        column = self._column(key, response)
        column.pages += 1
        if key == response.url:  # the column's own page tells its family
            column.family = self.page_family(response)
            column.marker_weight = max(family_scores(response.url, response.text).values() or [0])
            column.named = column.named or bool(response.meta.get("nianbao_named"))
        yield from self._walk(response, super().parse(response, **kwargs))

    def parse_dataproxy(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self._walk(response, super().parse_dataproxy(response))

    def parse_api(self, response: Response) -> Iterator[scrapy.Request]:
        key = response.meta.get(META_COLUMN)
        if key is not None:
            self._column(key, response).pages += 1
        yield from self._walk(response, super().parse_api(response))

    def _column(self, key: str, response: Response) -> Column:
        if key not in self.columns:
            start = response.meta.get(META_START, key)
            self.columns[key] = Column(url=key, start=start)
        return self.columns[key]

    def _walk(
        self, response: Response, requests: Iterable[scrapy.Request]
    ) -> Iterator[scrapy.Request]:
        """The requests of a column's walk carry the column; a report page is noted, not
        fetched; a walk past ``column_page_limit`` pages stops."""
        for request in requests:
            for key in (META_COLUMN, META_START, "nianbao_named"):
                if key in response.meta and key not in request.meta:
                    request.meta[key] = response.meta[key]
            key = request.meta.get(META_COLUMN)
            if key is None:
                yield request
                continue
            column = self._column(key, response)
            if request.callback == self.parse_report:
                title = request.cb_kwargs.get("title") or ""
                authority, year = title_facts(title)
                column.reports.setdefault(request.url, (title, authority, year))
            elif column.pages < self.column_page_limit:
                yield request


def row_name(url: str, taken: set[str]) -> str:
    """A registry name from the column's host (``www.luding.gov.cn`` -> ``luding``), made unique
    with ``_2``, ``_3`` …; rename it to ``<province>_<place>`` before committing."""
    host = (urlsplit(url).hostname or "portal").lower()
    domain = registered_domain(host)
    labels = [part for part in host[: -len(domain)].split(".") if part and part != "www"]
    base_label = domain.split(".")[0] if not domain.replace(".", "").isdigit() else domain
    stem = re.sub(r"[^a-z0-9]+", "_", "_".join([base_label, *reversed(labels)])).strip("_")
    stem = stem if stem[:1].isalpha() else f"portal_{stem}"
    name, number = stem, 1
    while name in taken:
        number += 1
        name = f"{stem}_{number}"
    taken.add(name)
    return name


def column_rows(
    spider: DiscoverySpider, taken: Iterable[str] = ()
) -> list[tuple[dict[str, str], Column]]:
    """One registry row per column found (CSV fields), with the column, best first."""
    names = set(taken)
    out = []
    for column in sorted(spider.columns.values(), key=lambda c: (-c.confidence(), c.url)):
        domain = registered_domain(column.url)
        portal = spider.portals.get(domain) or urlsplit(column.url).hostname or domain
        years = sorted({year for _, _, year in column.reports.values() if year})
        seen = f"{len(column.reports)} report(s)" + (
            f" {years[0]}-{years[-1]}" if len(years) > 1 else f" {years[0]}" if years else ""
        )
        row = {
            "name": row_name(column.url, names),
            "portal": portal,
            "family": column.family,
            "allowed_domains": domain,
            "column_urls": column.url,
            "knobs": "",
            "description": f"{portal}: found by nianbao discover from {column.start}; {seen}.",
        }
        out.append((row, column))
    return out
