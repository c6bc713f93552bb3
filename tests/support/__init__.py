"""Test scaffolding: the simulated portal and network, their spider, the served dashboard and
the headless browser. Only the tests, the benchmarks and scripts/screenshot_dashboard.py use
it, so it lives beside the tests and is not installed with nianbao.

It is imported as ``support``, with ``tests/`` on ``sys.path``:

- under pytest, by ``pythonpath = ["tests"]`` in pyproject.toml (as every shared test helper);
- in a benchmark or script, by its one line ``sys.path.insert(0, str(ROOT / "tests"))``;
- in the crawls those start in subprocesses, by :func:`environment`, which puts ``tests/`` on
  ``PYTHONPATH`` so that ``-s SPIDER_MODULES=support.spiders`` finds the portal's spider.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The folder that holds this package (``tests/``).
TESTS = Path(__file__).resolve().parents[1]


def environment(**extra: str) -> dict[str, str]:
    """The environment of a crawl subprocess: no proxy of the caller's (the portals are local),
    ``tests/`` on ``PYTHONPATH`` for ``support.spiders``, and ``extra`` on top."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(TESTS), env.get("PYTHONPATH"))))
    env.update(extra)
    return env
