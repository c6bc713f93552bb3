"""The simulated portal's spider (tests/support/spiders.py) is test scaffolding: it never shows
in ``nianbao list``, ``scrapy list`` or ``nianbao crawl --all``, and even a crawl that loads its
module (``SPIDER_MODULES=support.spiders``, as the nightly tests do) leaves it out of ``--all``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from nightcrawl import ROOT
from scrapy.spiderloader import get_spider_loader
from support import environment

from nianbao.crawler.cli import main
from nianbao.crawler.commands.crawl import select_spiders
from nianbao.crawler.commands.settings import build_settings

NAME = "simulated_portal"


def test_nianbao_list_and_all_leave_it_out(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    listed = {spider["name"] for spider in json.loads(capsys.readouterr().out)}
    assert listed and NAME not in listed
    loader = get_spider_loader(build_settings())
    assert NAME not in loader.list()
    assert NAME not in select_spiders(loader, [], everything=True)


def test_scrapy_list_leaves_it_out() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert "sichuan_luding" in listed and NAME not in listed


def test_all_leaves_it_out_even_when_its_module_is_loaded() -> None:
    settings = build_settings(extra={"SPIDER_MODULES": ["support.spiders"]})
    loader = get_spider_loader(settings)
    assert NAME in loader.list()
    assert NAME not in select_spiders(loader, [], everything=True)
