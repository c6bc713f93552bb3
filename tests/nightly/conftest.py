"""Fixtures of the nightly tests: the simulated portal with the real reports, and its nights."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from nightcrawl import ROOT, Nights
from support.portal import SimulatedPortal, real_reports


@pytest.fixture(scope="session")
def portal_reports(shared: Path) -> list[Any]:
    return real_reports(shared, ROOT / "cassettes")


@pytest.fixture
def portal(portal_reports: list[Any]) -> Iterator[SimulatedPortal]:
    # Fresh copies: tests change versions and bodies.
    with SimulatedPortal([replace(r) for r in portal_reports]) as server:
        yield server


@pytest.fixture
def nights(portal: SimulatedPortal, tmp_path: Path) -> Nights:
    return Nights(portal, f"sqlite:///{tmp_path / 'nianbao.db'}", tmp_path)


@pytest.fixture
def make_nights(tmp_path: Path) -> Callable[[SimulatedPortal, str], Nights]:
    def make(portal: SimulatedPortal, db_url: str) -> Nights:
        return Nights(portal, db_url, tmp_path)

    return make
