"""The HTTP cache policy of nightly crawls: RFC 2616 caching that always revalidates.

Scrapy's ``RFC2616Policy`` stores list pages with their ``ETag``/``Last-Modified`` and asks the
portal ``If-None-Match``/``If-Modified-Since`` when a stored page is stale; a 304 costs a few
hundred bytes instead of the page. But it also computes a heuristic freshness (10% of the time
since ``Last-Modified``), so a column last changed a year ago would be served from the cache for
five weeks without asking, and a report published tonight would be missed. Here a stored page is
never fresh: every night asks, conditionally. Everything else (what is cacheable, 5xx and
download errors answered with the stored copy) is RFC2616Policy's.

Attachments are not cached here: the files pipeline keeps its own store of them (and they run to
megabytes each); report pages are normally kept out by the seen-set middleware.
"""

from __future__ import annotations

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response

from nianbao.crawler.middlewares.kinds import request_kind


class RevalidatingPolicy(RFC2616Policy):
    def should_cache_request(self, request: Request) -> bool:
        return request_kind(request) != "attachment" and super().should_cache_request(request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False
