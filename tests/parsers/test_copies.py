"""A parsed report survives pickle and deepcopy whole, in the pure and the compiled build.

The store's tests deep-copy reports, and a report may cross a process boundary (a worker pool,
a queue). Row and Cell write their ``__init__`` out for the compiled build (setup.py), whose
classes rebuild a copy through ``__init__``; this pins that a copy equals its original.
"""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

from nianbao.parsers import parse_path
from nianbao.parsers.layout import Row, rows_from_text


@pytest.mark.parametrize(
    "name", ["seeds/001_c8d30c2eb8575ca5.txt", "corpus/html/ucap_shuyang_fgj_2023.html"]
)
def test_a_parsed_report_survives_pickle_and_deepcopy(shared: Path, name: str) -> None:
    report = parse_path(shared / name)
    assert report.tables["t3"].cells  # a real report with its table 三 read
    for twin in (copy.deepcopy(report), pickle.loads(pickle.dumps(report))):
        assert twin == report
        assert twin.tables["t3"].cells == report.tables["t3"].cells


def test_rows_survive_pickle_and_deepcopy_with_their_cached_text(shared: Path) -> None:
    text = (shared / "seeds/001_c8d30c2eb8575ca5.txt").read_text("utf-8")
    rows = rows_from_text(text)
    assert [row.text for row in rows]  # fills every row's cached text before copying
    for twins in (copy.deepcopy(rows), pickle.loads(pickle.dumps(rows))):
        assert twins == rows
        assert [row.text for row in twins] == [row.text for row in rows]
    assert Row(["a", None, "b"], exact=True, table=2) == pickle.loads(
        pickle.dumps(Row(["a", None, "b"], exact=True, table=2))
    )
