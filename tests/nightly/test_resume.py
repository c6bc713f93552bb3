"""`nianbao crawl` resumes after a kill without losing or duplicating a report."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter

import pytest
from nightcrawl import ROOT, Nights, environment

SLOW = {"CONCURRENT_REQUESTS_PER_DOMAIN": "1", "CONCURRENT_REQUESTS": "1"}


def _start_and_kill(nights: Nights, sig: signal.Signals, after_reports: int) -> tuple[int, str]:
    nights.portal.latency = 0.4
    process = subprocess.Popen(
        nights.command(**SLOW),
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = sum(1 for hit in nights.portal.hits if "/t2025" in hit.path)
        if done >= after_reports or process.poll() is not None:
            break
        time.sleep(0.05)
    process.send_signal(sig)
    _, err = process.communicate(timeout=120)
    return process.returncode, err


def _report_fetches(nights: Nights) -> Counter[str]:
    return Counter(h.path for h in nights.portal.hits if h.status == 200 and "/t2025" in h.path)


def test_sigterm_then_resume(nights: Nights) -> None:
    status, _ = _start_and_kill(nights, signal.SIGTERM, after_reports=5)
    assert status != 0  # the run did not finish ...
    assert nights.last_run()["finish_reason"] == "shutdown"
    assert nights.last_run()["status"] == "interrupted"
    jobdir = nights.tmp / "jobs" / "simulated_portal"
    assert (jobdir / "requests.seen").exists()  # ... and left its state to resume from
    stored_before = len(nights.reports())
    assert 0 < stored_before < 19

    nights.portal.latency = 0
    resumed = nights.crawl()
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Resuming the crawl stopped in" in resumed.stderr
    assert resumed.run["new"] == 19 - stored_before
    assert len(nights.reports()) == 19
    # Resumed, not restarted: no report page downloaded twice over the two runs.
    assert set(_report_fetches(nights).values()) == {1}
    assert not jobdir.exists()  # finished: tomorrow starts afresh


def test_sigkill_then_start_over_cheaply(nights: Nights) -> None:
    status, _ = _start_and_kill(nights, signal.SIGKILL, after_reports=5)
    assert status == -signal.SIGKILL
    stored_before = len(nights.reports())
    ((killed, state),) = nights.query("SELECT id, status FROM crawl_run")
    assert state == "running"  # nothing could close it

    nights.portal.latency = 0
    again = nights.crawl()
    assert again.returncode == 0, again.stderr[-3000:]
    assert "was killed hard; starting over" in again.stderr
    # The next run closed the killed one: no run stays "running" forever.
    runs = nights.query("SELECT id, status FROM crawl_run ORDER BY id")
    assert [status for _, status in runs] == ["killed", "finished"] and runs[0][0] == killed
    assert f"crawl run {killed} (process" in again.stderr
    assert len(nights.reports()) == 19
    assert again.run["new"] == 19 - stored_before
    # Starting over re-asks for what was stored, conditionally: no second download of it.
    assert again.run["skipped"] == stored_before
    assert max(_report_fetches(nights).values()) <= 2


@pytest.mark.parametrize("reason", ["finished", "shutdown"])
def test_jobdir_guard_states(tmp_path, reason: str) -> None:
    from nianbao.crawler.extensions.jobdir import MARKER, prepare

    path = tmp_path / "job"
    assert prepare(path) == "fresh"
    (path / "requests.seen").write_text("x\n")
    (path / MARKER).unlink()  # closed cleanly
    assert prepare(path) == "resumed"
    (path / MARKER).write_text("999999999")  # a dead process never closed it
    assert prepare(path) == "discarded"
    assert not (path / "requests.seen").exists()
