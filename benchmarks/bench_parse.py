"""Parse throughput on one core: the whole real corpus, parsed repeatedly.

Prints reports/s for parse + checks (from page HTML or text), the time lxml alone takes to
parse the same HTML in the same run (a floor no HTML parser here can beat), and the RSS growth
over the run, which must stay flat (< 50 MB for 10,000 reports).

``--scaling`` times single inputs from 10 KB to 1 MB built from a real report text, in the
shapes that once made parsing super-linear (the whole report in one ``<td>``, with and without
line breaks; one text line; plain text), and prints the time per MB and the slope of
log(time) over log(size): 1.0 is linear.

``--cli 2000`` copies the corpus into that many files and times ``nianbao parse DIR --jsonl``
as a user runs it (one process, start-up included).

    python benchmarks/bench_parse.py [--reports 10000] [--shared ../shared] [--scaling]
                                     [--cli 2000]
"""

from __future__ import annotations

import argparse
import html
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lxml.html

from nianbao.parsers import COMPILED, parse_html, parse_text


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def load_corpus(shared: Path) -> list[tuple[str, str]]:
    """(kind, content) of every real report text and page in shared/."""
    items = []
    for path in sorted((shared / "seeds").glob("*.txt")) + sorted(
        (shared / "corpus/texts").glob("*.txt")
    ):
        items.append(("text", path.read_text("utf-8")))
    for path in sorted((shared / "corpus/html").glob("*.html")):
        items.append(("html", path.read_text("utf-8")))
    return items


SCALING_SIZES = (10_000, 30_000, 100_000, 300_000, 1_000_000)
_SCALING_SOURCE = "corpus/texts/013_shanghai_bgt_2025.txt"


def _scaled_inputs(shared: Path, size: int) -> dict[str, tuple[str, str]]:
    """shape -> (kind, content) of about ``size`` bytes (UTF-8) of real report text."""
    body = (shared / _SCALING_SOURCE).read_text("utf-8").partition("\n---\n")[2]
    chars = size * len(body) // len(body.encode("utf-8"))
    text = (body * (chars // len(body) + 1))[:chars]
    lines = text.splitlines()
    escaped = [html.escape(line) for line in lines]
    return {
        "text": ("text", text),
        "one_line_text": ("text", " ".join(lines)),
        "one_td_br": ("html", f"<table><tr><td>{'<br>'.join(escaped)}</td></tr></table>"),
        "one_td_spaces": ("html", f"<table><tr><td>{' '.join(escaped)}</td></tr></table>"),
        "one_cell_grid": (
            "html",
            "<table><tr><td>本年新收</td><td>"
            + " ".join(escaped)[: len(text) // 10]
            + "</td></tr></table>",
        ),
    }


def scaling(shared: Path) -> None:
    """Time per MB and log-log slope per input shape, 10 KB to 1 MB."""
    timings: dict[str, list[tuple[int, float]]] = {}
    for kind, content in _scaled_inputs(shared, SCALING_SIZES[0]).values():  # warm caches
        (parse_html if kind == "html" else parse_text)(content)
    for size in SCALING_SIZES:
        for shape, (kind, content) in _scaled_inputs(shared, size).items():
            parse = parse_html if kind == "html" else parse_text
            start = time.perf_counter()
            parse(content)
            elapsed = time.perf_counter() - start
            timings.setdefault(shape, []).append((len(content.encode("utf-8")), elapsed))
    for shape, points in timings.items():
        (s0, t0), (s1, t1) = points[0], points[-1]
        slope = math.log(t1 / t0) / math.log(s1 / s0)
        per_mb = ", ".join(f"{size / 1e3:.0f} KB {t / size * 1e6:.2f}" for size, t in points)
        worst = max(t / size * 1e6 for size, t in points)
        print(f"{shape:14} s/MB: {per_mb}; worst {worst:.2f} s/MB; slope {slope:.2f}")


def cli_throughput(shared: Path, files: int) -> None:
    """Reports/s of ``nianbao parse DIR --jsonl`` over ``files`` copies of the corpus."""
    corpus = load_corpus(shared)
    with tempfile.TemporaryDirectory() as folder:
        for index in range(files):
            kind, content = corpus[index % len(corpus)]
            suffix = ".html" if kind == "html" else ".txt"
            Path(folder, f"{index:05d}{suffix}").write_text(content, "utf-8")
        command = [sys.executable, "-m", "nianbao.crawler.cli", "parse", folder, "--jsonl"]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        elapsed = time.perf_counter() - start
    lines = done.stdout.count(b"\n")
    refused = done.stderr.count(b"\n")
    print(
        f"nianbao parse DIR --jsonl: {files} files in {elapsed:.2f} s = {files / elapsed:.0f} "
        f"files/s, start-up included ({lines} reports printed, {refused} refused, e.g. the "
        f"corpus's list pages; exit {done.returncode})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    default_shared = Path(__file__).resolve().parents[2] / "shared"
    parser.add_argument(
        "--shared", type=Path, default=Path(os.environ.get("NIANBAO_SHARED", default_shared))
    )
    parser.add_argument("--scaling", action="store_true", help="time vs input size only")
    parser.add_argument("--cli", type=int, metavar="FILES", help="time the CLI over FILES files")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    if args.scaling:
        scaling(args.shared)
        return
    if args.cli:
        cli_throughput(args.shared, args.cli)
        return
    corpus = load_corpus(args.shared)
    html_items = [content for kind, content in corpus if kind == "html"]

    for kind, content in corpus:  # warm caches (label index, OpenCC) before timing
        (parse_html if kind == "html" else parse_text)(content)
    rss_before = _rss_mb()
    start = time.perf_counter()
    for index in range(args.reports):
        kind, content = corpus[index % len(corpus)]
        (parse_html if kind == "html" else parse_text)(content)
    elapsed = time.perf_counter() - start
    rss_after = _rss_mb()

    html_rounds = max(1, args.reports // len(corpus))
    start = time.perf_counter()
    for _ in range(html_rounds):
        for content in html_items:
            parse_html(content)
    nianbao_html = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(html_rounds):
        for content in html_items:
            lxml.html.document_fromstring(content.encode("utf-8"))
    lxml_html = time.perf_counter() - start

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pinned to 1 core"
    )
    print(f"parsers: {'compiled (mypyc)' if COMPILED else 'pure Python'}")
    print(f"corpus: {len(corpus)} real reports ({len(html_items)} HTML pages)")
    print(
        f"parse + checks: {args.reports} reports in {elapsed:.2f} s = "
        f"{args.reports / elapsed:.0f} reports/s"
    )
    print(
        f"HTML pages: nianbao {nianbao_html / (html_rounds * len(html_items)) * 1000:.2f} ms/page, "
        f"lxml parse alone {lxml_html / (html_rounds * len(html_items)) * 1000:.2f} ms/page "
        f"(ratio {nianbao_html / lxml_html:.1f}x)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"RSS: {rss_before:.1f} MB -> {rss_after:.1f} MB "
        f"(growth {rss_after - rss_before:+.1f} MB; peak {peak:.1f} MB)"
    )


if __name__ == "__main__":
    main()
