"""Every spider module imports, is named after its module and has a cassette.

Importing each module on its own catches cross-spider imports, which break when the other
spider is deleted (alltheplaces keeps the same test for the same reason).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from scrapy import Spider

import nianbao.crawler.spiders as spiders_package
from nianbao.crawler.spiders import registry
from nianbao.crawler.spiders.base.annual_report import AnnualReportSpider
from nianbao.crawler.spiders.registry import DEFAULT, class_name, read_rows

REPO = Path(__file__).resolve().parents[1]
CASSETTES = REPO / "cassettes"

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(spiders_package.__path__, f"{spiders_package.__name__}.")
)
#: Spiders that need arguments (the generic spider, the broad crawl of many portals) and the
#: registry's loader are not portals: no cassette, no facts.
NOT_PORTALS = {
    "nianbao.crawler.spiders.generic",
    "nianbao.crawler.spiders.broad",
    "nianbao.crawler.spiders.registry",
}
ROWS = read_rows(DEFAULT)
PORTAL_MODULES = [name for name in MODULES if ".base" not in name and name not in NOT_PORTALS]


def spiders_in(module_name: str) -> list[type[AnnualReportSpider]]:
    module = importlib.import_module(module_name)
    return [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, Spider)
        and obj.__module__ == module_name
        and getattr(obj, "name", None)
    ]


def test_there_are_spiders_and_bases() -> None:
    for base in ("annual_report", "link_list", "trs", "hanweb", "gkmlpt"):
        assert f"nianbao.crawler.spiders.base.{base}" in MODULES
    assert PORTAL_MODULES or ROWS


@pytest.mark.parametrize("module_name", MODULES)
def test_module_imports(module_name: str) -> None:
    importlib.import_module(module_name)


@pytest.mark.parametrize("name", [row.name for row in ROWS])
def test_registry_row_is_a_spider_with_a_cassette(name: str) -> None:
    spider = getattr(registry, class_name(name))
    assert spider.name == name and issubclass(spider, AnnualReportSpider)
    assert spider.portal and spider.family and spider.column_urls and spider.allowed_domains
    assert sorted((CASSETTES / name).glob("*.yaml")), f"no cassette under cassettes/{name}"


def test_portal_modules_are_data_on_a_family_base() -> None:
    """Portals that need hooks keep a module (none do today: every portal is a row)."""
    for module_name in PORTAL_MODULES:
        found = spiders_in(module_name)
        assert len(found) == 1, f"{module_name}: one spider per module, found {found}"
        spider = found[0]
        stem = module_name.rsplit(".", 1)[1]
        assert spider.name == stem
        assert spider.__name__ == class_name(stem)
        assert issubclass(spider, AnnualReportSpider)
        assert spider.portal and spider.family and spider.column_urls and spider.allowed_domains
        cassettes = CASSETTES / getattr(spider, "cassette_name", spider.name)
        assert sorted(cassettes.glob("*.yaml")), f"no cassette under {cassettes}"


def test_the_generic_spider_is_left_out_of_all() -> None:
    from scrapy.spiderloader import get_spider_loader

    from nianbao.crawler.commands.crawl import select_spiders
    from nianbao.crawler.commands.settings import build_settings

    loader = get_spider_loader(build_settings())
    assert "generic" in loader.list()
    everything = select_spiders(loader, [], everything=True)
    assert "generic" not in everything
    modules = {name.rsplit(".", 1)[1] for name in PORTAL_MODULES}
    assert set(everything) == modules | {row.name for row in ROWS}
