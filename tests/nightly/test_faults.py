"""Every fault a portal throws: the run finishes, the fault is counted in the run record,
nothing stored is lost or overwritten by a worse reading, and the next night retries.

The portal is :class:`support.portal.SimulatedPortal` on 127.0.0.1 serving the
project's 19 real reports; faults are injected per page for a number of requests.
"""

from __future__ import annotations

from nightcrawl import Nights
from support.faults import broken_stored, first_night, inject

#: Reports that cannot be stored on night one (every fault of first_night() but the burst and GBK).
UNREACHABLE = 9


def test_faults_survived_counted_and_retried(nights: Nights) -> None:
    portal = nights.portal
    inject(portal, first_night())

    first = nights.crawl(timeout=400)
    assert first.returncode == 0, first.stderr[-3000:]
    run = first.run
    assert run["finish_reason"] == "finished" and run["status"] == "finished"
    assert run["new"] == 19 - UNREACHABLE
    faults = run["faults"]
    injected = portal.injected()
    # Every fault the portal injected is in the run record, counted per attempt (a retried
    # fault counts each time): 4 attempts (RETRY_TIMES 3) where retrying is right.
    assert injected["status"] == 2 + 4 + 1 + 1  # 503 burst, 500 x4, 412 and 403 (no retry)
    assert faults["server_error"] == 2 + 4
    assert faults["timeout"] == injected["timeout"] == 4
    # Twisted itself resends a request once when a kept-alive connection dies before answering,
    # so the portal saw more resets than Scrapy's four attempts.
    assert faults["connection"] == 4 <= injected["reset"]
    assert faults["truncated"] == injected["truncate"] == 4
    assert faults["blocked"] == 3  # 412, 403 and the 瑞数 challenge served as a 200
    assert injected["challenge"] == 1
    # path -> path?loop=1 -> path: the second redirect closes the loop, and is the one counted.
    assert faults["redirect_loop"] == 1 and injected["redirect_loop"] == 2
    assert faults["too_large"] == injected["gigantic"] >= 1
    assert faults["undeclared_charset"] == injected["gbk"] == 1
    assert {flag["flag"] for flag in run["flags"]} >= {"blocked"}
    stored = nights.reports()
    # The GBK page without a charset was read as Chinese: its tables are all there.
    _, cells = stored[("泸定县人民政府", 2024)]
    assert cells == 10 + 25 * 7 + 15
    # The burst was retried the same night.
    assert ("渔洋镇人民政府", 2024) in stored

    # Night two, the portal is healthy: what failed is fetched, what was stored is not.
    portal.faults.clear()
    before = len(portal.hits)
    second = nights.crawl()
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.run["new"] == UNREACHABLE
    # 泸定县's page now comes in UTF-8: other bytes, so it is read again, and found unchanged.
    assert second.run["skipped"] == 19 - UNREACHABLE - 1
    assert second.run["unchanged"] == 1
    assert second.run["faults"] == {}
    assert len(nights.reports()) == 19
    downloads = [h for h in portal.hits[before:] if h.status == 200 and "/t2025" in h.path]
    assert len(downloads) == UNREACHABLE + 1


def test_faults_on_stored_reports_never_lose_or_worsen_them(nights: Nights) -> None:
    portal = nights.portal
    assert nights.crawl().returncode == 0
    stored = nights.reports()
    assert len(stored) == 19

    # Every page is republished (new validators), then served broken in every way.
    for report in portal.reports:
        report.html = report.html.replace("</body>", "<!-- republished --></body>")
        report.version = 2
    inject(portal, broken_stored())  # the plan of benchmarks/bench_nightly.py night 4

    night = nights.crawl(timeout=400)
    assert night.returncode == 0, night.stderr[-3000:]
    assert night.run["faults"]["empty_list"] == 1
    assert night.run["kept"] >= 1  # a half page read worse and was not stored over
    after = nights.reports()
    assert set(after) == set(stored)  # nothing lost
    for key, (_, cells) in stored.items():
        assert after[key][1] >= cells, key  # nothing overwritten by a worse reading

    # A column that suddenly lists nothing: flagged, counted, and the database untouched.
    portal.faults.clear()
    portal.empty_lists = True
    empty = nights.crawl()
    assert empty.returncode == 0, empty.stderr[-3000:]
    assert empty.run["faults"] == {"empty_list": 1}
    assert "zero_reports" in [flag["flag"] for flag in empty.run["flags"]]
    assert "FLAG simulated_portal: zero_reports" in empty.stdout
    assert nights.reports() == after

    # The next night the column is back: the pages not read before are read now.
    portal.empty_lists = False
    again = nights.crawl()
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.run["flags"] == []
    final = nights.reports()
    for key, (_, cells) in stored.items():
        assert final[key][1] >= cells, key
