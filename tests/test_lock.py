"""The lock files install what pyproject.toml declares, at versions it admits.

scripts/_venv.sh (and so the README's commands and CI) installs requirements/*.lock and then the
project with ``--no-deps``: a dependency added to pyproject.toml without refreshing the lock
(``sh scripts/lock.sh``) would be missing on a fresh machine while the developer's venv still
has it. This test makes that drift fail here instead.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)\s*(?:;\s*([^#]+?))?\s*(?:#.*)?$")


def _pins(lock: Path) -> dict[str, str]:
    """``{name: version}`` of the pins that apply to this interpreter."""
    pins: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if not match:
            continue
        name, version, marker = match.groups()
        if marker and not Requirement(f"x; {marker}").marker.evaluate(default_environment()):
            continue
        pins[canonicalize_name(name)] = version
    return pins


def _declared(extras: tuple[str, ...]) -> list[Requirement]:
    names = list(PROJECT["dependencies"])
    for extra in extras:
        names += PROJECT["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


@pytest.mark.parametrize(
    ("lock", "extras"),
    [
        ("base.lock", ()),
        ("test.lock", ("test", "postgres", "serve", "parquet", "scrapyd")),
        ("compile.lock", ("compile",)),
    ],
)
def test_lock_pins_every_declared_dependency(lock: str, extras: tuple[str, ...]) -> None:
    pins = _pins(ROOT / "requirements" / lock)
    problems = []
    for requirement in _declared(extras):
        if requirement.marker and not requirement.marker.evaluate(default_environment()):
            continue
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name} is not in {lock}")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(f"{requirement.name}=={pinned} does not satisfy {requirement}")
    assert not problems, "; ".join(problems) + " (run sh scripts/lock.sh)"
