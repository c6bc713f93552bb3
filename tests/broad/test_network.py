"""A broad crawl of a simulated network of 50 portals: one crawler, every portal walked by its
own spider, broken portals recorded under their own names, a second night nearly free."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from broadcrawl import ROOT, command, crawl, query, stored
from scrapy.spiderloader import get_spider_loader
from support.network import BROKEN_KINDS, Network, NetworkServer

from nianbao.crawler.commands.crawl import broad_split
from nianbao.crawler.commands.settings import build_settings


@pytest.fixture(scope="module")
def network(shared: Path) -> Network:
    return Network.build(50, shared, ROOT / "cassettes")


def test_the_network_has_every_shape(network: Network) -> None:
    """What the crawl test relies on being there (so that it cannot pass by missing it)."""
    assert {p.broken for p in network.portals} == {None, *BROKEN_KINDS}
    assert {p.family for p in network.portals} == {"link_list", "trs", "ucap"}
    assert any(p.subcolumns and not p.broken for p in network.portals)
    assert any(len(p.reports) > p.per_page and not p.broken for p in network.portals)
    assert any(p.attachment and not p.broken for p in network.portals)
    assert len(network.expected_reports()) == sum(len(p.reports) for p in network.healthy())


def _run_rows(db_url: str, run: int) -> dict[str, dict[str, object]]:
    rows = query(
        db_url,
        "SELECT spider, flags, faults, report_links, list_pages, reports_new "
        f"FROM crawl_run_spider WHERE run_id = {run}",
    )
    keys = ("flags", "faults", "report_links", "list_pages", "new")
    out = {}
    for spider, *values in rows:
        row = dict(zip(keys, values, strict=True))
        for key in ("flags", "faults"):
            if isinstance(row[key], str):
                row[key] = json.loads(row[key])
        row["flags"] = [flag["flag"] for flag in row["flags"]]  # type: ignore[union-attr]
        out[spider] = row
    return out


def test_fifty_portals_in_one_crawler(network: Network, tmp_path: Path) -> None:
    registry = network.write_registry(tmp_path / "portals.csv")
    db_url = f"sqlite:///{tmp_path / 'nianbao.db'}"
    # The politeness of a nightly run: one request at a time per portal, 1 s apart.
    polite = {"DOWNLOAD_DELAY": "1", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    with NetworkServer(network) as server:
        first = crawl(command(registry, db_url, tmp_path, **polite), server.url)
        assert first.returncode == 0, first.stderr[-3000:]

        # Every report of every healthy portal stored, each exactly once, under its portal.
        assert sorted(stored(db_url)) == sorted(network.expected_reports())
        spiders = {row[0] for row in query(db_url, "SELECT DISTINCT spider FROM report")}
        assert spiders == {p.name for p in network.healthy()}
        # Look-alike non-reports are never fetched; the attachment is.
        assert not [path for _, path, _ in server.hits if "notice_" in path]
        assert [path for _, path, status in server.hits if path.endswith(".pdf") and status == 200]

        # No portal starved: every portal was asked before the crawl had made two requests per
        # portal (its robots.txt comes first, while the portals started earlier wait out their
        # delay); and none was asked two things at once.
        assert set(server.first_seen) == {p.host for p in network.portals}
        assert max(server.first_seen.values()) < 2 * len(network.portals)
        twice = {host: n for host, n in server.most_in_flight.items() if n > 1}
        assert not twice, [hit for hit in server.hits if hit[0] in twice]

        # One row per portal in the run record (and the broad crawl's own), broken ones flagged.
        rows = _run_rows(db_url, 1)
        assert set(rows) == {"broad", *(p.name for p in network.portals)}
        for portal in network.portals:
            row = rows[portal.name]
            if portal.broken is None:
                assert row["flags"] == [], (portal.name, row)
                assert row["new"] == len(portal.reports)
                continue
            assert "zero_reports" in row["flags"], (portal.name, row)
            assert row["new"] == 0
            faults = row["faults"]
            assert isinstance(faults, dict)
            if portal.broken == "dead":
                assert faults.get("connection"), row
            elif portal.broken == "5xx":
                assert faults.get("server_error"), row
            elif portal.broken == "antibot":
                assert "blocked" in row["flags"], row
            else:  # empty: the column was read and listed nothing
                assert row["list_pages"] == 1 and faults == {"empty_list": 1}, row
        assert rows["broad"]["new"] == len(network.expected_reports())

        # The second night asks conditionally: at most 5% of the first night's downloads.
        downloads = server.downloads()
        second = crawl(command(registry, db_url, tmp_path, **polite), server.url)
        assert second.returncode == 0, second.stderr[-3000:]
        assert server.downloads() - downloads <= 0.05 * downloads
    assert sorted(stored(db_url)) == sorted(network.expected_reports())
    assert all(row["new"] == 0 for row in _run_rows(db_url, 2).values())


def test_all_runs_many_portals_through_one_crawler() -> None:
    """From NIANBAO_BROAD_THRESHOLD spiders on, `nianbao crawl` merges the portal spiders."""
    settings = build_settings(extra={"NIANBAO_BROAD_THRESHOLD": 1})
    loader = get_spider_loader(settings)  # the registry's rows are the portals
    names = [n for n in loader.list() if getattr(loader.load(n), "include_in_all", True)]
    merged, alone = broad_split(loader, names, settings, {})
    assert merged and set(merged) | set(alone) == set(names)
    assert all(not getattr(loader.load(n), "custom_settings", None) for n in merged)
    # Below the threshold, with cassettes (kept per spider) or with -a: one crawler each.
    assert broad_split(loader, names, build_settings(), {}) == ([], names)
    replay = build_settings(replay=True, extra={"NIANBAO_BROAD_THRESHOLD": 1})
    assert broad_split(loader, names, replay, {}) == ([], names)
    assert broad_split(loader, names, settings, {"start_url": "x"}) == ([], names)
