"""A user's mistake is one line and an exit status, never a traceback.

Commands raise :class:`UsageError` (exit 2: the command line asks for something that cannot be
done as written) or :class:`Failure` (exit 1: it was understood but did not work); ``main``
prints ``nianbao COMMAND: message`` and returns the status. A few errors of the libraries
underneath are common enough to be translated there too (a ``--db`` that is not a URL, a
PostgreSQL URL without psycopg installed, a reader that closed the pipe).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UsageError(Exception):
    """The command line cannot be carried out as written (exit 2)."""

    exit_status = 2


class Failure(Exception):
    """The command was understood but did not work (exit 1)."""

    exit_status = 1


def closest(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The names ``name`` was probably meant to be (a typo of a spider name)."""
    return difflib.get_close_matches(name, list(candidates), n=limit, cutoff=0.6)


def unknown_names(kind: str, unknown: list[str], known: Iterable[str]) -> UsageError:
    """``unknown spider sichuan_ludng (did you mean sichuan_luding?); see nianbao list``."""
    known = list(known)
    parts = []
    for name in unknown:
        near = closest(name, known)
        parts.append(f"{name} (did you mean {', '.join(near)}?)" if near else name)
    plural = "s" if len(unknown) > 1 else ""
    return UsageError(f"unknown {kind}{plural} {'; '.join(parts)}; `nianbao list` shows them all")


def translate(error: BaseException) -> UsageError | Failure | None:
    """A library error a user's input commonly causes, as one line; ``None`` for the rest."""
    kind = type(error)
    if kind.__name__ == "ArgumentError" and kind.__module__.startswith("sqlalchemy"):
        return UsageError(
            f"{error}: --db takes a SQLAlchemy URL, e.g. sqlite:///nianbao.db or "
            "postgresql+psycopg://user@host/nianbao"
        )
    if isinstance(error, ModuleNotFoundError) and (error.name or "").startswith("psycopg"):
        return Failure(
            "a PostgreSQL URL needs psycopg, which is not installed: "
            "pip install 'nianbao[postgres]'"
        )
    if kind.__name__ == "DatabaseUnavailable":  # pipelines.db.engine, not imported here
        return Failure(f"the database cannot be opened: {error}")
    if kind.__name__ == "OperationalError" and kind.__module__.startswith("sqlalchemy"):
        first = str(getattr(error, "orig", error)).strip().splitlines()[0]
        return Failure(f"the database cannot be opened: {first}")
    return None
