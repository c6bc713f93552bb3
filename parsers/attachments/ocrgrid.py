"""Table cells of a scanned page, from the ruling lines drawn in the image.

OCR finds text runs, not cells: a lone ``0`` in a wide cell is easily missed, and the runs of
one row drift in height. The 统计表 are ruled tables, so the rules themselves give the cell
structure: horizontal and vertical strokes are isolated by morphological opening (OpenCV,
which RapidOCR already depends on), every band between two horizontal rules is split by the
vertical rules that cross it, and a rule missing between two bands or two columns marks a
merged cell. The recognised boxes are then placed into these cells, and a cell that holds ink
but no box is recognised on its own crop, so a missed digit is read rather than taken as blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: A stroke counts as a table rule when it is at least this share of the page width/height.
_MIN_H_RULE = 1 / 30
_MIN_V_RULE = 1 / 60
#: A rule crosses a band/column when its pixels cover this share of it.
_COVER = 0.6
#: Rules closer than this (pixels) are one rule drawn thick.
_MERGE = 6
#: Dark-pixel share inside a cell (borders trimmed) above which the cell holds ink.
_INK = 0.004


@dataclass(slots=True)
class Grid:
    """One ruled table: its rules and, per position, the owning cell's box or ``None``."""

    xs: list[int]
    ys: list[int]
    owner: list[list[tuple[int, int] | None]] = field(default_factory=list)  # (row, col) of owner

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def cell_box(self, r: int, c: int) -> tuple[int, int, int, int]:
        """Pixel box of the cell owning position (r, c), spans included."""
        r1, c1 = r, c
        while r1 + 1 < len(self.owner) and self.owner[r1 + 1][c] == (r, c):
            r1 += 1
        while c1 + 1 < len(self.owner[r]) and self.owner[r][c1 + 1] == (r, c):
            c1 += 1
        return self.xs[c], self.ys[r], self.xs[c1 + 1], self.ys[r1 + 1]


def find_grids(gray: Any) -> list[Grid]:
    """Ruled tables of a grayscale page image (numpy array), top to bottom."""
    import cv2
    import numpy as np

    height, width = gray.shape
    binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    h_len = max(20, int(width * _MIN_H_RULE))
    v_len = max(15, int(height * _MIN_V_RULE))
    horizontal = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1))
    )
    vertical = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len))
    )
    rules = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(rules)
    grids = []
    for label in range(1, count):
        x, y, w, h, _ = stats[label]
        if w < width * 0.2 or h < 20:
            continue
        grid = _grid(horizontal[y : y + h, x : x + w], vertical[y : y + h, x : x + w], x, y)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: g.ys[0])
    return grids


def _positions(profile: Any, minimum: float) -> list[int]:
    """Centres of runs of a projection profile above ``minimum`` (rules drawn thick merge)."""
    out: list[int] = []
    run: list[int] = []
    for index, value in enumerate(profile):
        if value >= minimum:
            run.append(index)
        elif run:
            out.append(sum(run) // len(run))
            run = []
    if run:
        out.append(sum(run) // len(run))
    merged: list[int] = []
    for pos in out:
        if merged and pos - merged[-1] <= _MERGE:
            merged[-1] = (merged[-1] + pos) // 2
        else:
            merged.append(pos)
    return merged


def _grid(horizontal: Any, vertical: Any, x0: int, y0: int) -> Grid | None:
    h, w = horizontal.shape
    ys = _positions((horizontal > 0).sum(axis=1), w * 0.15)
    xs = _positions((vertical > 0).sum(axis=0), h * 0.15)
    if len(ys) < 2 or len(xs) < 2:
        return None
    # A table's outer frame may be open at a page break: close it with the component's edge.
    if ys[0] > _MERGE * 2:
        ys.insert(0, 0)
    if h - 1 - ys[-1] > _MERGE * 2:
        ys.append(h - 1)
    rows, cols = len(ys) - 1, len(xs) - 1

    def v_crosses(c: int, r: int) -> bool:  # vertical rule at xs[c] across band r
        top, bottom = ys[r] + 2, ys[r + 1] - 2
        strip = vertical[top:bottom, max(0, xs[c] - 3) : xs[c] + 4]
        return bottom > top and (strip.max(axis=1) > 0).mean() >= _COVER

    def h_crosses(r: int, c: int) -> bool:  # horizontal rule at ys[r] across column c
        left, right = xs[c] + 2, xs[c + 1] - 2
        strip = horizontal[max(0, ys[r] - 3) : ys[r] + 4, left:right]
        return right > left and (strip.max(axis=0) > 0).mean() >= _COVER

    owner: list[list[tuple[int, int] | None]] = [[None] * cols for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            if c > 0 and not v_crosses(c, r):
                owner[r][c] = owner[r][c - 1]
            elif r > 0 and not h_crosses(r, c):
                owner[r][c] = owner[r - 1][c]
            else:
                owner[r][c] = (r, c)
    return Grid([x + x0 for x in xs], [y + y0 for y in ys], owner)


def has_ink(gray: Any, box: tuple[int, int, int, int]) -> bool:
    """Whether a cell (borders trimmed) holds any dark pixels."""
    x0, y0, x1, y1 = box
    pad = 4
    crop = gray[y0 + pad : y1 - pad, x0 + pad : x1 - pad]
    if crop.size == 0:
        return False
    return float((crop < 128).mean()) > _INK
