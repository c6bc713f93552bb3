"""Cassette files: :class:`Interaction` and its vcrpy YAML form, read and written.

Files are read and written only through vcrpy's own persister and serializer, so a cassette
this project writes also plays back under plain ``vcr.use_cassette``, and one recorded by
plain vcrpy (through requests or urllib) is read here. Nothing in this module knows Scrapy:
scripts that build cassettes from saved pages, and checks that read them, use it alone.
"""

from __future__ import annotations

import http
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from vcr.persisters.filesystem import CassetteNotFoundError, FilesystemPersister
from vcr.request import Request as VcrRequest
from vcr.serializers import yamlserializer

from .cassette_match import MatchKey, match_key

HeaderValues = str | bytes | Sequence[str | bytes]


@dataclass(frozen=True)
class Interaction:
    """One request and the response it received, independent of Scrapy and vcrpy.

    It exists so scripts can build cassettes (for instance from saved HTML pages) without
    knowing vcrpy's dict layout. ``headers`` are the response headers; a ``str`` value is a
    single value, a list holds repeated headers. Header values round-trip as latin-1, as
    http.client reads them, so raw GBK bytes in e.g. Content-Disposition survive unchanged.
    """

    method: str
    url: str
    status: int
    headers: Mapping[str, HeaderValues] = field(default_factory=dict)
    body: bytes = b""
    request_body: bytes = b""
    request_headers: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""

    @property
    def key(self) -> MatchKey:
        """What a request must share with this interaction to be answered by it."""
        return match_key(self.method, self.url, self.request_body)


# --- Header values -------------------------------------------------------------------------


def header_text(value: str | bytes) -> str:
    """Store header bytes as latin-1 text: lossless for any byte, and what vcrpy sees."""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def header_bytes(value: str) -> bytes:
    """Undo :func:`header_text`; hand-written non-latin-1 text is sent as UTF-8."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def header_lists(headers: Mapping[str, HeaderValues]) -> dict[str, list[str]]:
    """Every header as a list of latin-1 texts (a single value becomes a list of one)."""
    result: dict[str, list[str]] = {}
    for name, values in headers.items():
        listed = [values] if isinstance(values, str | bytes) else list(values)
        result[header_text(name)] = [header_text(value) for value in listed]
    return result


def reason_phrase(status: int) -> str:
    """The standard reason phrase of ``status`` (``""`` for a code http does not know)."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


# --- vcrpy's dicts -------------------------------------------------------------------------


def _to_vcr(interaction: Interaction) -> tuple[VcrRequest, dict[str, Any]]:
    """Build the (request, response) pair exactly as vcrpy's own stubs record them."""
    request = VcrRequest(
        method=interaction.method.upper(),
        uri=urldefrag(interaction.url).url,
        body=interaction.request_body or None,
        headers=dict(interaction.request_headers),
    )
    response = {
        "status": {
            "code": interaction.status,
            "message": interaction.reason or reason_phrase(interaction.status),
        },
        "headers": header_lists(interaction.headers),
        "body": {"string": interaction.body},
    }
    return request, response


def _from_vcr(request: VcrRequest, response: Mapping[str, Any]) -> Interaction:
    """Read a vcrpy pair, also those recorded by plain vcrpy through requests or urllib."""
    status = response.get("status") or {}
    body = (response.get("body") or {}).get("string") or b""
    # body_bytes (vcrpy >= 9) unwraps bodies that were recorded from files or iterators.
    request_body = getattr(request, "body_bytes", request.body) or b""
    return Interaction(
        method=request.method.upper(),
        url=request.uri,
        status=int(status.get("code", 200)),
        headers=header_lists(response.get("headers") or {}),
        body=body.encode("utf-8") if isinstance(body, str) else bytes(body),
        request_body=request_body.encode("utf-8")
        if isinstance(request_body, str)
        else bytes(request_body),
        request_headers={name: str(value) for name, value in request.headers.items()},
        reason=str(status.get("message", "")),
    )


# --- Files ---------------------------------------------------------------------------------


def cassette_filename(url: str) -> str:
    """Name of the file recordings for this URL go to: one file per host keeps diffs small."""
    host = (urlsplit(url).hostname or "").lower()
    return (re.sub(r"[^a-z0-9._-]", "_", host) or "_") + ".yaml"


def cassette_files(folder: Path) -> list[Path]:
    """The ``*.yaml`` files of a spider's folder, in name order (none for a missing folder)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.yaml") if path.is_file())


def load_cassette(path: Path) -> list[Interaction]:
    """Read one cassette file through vcrpy, so anything vcrpy recorded is accepted too.

    An empty file counts as an empty cassette, as in vcrpy; a broken one raises.
    """
    try:
        requests, responses, *_metadata = FilesystemPersister.load_cassette(
            path, serializer=yamlserializer
        )
    except CassetteNotFoundError:
        return []
    return [
        _from_vcr(request, response) for request, response in zip(requests, responses, strict=True)
    ]


def load_interactions(folder: Path) -> list[Interaction]:
    """Everything a spider's folder would replay, for checks and tools outside a crawl.

    ``nianbao`` keeps one folder per spider holding several files (one per host, or per
    column when built by hand); this reads all ``*.yaml`` files in name order. A missing
    folder holds nothing.
    """
    interactions: list[Interaction] = []
    for path in cassette_files(Path(folder)):
        interactions.extend(load_cassette(path))
    return interactions


def write_cassette(path: Path, interactions: Iterable[Interaction]) -> None:
    """Write a cassette that both this middleware and plain vcrpy can play back.

    Interactions are sorted by URL, method and request body (keeping the given order of
    repeats), and vcrpy's YAML serializer sorts keys, so the same interactions always give
    the same file: re-recording an unchanged site leaves ``git diff`` empty. The file is
    replaced atomically so an interrupted crawl never leaves half a cassette behind.
    """
    path = Path(path)
    ordered = sorted(interactions, key=_sort_key)
    pairs = [_to_vcr(interaction) for interaction in ordered]
    cassette = {
        "requests": [request for request, _ in pairs],
        "responses": [response for _, response in pairs],
    }
    temporary = path.with_name(f".{path.name}.tmp")
    FilesystemPersister.save_cassette(temporary, cassette, serializer=yamlserializer)
    os.replace(temporary, path)


def _sort_key(interaction: Interaction) -> tuple[str, str, bytes]:
    method, url, body = interaction.key
    return (url, method, body)
