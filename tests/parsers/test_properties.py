"""Property tests: any table 三/四 rendered in any supported shape parses back to its numbers,
and random garbage never raises anything but the documented ParseError.

The renderers lay tables out the way real pages do (template rowspans and colspans in HTML;
one cell per line; tab rows; `` | `` rows with padding; PDF lines of space-separated numbers),
with labels taken from report_format.json.
"""

from __future__ import annotations

import contextlib
import html as html_lib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.parsers import ParseError, parse_html, parse_text
from nianbao.parsers.spec import T3_COLUMNS, T4_COLUMNS, T4_ROWS, raw_spec

SPEC_T3 = raw_spec()["tables"]["t3_2021"]
ROWS = [row for row in SPEC_T3["rows"] if "derived" not in row]
GROUP_LABELS = {group["key"]: group["label"] for group in SPEC_T3["row_groups"]}
NOTE = SPEC_T3["header_labels"][0]
ORG = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
T4_HEADER = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

counts = st.integers(min_value=0, max_value=99999)
t3_values = st.lists(st.lists(counts, min_size=7, max_size=7), min_size=25, max_size=25)
t4_values = st.lists(counts, min_size=15, max_size=15)


def _label_cells(index: int) -> list[str]:
    """The label cells of one stored row in the flattened (pipe/tab) form of the template."""
    row = ROWS[index]
    group = row.get("group")
    first_of_group = index == 0 or ROWS[index - 1].get("group") != group
    cells = []
    if group and group != "outcomes" and first_of_group:
        if index == 2 or ROWS[index - 1].get("group") in (None,):
            cells.append(GROUP_LABELS["outcomes"])
        cells.append(GROUP_LABELS[group])
    elif group == "outcomes" and index == 2:
        cells.append(GROUP_LABELS["outcomes"])
    return [*cells, row["label"]]


def _header_rows() -> list[list[str]]:
    return [[NOTE, "申请人情况"], ["自然人", "法人或其他组织", "总计"], ORG]


def render_t3_lines(values: list[list[int]], sep: str) -> str:
    lines = [sep.join(cells) for cells in _header_rows()]
    for index, row in enumerate(values):
        cells = _label_cells(index) + [str(v) for v in row]
        lines.append(sep.join(cells) + (sep if sep == " | " else ""))
    return "\n".join(lines)


def render_t3_cell_per_line(values: list[list[int]]) -> str:
    cells = [cell for row in _header_rows() for cell in row]
    for index, row in enumerate(values):
        cells += _label_cells(index) + [str(v) for v in row]
    return "\n\n".join(cells)


def render_t3_vertical(values: list[list[int]]) -> str:
    """Narrow PDF label columns: every label printed one character per line, then its values."""
    lines = [" ".join(row) for row in _header_rows()]
    for index, row in enumerate(values):
        for label in _label_cells(index):
            lines.extend(label)
        lines.append(" ".join(str(v) for v in row))
    return "\n".join(lines)


def render_t3_pdf(values: list[list[int]]) -> str:
    lines = [" ".join(row) for row in _header_rows()]
    for index, row in enumerate(values):
        lines.append(" ".join(_label_cells(index)) + " " + " ".join(str(v) for v in row))
    return "\n".join(lines)


def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    return f"<td{attrs}>{html_lib.escape(text)}</td>"


def render_t3_html(values: list[list[str]]) -> str:
    """The template grid: a 3x3 note cell, a 22-row 本年度办理结果 cell, group cells."""
    rows = [
        _td(NOTE, 3, 3) + _td("申请人情况", 1, 7),
        _td("自然人", 2) + _td("法人或其他组织", 1, 5) + _td("总计", 2),
        "".join(_td(org) for org in ORG),
    ]
    group_size: dict[str, int] = {}
    for row in ROWS:
        group_size[row.get("group") or ""] = group_size.get(row.get("group") or "", 0) + 1
    seen: set[str] = set()
    for index, row in enumerate(ROWS):
        group = row.get("group")
        cells = "".join(_td(v) for v in values[index])
        if group is None:
            rows.append(_td(row["label"], 1, 3) + cells)
            continue
        lead = ""
        if "outcomes" not in seen:
            seen.add("outcomes")
            lead += _td(GROUP_LABELS["outcomes"], 22)
        if group == "outcomes":
            rows.append(lead + _td(row["label"], 1, 2) + cells)
            continue
        if group not in seen:
            seen.add(group)
            lead += _td(GROUP_LABELS[group], group_size[group])
        rows.append(lead + _td(row["label"]) + cells)
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return (
        f"<html><body><p>三、收到和处理政府信息公开申请情况</p><table>{body}</table></body></html>"
    )


def _expected(values: list[list[int]]) -> dict[str, dict[str, int]]:
    return {row["key"]: dict(zip(T3_COLUMNS, values[i], strict=True)) for i, row in enumerate(ROWS)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(t3_values, st.sampled_from(["tab", "pipe", "cell_per_line", "pdf", "vertical", "html"]))
def test_table_3_round_trips_in_every_shape(values, shape):
    if shape == "html":
        report = parse_html(render_t3_html([[str(v) for v in row] for row in values]))
    else:
        text = {
            "tab": lambda: render_t3_lines(values, "\t"),
            "pipe": lambda: render_t3_lines(values, " | "),
            "cell_per_line": lambda: render_t3_cell_per_line(values),
            "pdf": lambda: render_t3_pdf(values),
            "vertical": lambda: render_t3_vertical(values),
        }[shape]()
        report = parse_text("三、收到和处理政府信息公开申请情况\n" + text)
    table = report.tables["t3"]
    assert table.variant == "t3_2021"
    assert table.rows() == _expected(values)
    # A clean rendering leaves nothing to doubt: no cell is marked uncertain.
    assert not [key for key, cell in table.cells.items() if cell.uncertain]


@settings(max_examples=40, deadline=None)
@given(t3_values, st.data())
def test_blank_html_cells_follow_the_value_conventions(values, data):
    """In a grid a blank applicant cell is 0 (blank_zero); a blank 总计 is unknown, derived."""
    raw = [[str(v) for v in row] for row in values]
    blanks = data.draw(st.sets(st.tuples(st.integers(0, 24), st.integers(0, 6)), max_size=30))
    for r, c in blanks:
        raw[r][c] = ""
    report = parse_html(render_t3_html(raw))
    table = report.tables["t3"]
    for index, row in enumerate(ROWS):
        for c, col in enumerate(T3_COLUMNS):
            cell = table.cells[(row["key"], col)]
            if (index, c) not in blanks:
                assert (cell.value, cell.source) == (values[index][c], "printed")
            elif col == "total":
                assert cell.value is None and "total_derived" in cell.flags
                parts = [0 if (index, i) in blanks else values[index][i] for i in range(6)]
                assert cell.derived == sum(parts)
            else:
                assert (cell.value, cell.source) == (0, "blank_zero")


def render_t4(values: list[int], shape: str) -> str:
    header = ["行政复议", "行政诉讼"], ["未经复议直接起诉", "复议后起诉"], T4_HEADER * 3
    if shape == "html":
        cells = "".join(_td(str(v)) for v in values)
        head = "".join(f"<tr>{''.join(_td(h) for h in row)}</tr>" for row in header)
        heading = "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
        return f"<html><body>{heading}<table>{head}<tr>{cells}</tr></table></body></html>"
    sep = {"tab": "\t", "pipe": " | ", "cell_per_line": "\n\n", "pdf": " "}[shape]
    lines = [sep.join(row) for row in header] + [sep.join(str(v) for v in values)]
    return "四、政府信息公开行政复议、行政诉讼情况\n" + "\n".join(lines)


@settings(max_examples=40, deadline=None)
@given(t4_values, st.sampled_from(["tab", "pipe", "cell_per_line", "pdf", "html"]))
def test_table_4_round_trips_in_every_shape(values, shape):
    rendered = render_t4(values, shape)
    report = parse_html(rendered) if shape == "html" else parse_text(rendered)
    expected = {
        row: dict(zip(T4_COLUMNS, values[i * 5 : i * 5 + 5], strict=True))
        for i, row in enumerate(T4_ROWS)
    }
    assert report.tables["t4"].rows() == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_garbage_text_never_raises(text):
    with contextlib.suppress(ParseError):
        parse_text(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_garbage_bytes_never_raise(data):
    with contextlib.suppress(ParseError):
        parse_html(data)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<table>",
                "<tr>",
                "<td rowspan=99>",
                "<td colspan=0>",
                "本年新收政府信息公开申请数量",
                "0",
                "</td>",
                "</tr>",
                "（六）其他处理",
                "3.其他",
                "行政复议",
                "总计",
                "—",
                "<td colspan=abc>",
            ]
        ),
        max_size=200,
    )
)
def test_garbage_tables_never_raise(parts):
    with contextlib.suppress(ParseError):
        parse_html("".join(parts))


@settings(max_examples=40, deadline=None)
@given(t3_values, st.integers(min_value=1, max_value=24))
def test_table_3_split_by_a_page_break(values, cut):
    """The grid broken after ``cut`` data rows into a second table that repeats the header and
    prints each remaining row with its own label: one table, flagged table_split."""
    raw = [[str(v) for v in row] for row in values]
    html = render_t3_html(raw)
    head, _, rest = html.partition("<table>")
    body, _, tail = rest.partition("</table>")
    rows = body.split("</tr>")[:-1]
    first = "</tr>".join(rows[: 3 + cut]) + "</tr>"
    header = "</tr>".join(rows[:3]) + "</tr>"
    second = header + "".join(
        f"<tr>{_td(ROWS[i]['label'], 1, 3)}{''.join(_td(v) for v in raw[i])}</tr>"
        for i in range(cut, len(ROWS))
    )
    page = f"{head}<table>{first}</table><p>- 3 -</p><table>{second}</table>{tail}"
    table = parse_html(page).tables["t3"]
    assert "table_split" in table.flags
    assert table.rows() == _expected(values)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(counts, min_size=3, max_size=3), min_size=25, max_size=25),
    st.sampled_from(["\t", " | "]),
)
def test_collapsed_organisation_columns(values, sep):
    """自然人 | 法人或其他组织 | 总计: three columns, the organisations stored as org_subtotal."""
    lines = [sep.join([NOTE, "申请人情况"]), sep.join(["自然人", "法人或其他组织", "总计"])]
    for index, row in enumerate(values):
        lines.append(sep.join(_label_cells(index) + [str(v) for v in row]))
    report = parse_text("三、收到和处理政府信息公开申请情况\n" + "\n".join(lines))
    table = report.tables["t3"]
    assert "columns_collapsed" in table.flags
    expected = {
        row["key"]: dict(zip(("natural_person", "org_subtotal", "total"), values[i], strict=True))
        for i, row in enumerate(ROWS)
    }
    assert table.rows() == expected
    row_totals = [c for c in report.checks if c.rule == "T3_ROW_TOTAL"]
    assert len(row_totals) == 25
    for check, row in zip(row_totals, values, strict=True):
        assert check.status == ("pass" if row[0] + row[1] == row[2] else "fail")
