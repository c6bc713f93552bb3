"""Fixtures for the portal spider tests: one replay of every portal spider, shared.

Each ``test_<spider>.py`` asserts what its spider yields when replayed from its cassettes;
running a subprocess crawl per test file would cost seconds each, so the first test that asks
replays every portal spider at once (tests/spiders/crawl_runner.py) and the others read its
results. The helpers live in spider_runs.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spider_runs import Replay, portal_spiders, run_crawls


@pytest.fixture(scope="session")
def replay_all(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Replay]:
    """Every portal spider replayed from its cassettes, once per test session."""
    crawls = [{"key": name, "spider": name} for name in portal_spiders()]
    return run_crawls(tmp_path_factory.mktemp("replay"), crawls, replay=True)


@pytest.fixture
def replayed(replay_all: dict[str, Replay]) -> Callable[[str], Replay]:
    """``replayed("shaanxi_jiaxian")``: that spider's replay, checked to have missed nothing."""

    def get(name: str) -> Replay:
        run = replay_all[name]
        assert run.stat("cassette/miss") == 0, f"{name}: requests missing from the cassette"
        assert run.stats.get("finish_reason") == "finished"
        return run

    return get
