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
from .errors import Failure, UsageError, translate


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
    try:
        status: int = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at interpreter exit
        return status
    except (UsageError, Failure) as error:
        return _say(args.command, error)
    except BrokenPipeError:  # `nianbao list | head`: the reader has all it wanted
        _silence_stdout()
        return 0
    except Exception as error:
        translated = translate(error)
        if translated is None:
            raise
        return _say(args.command, translated)


def _say(command: str, error: UsageError | Failure) -> int:
    print(f"nianbao {command}: {error}", file=sys.stderr)
    return error.exit_status


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit raises no second BrokenPipeError."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
