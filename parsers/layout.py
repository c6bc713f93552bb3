"""Turn a page or a text into one stream of rows of cells, whatever shape the tables arrived in.

This module holds the row and the text shapes; ``html_rows.py`` reads HTML pages into the same
stream.

Every table reader works on this stream, so one reader serves HTML grids, one-cell-per-line
text, tab-separated rows, `` | ``-joined rows and space-separated PDF lines alike. A row from an
HTML table is *exact*: its cells sit at real grid positions (a blank cell is a blank cell, and
``None`` marks a position covered by a row/column span). A row from text is not: blank cells
there are usually padding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from .normalize import is_value_cell

SPANNED = None  # a grid position covered by another cell's rowspan/colspan


@dataclass(slots=True, init=False)
class Row:
    cells: list[str | None]
    exact: bool = False
    table: int | None = None  # index of the HTML table the row came from
    #: ``filled()`` computed once: every reader asks for it, often several times per row.
    #: A row's cells are not changed once it is built.
    _filled: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    _text: str | None = field(default=None, init=False, repr=False, compare=False)

    def __init__(self, cells: list[str | None], exact: bool = False, table: int | None = None):
        # Written out, not generated: the compiled build (setup.py) compiles this one, while a
        # dataclass's generated __init__ stays interpreted, and every line of a report is a Row.
        self.cells = cells
        self.exact = exact
        self.table = table
        self._filled = None
        self._text = None

    def __reduce__(self) -> tuple[type[Row], tuple[object, ...]]:
        # pickle and deepcopy rebuild through __init__: a compiled class's __new__ runs it.
        return Row, (self.cells, self.exact, self.table)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = " ".join(self.filled())
        return self._text

    @property
    def line(self) -> str:
        """The row as one line of text: grid cells joined by " | ", as trafilatura prints."""
        return " | ".join(self.filled()) if self.exact else self.text

    def filled(self) -> list[str]:
        if self._filled is None:
            self._filled = [cell for cell in self.cells if cell]
        return self._filled


def as_cells(texts: list[str]) -> list[str | None]:
    """Printed texts as a row's cells, without a copy (``None`` marks a spanned position)."""
    return cast(list[str | None], texts)


# --- text ---------------------------------------------------------------------------------------

_PIPE = re.compile(r"\s*[|｜]\s*")
_SPACES = re.compile(r"[ \u00a0\u3000]+")
_MAX_LABEL_WITH_NUMBERS = 60


def _split_spaced(line: str) -> list[str]:
    """Split a PDF-style line of a label followed by space-separated numbers."""
    stripped = line.strip()
    if " " not in stripped and "\u00a0" not in stripped and "\u3000" not in stripped:
        return [stripped]  # one token: most lines of one-cell-per-line text
    tokens = _SPACES.split(stripped)
    if len(tokens) < 2:
        return [stripped]
    split_at = len(tokens)
    while split_at > 0 and is_value_cell(tokens[split_at - 1]):
        split_at -= 1
    if split_at == len(tokens):
        return [line.strip()]
    label = " ".join(tokens[:split_at])
    if len(label) > _MAX_LABEL_WITH_NUMBERS:
        return [line.strip()]
    return ([label] if label else []) + tokens[split_at:]


def split_line(line: str) -> list[str]:
    """Cells of one text line: tabs, pipes, or a label followed by space-separated numbers."""
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t")]
    if "|" in line or "｜" in line:
        stripped = line.strip()
        if len(stripped) > 1 and stripped[0] in "|｜" and stripped[-1] in "|｜":
            stripped = stripped[1:-1]  # Markdown's outer pipes frame the row; they are no cells
        return [cell.strip() for cell in _PIPE.split(stripped)]
    return _split_spaced(line)


def rows_from_text(text: str) -> list[Row]:
    """Rows of a flattened text; lines holding nothing but separators are dropped."""
    lines = text.splitlines()
    return text_rows(lines, blank_separated=_blank_line_separated(lines))


def text_rows(lines: list[str], *, blank_separated: bool) -> list[Row]:
    """Rows of text lines (a text, or the text of a page outside its data tables)."""
    lines = _join_vertical_labels(lines)
    if blank_separated:
        lines = _join_wrapped_labels(lines)
    rows = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped[0] in _SPECIAL_STARTS:  # only such lines can be footers, rules or pipes
            if _PAGE_FOOTER.match(line) or _MARKDOWN_RULE.match(line):
                continue
            if _PIPES_ONLY.match(line):  # a text dump of a grid: blank cells printed as pipes
                rows.append(Row([stripped]))
                continue
        cells = split_line(line)
        if any(cells):
            rows.append(Row(as_cells(cells)))
    return rows


#: First characters of the lines the three patterns below can match.
_SPECIAL_STARTS = frozenset("-—–－第|｜:")
#: PDF page numbers printed as footers: "- 3 -", "— 12 —", "第 3 页".
_PAGE_FOOTER = re.compile(
    r"^\s*(?:[-—–－]+\s*\d{1,3}\s*[-—–－]+|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?)\s*$"
)
#: The separator under a Markdown table header: |---|:---:|
_PIPES_ONLY = re.compile(r"^\s*[|｜]+\s*$")
_MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ENUMERATED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十0-9]+[)）]|[0-9]+[、.．])"
)
_MAX_WRAPPED = 12


_SINGLE_CHAR = re.compile(r"^\s*[\u4e00-\u9fff、，。：；（）()“”\"]\s*$")
_ENUMERATOR_DIGIT = re.compile(r"^\s*\d{1,2}\s*$")
_ENUMERATOR_DOT = re.compile(r"^\s*[.．、]\s*$")


def _join_vertical_labels(lines: list[str]) -> list[str]:
    """Join labels printed one character per line (narrow PDF columns: 本 / 年 / 新 / 收 …).

    Only runs of two or more such lines are joined; 无 and 空 alone are value markers. A
    digit followed by a line holding only "." starts a numbered label (1 / . / 属 / 于 …).
    """
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 2:
            out.append("".join(part.strip() for part in run))
        else:
            out.extend(run)
        run.clear()

    for index, line in enumerate(lines):
        stripped = len(line.strip())
        if stripped > 2 or not stripped:
            # neither one character nor a digit pair; or blank, which ends a run too
            if run:
                flush()
            out.append(line)
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        numbered = _ENUMERATOR_DIGIT.match(line) and _ENUMERATOR_DOT.match(following)
        if numbered:
            flush()
        dot = bool(run) and _ENUMERATOR_DIGIT.match(run[-1]) and _ENUMERATOR_DOT.match(line)
        # 无 and 空 are value markers, except inside a vertical word (（四）无法提供).
        marker = line.strip() in ("无", "空")
        in_word = marker and bool(run) and _SINGLE_CHAR.match(following)
        if numbered or dot or in_word or (_SINGLE_CHAR.match(line) and not marker):
            run.append(line)
            continue
        flush()
        out.append(line)
    flush()
    return out


def _blank_line_separated(lines: list[str]) -> bool:
    """Whether cells are separated by blank lines, so a line break inside a block is a wrap."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) < 20:
        return False
    followed = sum(1 for i in filled if i + 1 < len(lines) and not lines[i + 1].strip())
    return followed >= 0.5 * len(filled)


def _wrappable(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and "\t" not in line and "|" not in line and not is_value_cell(stripped)


def _join_wrapped_labels(lines: list[str]) -> list[str]:
    """Join a short label wrapped over two lines (本年新 / 制作数量, 结果 / 纠正)."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        if (
            _wrappable(previous)
            and _wrappable(line)
            and len(previous.strip()) <= _MAX_WRAPPED
            and not _ENUMERATED.match(line)
        ):
            out[-1] = previous.rstrip() + line.strip()
        else:
            out.append(line)
    return out
