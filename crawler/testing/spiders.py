"""The spider of :mod:`nianbao.crawler.testing.portal`: an ordinary link-list column.

Load it with ``-s SPIDER_MODULES=nianbao.crawler.testing.spiders`` and give the portal's root
URL: ``nianbao crawl simulated_portal -a portal_url=http://127.0.0.1:PORT``.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

from nianbao.crawler.spiders.base.link_list import LinkListSpider
from nianbao.crawler.testing.portal import COLUMN


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
