"""The layout a newcomer reads: the README's "where to change what" names files that exist,
each package says which import name it is, and product modules stay readable in one sitting."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: The directories installed as ``nianbao.<name>`` (setup.py's package-dir mapping).
PRODUCT = ("crawler", "parsers", "pipelines")
#: A product module longer than this says why at its top (a docstring line "Long because …").
MAX_LINES = 400
_TASKS = re.compile(r"<!-- tasks -->\n(.*?)<!-- /tasks -->", re.S)
_PATH = re.compile(r"`([\w./-]+\.(?:py|csv|json|mako|html|md))(?:::\w+)?`")


def _task_rows() -> list[tuple[str, list[str]]]:
    """(task, paths) of each row of the README's table of tasks."""
    block = _TASKS.search((REPO / "README.md").read_text("utf-8"))
    assert block, "README.md has no <!-- tasks --> table"
    rows = []
    for line in block.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and not set(cells[0]) <= {"-", " "} and cells[0] != "task":
            rows.append((cells[0], _PATH.findall(" ".join(cells[1:]))))
    return rows


def test_the_readme_names_one_file_to_open_for_each_task() -> None:
    rows = dict(_task_rows())
    for task in (
        "add a portal",
        "add a row key to a table",
        "fix one text shape",
        "add a rule",
        "change the schema",
        "add an indicator",
    ):
        assert any(task in name.lower() for name in rows), task
    for task, paths in rows.items():
        assert paths, f"{task}: no file named"
        for path in paths:
            assert (REPO / path).is_file(), f"{task}: {path} does not exist"


def _packages() -> list[Path]:
    return sorted(init for top in PRODUCT for init in (REPO / top).rglob("__init__.py"))


@pytest.mark.parametrize("init", _packages(), ids=lambda p: str(p.parent.relative_to(REPO)))
def test_each_package_says_its_import_name_and_directory(init: Path) -> None:
    folder = init.parent.relative_to(REPO)
    doc = ast.get_docstring(ast.parse(init.read_text("utf-8"))) or ""
    name = "nianbao." + ".".join(folder.parts)
    assert f"``{name}``" in doc.split("\n\n")[0], f"{init}: first paragraph names {name}"
    assert f"``{folder.as_posix()}/``" in doc.split("\n\n")[0], f"{init}: names {folder}/"


def _modules() -> list[Path]:
    return sorted(path for top in PRODUCT for path in (REPO / top).rglob("*.py"))


def test_no_product_module_is_long_without_a_reason() -> None:
    long = []
    for path in _modules():
        lines = path.read_text("utf-8").count("\n")
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
        if lines > MAX_LINES and "Long because" not in doc:
            long.append(f"{path.relative_to(REPO)} ({lines} lines)")
    assert long == []
