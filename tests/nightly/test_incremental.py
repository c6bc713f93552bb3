"""A re-crawl of an unchanged portal costs conditional requests only; changes are still found.

Every crawl here is a real ``nianbao crawl`` subprocess against the simulated portal (19 real
reports on two list pages, ETag/Last-Modified answered with 304), one database, one cache.
"""

from __future__ import annotations

from nightcrawl import Nights
from support.portal import PortalReport, text_page


def test_unchanged_portal_costs_only_conditional_requests(nights: Nights) -> None:
    portal = nights.portal
    first = nights.crawl()
    assert first.returncode == 0, first.stderr[-3000:]
    assert first.run["new"] == len(portal.reports) == 19
    first_downloads = sum(1 for hit in portal.hits if hit.status == 200)
    assert first_downloads == 2 + 19  # two list pages, nineteen report pages
    stored = nights.reports()

    before = len(portal.hits)
    second = nights.crawl()
    assert second.returncode == 0, second.stderr[-3000:]
    tonight = portal.hits[before:]
    downloads = [hit for hit in tonight if hit.status == 200]
    # Target: at most 5% of the first night's full downloads. Here: none at all.
    assert len(downloads) <= 0.05 * first_downloads
    assert downloads == []
    pages = [hit for hit in tonight if hit.path != "/robots.txt"]
    assert pages and all(hit.conditional and hit.status == 304 for hit in pages)
    # Nothing re-parsed: no report reached the store, every one was skipped as not modified.
    assert second.run["skipped"] == 19
    assert (second.run["new"], second.run["updated"], second.run["unchanged"]) == (0, 0, 0)
    assert "nianbao/parse/" not in second.stderr.split("Dumping Scrapy stats")[-1]
    assert nights.reports() == stored
    assert second.run["flags"] == []


def test_changed_and_new_reports_are_found_the_same_night(nights: Nights) -> None:
    portal = nights.portal
    assert nights.crawl().returncode == 0
    stored = nights.reports()

    # 劳动镇 2022 republishes its page (a corrected version), and a new report appears.
    changed = next(r for r in portal.reports if r.authority == "劳动镇")
    changed.html = changed.html.replace("主动公开信息75条", "主动公开信息76条")
    changed.version = 2
    added = PortalReport("邙岭镇人民政府", 2021, "")
    source = next(r for r in portal.reports if r.authority == "邙岭镇人民政府")
    added.html = source.html.replace("2020", "2021")
    portal.reports.append(added)

    before = len(portal.hits)
    night = nights.crawl()
    assert night.returncode == 0, night.stderr[-3000:]
    downloads = {hit.path for hit in portal.hits[before:] if hit.status == 200}
    changed_path = portal.report_path(portal.reports.index(changed))
    added_path = portal.report_path(len(portal.reports) - 1)
    # Both list pages changed (a new link, a new date), the two reports; nothing else.
    assert downloads == {"/xxgk/nb/", "/xxgk/nb/index_1.html", changed_path, added_path}
    assert night.run["new"] == 1
    assert night.run["updated"] == 1
    assert night.run["skipped"] == 18
    now = nights.reports()
    assert now[("邙岭镇人民政府", 2021)]
    assert now[("劳动镇人民政府", 2022)] != stored[("劳动镇人民政府", 2022)]


def test_server_without_validators_costs_downloads_but_no_parse(nights: Nights) -> None:
    portal = nights.portal
    portal.validators = False
    assert nights.crawl().returncode == 0
    night = nights.crawl()
    assert night.returncode == 0, night.stderr[-3000:]
    # The bodies come again (nothing to ask conditionally), but none is parsed or written.
    assert night.run["skipped"] == 19
    assert (night.run["new"], night.run["updated"], night.run["unchanged"]) == (0, 0, 0)


def test_full_reparses_everything(nights: Nights) -> None:
    assert nights.crawl().returncode == 0
    night = nights.crawl("--full")
    assert night.returncode == 0, night.stderr[-3000:]
    assert night.run["skipped"] == 0
    assert night.run["unchanged"] + night.run["updated"] + night.run["kept"] == 19


def test_plain_scrapy_crawl_is_incremental_too(nights: Nights) -> None:
    import subprocess
    import sys

    from nightcrawl import ROOT, environment

    command = nights.command()
    index = command.index("crawl")
    scrapy = [sys.executable, "-m", "scrapy", *command[index:]]
    scrapy[scrapy.index("--db")] = "-s"
    scrapy[scrapy.index(nights.db_url)] = f"NIANBAO_DATABASE_URL={nights.db_url}"
    for _ in range(2):
        result = subprocess.run(
            scrapy, cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=240
        )
        assert result.returncode == 0, result.stderr[-3000:]
    # The plain crawls recorded runs of their own; the second skipped every report.
    assert nights.last_run()["skipped"] == 19
    assert nights.last_run()["status"] == "finished"
    assert len(nights.reports()) == 19


def test_text_page_wraps_lines() -> None:
    page = text_page("某镇2024年政府信息公开工作年度报告", "一、总体情况\n\n（一）主动公开")
    assert page.count("<p>") == 2
