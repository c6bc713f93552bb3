"""Every number says how sure it is: a cell the page does not decide carries ``uncertain``.

Property tests render real tables (values of the gold-tested reports 011 洪泽, 012 沭阳 and
013 上海, pinned by tests/parsers/test_corpus.py) into the shapes that once read silently
wrong: runs of 1–6 rows whose labels came apart from their values (labels wrapped, group
labels glued on), and assert that every cell is either exact or marked uncertain.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.crawler.cli import main
from nianbao.parsers import parse_html, parse_path, parse_text
from nianbao.parsers.spec import T3_COLUMNS, raw_spec

SPEC_T3 = raw_spec()["tables"]["t3_2021"]
ROWS = [row for row in SPEC_T3["rows"] if "derived" not in row]
GROUP_LABELS = {group["key"]: group["label"] for group in SPEC_T3["row_groups"]}
HEADER = [
    "申请人情况",
    "自然人 法人或其他组织 总计",
    "商业企业 科研机构 社会公益组织 法律服务机构 其他",
]
GOLD_REPORTS = ("012_shuyang_xian_2025.txt", "013_shanghai_bgt_2025.txt")


@pytest.fixture(scope="module")
def gold_tables(shared) -> list[list[list[int]]]:
    """Table 三 of the 2021-format gold reports as 25 rows × 7 values."""
    out = []
    for name in GOLD_REPORTS:
        rows = parse_path(shared / "corpus/texts" / name).tables["t3"].rows()
        out.append([[rows[row["key"]][col] for col in T3_COLUMNS] for row in ROWS])
    return out


def _label(index: int, glued: bool) -> str:
    row = ROWS[index]
    group = row.get("group")
    first = index == 0 or ROWS[index - 1].get("group") != group
    prefix = ""
    if group and group != "outcomes" and first:
        prefix = GROUP_LABELS[group] + ("" if glued else " ")
    return prefix + row["label"]


def render_detached(values, runs: list[tuple[int, int]], wrap: bool, glued: bool) -> str:
    """PDF-style text: one label + values line per row, except inside each run [a, b), whose
    labels are printed first (wrapped over two lines when ``wrap``) and values after."""
    lines = ["三、收到和处理政府信息公开申请情况", *HEADER]
    starts = {a: b for a, b in runs}
    index = 0
    while index < len(ROWS):
        if index in starts:
            end = starts[index]
            for i in range(index, end):
                label = _label(i, glued)
                if wrap and len(label) > 8:
                    lines += [label[: len(label) - 3], label[len(label) - 3 :]]
                else:
                    lines.append(label)
            lines += [" ".join(map(str, values[i])) for i in range(index, end)]
            index = end
            continue
        lines.append(_label(index, glued) + " " + " ".join(map(str, values[index])))
        index += 1
    return "\n".join(lines)


@st.composite
def detached_runs(draw) -> list[tuple[int, int]]:
    """Non-overlapping runs of 1–6 rows inside the 25 template rows."""
    runs, start = [], draw(st.integers(0, 4))
    while start < len(ROWS) - 1:
        size = draw(st.integers(1, 6))
        end = min(start + size, len(ROWS))
        runs.append((start, end))
        start = end + draw(st.integers(1, 6))
    return runs


def _silently_wrong(report, values) -> list[str]:
    table = report.tables["t3"]
    wrong = []
    for index, row in enumerate(ROWS):
        for c, col in enumerate(T3_COLUMNS):
            cell = table.cells.get((row["key"], col))
            if cell is None or cell.value is None or cell.uncertain:
                continue  # unknown, or said to be uncertain: not silently wrong
            if cell.value != values[index][c]:
                wrong.append(f"{row['key']}:{col} = {cell.value}, printed {values[index][c]}")
    return wrong


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 1), detached_runs(), st.booleans(), st.booleans())
def test_detached_labels_are_exact_or_uncertain(gold_tables, which, runs, wrap, glued):
    values = gold_tables[which]
    report = parse_text(render_detached(values, runs, wrap, glued))
    assert _silently_wrong(report, values) == []
    uncertain = any(cell.uncertain for cell in report.tables["t3"].cells.values())
    codes = {w.code for w in report.warnings}
    assert uncertain == ("reading_uncertain" in codes)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 1), detached_runs(), st.booleans())
def test_detached_runs_with_a_missing_value_line_are_uncertain(gold_tables, which, runs, glued):
    """A run whose value lines are one short: the lines that came cannot be placed uniquely."""
    values = gold_tables[which]
    text = render_detached(values, runs, False, glued).splitlines()
    a, b = runs[0]
    if b - a < 2:
        return
    value_line = " ".join(map(str, values[b - 1]))
    text.remove(value_line)  # the run's last value line is lost
    report = parse_text("\n".join(text))
    assert _silently_wrong(report, values) == []


def test_detached_run_is_placed_in_print_order(gold_tables):
    """Four labels of （三）不予公开 printed before their four value lines: read exactly."""
    values = gold_tables[0]
    report = parse_text(render_detached(values, [(4, 8)], False, True))
    table = report.tables["t3"]
    for index in range(4, 8):
        key = ROWS[index]["key"]
        assert [table.value(key, col) for col in T3_COLUMNS] == values[index]
        assert table.cells[(key, "total")].uncertain is None


def test_short_table_2_row_is_uncertain(shared):
    """013 prints '规章 | 22 | 235' for three columns: read as printed, marked uncertain."""
    report = parse_path(shared / "corpus/texts/013_shanghai_bgt_2025.txt")
    t2 = report.tables["t2"]
    assert t2.cells[("regulations", "issued")].value == 22
    assert t2.cells[("regulations", "issued")].uncertain == "token_count_mismatch"
    assert t2.cells[("licensing", "decisions")].uncertain is None
    assert ("t2", "reading_uncertain") in {(w.table, w.code) for w in report.warnings}
    assert report.to_dict()["uncertain"]["t2"]["regulations:issued"] == "token_count_mismatch"
    # Table 三 was mapped by template order, and every rule of the table confirms it.
    assert not any(cell.uncertain for cell in report.tables["t3"].cells.values())


def test_parse_strict_fails_on_uncertain_cells(shared, capsys):
    texts = shared / "corpus/texts"
    assert main(["parse", "--strict", "--jsonl", str(texts / "012_shuyang_xian_2025.txt")]) == 0
    capsys.readouterr()
    assert main(["parse", "--strict", "--jsonl", str(texts / "013_shanghai_bgt_2025.txt")]) == 1
    out, err = capsys.readouterr()
    assert "reading_uncertain" in err
    assert json.loads(out)["uncertain"]["t2"]
    assert main(["parse", "--jsonl", str(texts / "013_shanghai_bgt_2025.txt")]) == 0


def render_pipe_dump(values, collapse: bool) -> str:
    """A text dump of the grid, one cell per line: zero applicant cells left blank (a lone
    ``|``); with ``collapse`` every run of blanks, one cell wide or more, printed ``|||``."""
    lines = ["三、收到和处理政府信息公开申请情况", *HEADER]
    for index, row in enumerate(values):
        lines.append(_label(index, glued=False))
        cells = ["|" if v == 0 and c < 6 else str(v) for c, v in enumerate(row)]
        if collapse:
            merged: list[str] = []
            for cell in cells:
                if cell != "|":
                    merged.append(cell)
                elif not merged or merged[-1] != "|||":
                    merged.append("|||")
            cells = merged
        lines += cells
    return "\n".join(lines)


@pytest.mark.parametrize("collapse", [False, True])
@pytest.mark.parametrize("which", [0, 1])
def test_pipe_dumps_are_exact_or_uncertain(gold_tables, which, collapse):
    values = gold_tables[which]
    report = parse_text(render_pipe_dump(values, collapse))
    assert _silently_wrong(report, values) == []
    table = report.tables["t3"]
    if which == 0:  # 012 二、上年结转 36 | | | | | | 36: one blank run, its width forced
        assert [table.value("carried_over", col) for col in T3_COLUMNS] == values[1]
        assert table.cells[("carried_over", "total")].uncertain is None
    if not collapse:  # every blank printed as its own cell: the whole table is exact
        assert not any(cell.uncertain for cell in table.cells.values())
        assert table.rows() == {
            row["key"]: dict(zip(T3_COLUMNS, values[i], strict=True)) for i, row in enumerate(ROWS)
        }


def test_collapsed_runs_split_by_a_value_are_uncertain(gold_tables):
    """012 一、本年新收 705 | 3 | 0 | 0 | 5 | 0 | 713 dumped as 705, 3, |||, 5, |||, 713: the
    two runs' widths are not known, so the row is marked."""
    values = gold_tables[0]
    report = parse_text(render_pipe_dump(values, collapse=True))
    cell = report.tables["t3"].cells[("new_requests", "legal_service_org")]
    assert cell.uncertain == "collapsed_blanks"


def test_table_starting_in_the_middle(shared):
    """One page of 011 洪泽 from its line '四、结转下年度继续办理 0 0 0 0 0 0 0' on: the row
    that is there is read and the table flagged table_partial; table 四 follows."""
    text = (shared / "corpus/texts/011_hongze_qu_2023.txt").read_text("utf-8")
    page = text[text.index("四、结转下年度继续办理") :]
    report = parse_text(page)
    t3 = report.tables["t3"]
    assert "table_partial" in t3.flags
    assert t3.rows() == {"carried_forward": dict.fromkeys(T3_COLUMNS, 0)}
    assert report.tables["t4"].value("review", "upheld") == 10
    assert report.tables["t4"].value("litigation_after_review", "upheld") == 5


def test_2019_grid_with_group_and_item_cells(shared):
    """011 洪泽's table 三 (2019 rows: a single （六）其他处理 row) as a real HTML grid: group
    labels in rowspan cells beside the item labels, the note cell 3×3, zero applicant cells
    printed blank. Every cell reads back exactly, with no uncertain mark."""
    from test_properties import _td

    spec = raw_spec()["tables"]["t3_2019"]
    rows = [row for row in spec["rows"] if "derived" not in row]
    groups = {group["key"]: group["label"] for group in spec["row_groups"]}
    gold = parse_path(shared / "corpus/texts/011_hongze_qu_2023.txt").tables["t3"].rows()
    values = [[gold[row["key"]][col] for col in T3_COLUMNS] for row in rows]
    size: dict[str, int] = {}
    for row in rows:
        size[row.get("group") or ""] = size.get(row.get("group") or "", 0) + 1
    grid = [
        _td(SPEC_T3["header_labels"][0], 3, 3) + _td("申请人情况", 1, 7),
        _td("自然人", 2) + _td("法人或其他组织", 1, 5) + _td("总计", 2),
        "".join(
            _td(org) for org in ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
        ),
    ]
    seen: set[str] = set()
    for row, printed in zip(rows, values, strict=True):
        cells = "".join(_td("" if v == 0 and c < 6 else str(v)) for c, v in enumerate(printed))
        group = row.get("group")
        if group is None:
            grid.append(_td(row["label"], 1, 3) + cells)
            continue
        lead = ""
        if "outcomes" not in seen:
            seen.add("outcomes")
            lead += _td(groups["outcomes"], len(rows) - 3)
        if group == "outcomes":
            grid.append(lead + _td(row["label"], 1, 2) + cells)
            continue
        if group not in seen:
            seen.add(group)
            lead += _td(groups[group], size[group])
        grid.append(lead + _td(row["label"]) + cells)
    body = "".join(f"<tr>{row}</tr>" for row in grid)
    page = (
        f"<html><body><p>三、收到和处理政府信息公开申请情况</p><table>{body}</table></body></html>"
    )
    table = parse_html(page).tables["t3"]
    assert table.variant == "t3_2019"
    assert table.rows() == gold
    assert not any(cell.uncertain for cell in table.cells.values())
