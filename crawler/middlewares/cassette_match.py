"""When a recorded interaction answers a request: the match key of the cassette middleware.

Replay must not miss over spelling (host case, a default port, query order, percent-encoding,
a fragment), yet a search form that posts its query in the body must not be answered with
another query's results. The key is kept apart from the middleware and the file format so
that tools and tests comparing traffic to recordings (``tests/simulator.py``) ask exactly the
question replay asks.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Methods whose body identifies the request (a search form posts its query in the body).
_BODYLESS_METHODS = frozenset({"GET", "HEAD"})

MatchKey = tuple[str, str, bytes]


def normalize_url(url: str) -> str:
    """Spell a URL one way so that cosmetic differences do not cause replay misses.

    Scheme and host case, the default port, query argument order, percent-encoding
    variants and the fragment (never sent to the server) are all ignored, as in Scrapy's
    request fingerprints.
    """
    canonical = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(canonical)
    netloc = parts.netloc
    if parts.port is not None and _DEFAULT_PORTS.get(parts.scheme) == parts.port:
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def match_key(method: str, url: str, body: bytes | None = b"") -> MatchKey:
    """Identify a request: method and normalised URL, plus the body unless GET or HEAD."""
    method = method.upper()
    kept_body = b"" if method in _BODYLESS_METHODS else (body or b"")
    return (method, normalize_url(url), kept_body)
