"""A plain ``nianbao parse`` imports the parsers only: start-up is part of its throughput
(issue 12: ≥ 600 reports/s through the CLI), and Scrapy, SQLAlchemy and vcrpy cost 0.6 s."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import contextlib, io, json, sys
from nianbao.crawler.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main(["parse", "--jsonl", sys.argv[1]])
heavy = [name for name in ("scrapy", "sqlalchemy", "vcr", "twisted", "pdfminer")
         if name in sys.modules]
print(json.dumps({"status": status, "heavy": heavy}))
"""


def test_parse_imports_no_crawler_or_database(shared):
    seed = shared / "seeds" / "002_54edbe98636d0c3c.txt"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(seed)], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == {"status": 0, "heavy": []}
