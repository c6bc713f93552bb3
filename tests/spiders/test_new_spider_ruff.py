"""``nianbao new-spider`` writes files that pass the project's own ``ruff check`` and ``ruff format
--check`` for every name, URL and portal it accepts, and refuses the others in one line, exit 2.

Hypothesis draws names (valid ones up to the length limit, and hostile text: digits first, CJK,
hyphens, dots, keywords, mixed case, spaces, newlines), portals (CJK, spaces, apostrophes, up to
the width limit and past it) and column URLs (long paths); every file written is checked by ruff
with the repository's pyproject.toml.
"""

from __future__ import annotations

import keyword
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nianbao.crawler.cli import main
from nianbao.crawler.commands.new_spider import (
    MAX_NAME,
    NewSpiderError,
    UnwritableInput,
    check_name,
    new_spider,
)
from nianbao.crawler.commands.spider_templates import BASES

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "pyproject.toml"

VALID_NAMES = st.from_regex(r"[a-z]{1,12}(_[a-z][a-z0-9]{0,14}){1,3}", fullmatch=True).filter(
    lambda name: len(name) <= MAX_NAME
)
HOSTILE_NAMES = st.one_of(
    st.text(
        alphabet=st.sampled_from("abcXYZ019_-. \n\t泸定县中文"),
        min_size=0,
        max_size=60,
    ),
    st.sampled_from(sorted(keyword.kwlist)),
    st.builds(lambda n: "sichuan_" + "a" * n, st.integers(MAX_NAME - 7, MAX_NAME + 20)),
)
PORTALS = st.text(
    alphabet=st.sampled_from("泸定县人民政府办公室（）·ABCabc '-.0123456789"),
    min_size=1,
    max_size=60,
)
URLS = st.builds(
    lambda host, path: f"http://{host}.gov.cn/{path}/",
    st.from_regex(r"[a-z][a-z0-9]{0,20}(\.[a-z][a-z0-9]{0,10}){0,2}", fullmatch=True),
    st.text(alphabet=st.sampled_from("abcxyz0123456789_-/"), min_size=1, max_size=120),
)


def ruff_problems(files: list[Path]) -> str:
    """What ``ruff check`` and ``ruff format --check`` say about ``files`` ("" when clean)."""
    out = []
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--config", str(CONFIG), *map(str, files)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            out.append(done.stdout + done.stderr)
            if command[0] == "format":
                diff = ["format", "--diff", "--no-cache", "--config", str(CONFIG)]
                shown = subprocess.run(
                    [sys.executable, "-m", "ruff", *diff, *map(str, files)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                out.append(shown.stdout + shown.stderr)
    return "\n".join(out)


def write(name: str, url: str, portal: str, family: str, registry: bool = False) -> list[Path]:
    """Run new-spider into a fresh folder (no page: family and portal given, nothing fetched)."""
    root = Path(tempfile.mkdtemp(prefix="new_spider_"))
    if family == "gkmlpt":
        url += "#1234"
    return new_spider(
        name,
        url,
        family=family,
        portal=portal,
        authority=portal,
        root=root,
        registry=registry,
    )


def python_files(written: list[Path]) -> list[Path]:
    return [path for path in written if path.suffix == ".py"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=VALID_NAMES,
    url=URLS,
    portal=PORTALS,
    family=st.sampled_from(sorted(BASES)),
)
@example(
    name="sichuan_" + "a" * (MAX_NAME - 8),
    url="http://www.luding.gov.cn/" + "x" * 120 + "/",
    portal="泸" * 40,
    family="link_list",
)
@example(name="hebei_class", url="http://a.gov.cn/", portal="it's 县", family="gkmlpt")
def test_written_files_pass_ruff(name: str, url: str, portal: str, family: str) -> None:
    try:
        written = write(name, url, portal, family)
    except UnwritableInput as refused:  # a portal too wide, or with characters it cannot hold
        assert "portal" in str(refused) or "authority" in str(refused)
        assert "\n" not in str(refused)
        return
    files = python_files(written)
    assert len(files) == 2
    assert ruff_problems(files) == ""
    compile(files[0].read_text(encoding="utf-8"), str(files[0]), "exec")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=VALID_NAMES, portal=PORTALS)
def test_registry_test_file_passes_ruff(name: str, portal: str) -> None:
    """``--registry`` writes a registry row and a test module: the module passes ruff too."""
    try:
        written = write(name, "http://www.luding.gov.cn/nb/", portal, "link_list", registry=True)
    except UnwritableInput:
        return
    files = python_files(written)
    assert [path.name for path in files] == [f"test_{name}.py"]
    assert ruff_problems(files) == ""


@settings(max_examples=80, deadline=None)
@given(name=HOSTILE_NAMES)
@example(name="sichuan_luding\n")
@example(name="Sichuan_Luding")
@example(name="1sichuan_luding")
@example(name="sichuan-luding")
@example(name="sichuan.luding")
@example(name="四川_泸定")
@example(name="class")
def test_names_that_cannot_be_spider_names_are_refused(name: str) -> None:
    try:
        check_name(name)
    except UnwritableInput as refused:
        assert "\n" not in str(refused).replace(repr(name), "")
    else:
        # The few hostile draws that are valid names (e.g. "abc_x") must write clean files.
        written = write(name, "http://www.luding.gov.cn/nb/", "泸定县人民政府", "link_list")
        assert ruff_problems(python_files(written)) == ""


@pytest.mark.parametrize(
    "name",
    ["1sichuan_luding", "sichuan-luding", "Sichuan_Luding", "class", "sichuan_" + "a" * 40],
)
def test_the_command_refuses_a_bad_name_in_one_line_exit_2(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, portal = "http://www.luding.gov.cn/nb/", "泸定县人民政府"
    arguments = ["--family", "link_list", "--portal", portal, "--root", str(tmp_path)]
    status = main(["new-spider", name, url, *arguments])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.startswith("nianbao new-spider: ")
    assert len(captured.err.strip().splitlines()) == 1
    assert not list(tmp_path.rglob("*.py"))


def test_a_portal_with_quotes_is_refused_and_nothing_written(tmp_path: Path) -> None:
    with pytest.raises(UnwritableInput, match="quotes"):
        new_spider(
            "sichuan_luding",
            "http://www.luding.gov.cn/nb/",
            family="link_list",
            portal='泸定县"人民政府',
            root=tmp_path,
        )
    assert not list(tmp_path.rglob("*.py"))
    assert issubclass(UnwritableInput, NewSpiderError)
