"""``nianbao serve`` started as a user would, over real reports, for the browser tests
(tests/crawler/test_serve.py, test_dashboard.py) and ``scripts/screenshot_dashboard.py``.

One place, so the tests and the README's screenshot start, wait for and stop the server alike
and show the same stored reports.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nianbao.parsers import parse_path
from nianbao.pipelines.db import make_engine, save_report, session_factory, upgrade

ROOT = Path(__file__).resolve().parents[2]

#: Portals whose cassettes hold the reports the dashboard tests read (see test_indicators.py).
SPIDERS = ("hunan_leiyang", "jiangsu_shuyang", "jiangsu_hongze", "jiangsu_suqian")
#: Two real texts stored as two years of one authority (no authority has two consecutive
#: years in the material): 洪泽区's 2023 report and 泸定县's 2024 seed, both as 泸定县人民政府.
TWO_YEARS = ("corpus/texts/011_hongze_qu_2023.txt", "seeds/002_54edbe98636d0c3c.txt")
TWO_YEARS_AUTHORITY = "泸定县人民政府"


def store_real_reports(db_url: str, shared: Path) -> None:
    """Fill ``db_url`` with the reports of the cassettes of :data:`SPIDERS`, crawled as a user
    would (``nianbao crawl --replay``), and the two years of :data:`TWO_YEARS_AUTHORITY`."""
    done = subprocess.run(
        [sys.executable, "-m", "nianbao.crawler", "crawl", *SPIDERS, "--replay", "--db", db_url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the replayed crawl failed: {done.stderr[-3000:]}")
    engine = make_engine(db_url)
    upgrade(engine)
    for path in TWO_YEARS:
        report = parse_path(shared / path)
        report.authority = TWO_YEARS_AUTHORITY
        with session_factory(engine)() as session:
            save_report(session, report, spider="test", portal=None)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(db_url: str, snapshot: Path) -> Iterator[str]:
    """The root URL of ``nianbao serve --db db_url`` (a PostgreSQL database is copied into
    ``snapshot``, a SQLite file), once it accepts connections; stopped afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "nianbao.crawler", "serve", "--db", db_url]
    command += ["--port", str(port), "--snapshot", str(snapshot)]
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.stdout else ""
                    message = f"nianbao serve did not start: {output[-3000:]}"
                    raise RuntimeError(message) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
