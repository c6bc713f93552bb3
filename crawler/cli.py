"""The ``nianbao`` command line.

Each subcommand is a module in ``crawler/commands`` that defines ``COMMAND`` (its name),
``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``; the modules are found, not
listed here, so adding a subcommand touches no shared file.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

from . import commands


def command_modules() -> list[ModuleType]:
    """The subcommand modules, in the order of their ``ORDER`` (then name)."""
    found = []
    for info in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(module, "COMMAND") and hasattr(module, "run"):
            found.append(module)
    return sorted(found, key=lambda m: (getattr(m, "ORDER", 50), m.COMMAND))


def _named_module(argv: Sequence[str]) -> ModuleType | None:
    """The module of the subcommand named first on the command line, imported alone, so that
    ``nianbao parse`` does not import Scrapy and SQLAlchemy for the other subcommands."""
    if not argv or argv[0].startswith("-") or not argv[0].isidentifier():
        return None
    name = f"{commands.__name__}.{argv[0]}"
    if importlib.util.find_spec(name) is None:
        return None
    module = importlib.import_module(name)
    return module if getattr(module, "COMMAND", None) == argv[0] else None


def build_parser(modules: list[ModuleType] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="Harvest 政府信息公开工作年度报告 into SQL, keyed by authority and year.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in modules or command_modules():
        sub = subparsers.add_parser(module.COMMAND, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    named = _named_module(argv)
    args = build_parser([named] if named is not None else None).parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
