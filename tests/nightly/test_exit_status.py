"""A crawl that cannot run is loud: non-zero exit, one line per spider, and a run record that
says which spider did not start, so a nightly cron learns of it the next morning."""

from __future__ import annotations

from nightcrawl import Nights

BROKEN_PIPELINE = '{"nianbao.pipelines.no_such_stage.Pipeline": 300}'


def test_a_pipeline_that_cannot_import_fails_the_crawl(nights: Nights) -> None:
    night = nights.crawl(ITEM_PIPELINES=BROKEN_PIPELINE)
    assert night.returncode == 1
    assert "simulated_portal: did not run: ModuleNotFoundError" in night.stderr
    assert "Traceback" not in night.stderr
    assert night.run["status"] == "failed"
    assert night.run["finish_reason"] == "failed_to_start"
    assert [flag["flag"] for flag in night.run["flags"]] == ["failed_to_start"]
    assert nights.reports() == {}


def test_a_healthy_night_still_exits_zero(nights: Nights) -> None:
    night = nights.crawl()
    assert night.returncode == 0, night.stderr[-2000:]
    assert night.run["status"] == "finished"
    assert nights.reports()
