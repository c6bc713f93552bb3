"""Printing helpers shared by the subcommands: JSON with exact numbers, aligned CJK tables."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # A money value such as 9.63211 prints as a JSON number when a float keeps it exactly.
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any, *, indent: int | None = None) -> str:
    return json.dumps(data, ensure_ascii=False, default=_default, indent=indent)


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (and for ruff's line length): CJK counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    """A plain aligned table; CJK characters count as two columns, as terminals show them."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [
        max([display_width(h)] + [display_width(row[i]) for row in cells])
        for i, h in enumerate(headers)
    ]
    print("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in cells:
        print("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)
