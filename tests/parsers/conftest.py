"""Where the shared real material lives: ../shared beside the checkout (CI lays it there too)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("NIANBAO_SHARED", Path(__file__).resolve().parents[3] / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the shared material is missing at {SHARED} (set NIANBAO_SHARED)")
    return SHARED
