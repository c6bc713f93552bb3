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
from collections.abc import Iterable

_CACHE_LIMIT = 8192


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
