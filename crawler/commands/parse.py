"""``nianbao parse``: parse saved report pages or text files without Scrapy."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from nianbao.parsers import ParseError, Report, parse_path
from nianbao.parsers.metadata import not_a_report

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
    parser.add_argument("--authority", help="the issuing authority, for texts that do not name it")
    parser.add_argument("--year", type=int, help="the report year, for texts that do not state it")
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
            report = _read(path, args)
            if report is None:
                status = 1
                continue
            _fill_from_arguments(report, args)
            if not_a_report(report.title, len(report.tables), len(report.prose)):
                print(
                    f"nianbao parse: {path}: not_a_report: no table, figure or 年报 title",
                    file=sys.stderr,
                )
                status = 1
                continue
            if getattr(args, "strict", False) and _uncertain(report):
                print(f"nianbao parse: {path}: {_uncertain(report)}", file=sys.stderr)
                status = 1
            data = {"path": str(path), **report.to_dict()}
            if store is not None:
                data["stored"] = store.save(report, path)
                if data["stored"] in _NOT_STORED:
                    status = 1
            print(to_json(data) if args.jsonl else to_json(data, indent=2))
    finally:
        if store is not None:
            store.close()
    return status


def _read(path: Path, args: argparse.Namespace) -> Report | None:
    """One file as a report, or ``None`` with the reason printed: a file that cannot be read,
    whatever its reader raises (a damaged zip, bad XML, a reader's own bug), never stops the
    batch."""
    try:
        if path.suffix.lower() in ATTACHMENT_SUFFIXES:
            from nianbao.parsers.attachments import parse_attachment  # PDF/Office readers

            return parse_attachment(path.read_bytes(), filename=path.name, url=args.url)
        return parse_path(path, url=args.url)
    except (OSError, ParseError) as error:
        print(f"nianbao parse: {path}: {error}", file=sys.stderr)
    except Exception as error:  # a reader failing on hostile bytes: report it, go on
        print(
            f"nianbao parse: {path}: unreadable: {type(error).__name__}: {error}", file=sys.stderr
        )
    return None


def _fill_from_arguments(report: Report, args: argparse.Namespace) -> None:
    """``--authority``/``--year`` for texts that name neither; what the text states wins."""
    if args.authority and not report.authority:
        report.authority = args.authority
    if args.year and (report.report_year is None or _year_is_a_guess(report)):
        report.report_year = args.year


def _year_is_a_guess(report: Report) -> bool:
    """The year came from the publication date or loose prose, not from the title or the
    statistics period."""
    return any(w.code in ("year_from_published", "year_from_prose") for w in report.warnings)


def _uncertain(report: Report) -> str:
    """The reading_uncertain warnings of a report, as one line ('' when there are none)."""
    return "; ".join(
        f"reading_uncertain in {w.table}: {w.detail}"
        for w in report.warnings
        if w.code == "reading_uncertain"
    )


#: ``stored`` outcomes that mean the report is not in the database (exit status 1).
_NOT_STORED = ("unkeyed", "failed")


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
        except Exception as error:  # a database failure loses this report, not the batch
            print(f"nianbao parse: {path}: not stored: {error}", file=sys.stderr)
            return "failed"

    def close(self) -> None:
        self.engine.dispose()
