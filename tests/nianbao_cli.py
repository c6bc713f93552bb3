"""``nianbao`` run as a user runs it: a fresh process, its stdout and stderr captured."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_MAIN = "import sys\nfrom nianbao.crawler.cli import main\nsys.exit(main(sys.argv[1:]))"


def run_nianbao(
    *args: str,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    before: str = "",
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``nianbao ARGS`` in ``cwd`` (the repository root by default). ``env`` replaces the
    environment (default: this one); ``before`` is Python run first, e.g. to take a package
    away as if it were not installed."""
    command = ["-c", f"{before}\n{_MAIN}"] if before else ["-m", "nianbao.crawler"]
    return subprocess.run(
        [sys.executable, *command, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(os.environ if env is None else env),
        timeout=timeout,
        check=False,
    )
