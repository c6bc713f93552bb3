"""Scrapy's requests and responses as cassette :class:`Interaction` s, and back.

What is kept is a policy of its own: request headers that change a server's answer and never
carry secrets, response headers that do not change on every fetch, a Content-Length that
matches the (already decompressed) body. Kept apart from the middleware's record/replay
logic, so that the policy is read, and tested, in one place.
"""

from __future__ import annotations

from urllib.parse import urldefrag

from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

from .cassette_yaml import Interaction, header_bytes, header_lists, header_text, reason_phrase

#: Request headers worth keeping: they change what a server answers and never carry secrets.
#: Everything else (Cookie, Authorization, User-Agent with its contact URL, Referer, which
#: depends on crawl order) is left out so cassettes are safe to commit and stable.
KEPT_REQUEST_HEADERS = frozenset({"accept", "accept-language", "content-type", "x-requested-with"})

#: Response headers left out of recordings: Set-Cookie may hold a session, and the others
#: change on every fetch, so keeping them would make re-recording an unchanged site produce
#: a different file.
DROPPED_RESPONSE_HEADERS = frozenset({"set-cookie", "date", "age", "expires"})


def _request_headers(request: Request) -> dict[str, str]:
    kept: dict[str, str] = {}
    for name, values in request.headers.items():
        text_name = header_text(name)
        if text_name.lower() in KEPT_REQUEST_HEADERS and values:
            kept[text_name] = header_text(values[-1])
    return kept


def _response_headers(response: Response) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, values in response.headers.items():
        text_name = header_text(name)
        if text_name.lower() not in DROPPED_RESPONSE_HEADERS:
            headers[text_name] = [header_text(value) for value in values]
    # HttpCompressionMiddleware has already decoded the body by the time this middleware
    # sees it; a stale Content-Length would make vcrpy's http.client playback truncate it.
    for name in headers:
        if name.lower() == "content-length":
            headers[name] = [str(len(response.body))]
    return headers


def interaction_from_scrapy(request: Request, response: Response) -> Interaction:
    """Capture a downloaded response the way it will be saved."""
    return Interaction(
        method=request.method,
        url=urldefrag(request.url).url,
        status=response.status,
        headers=_response_headers(response),
        body=response.body,
        request_body=request.body,
        request_headers=_request_headers(request),
        reason=reason_phrase(response.status),
    )


def response_from_interaction(interaction: Interaction, request: Request) -> Response:
    """Rebuild the Scrapy response, with the class Scrapy's downloader would have chosen."""
    headers = Headers(
        {
            name: [header_bytes(value) for value in values]
            for name, values in header_lists(interaction.headers).items()
        }
    )
    response_class = responsetypes.from_args(
        headers=headers, url=request.url, body=interaction.body
    )
    return response_class(
        url=request.url,
        status=interaction.status,
        headers=headers,
        body=interaction.body,
        flags=["cassette"],
        request=request,
    )


def synthetic_robots_response(request: Request) -> Response:
    """An empty 404 for a robots.txt never recorded: RobotsTxtMiddleware then allows all."""
    headers = Headers({"Content-Type": "text/plain"})
    response_class = responsetypes.from_args(headers=headers, url=request.url, body=b"")
    return response_class(
        url=request.url,
        status=404,
        headers=headers,
        body=b"",
        flags=["cassette", "synthesized"],
        request=request,
    )
