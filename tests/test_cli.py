"""The command line: subcommands are discovered, options map to settings (no crawl here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.crawler.cli import main
from nianbao.crawler.commands.settings import build_settings


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("crawl", "parse", "list"):
        assert f"    {command} " in out


def test_replay_settings_serve_from_cassettes_only() -> None:
    settings = build_settings(replay=True, db="sqlite:///x.db")
    assert settings.getbool("CASSETTE_ENABLED")
    assert settings.get("CASSETTE_RECORD_MODE") == "none"
    assert settings.get("NIANBAO_DATABASE_URL") == "sqlite:///x.db"
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")


def test_live_settings_are_polite() -> None:
    settings = build_settings()
    assert not settings.getbool("CASSETTE_ENABLED")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert 1 <= settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getint("RETRY_TIMES") >= 2
    assert "nianbao" in settings.get("USER_AGENT")


def test_record_mode_is_checked() -> None:
    assert build_settings(record="new_episodes").get("CASSETTE_RECORD_MODE") == "new_episodes"
    with pytest.raises(ValueError):
        build_settings(record="sometimes")
    with pytest.raises(ValueError):
        build_settings(record="all", replay=True)


def test_database_default_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import nianbao.crawler.settings as project_settings

    monkeypatch.setenv("NIANBAO_DB", "sqlite:///from-env.db")
    importlib.reload(project_settings)
    try:
        assert build_settings().get("NIANBAO_DATABASE_URL") == "sqlite:///from-env.db"
        assert build_settings(db="sqlite:///flag.db").get("NIANBAO_DATABASE_URL") == (
            "sqlite:///flag.db"
        )
    finally:
        monkeypatch.delenv("NIANBAO_DB")
        importlib.reload(project_settings)
    assert build_settings().get("NIANBAO_DATABASE_URL") == "sqlite:///nianbao.db"


def test_parse_prints_one_json_line_per_report(
    shared: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(shared / "seeds"), "--jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    reports = [json.loads(line) for line in lines]
    assert len(reports) == len(list((shared / "seeds").glob("*.txt")))
    luding = next(r for r in reports if r["path"].endswith("002_54edbe98636d0c3c.txt"))
    assert luding["tables"]["t3"]["new_requests"]["total"] == 34  # seed 002
    assert luding["tables"]["t2"]["fees"]["amount_wan_yuan"] == 204.92


def test_parse_records_the_url_given(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"
    seed = shared / "seeds/002_54edbe98636d0c3c.txt"
    assert main(["parse", str(seed), "--url", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["source_url"] == url


def test_parse_reports_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["parse", str(tmp_path / "missing.html")]) == 1
    assert "missing.html" in capsys.readouterr().err


def test_list_names_every_spider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    spiders = json.loads(capsys.readouterr().out)  # one JSON document, not JSON lines
    assert isinstance(spiders, list)
    luding = next(s for s in spiders if s["name"] == "sichuan_luding")
    assert luding["family"] == "link_list"
    assert luding["start_urls"] == ["http://www.luding.gov.cn/ldxrmzf2024zfnbzf/"]


def test_crawl_needs_a_spider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl"]) == 2
    assert capsys.readouterr().err.strip() == (
        "nianbao crawl: name at least one spider, or use --all"
    )
