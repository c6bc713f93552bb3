"""Scheduling: the deploy files call the one command, two runs never overlap, scrapyd-ready."""

from __future__ import annotations

import configparser
import shlex
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from nightcrawl import ROOT, Nights, environment
from support.portal import Fault

from nianbao.crawler.cli import build_parser
from nianbao.crawler.lock import EXIT_LOCKED

DEPLOY = ROOT / "deploy"


def _nianbao_args(command: str) -> list[str]:
    words = shlex.split(command)
    return words[words.index(next(w for w in words if w.endswith("/nianbao"))) + 1 :]


def test_systemd_and_cron_call_the_one_command_with_the_lock() -> None:
    service = configparser.ConfigParser(strict=False, interpolation=None)
    service.read(DEPLOY / "nianbao-nightly.service")
    exec_start = service["Service"]["ExecStart"]
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read(DEPLOY / "nianbao-nightly.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:15:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert service["Service"]["SuccessExitStatus"] == str(EXIT_LOCKED)
    cron = next(
        line
        for line in (DEPLOY / "crontab").read_text().splitlines()
        if line and not line.startswith("#") and "nianbao crawl" in line
    )
    for command in (exec_start, cron.split("&&", 1)[1].split(">>")[0]):
        args = build_parser().parse_args(_nianbao_args(command))
        assert args.command == "crawl" and args.all and args.lock == ""


def test_a_second_run_does_not_start_while_the_first_holds_the_lock(
    nights: Nights, tmp_path: Path
) -> None:
    lock = tmp_path / "crawl.lock"
    # The first run is slowed down by a report page that times out four times.
    nights.portal.faults.append(Fault("timeout", nights.portal.report_path(0), delay=4))
    first = subprocess.Popen(
        nights.command(f"--lock={lock}"),
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not nights.portal.hits and time.monotonic() < deadline:
            time.sleep(0.2)
        assert nights.portal.hits, "the first run never reached the portal"
        started = time.monotonic()
        second = subprocess.run(
            nights.command(f"--lock={lock}"),
            cwd=ROOT,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == EXIT_LOCKED, second.stderr[-2000:]
        assert "another nianbao crawl holds" in second.stderr
        assert time.monotonic() - started < 30  # refused at once, not after waiting
        assert first.poll() is None  # the first is still crawling
    finally:
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err[-3000:]
    # Once the first run is over, the lock is free again.
    nights.portal.faults.clear()
    third = nights.crawl(f"--lock={lock}")
    assert third.returncode == 0, third.stderr[-3000:]
    assert third.run["status"] == "finished"


def test_scrapyd_deploy_builds_an_egg_with_the_settings_entry_point(tmp_path: Path) -> None:
    pytest.importorskip("scrapyd_client")
    egg = tmp_path / "nianbao.egg"
    deploy = Path(sys.executable).with_name("scrapyd-deploy")
    result = subprocess.run(
        [str(deploy), "--build-egg", str(egg)],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert "settings = nianbao.crawler.settings" in entry_points
    assert "nianbao/crawler/portals.csv" in names  # the registry's spiders (sichuan_luding …)
    assert "nianbao/crawler/spiders/registry.py" in names
    assert "nianbao/crawler/settings.py" in names
    config = configparser.ConfigParser()
    config.read(ROOT / "scrapy.cfg")
    assert config["deploy"]["project"] == "nianbao"
    assert config["deploy"]["url"].startswith("http://")
