"""``nianbao parse``: parse saved report pages or text files without Scrapy."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from nianbao.parsers import ParseError, Report, parse_path

from .database import add_db_argument
from .output import to_json

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".txt", ".text")
#: Report files read by nianbao.parsers.attachments (what a portal links as 附件).
ATTACHMENT_SUFFIXES = (
    ".pdf",
    ".docx",
    ".doc",
    ".wps",
    ".xlsx",
    ".xls",
    ".et",
    ".png",
    ".jpg",
    ".jpeg",
    ".tif",
    ".tiff",
)
SUFFIXES = PAGE_SUFFIXES + ATTACHMENT_SUFFIXES  # walked in directories


COMMAND = "parse"
ORDER = 20
HELP = "parse saved report pages, texts or attachments (PDF, DOCX, XLSX ...), print JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, help="files or directories of pages")
    parser.add_argument("--url", help="source URL to record (a single file only)")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="pretty JSON (default)")
    form.add_argument("--jsonl", action="store_true", help="one JSON line per report")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a report has cells read with uncertainty (reading_uncertain)",
    )
    add_db_argument(
        parser, help="also store the reports in this database (SQLAlchemy URL; off without --db)"
    )


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Files as given, and the report files inside directories, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        else:
            yield path


def run(args: argparse.Namespace) -> int:
    files = list(iter_files(args.paths))
    if args.url and len(files) != 1:
        print("nianbao parse: --url applies to a single file", file=sys.stderr)
        return 2
    status = 0
    store = _Store(args.db) if args.db else None
    try:
        for path in files:
            try:
                if path.suffix.lower() in ATTACHMENT_SUFFIXES:
                    from nianbao.parsers.attachments import parse_attachment  # PDF/Office readers

                    report = parse_attachment(path.read_bytes(), filename=path.name, url=args.url)
                else:
                    report = parse_path(path, url=args.url)
            except (OSError, ParseError) as error:
                print(f"nianbao parse: {path}: {error}", file=sys.stderr)
                status = 1
                continue
            if getattr(args, "strict", False) and _uncertain(report):
                print(f"nianbao parse: {path}: {_uncertain(report)}", file=sys.stderr)
                status = 1
            data = {"path": str(path), **report.to_dict()}
            if store is not None:
                data["stored"] = store.save(report, path)
            print(to_json(data) if args.jsonl else to_json(data, indent=2))
    finally:
        if store is not None:
            store.close()
    return status


def _uncertain(report: Report) -> str:
    """The reading_uncertain warnings of a report, as one line ('' when there are none)."""
    return "; ".join(
        f"reading_uncertain in {w.table}: {w.detail}"
        for w in report.warnings
        if w.code == "reading_uncertain"
    )


class _Store:
    """Saves parsed files as the store pipeline saves crawled pages (``file://`` source URLs)."""

    def __init__(self, url: str) -> None:
        from nianbao.pipelines.db import make_engine, session_factory, upgrade

        self.engine = make_engine(url)
        upgrade(self.engine)
        self.sessions = session_factory(self.engine)

    def save(self, report: Report, path: Path) -> str:
        from nianbao.pipelines.db import UnkeyedReport, save_report

        if not report.source_url:
            report.source_url = path.resolve().as_uri()
        parsed_from = "attachment" if path.suffix.lower() in ATTACHMENT_SUFFIXES else "page"
        try:
            with self.sessions() as session:
                return save_report(
                    session, report, spider=None, portal=None, parsed_from=parsed_from
                )
        except UnkeyedReport as error:
            print(f"nianbao parse: {path}: not stored: {error}", file=sys.stderr)
            return "unkeyed"

    def close(self) -> None:
        self.engine.dispose()
