"""What every format reader returns: the row stream and text of one file, plus its history.

The readers differ (PDF, DOCX, workbook, scan); what they hand to the report assembly is the
same, so a DOCX and a PDF of one report go through one set of table readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.parsers.layout import Row


@dataclass(slots=True)
class OcrStats:
    """What OCR read: pages, recognised boxes and how many the engine was unsure of."""

    pages: list[int] = field(default_factory=list)  # 1-based page numbers read by OCR
    boxes: int = 0
    low_confidence: int = 0  # boxes below the engine score threshold
    min_score: float = 1.0


@dataclass(slots=True)
class Extracted:
    """One file as rows of cells and plain text."""

    kind: str  # pdf, docx, xlsx, doc, xls, image
    rows: list[Row] = field(default_factory=list)
    text: str = ""
    pages: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, detail)
    #: Row indices where a table continues from the previous page (a table split over pages).
    continuations: list[int] = field(default_factory=list)
    ocr: OcrStats | None = None

    def warn(self, code: str, detail: str = "") -> None:
        self.warnings.append((code, detail))
