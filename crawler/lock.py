"""One nightly run at a time: an exclusive lock on a file for as long as the run lasts.

cron starts the next night's run whether or not the last one finished; two runs over the same
portals would double the load on small servers and race on the job directories. The lock is an
OS file lock (``filelock``: ``flock`` on Unix), so it is released by the kernel when the process
dies however it dies - no stale lock file to clean up after a crash.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

#: Exit status when another run holds the lock (EX_TEMPFAIL: try again later).
EXIT_LOCKED = 75


class AlreadyRunning(RuntimeError):
    """Another process holds the lock."""


@contextlib.contextmanager
def run_lock(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the lock on ``path`` (created with its folder) or raise :class:`AlreadyRunning`."""
    lock_path = Path(path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path, timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise AlreadyRunning(f"another nianbao crawl holds {lock_path}") from exc
    try:
        yield lock_path
    finally:
        lock.release()
