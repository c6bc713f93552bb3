"""Parse throughput on one core: the whole real corpus, parsed repeatedly.

Prints reports/s for parse + checks (from page HTML or text), the time lxml alone takes to
parse the same HTML in the same run (a floor no HTML parser here can beat), and the RSS growth
over the run, which must stay flat (< 50 MB for 10,000 reports).

    python benchmarks/bench_parse.py [--reports 10000] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from pathlib import Path

import lxml.html

from nianbao.parsers import parse_html, parse_text


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    default_shared = Path(__file__).resolve().parents[2] / "shared"
    parser.add_argument(
        "--shared", type=Path, default=Path(os.environ.get("NIANBAO_SHARED", default_shared))
    )
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
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
