"""``nianbao parse`` reads attachments as it reads pages; a refused file is an error line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.crawler.cli import main


def test_parse_walks_the_real_attachments(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(shared / "corpus" / "attachments"), "--jsonl"]) == 0
    reports = {
        Path(r["path"]).name: r for r in map(json.loads, capsys.readouterr().out.splitlines())
    }
    assert set(reports) == {"hongze_qu_2023.pdf", "zhengwu_gongkai_nianbao_moban.docx"}
    # 洪泽区 2023, table 四 as printed on page 4 of the PDF.
    assert reports["hongze_qu_2023.pdf"]["tables"]["t4"]["review"] == {
        "upheld": 10,
        "corrected": 1,
        "other": 0,
        "pending": 0,
        "total": 0,
    }
    assert reports["zhengwu_gongkai_nianbao_moban.docx"]["table_flags"]["t3"] == ["table_unfilled"]


def test_parse_reports_a_refused_attachment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "年报.pdf"
    fake.write_text("<html><body>404 Not Found</body></html>", encoding="utf-8")
    assert main(["parse", str(fake)]) == 1
    assert "attachment_type_mismatch" in capsys.readouterr().err
