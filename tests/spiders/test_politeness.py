"""Politeness by default: throttled, 1–2 requests per domain, retries that back off, an honest
User-Agent, robots.txt obeyed, and GBK pages read right when nothing declares their charset.

The crawl tests run portal spiders unchanged against a local simulator (tests/spiders/
simulator.py) with the project's default settings, politeness delays aside.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from simulator import Portal, serving
from spider_runs import Replay, run_crawls
from twisted.internet import task

from nianbao.crawler.commands.settings import build_settings
from nianbao.crawler.middlewares.cassette_yaml import Interaction, load_interactions
from nianbao.crawler.middlewares.retry import BackoffRetryMiddleware

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
LUDING = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/"
LUDING_REPORT = LUDING + "article/633321"
LEIYANG = "http://www.leiyang.gov.cn/xxgk/bmxxgkml/gxzjdbsc/"
LEIYANG_REPORT = LEIYANG + "msz/xxgkndbg/20200214/i1180025.html"


def test_defaults_are_polite() -> None:
    settings = build_settings()
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert 1 <= settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings.getbool("ROBOTSTXT_OBEY")
    agent = settings.get("USER_AGENT")
    assert agent.startswith("nianbao/") and settings.get("NIANBAO_CONTACT_URL") in agent
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert "nianbao.crawler.middlewares.retry.BackoffRetryMiddleware" in middlewares
    assert settings.getfloat("NIANBAO_RETRY_BACKOFF_BASE") > 0
    assert {500, 502, 503, 504, 408, 429} <= set(settings.getlist("RETRY_HTTP_CODES"))


def _middleware(**settings: Any) -> tuple[BackoffRetryMiddleware, task.Clock]:
    crawler = get_crawler(Spider, {"RETRY_TIMES": 3, **settings})
    crawler.spider = crawler._create_spider("probe")
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    clock = task.Clock()
    middleware.clock = clock
    return middleware, clock


def test_retries_wait_longer_each_time() -> None:
    middleware, clock = _middleware(NIANBAO_RETRY_BACKOFF_BASE=2.0, NIANBAO_RETRY_BACKOFF_MAX=5.0)
    request = Request("http://www.luding.gov.cn/")
    waits = []
    for _ in range(3):
        response = HtmlResponse(request.url, status=503, request=request)
        deferred = middleware.process_response(request, response)
        fired: list[Request] = []
        deferred.addCallback(fired.append)
        start = clock.seconds()
        while not fired:
            clock.advance(0.5)
        waits.append(clock.seconds() - start)
        request = fired[0]
    assert waits == [2.0, 4.0, 5.0]  # 2, 4, then 8 capped at 5
    assert request.meta["retry_times"] == 3
    # The fourth 503 is not retried (RETRY_TIMES): the response goes through at once.
    last = HtmlResponse(request.url, status=503, request=request)
    assert middleware.process_response(request, last) is last


def test_timeouts_back_off_too_and_zero_turns_it_off() -> None:
    from twisted.internet.error import TimeoutError as TwistedTimeout

    middleware, clock = _middleware(NIANBAO_RETRY_BACKOFF_BASE=1.5)
    deferred = middleware.process_exception(Request("http://x.gov.cn/"), TwistedTimeout())
    fired: list[Request] = []
    deferred.addCallback(fired.append)
    clock.advance(1.4)
    assert fired == []
    clock.advance(0.2)
    assert fired and fired[0].meta["retry_times"] == 1
    immediate, _ = _middleware(NIANBAO_RETRY_BACKOFF_BASE=0)
    retried = immediate.process_exception(Request("http://x.gov.cn/"), TwistedTimeout())
    assert isinstance(retried, Request)


# --- Crawls through the simulator ------------------------------------------------------------


def _gbk_copy(interaction: Interaction) -> Interaction:
    """The page as an old portal serves it: GBK bytes, no charset anywhere."""
    text = interaction.body.decode("utf-8").replace('<meta charset="utf-8">', "")
    assert "charset" not in text
    return Interaction(
        "GET", interaction.url, 200, {"Content-Type": "text/html"}, text.encode("gbk")
    )


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Replay], Portal]:
    portal = Portal()
    for interaction in load_interactions(CASSETTES / "sichuan_luding"):
        portal.add(interaction)
    portal.text(
        "http://www.luding.gov.cn/robots.txt",
        "User-agent: *\nDisallow: /ldxrmzf2024zfnbzf/article/\n",
        "text/plain",
    )
    for interaction in load_interactions(CASSETTES / "hunan_leiyang"):
        portal.add(_gbk_copy(interaction))
    jobs = [
        {"key": "robots", "spider": "sichuan_luding"},
        {"key": "gbk", "spider": "hunan_leiyang"},
    ]
    off = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}
    with serving(portal) as proxy:
        runs = run_crawls(
            tmp_path_factory.mktemp("polite"), jobs, settings=off, env={"http_proxy": proxy}
        )
    return runs, portal


def test_robots_txt_is_obeyed(crawls: Any) -> None:
    runs, portal = crawls
    run = runs["robots"]
    assert run.items == []
    assert run.stat("robotstxt/forbidden") == 1
    assert ("GET", LUDING) in portal.seen
    assert ("GET", LUDING_REPORT) not in portal.seen  # asked of nobody: robots.txt forbids it


def test_undeclared_gbk_pages_are_read_right(crawls: Any) -> None:
    runs, _ = crawls
    run = runs["gbk"]
    assert run.reports() == [(LEIYANG_REPORT, "马水镇", 2019)]
    assert run.items[0]["title"] == "马水镇2019年政府信息公开年度报告"
    assert run.stat("nianbao/fault/undeclared_charset") == 4  # county, town, column, report


def test_user_agent_names_the_project_and_a_contact(crawls: Any) -> None:
    _, portal = crawls
    contact = build_settings().get("NIANBAO_CONTACT_URL")
    assert portal.user_agents and all(
        agent.startswith("nianbao/") and contact in agent for agent in portal.user_agents
    )
