"""``nianbao serve`` started as a user would, for the browser tests (tests/crawler/).

One helper so test_serve.py and test_dashboard.py start, wait for and stop the server alike.
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

import pytest


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
                    pytest.fail(f"nianbao serve did not start: {output[-3000:]}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
