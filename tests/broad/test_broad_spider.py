"""The broad spider's routing: each portal's requests go out through it and come back to the
portal's own spider, serialisable (job directory, scrapy-redis), one broken portal alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import scrapy
from broadcrawl import ROOT
from scrapy.http import HtmlResponse
from scrapy.utils.request import request_from_dict
from support.network import Network

from nianbao.crawler.spiders.base.gkmlpt import GkmlptSpider
from nianbao.crawler.spiders.broad import META_PORTAL, BroadSpider, read_portal_classes


@pytest.fixture(scope="module")
def network(shared: Path) -> Network:
    return Network.build(6, shared, ROOT / "cassettes")


def _start(spider: BroadSpider) -> list[scrapy.Request]:
    async def collect() -> list[scrapy.Request]:
        return [request async for request in spider.start()]

    return asyncio.run(collect())


class BrokenFacts(GkmlptSpider):
    """A gkmlpt portal whose column URL names no category: its start() raises."""

    name = "broken_facts"
    portal = "broken"
    allowed_domains = ("broken.test",)
    column_urls = ("http://broken.test/gkmlpt/index",)


def test_start_requests_take_turns_and_route_back(network: Network, tmp_path: Path) -> None:
    classes = read_portal_classes(network.write_registry(tmp_path / "portals.csv"))
    spider = BroadSpider(portal_classes=[BrokenFacts, *classes])
    requests = _start(spider)
    # The broken portal is left out (counted under its name), the others each start once.
    assert [r.meta[META_PORTAL] for r in requests] == [p.name for p in network.portals]
    assert spider._portal_stats["broken_facts"]["spider_exceptions/count"] == 1
    assert [r.url for r in requests] == [p.column_url for p in network.portals]
    for request in requests:
        assert request.callback == spider.route and request.errback == spider.failed
        assert request.meta["nianbao_callback"] == "parse"
        assert request.meta["nianbao_kind"] == "list"
        # A job directory or the Redis queue stores requests as dicts: they must come back.
        again = request_from_dict(request.to_dict(spider=spider), spider=spider)
        assert again.callback == spider.route and again.meta == request.meta
    assert set(spider.allowed_domains) == {
        *(p.host for p in network.portals),
        "broken.test",
    }


def test_a_list_page_goes_to_its_portal_and_its_reports_come_back(
    network: Network, tmp_path: Path
) -> None:
    classes = read_portal_classes(network.write_registry(tmp_path / "portals.csv"))
    spider = BroadSpider(portal_classes=classes)
    portal = next(p for p in network.healthy() if not p.subcolumns)
    start = next(r for r in _start(spider) if r.meta[META_PORTAL] == portal.name)
    body = portal.pages()[portal.list_path(0)][1]
    response = HtmlResponse(start.url, body=body, encoding="utf-8", request=start)
    outputs = list(spider.route(response))
    reports = [o for o in outputs if o.meta.get("nianbao_kind") == "report"]
    # Every report of the column's first page, none of the look-alike notices beside them.
    listed = min(len(portal.reports), portal.per_page)
    assert len(reports) == listed
    assert all("notice_" not in r.url for r in outputs)
    assert all(r.meta[META_PORTAL] == portal.name for r in outputs)
    assert all(r.meta["nianbao_callback"] == "parse_report" for r in reports)
    stats = spider._portal_stats[portal.name]
    assert stats["nianbao/lists/report_links"] == listed
    assert stats["nianbao/lists/pages"] == 1


def test_a_portal_list_is_checked_as_the_registry_is(tmp_path: Path) -> None:
    """``-a portals=FILE`` reads rows with the registry's own checks: a bad row is refused with
    its line number, knobs are read."""
    from nianbao.crawler.spiders.registry import DEFAULT, RegistryError, open_registry

    with open_registry(DEFAULT) as handle:
        lines = handle.read().splitlines()
    good = tmp_path / "good.csv"
    good.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    assert [cls.name for cls in read_portal_classes(good)] == [
        line.split(",", 1)[0] for line in lines[1:3]
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace(",trs,", ",joomla,")]) + "\n")
    with pytest.raises(RegistryError, match=r"line 2 .*family"):
        read_portal_classes(bad)
