"""OCR of scanned pages and images with RapidOCR (PP-OCR models on ONNX Runtime).

``rapidocr-onnxruntime`` ships its detection, classification and recognition models inside
the wheel, so OCR works offline with nothing fetched at run time. The engine returns one box
per text run; the boxes are grouped into lines by their vertical centres and each line
becomes a row of cells in reading order (label first, then the numbers) — the shape the table
readers take from PDF text. Every value read this way is flagged ``ocr`` by the dispatcher,
and the consistency rules then say whether the reading holds together.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from nianbao.parsers.layout import Row

from .grid import clean_cell, grid_rows
from .ocrgrid import Grid, find_grids, has_ink

#: Boxes the engine scores below this are counted as unsure (reported, still read).
LOW_SCORE = 0.8
#: Two boxes share a line when their vertical centres differ by less than this share of the
#: median box height.
_LINE_TOLERANCE = 0.6

_engine: Any = None
_lock = threading.Lock()
#: One recognition at a time per process: ONNX Runtime already uses every core for one call,
#: and the engine object keeps per-call settings.
_run_lock = threading.Lock()


class OcrUnavailable(RuntimeError):
    """The OCR package is not installed or its engine cannot start."""


@dataclass(slots=True)
class OcrResult:
    rows: list[Row] = field(default_factory=list)
    text: str = ""
    boxes: int = 0
    low_confidence: int = 0
    min_score: float = 1.0


def engine() -> Any:
    """The RapidOCR engine, created once per process (loading the models takes ~1 s)."""
    global _engine
    with _lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as error:
                raise OcrUnavailable(
                    "install the ocr extra (pip install 'nianbao[ocr]')"
                ) from error
            _engine = RapidOCR()
        return _engine


def ocr_image(image: Any) -> OcrResult:
    """Read a PIL image or an encoded image (bytes) into rows: ruled tables become exact grid
    rows (cells from the rules, see ``ocrgrid``), the text around them plain lines."""
    import numpy as np
    from PIL import Image

    if isinstance(image, bytes | bytearray):
        import io

        image = Image.open(io.BytesIO(image))
    array = np.asarray(image.convert("RGB"))
    gray = np.asarray(image.convert("L"))
    with _run_lock:
        found, _ = engine()(array, use_cls=False)  # scans of tables are upright
    boxes = [_Box.of(points, text, float(score)) for points, text, score in (found or [])]
    boxes = [box for box in boxes if box.text]
    try:
        grids = find_grids(gray)
    except Exception:
        grids = []
    return _assemble(boxes, grids, array, gray)


@dataclass(slots=True)
class _Box:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    score: float

    @classmethod
    def of(cls, points: list[list[float]], text: str, score: float) -> _Box:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        return cls(min(xs), max(xs), min(ys), max(ys), clean_cell(text) or "", score)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _assemble(boxes: list[_Box], grids: list[Grid], array: Any, gray: Any) -> OcrResult:
    result = OcrResult(boxes=len(boxes))
    scores = [box.score for box in boxes]
    placed: list[tuple[float, list[Row], str]] = []
    free: list[_Box] = []
    members: list[dict[tuple[int, int], list[_Box]]] = [{} for _ in grids]
    for box in boxes:
        spot = _locate(grids, box)
        if spot is None:
            free.append(box)
        else:
            g, cell = spot
            members[g].setdefault(cell, []).append(box)
    for index, grid in enumerate(grids):
        cells = _grid_cells(grid, members[index], array, gray, scores)
        text = "\n".join(" ".join(c for c in row if c) for row in cells)
        placed.append((grid.ys[0], grid_rows(cells, index), text))
    if free:
        height = median(box.bottom - box.top for box in free)
        lines: list[list[_Box]] = []
        for box in sorted(free, key=lambda b: b.middle):
            if lines and abs(box.middle - _line_middle(lines[-1])) < height * _LINE_TOLERANCE:
                lines[-1].append(box)
            else:
                lines.append([box])
        for line in lines:
            line.sort(key=lambda b: b.x0)
            cells = _split_cells(line)
            placed.append((line[0].top, [Row(cells)], " ".join(cells)))
    placed.sort(key=lambda item: item[0])
    for _, rows, _ in placed:
        result.rows.extend(rows)
    result.text = "\n".join(text for _, _, text in placed)
    result.boxes = len(scores)
    result.low_confidence = sum(1 for score in scores if score < LOW_SCORE)
    result.min_score = min(scores, default=1.0)
    return result


def _locate(grids: list[Grid], box: _Box) -> tuple[int, tuple[int, int]] | None:
    """The grid and owning cell of a box's centre, if it lies in a table."""
    x = (box.x0 + box.x1) / 2
    y = box.middle
    for index, grid in enumerate(grids):
        x0, y0, x1, y1 = grid.bbox
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        c = bisect_right(grid.xs, x) - 1
        r = bisect_right(grid.ys, y) - 1
        c = min(max(c, 0), len(grid.xs) - 2)
        r = min(max(r, 0), len(grid.ys) - 2)
        owner = grid.owner[r][c]
        return (index, owner) if owner is not None else None
    return None


def _grid_cells(
    grid: Grid,
    members: dict[tuple[int, int], list[_Box]],
    array: Any,
    gray: Any,
    scores: list[float],
) -> list[list[str | None]]:
    """Cell texts of a grid; an inked cell without a box is recognised on its own crop."""
    cells: list[list[str | None]] = []
    for r, row in enumerate(grid.owner):
        line: list[str | None] = []
        for c, owner in enumerate(row):
            if owner != (r, c):
                line.append(None)
                continue
            found = sorted(members.get((r, c), []), key=lambda b: (round(b.middle / 8), b.x0))
            if found:
                text = _join([box.text for box in found])
            else:
                box = grid.cell_box(r, c)
                text = _recognise(array, box, scores) if has_ink(gray, box) else ""
            line.append(_digits(text))
        cells.append(line)
    return cells


def _recognise(array: Any, box: tuple[int, int, int, int], scores: list[float]) -> str:
    """Recognition alone on one cell's crop (detection missed a short run such as ``0``)."""
    x0, y0, x1, y1 = box
    pad = 3
    crop = array[y0 + pad : y1 - pad, x0 + pad : x1 - pad]
    if crop.size == 0:
        return ""
    try:
        with _run_lock:
            found, _ = engine()(crop, use_det=False, use_cls=False, use_rec=True)
    except Exception:
        return ""
    if not found:
        return ""
    text, score = found[0][0], float(found[0][1])
    if score < _CROP_SCORE:
        return ""
    scores.append(score)
    return clean_cell(text) or ""


_CJK_END = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_DIGITISH = re.compile(r"^[0-9oO.,]+$")
#: A lone round mark in a value cell is a zero the recogniser read as a letter or a full stop.
_ZERO_LOOKALIKES = frozenset("oO。○〇")
#: Recognition alone on a crop is less sure of itself than with detection; its score is still
#: recorded, so a zero read this way counts as low-confidence.
_CROP_SCORE = 0.3


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        glue = "" if not out or (_CJK_END.search(out) and _CJK_START.search(part)) else " "
        out += glue + part
    return out


def _digits(text: str) -> str:
    """A value cell OCR read with the letter o for zero (``o``, ``1o``) gets its zeros back."""
    if text in _ZERO_LOOKALIKES:
        return "0"
    if text and _DIGITISH.match(text) and any(ch in "oO" for ch in text):
        return text.replace("o", "0").replace("O", "0")
    return text


def _line_middle(line: list[_Box]) -> float:
    return sum(box.middle for box in line) / len(line)


def _split_cells(line: list[_Box]) -> list[str]:
    """Cells of one line: each box, with a box of space-separated numbers split into numbers."""
    from nianbao.parsers.layout import split_line

    cells: list[str] = []
    for box in line:
        cells.extend(cell for cell in split_line(box.text) if cell)
    return cells
