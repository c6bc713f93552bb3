"""A user's common mistakes: one line on stderr saying what to do, exit 2 (usage) or 1 (failure),
never a traceback. Each runs ``nianbao`` as a user would, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from nianbao_cli import ROOT, run_nianbao


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The error as printed, after checking that it is one line and no traceback."""
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_an_unknown_spider_suggests_the_closest_names() -> None:
    done = run_nianbao("crawl", "sichuan_ludng", "--replay", "--db", "sqlite://")
    assert done.returncode == 2
    line = one_line(done)
    assert line.startswith("nianbao crawl: unknown spider sichuan_ludng")
    assert "did you mean sichuan_luding" in line
    assert "nianbao list" in line


def test_the_generic_spider_without_a_start_url_says_what_to_add(tmp_path: Path) -> None:
    database = tmp_path / "n.db"
    done = run_nianbao("crawl", "generic", "--db", f"sqlite:///{database}")
    assert done.returncode == 2
    assert "-a start_url=" in one_line(done)
    assert not database.exists()  # refused before a run record was opened


@pytest.mark.parametrize("command", [["export"], ["indicators"], ["db", "upgrade"]])
def test_a_db_that_is_not_a_url_is_a_usage_error(command: list[str]) -> None:
    done = run_nianbao(*command, "--db", "nianbao.db")
    assert done.returncode == 2
    assert "--db takes a SQLAlchemy URL, e.g. sqlite:///nianbao.db" in one_line(done)


def test_a_db_that_cannot_be_opened_is_a_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = run_nianbao("db", "upgrade", "--db", f"sqlite:///{blocker}/nianbao.db")
    assert done.returncode == 1
    assert one_line(done).startswith("nianbao db: ")


def test_postgresql_without_psycopg_names_the_extra() -> None:
    block = "import sys\nsys.modules['psycopg'] = None  # as if it were not installed"
    done = run_nianbao("db", "upgrade", "--db", "postgresql+psycopg://u@127.0.0.1/x", before=block)
    assert done.returncode == 1
    assert "pip install 'nianbao[postgres]'" in one_line(done)


def test_a_reader_that_closes_the_pipe_is_not_an_error() -> None:
    reader = "import sys; sys.stdin.close()"  # reads nothing, like `head -0`
    code = (
        f"{sys.executable} -c 'from nianbao.crawler.cli import main; main([\"list\"])' "
        f"| {sys.executable} -c '{reader}'"
    )
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.stderr == ""
    assert done.returncode == 0


def test_db_current_on_a_missing_file_does_not_create_it(tmp_path: Path) -> None:
    database = tmp_path / "none" / "nianbao.db"
    done = run_nianbao("db", "current", "--db", f"sqlite:///{database}")
    assert done.returncode == 1
    assert "nianbao db upgrade creates it" in one_line(done)
    assert not database.parent.exists()


def test_an_export_filter_that_matches_nothing_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    done = run_nianbao("export", "--db", url, "--year", "1999", "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    assert "no stored report matches --year 1999" in done.stderr
    assert "Traceback" not in done.stderr
