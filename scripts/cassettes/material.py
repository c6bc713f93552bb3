"""The shared real material as cassette pages take it: corpus texts and seeds, as lines, and
their text arranged as HTML without adding to it (see the package docstring)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# --- Real material -------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusText:
    """A corpus text: its header fields (source_url, authority …) and its lines, as found."""

    fields: dict[str, str]
    lines: list[str]

    @classmethod
    def read(cls, path: Path) -> CorpusText:
        head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
        if not sep:
            raise ValueError(f"{path}: no '---' line between header and text")
        fields = {}
        for line in head.splitlines():
            name, _, value = line.partition(":")
            fields[name.strip()] = value.strip()
        return cls(fields, body.splitlines())

    def index(self, line: str, start: int = 0) -> int:
        """Position of the first line equal to ``line`` (stripped) from ``start``."""
        for number in range(start, len(self.lines)):
            if self.lines[number].strip() == line:
                return number
        raise ValueError(f"line {line!r} not in the text")


def text_lines(path: Path) -> list[str]:
    """A seed file's lines (seeds have no header)."""
    return path.read_text(encoding="utf-8").splitlines()


# --- Text to HTML --------------------------------------------------------------------------


def pipe_cells(line: str) -> list[str]:
    """The cells of one line of a " | "-joined text: split on "|", drop what follows the last.

    ``行政许可 | 15889 | ||`` gives ``["行政许可", "15889", "", ""]``: empty cells are kept
    where the text has them, nothing is merged or filled in.
    """
    if not line.rstrip().endswith("|"):
        raise ValueError(f"not a pipe-joined line: {line!r}")
    return [cell.strip() for cell in line.rstrip().split("|")[:-1]]


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>']
    for row in rows:
        cells = "".join(f"<td>{html.escape(cell, quote=False)}</td>" for cell in row)
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return out


#: A piece of an article body: a line of HTML, or one table row (its cells, as printed).
Block = str | list[str]


def _join_blocks(blocks: Iterable[Block]) -> str:
    """The body's HTML: lines as they come, each run of table rows one ``<table>``."""
    out: list[str] = []
    table: list[list[str]] = []
    for block in blocks:
        if isinstance(block, list):
            table.append(block)
            continue
        if table:
            out.extend(_table(table))
            table = []
        out.append(block)
    if table:
        out.extend(_table(table))
    return "\n".join(out)


def pipe_text_body(text: str) -> str:
    """Report text of " | "-joined rows as an article body.

    A one-cell line is prose (a ``<p>``; an empty one stays an empty ``<p>``), and each run of
    lines with several cells becomes one ``<table>`` with one ``<td>`` per cell as printed.
    """

    def blocks() -> Iterator[Block]:
        for line in text.splitlines():
            cells = pipe_cells(line)
            yield cells if len(cells) > 1 else f"<p>{html.escape(cells[0], quote=False)}</p>"

    return _join_blocks(blocks())


def paragraphs(lines: Iterable[str]) -> str:
    """One ``<p>`` per line of text, as printed (blank lines stay empty paragraphs).

    The text shapes of the corpus (one table cell per line, PDF lines, narrative) are kept
    line for line: nothing is joined, split or turned into a table that the text does not
    show as one.
    """
    return "\n".join(f"<p>{html.escape(line.strip(), quote=False)}</p>" for line in lines)


_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def markdown_body(lines: Iterable[str]) -> str:
    """A Markdown transcription as HTML: ``#`` headings, pipe tables, other lines as ``<p>``.

    Pipe tables become ``<table>`` with the transcription's own header row as the first row
    (wrong headers included: the corpus keeps the transcription's faults); the ``---`` rule
    line under a header is Markdown syntax, not content, and is dropped. Cells are taken as
    printed, empty ones kept.
    """

    def blocks() -> Iterator[Block]:
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
                if not _MD_RULE.match(stripped):
                    yield [cell.strip() for cell in stripped[1:-1].split("|")]
                continue
            heading = _MD_HEADING.match(stripped)
            if heading:
                level = min(len(heading.group(1)) + 1, 6)
                yield f"<h{level}>{html.escape(heading.group(2), quote=False)}</h{level}>"
            else:
                yield f"<p>{html.escape(stripped, quote=False)}</p>"

    return _join_blocks(blocks())
