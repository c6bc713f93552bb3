"""The spider of :mod:`support.portal`: an ordinary link-list column.

Load it with ``-s SPIDER_MODULES=support.spiders`` and give the portal's root
URL: ``nianbao crawl simulated_portal -a portal_url=http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from nianbao.crawler.spiders.base.link_list import LinkListSpider
from support.portal import COLUMN


class SimulatedPortalSpider(LinkListSpider):
    name = "simulated_portal"
    portal = "模拟政府门户"
    include_in_all: ClassVar[bool] = False
    #: The simulated portal lives on 127.0.0.1, which live crawls refuse.
    custom_settings: ClassVar[dict[str, Any]] = {"NIANBAO_ALLOW_PRIVATE_ADDRESSES": True}

    def __init__(self, portal_url: str = "", *args: Any, **kwargs: Any) -> None:
        if not portal_url:
            raise ValueError("simulated_portal needs -a portal_url=http://127.0.0.1:PORT")
        self.start_urls = [portal_url.rstrip("/") + COLUMN]
        self.allowed_domains = [urlsplit(portal_url).hostname or "127.0.0.1"]
        super().__init__(*args, **kwargs)


#: Settings of a crawl of the simulated portal: its spider, no politeness delay (the portal is
#: local), short timeouts, quick retries, and a 1 MB page cap for the ``gigantic`` fault.
SETTINGS: dict[str, str] = {
    "SPIDER_MODULES": "support.spiders",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "DOWNLOAD_TIMEOUT": "3",
    "NIANBAO_RETRY_BACKOFF_BASE": "0",
    "NIANBAO_PAGE_MAXSIZE": str(1024 * 1024),
}


def crawl_command(
    portal_url: str, db_url: str, tmp: Path, *extra: str, **settings: str
) -> list[str]:
    """``nianbao crawl simulated_portal`` of the portal at ``portal_url`` into ``db_url``, with
    :data:`SETTINGS`, its HTTP cache and jobs folder under ``tmp``, then ``settings``. Run it
    with :func:`support.environment` (the spider module is found through ``PYTHONPATH``)."""
    merged = (
        SETTINGS
        | {"HTTPCACHE_DIR": str(tmp / "cache"), "NIANBAO_JOBS_DIR": str(tmp / "jobs")}
        | settings
    )
    args = [sys.executable, "-m", "nianbao.crawler", "crawl", "simulated_portal"]
    args += ["-a", f"portal_url={portal_url}", "--db", db_url, *extra]
    for name, value in merged.items():
        args += ["-s", f"{name}={value}"]
    return args
