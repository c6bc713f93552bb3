"""Match a normalised label against the known ones in time bounded by the label, not the page.

``difflib.get_close_matches`` compares the query with every candidate, and each comparison
costs the product of the two lengths; a page whose whole text sits in one cell made that a
minute per page. The matcher here looks the label up exactly first, and compares fuzzily only
with candidates whose length can reach the cutoff at all: a ratio ``2·M/(a+b) ≥ c`` needs the
shorter string to be at least ``c/(2−c)`` of the longer one, so a 6,000-character cell is never
compared with a 20-character label. Results are cached per matcher.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

_CACHE_LIMIT = 8192
#: A cell is split into candidate labels of at most this many non-space characters: twice the
#: longest template label (35) plus an enumerator, so a cell holding a whole page costs
#: time linear in its length, not quadratic.
MAX_LABEL_CHARS = 80
# Labels glued without a space ("三、本年度办理结果（一）予以公开") part before an enumerator.
_BEFORE_ENUMERATOR = re.compile(
    r"(?=[（(][一二三四五六七八九十]+[）)])|(?<=[\u4e00-\u9fff）)])(?=\d{1,2}[.．、])"
)

Found = TypeVar("Found")


class LabelMatcher:
    """Exact, then length-bounded fuzzy matching over a fixed set of normalised labels."""

    __slots__ = ("_by_length", "_cache", "_exact", "cutoff", "longest", "min_fuzzy")

    def __init__(self, labels: Iterable[str], *, cutoff: float, min_fuzzy: int = 0) -> None:
        self._exact = frozenset(label for label in labels if label)
        self._by_length: dict[int, list[str]] = {}
        for label in sorted(self._exact):
            self._by_length.setdefault(len(label), []).append(label)
        self.cutoff = cutoff
        self.min_fuzzy = min_fuzzy  # queries shorter than this are matched exactly only
        self.longest = max(self._by_length, default=0)
        self._cache: dict[str, str | None] = {}

    def __contains__(self, label: str) -> bool:
        return label in self._exact

    def reachable(self, length: int) -> bool:
        """Whether a query of ``length`` characters can match any label at the cutoff."""
        return length * self.cutoff <= self.longest * (2 - self.cutoff)

    def match(self, label: str) -> str | None:
        """The label itself when known, else the closest one at the cutoff, else None."""
        if label in self._exact:
            return label
        if len(label) < self.min_fuzzy or not self.reachable(len(label)):
            return None
        if label in self._cache:
            return self._cache[label]
        found = self._fuzzy(label)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[label] = found
        return found

    def _fuzzy(self, label: str) -> str | None:
        n = len(label)
        low = n * self.cutoff / (2 - self.cutoff)
        high = n * (2 - self.cutoff) / self.cutoff
        candidates = [
            candidate
            for length, bucket in self._by_length.items()
            if low <= length <= high
            for candidate in bucket
        ]
        if not candidates:
            return None
        found = difflib.get_close_matches(label, candidates, n=1, cutoff=self.cutoff)
        return found[0] if found else None


def label_parts(cell: str) -> list[str]:
    """The pieces a cell of several labels is split into: its space-separated words, or, with
    no spaces, the runs before each enumerator ("三、本年度办理结果（一）予以公开")."""
    parts = cell.split()
    if len(parts) < 2:
        parts = [part for part in _BEFORE_ENUMERATOR.split(cell) if part.strip()]
    return parts


def split_labels(
    parts: Sequence[str],
    match: Callable[[str], Found | None],
    *,
    joiner: str = " ",
    complete: bool = False,
    max_chars: int = MAX_LABEL_CHARS,
) -> list[tuple[str, Found]] | None:
    """(raw, match) of the labels found in ``parts``, left to right, the longest run of parts
    that ``match`` accepts winning at each position.

    The one way nianbao splits a cell that holds several labels: PDF text joins a row's labels
    with spaces ("三、本年度办理结果 （一）予以公开"), spaces also split one label ("商业 企业"),
    and headers come glued ("信息内容本年处理决定数量", split character by character with
    ``joiner=""``). A part no run matches is skipped; with ``complete`` the split fails (None)
    at the first such part instead, for callers that only take a cell made wholly of labels.
    A run never exceeds ``max_chars`` (but is at least one part), so the time is linear in the
    cell; a caller that knows its longest label passes that, and 0 matches each part alone.
    """
    out: list[tuple[str, Found]] = []
    start = 0
    while start < len(parts):
        for end in range(_window_end(parts, start, max_chars), start, -1):
            raw = joiner.join(parts[start:end])
            found = match(raw)
            if found is not None:
                out.append((raw, found))
                start = end
                break
        else:
            if complete:
                return None
            start += 1
    return out


def _window_end(parts: Sequence[str], start: int, max_chars: int) -> int:
    """The end of the longest run of parts from ``start`` that may still be one label."""
    end, size = start, 0
    while end < len(parts) and (end == start or size + len(parts[end]) <= max_chars):
        size += len(parts[end])
        end += 1
    return end
