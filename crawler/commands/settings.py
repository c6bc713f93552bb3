"""Map command-line options to Scrapy settings, as a pure function that tests can call.

The crawl itself cannot be tested in-process (the Twisted reactor does not restart), so every
decision the options make lives here, where it can.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings

from nianbao.crawler.middlewares.cassette import RECORD_MODES


def build_settings(
    *,
    db: str | None = None,
    replay: bool = False,
    record: str | None = None,
    cassette_dir: str | None = None,
    strict: bool = False,
    log_level: str | None = None,
    full: bool = False,
    jobs_dir: str | None = None,
    redis: str | None = None,
    run_id: str | None = None,
    progress: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Settings:
    """Project settings with the command-line options applied.

    ``replay`` serves every request from the spiders' cassettes and nothing from the network
    (record mode ``none``); ``record`` records in the given vcrpy mode. Politeness settings
    stay on when recording against live portals, and are pointless (so off) in replay.

    Nightly options: ``full`` fetches and parses every report page again (the seen-set is not
    consulted: after a parser upgrade); ``jobs_dir`` is where stopped crawls resume from (""
    turns resuming off); ``redis`` makes this process one worker on a shared scrapy-redis queue
    (``run_id`` names the night the workers share); ``progress`` is the display mode.
    """
    if replay and record:
        raise ValueError("--replay and --record exclude each other")
    if record is not None and record not in RECORD_MODES:
        raise ValueError(f"record mode must be one of {', '.join(RECORD_MODES)}")
    settings = Settings()
    settings.setmodule("nianbao.crawler.settings", priority="project")
    # Options whose value is the setting's, when given.
    given = {
        "NIANBAO_DATABASE_URL": db,
        "CASSETTE_DIR": cassette_dir,
        "LOG_LEVEL": log_level,
        "NIANBAO_REDIS_URL": redis,
        "NIANBAO_RUN_ID": run_id,
        "NIANBAO_PROGRESS": progress,
    }
    overrides: dict[str, Any] = {name: value for name, value in given.items() if value}
    if replay or record:
        overrides["CASSETTE_ENABLED"] = True
        overrides["CASSETTE_RECORD_MODE"] = "none" if replay else record
    if replay:
        # Nothing reaches a server: no delays needed, and nothing to cache.
        overrides.update(
            AUTOTHROTTLE_ENABLED=False, DOWNLOAD_DELAY=0, CONCURRENT_REQUESTS_PER_DOMAIN=8
        )
    if strict:
        overrides["NIANBAO_STRICT"] = True
    if full:
        overrides["NIANBAO_INCREMENTAL"] = False
    if jobs_dir is not None:
        overrides["NIANBAO_JOBS_DIR"] = jobs_dir
    overrides.update(extra or {})
    settings.setdict(overrides, priority="cmdline")
    return settings
