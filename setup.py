"""Package discovery, and the optional compiled build of the parsers (metadata lives in
pyproject.toml).

The design keeps crawler/, parsers/ and pipelines/ at the top of the repository; they install
as nianbao.crawler, nianbao.parsers and nianbao.pipelines. Listing the sub-packages by hand in
pyproject.toml broke every time a folder was added, so they are found here.

``NIANBAO_COMPILE=1`` compiles the pure parsers with mypyc (from mypy: it turns the type-hinted
modules into C extensions, 1.45-1.5x the reports/s on the corpus; README "Benchmarks"). It is for
non-editable installs (``pip install --no-build-isolation .``, with mypy installed from
requirements/compile.lock): the extensions sit beside the .py files they were built from and
are imported first, so in an editable checkout they would hide later edits. Without the
variable the package is pure Python, as every development install is.
"""

import os
import shutil
from pathlib import Path

from setuptools import find_packages, setup

TOP = ("crawler", "parsers", "pipelines")
found = find_packages(include=[f"{top}*" for top in TOP])

#: parsers/ modules not compiled: the package's __init__ (it only re-exports) and the
#: trafilatura clean-up, which spends its time inside trafilatura.
_NOT_COMPILED = ("__init__.py", "clean.py")


def _compiled_parsers() -> list:
    """mypyc extensions of the parsers, built from a copy laid out as the installed package
    (nianbao/parsers/...), so each extension has its import name, not parsers.*."""
    if os.environ.get("NIANBAO_COMPILE") != "1":
        return []
    from mypyc.build import mypycify  # only this build needs mypy

    stage = Path("build/mypyc-src")
    shutil.rmtree(stage, ignore_errors=True)
    package = stage / "nianbao" / "parsers"
    package.mkdir(parents=True)
    (stage / "nianbao" / "__init__.py").touch()  # marks the root of the staged module names
    sources = []
    for module in sorted(Path("parsers").glob("*.py")):
        shutil.copy(module, package / module.name)
        if module.name not in _NOT_COMPILED:
            sources.append(str(package / module.name))
    return mypycify(
        ["--ignore-missing-imports", *sources],
        group_name="nianbao_parsers",
        target_dir="build/mypyc-c",
    )


setup(
    packages=[f"nianbao.{name}" for name in found],
    package_dir={f"nianbao.{top}": top for top in TOP},
    ext_modules=_compiled_parsers(),
)
