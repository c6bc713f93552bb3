"""Running spiders for the tests: every portal spider, crawls in a subprocess, their results.

A module of its own (not conftest.py) so that test files can import it by a unique name:
every folder's conftest.py is "conftest", and importing one by that name gets whichever came
first.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.spiderloader import get_spider_loader

import nianbao.crawler.spiders as spiders_package
from nianbao.crawler.commands.settings import build_settings

REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("crawl_runner.py")


def portal_spiders() -> list[str]:
    """Every spider that ``nianbao crawl --all`` runs (the generic spider is left out): the
    registry's rows and the portal modules, as the project's spider loader lists them."""
    from nianbao.crawler.commands.crawl import select_spiders

    return sorted(select_spiders(get_spider_loader(build_settings()), [], everything=True))


def module_portal_spiders() -> list[str]:
    """The portal spiders that keep a module of their own (they need hooks)."""
    names = []
    for info in pkgutil.iter_modules(spiders_package.__path__):
        if info.ispkg:
            continue
        module = importlib.import_module(f"{spiders_package.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == module.__name__
                and getattr(value, "name", None) == info.name
                and getattr(value, "include_in_all", True)
            ):
                names.append(info.name)
    return sorted(names)


@dataclass(frozen=True)
class Replay:
    """What one spider did when replayed from its cassettes."""

    name: str
    items: list[dict[str, Any]]
    stats: dict[str, Any]
    requests: list[tuple[str, str]]
    allowed_domains: list[str]

    def reports(self) -> list[tuple[str, str, int]]:
        """(source URL, authority, report year) of every item, sorted by URL."""
        return sorted(
            (item["source_url"], item["authority"], item["report_year"]) for item in self.items
        )

    def item(self, url: str) -> dict[str, Any]:
        return next(item for item in self.items if item["source_url"] == url)

    def stat(self, key: str) -> Any:
        return self.stats.get(key, 0)

    def offsite_requests(self) -> list[str]:
        """Requests to a host outside ``allowed_domains`` (ports do not count)."""
        out = []
        for _, url in self.requests:
            host = urlsplit(url).hostname or ""
            if not any(host == d or host.endswith(f".{d}") for d in self.allowed_domains):
                out.append(url)
        return out


def run_crawls(
    workdir: Path,
    crawls: list[dict[str, Any]],
    *,
    replay: bool = False,
    settings: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, Replay]:
    """Run ``crawls`` in one subprocess (tests/spiders/crawl_runner.py), keyed by ``key``."""
    job, out = workdir / "job.json", workdir / "out.json"
    job.write_text(
        json.dumps({"replay": replay, "settings": settings or {}, "crawls": crawls}),
        encoding="utf-8",
    )
    environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    environment.update(env or {})
    result = subprocess.run(
        [sys.executable, str(RUNNER), str(job), str(out)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    return {
        key: Replay(
            key,
            run["items"],
            run["stats"],
            [tuple(pair) for pair in run["requests"]],
            run["allowed_domains"],
        )
        for key, run in data.items()
    }
