"""Fixtures for the portal spider tests: one replay of every portal spider, shared.

Each ``test_<spider>.py`` asserts what its spider yields when replayed from its cassettes;
running a subprocess crawl per test file would cost seconds each, so the first test that asks
replays every portal spider at once (tests/spiders/replay_runner.py) and the others read its
results.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import nianbao.crawler.spiders as spiders_package

REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("replay_runner.py")


def portal_spiders() -> list[str]:
    """Every spider that ``nianbao crawl --all`` runs (the generic spider is left out)."""
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


@pytest.fixture(scope="session")
def replay_all(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Replay]:
    out = tmp_path_factory.mktemp("replay") / "replay.json"
    names = portal_spiders()
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    result = subprocess.run(
        [sys.executable, str(RUNNER), str(out), *names],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    return {
        name: Replay(
            name,
            run["items"],
            run["stats"],
            [tuple(pair) for pair in run["requests"]],
            run["allowed_domains"],
        )
        for name, run in data.items()
    }


@pytest.fixture
def replayed(replay_all: dict[str, Replay]) -> Callable[[str], Replay]:
    """``replayed("shaanxi_jiaxian")``: that spider's replay, checked to have missed nothing."""

    def get(name: str) -> Replay:
        run = replay_all[name]
        assert run.stat("cassette/miss") == 0, f"{name}: requests missing from the cassette"
        assert run.stats.get("finish_reason") == "finished"
        return run

    return get
