"""Attachment parsing speed on this machine: text PDFs, Office files, OCR of scans.

Reads the real 洪泽区 2023 report PDF (5 pages with a text layer) repeatedly and reports pages/s
for the whole attachment path (qpdf guard, pdfplumber tables, report assembly, checks); the
filled official template as DOCX and as XLSX (built as in tests/attachments); and seconds per
page for OCR of the PDF's table pages rendered at the OCR resolution (a scan). With PyMuPDF
installed it also times PyMuPDF's table finder on the same PDF, the comparison that decided
for pdfplumber (see parsers/attachments/pdf.py).

    python benchmarks/bench_attachments.py [--pdf-rounds 20] [--ocr-pages 3 4] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

from nianbao.parsers.attachments import Limits, parse_attachment
from nianbao.parsers.attachments.ocr import engine


def _timed(function, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        function()
    return (time.perf_counter() - start) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = Path(__file__).resolve().parents[2] / "shared"
    parser.add_argument(
        "--shared", type=Path, default=Path(os.environ.get("NIANBAO_SHARED", default_shared))
    )
    parser.add_argument("--pdf-rounds", type=int, default=20)
    parser.add_argument("--ocr-pages", type=int, nargs="+", default=[3, 4])
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "attachments"))
    from material import docx_tables_to_xlsx, fill_template, images_to_pdf, render_pages

    attachments = args.shared / "corpus" / "attachments"
    pdf = (attachments / "hongze_qu_2023.pdf").read_bytes()
    docx = fill_template((attachments / "zhengwu_gongkai_nianbao_moban.docx").read_bytes())
    xlsx = docx_tables_to_xlsx(docx)
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")

    parse_attachment(pdf, filename="a.pdf")  # warm imports and label caches
    seconds = _timed(lambda: parse_attachment(pdf, filename="a.pdf"), args.pdf_rounds)
    print(f"text PDF (5 pages, 3 tables): {5 / seconds:.1f} pages/s ({seconds * 1000:.0f} ms/file)")
    for name, data in (("DOCX", docx), ("XLSX", xlsx)):
        parse_attachment(data, filename=f"a.{name.lower()}")
        seconds = _timed(lambda d=data, n=name: parse_attachment(d, filename=f"a.{n}"), 10)
        print(f"{name} (filled template, 3 tables): {seconds * 1000:.0f} ms/file")
    try:
        import pymupdf
    except ImportError:
        pymupdf = None
    if pymupdf is not None:

        def mupdf_tables() -> None:
            with pymupdf.open(stream=pdf) as document:
                for page in document:
                    for table in page.find_tables().tables:
                        table.extract()

        seconds = _timed(mupdf_tables, 5)
        print(f"  for comparison, PyMuPDF find_tables alone: {5 / seconds:.1f} pages/s")

    start = time.perf_counter()
    engine()
    print(f"OCR engine load: {time.perf_counter() - start:.2f} s (once per process)")
    limits = Limits()
    scan = images_to_pdf(render_pages(pdf, args.ocr_pages, dpi=limits.ocr_dpi))
    parse_attachment(images_to_pdf(render_pages(pdf, [4])), filename="w.pdf")  # warm up ONNX
    pages = len(args.ocr_pages)
    seconds = _timed(lambda: parse_attachment(scan, filename="scan.pdf", limits=limits), 2)
    print(
        f"scanned PDF, OCR at {limits.ocr_dpi} dpi (pages {args.ocr_pages}): "
        f"{seconds / pages:.1f} s/page"
    )


if __name__ == "__main__":
    main()
