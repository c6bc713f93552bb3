"""``nianbao parse`` over a batch: one broken file never stops the others, and the exit status
says whether every file became a stored report.

The broken files are the real 2021 template DOCX damaged in the ways readers fail on portals:
a member's deflate stream cut (zlib.error), the document XML truncated (XMLSyntaxError), a
table cell with a bad ``gridSpan`` (python-docx ValueError), the zip central directory cut
(BadZipFile). The good file is the real 泸定县 seed report.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.crawler.cli import main
from nianbao.parsers.attachments import AttachmentRefused, parse_attachment

LUDING = "seeds/002_54edbe98636d0c3c.txt"


def _rewrite(docx: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data) if info.filename == member else data)
    return out.getvalue()


def _cut_deflate(docx: bytes) -> bytes:
    """document.xml's compressed bytes overwritten in the middle: the CRC or inflate fails."""
    data = bytearray(docx)
    start = data.find(b"word/document.xml") + 200
    data[start : start + 64] = bytes(64)
    return bytes(data)


BROKEN: dict[str, Callable[[bytes], bytes]] = {
    "deflate_cut.docx": _cut_deflate,
    "xml_truncated.docx": lambda d: _rewrite(d, "word/document.xml", lambda x: x[: len(x) // 2]),
    "bad_gridspan.docx": lambda d: _rewrite(
        d,
        "word/document.xml",
        lambda x: re.sub(rb'w:gridSpan w:val="\d+"', b'w:gridSpan w:val="x"', x),
    ),
    "directory_cut.docx": lambda d: d[: len(d) - 30],
}


@pytest.fixture
def batch(tmp_path: Path, shared: Path, template_docx: bytes) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for name, damage in BROKEN.items():
        (folder / name).write_bytes(damage(template_docx))
    (folder / "zz_luding.txt").write_bytes((shared / LUDING).read_bytes())
    return folder


def test_broken_files_are_reported_and_the_batch_goes_on(
    batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["parse", str(batch), "--jsonl"])
    captured = capsys.readouterr()
    reports = [json.loads(line) for line in captured.out.splitlines()]
    assert status == 1
    assert [Path(r["path"]).name for r in reports] == ["zz_luding.txt"]
    assert reports[0]["tables"]["t3"]["new_requests"]["total"] == 34
    for name in BROKEN:
        assert f"{name}:" in captured.err
    assert "Traceback" not in captured.err


def test_a_page_that_is_no_report_says_so(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The real anti-bot challenge page and a TRS list page are not reports: no report whose
    year is the page's publication date comes back."""
    pages = [
        shared / "corpus/html/ruishu_challenge_head_nmpa.html",
        shared / "corpus/html/trs_list_ordos_egb_xxgknb.html",
    ]
    status = main(["parse", *map(str, pages), "--jsonl"])
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    assert captured.err.count("not_a_report") == 2


def test_authority_and_year_arguments_fill_what_the_text_leaves_open(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Seed 002 (泸定县 2024) as captured names neither its authority nor has a title; the
    arguments supply them, and the text's own figures are kept."""
    status = main(
        [
            "parse",
            str(shared / LUDING),
            "--jsonl",
            "--authority",
            "泸定县人民政府",
            "--year",
            "2024",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert status == 0
    assert report["authority"] == "泸定县人民政府"
    assert report["report_year"] == 2024
    assert report["tables"]["t3"]["new_requests"]["total"] == 34


def test_a_report_that_cannot_be_stored_fails_the_command(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Seed 002's table 三 on its own (a page of a report: no title, no prose, no signature)
    names no authority, so the report has no key: not stored, exit 1."""
    lines = (shared / LUDING).read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("三、收到和处理"))
    end = next(n for n, line in enumerate(lines) if line.startswith("四、政府信息公开行政复议"))
    page = tmp_path / "table3_only.txt"
    page.write_text("\n".join(lines[start:end]) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    status = main(["parse", str(page), "--jsonl", "--db", db])
    captured = capsys.readouterr()
    assert status == 1
    reading = json.loads(captured.out)
    assert reading["tables"]["t3"]["new_requests"]["total"] == 34
    assert reading["stored"] == "unkeyed"
    assert "not stored" in captured.err


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_every_damaged_docx_is_a_refusal_not_a_crash(name: str, template_docx: bytes) -> None:
    """The crawl's attachment stage sees the same: a refusal with a code it stores."""
    with pytest.raises(AttachmentRefused) as caught:
        parse_attachment(BROKEN[name](template_docx), filename=name)
    assert caught.value.code == "attachment_corrupt"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_randomly_damaged_docx_is_read_or_refused(
    data: st.DataObject, template_docx: bytes
) -> None:
    """Bytes overwritten anywhere in the real template: a report or a refusal, nothing else."""
    damaged = bytearray(template_docx)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] = data.draw(st.integers(0, 255))
    try:
        parse_attachment(bytes(damaged), filename="a.docx")
    except AttachmentRefused as error:
        assert error.code.startswith("attachment_")
