"""The portal registry: one row of ``crawler/portals.csv`` per portal, each row a real spider.

A portal that is pure facts (name, portal title, family, allowed domains, column URLs, a few
knobs) needs no module: :class:`RegistrySpiderLoader` (``SPIDER_LOADER_CLASS``) builds a spider
class for every row on its family's base, beside the module spiders of ``SPIDER_MODULES``, so
``scrapy list``/``scrapy crawl NAME``, ``nianbao list``/``nianbao crawl NAME``, cassettes
(``cassettes/<name>/``) and replay tests treat it exactly as a module spider. Portals that need
hooks (``keep_link``, ``post_process`` …) keep a module of their own.

Why CSV rather than YAML: one line per portal, so a diff, a merge and ``grep`` show one portal
each; it opens in a spreadsheet for the people who know the portals; the standard library
reads it; and the rows are flat (lists are space-separated, knobs ``key=value;key=value``).

Which registries: ``NIANBAO_REGISTRY`` (setting or environment variable), a comma-separated
list of CSV files, ``default`` standing for the shipped ``crawler/portals.csv`` (the default);
``NIANBAO_REGISTRY=default,/data/county-portals.csv`` adds a file of generated rows, ``""``
loads none. Names must be unique over all of them and the module spiders.

Every row is checked when the loader starts; a bad row is refused with its line number and
the reason (:class:`RegistryError`), never skipped: an unknown family, a malformed URL, a
column URL outside the row's allowed domains, a duplicate name (among the rows or against a
module spider), an unknown knob.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
import ipaddress
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final
from urllib.parse import urlsplit

from scrapy import Spider
from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoader

from nianbao.crawler.spiders.base.annual_report import AnnualReportSpider
from nianbao.crawler.spiders.base.families import FAMILY_BASES

#: The name ``NIANBAO_REGISTRY`` gives the registry shipped in the package. Read as a package
#: resource, not by path: a scrapyd egg is a zip file.
DEFAULT: Final[str] = "default"
DEFAULT_REGISTRY: Final[str] = "portals.csv"
#: Columns of the file, in order; ``knobs`` and ``description`` may be empty.
COLUMNS: Final[tuple[str, ...]] = (
    "name",
    "portal",
    "family",
    "allowed_domains",
    "column_urls",
    "knobs",
    "description",
)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
#: Facts every row sets through its own column, never as a knob.
_FACTS: Final[frozenset[str]] = frozenset(
    {"name", "portal", "family", "allowed_domains", "column_urls", "start_urls"}
)


class RegistryError(ValueError):
    """A registry row that cannot be a spider: ``path line N (name): reason``."""


@dataclass(frozen=True)
class PortalRow:
    """One portal as the registry states it (already checked)."""

    line: int
    name: str
    portal: str
    family: str
    allowed_domains: tuple[str, ...]
    column_urls: tuple[str, ...]
    knobs: dict[str, str] = field(default_factory=dict)
    description: str = ""

    def as_csv(self) -> dict[str, str]:
        """The row as :func:`write_rows` writes it."""
        return {
            "name": self.name,
            "portal": self.portal,
            "family": self.family,
            "allowed_domains": " ".join(self.allowed_domains),
            "column_urls": " ".join(self.column_urls),
            "knobs": ";".join(f"{key}={value}" for key, value in self.knobs.items()),
            "description": self.description,
        }


def host_is_covered(host: str, domains: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or below one (Scrapy's offsite rule, no port)."""
    host = host.lower()
    return any(host == domain or host.endswith(f".{domain}") for domain in domains)


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be a column URL, or None when it is a plain http(s) URL."""
    if not url or any(ch.isspace() for ch in url):
        return f"malformed URL {url!r}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return f"malformed URL {url!r}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"malformed URL {url!r} (needs http:// or https:// and a host)"
    host = parts.hostname
    if not (_DOMAIN.match(host) or _is_ip(host)):
        return f"malformed URL {url!r} (host {host!r})"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _knob_value(base: type[AnnualReportSpider], key: str, raw: str) -> Any:
    """A knob's text converted to the type of the base's default (int, float, bool, regex)."""
    default = getattr(base, key)
    if isinstance(default, bool):
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(f"knob {key}={raw!r} must be true or false")
        return raw.lower() in ("true", "1")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, re.Pattern) or key.endswith("_re"):
        return re.compile(raw)
    if isinstance(default, tuple | list):
        return tuple(raw.split())
    return raw


def parse_knobs(base: type[AnnualReportSpider], text: str) -> dict[str, Any]:
    """``key=value;key=value`` → attributes of the spider class; unknown keys are refused."""
    knobs: dict[str, Any] = {}
    for piece in (part.strip() for part in text.split(";")):
        if not piece:
            continue
        key, sep, raw = piece.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"knob {piece!r} must be key=value")
        if key in _FACTS:
            raise ValueError(f"{key} is a column of its own, not a knob")
        if (
            key.startswith("_")
            or not hasattr(base, key)
            or hasattr(Spider, key)  # Scrapy's own attributes (custom_settings …) are not knobs
            or callable(getattr(base, key))
        ):
            raise ValueError(f"unknown knob {key!r} for family {base.family}")
        try:
            knobs[key] = _knob_value(base, key, raw.strip())
        except (ValueError, re.error) as exc:
            raise ValueError(f"knob {key}: {exc}") from None
    return knobs


def check_row(line: int, raw: dict[str, str | None]) -> PortalRow:
    """One CSV record as a :class:`PortalRow`, or :class:`ValueError` saying what is wrong."""
    values = {key: (raw.get(key) or "").strip() for key in COLUMNS}
    for key in ("name", "portal", "family", "allowed_domains", "column_urls"):
        if not values[key]:
            raise ValueError(f"{key} is empty")
    name = values["name"]
    if not _NAME.match(name):
        raise ValueError(f"name {name!r} must be lower-case letters, digits and _")
    family = values["family"]
    if family not in FAMILY_BASES:
        raise ValueError(f"unknown family {family!r} (one of {', '.join(FAMILY_BASES)})")
    domains = tuple(domain.lower() for domain in values["allowed_domains"].split())
    for domain in domains:
        if not (_DOMAIN.match(domain) or _is_ip(domain)):
            raise ValueError(f"malformed domain {domain!r}")
    urls = tuple(values["column_urls"].split())
    for url in urls:
        problem = check_url(url)
        if problem:
            raise ValueError(problem)
        if not host_is_covered(urlsplit(url).hostname or "", domains):
            raise ValueError(f"column URL {url} is outside allowed_domains {' '.join(domains)}")
    knobs_text = values["knobs"]
    parse_knobs(FAMILY_BASES[family], knobs_text)  # refuses bad knobs now, not at crawl time
    knobs = dict(
        (key.strip(), value.strip())
        for key, _, value in (p.partition("=") for p in knobs_text.split(";") if p.strip())
    )
    return PortalRow(
        line, name, values["portal"], family, domains, urls, knobs, values["description"]
    )


def open_registry(source: str | Path) -> AbstractContextManager[IO[str]]:
    """The registry file ``source`` names (:data:`DEFAULT`: the one in the package)."""
    if str(source) == DEFAULT:
        resource = importlib.resources.files("nianbao.crawler").joinpath(DEFAULT_REGISTRY)
        return resource.open(encoding="utf-8", newline="")
    return Path(source).open(encoding="utf-8", newline="")


def read_rows(
    path: str | Path, taken: Iterable[str] = (), seen: dict[str, str] | None = None
) -> list[PortalRow]:
    """Every row of the registry at ``path`` (or :data:`DEFAULT`), checked; the first bad row
    raises :class:`RegistryError` with its line number. ``taken``: names of module spiders;
    ``seen``: names already read from other registries (filled in, ``name -> where``)."""
    modules = set(taken)
    rows: list[PortalRow] = []
    seen = {} if seen is None else seen
    where = "crawler/portals.csv" if str(path) == DEFAULT else str(path)
    with open_registry(path) as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS[:5] if c not in (reader.fieldnames or ())]
        if missing:
            raise RegistryError(f"{where}: header lacks {', '.join(missing)}")
        unknown = [c for c in reader.fieldnames or () if c not in COLUMNS]
        if unknown:
            raise RegistryError(f"{where}: unknown column(s) {', '.join(unknown)}")
        for raw in reader:
            line = reader.line_num
            name = (raw.get("name") or "").strip()
            if name.startswith("#"):  # a comment, or a commented-out portal
                continue
            if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
                continue
            try:
                if None in raw:
                    raise ValueError(f"{len(raw[None]) + len(COLUMNS)} fields, not {len(COLUMNS)}")
                row = check_row(line, raw)
                if row.name in seen:
                    raise ValueError(f"duplicate name {row.name!r} ({seen[row.name]})")
                if row.name in modules:
                    raise ValueError(f"duplicate name {row.name!r} (a module spider has it)")
            except ValueError as exc:
                raise RegistryError(f"{where} line {line} ({name or '?'}): {exc}") from None
            seen[row.name] = f"{where} line {line}"
            rows.append(row)
    return rows


def write_rows(rows: Iterable[PortalRow | dict[str, str]], handle: Any, header: bool) -> None:
    """Rows in the registry's CSV layout (the header first when ``header``)."""
    writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    for row in rows:
        writer.writerow(row.as_csv() if isinstance(row, PortalRow) else row)


def append_rows(path: Path, rows: list[dict[str, str]], taken: Iterable[str] = ()) -> None:
    """Append ``rows`` to the registry at ``path`` (created with its header if missing), only
    if the file with them still reads without error (:class:`RegistryError` otherwise, the
    file untouched). ``taken``: names of module spiders."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    out = io.StringIO()
    if text and not text.endswith("\n"):
        out.write("\n")
    write_rows(rows, out, header=not text.strip())
    candidate = text + out.getvalue()
    check = path.with_name(f".{path.name}.check")
    path.parent.mkdir(parents=True, exist_ok=True)
    check.write_text(candidate, encoding="utf-8")
    try:
        read_rows(check, taken=taken)
    except RegistryError as error:
        raise RegistryError(str(error).replace(str(check), str(path))) from None
    finally:
        check.unlink(missing_ok=True)
    path.write_text(candidate, encoding="utf-8")


def class_name(name: str) -> str:
    """``sichuan_luding`` → ``SichuanLudingSpider`` (what the module would have called it)."""
    return "".join(part.title() for part in name.split("_")) + "Spider"


def spider_class(row: PortalRow) -> type[AnnualReportSpider]:
    """The spider class of a registry row: its facts and knobs on its family's base."""
    base = FAMILY_BASES[row.family]
    attributes: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": row.description or f"{row.portal} ({row.family}), from the portal registry.",
        "name": row.name,
        "portal": row.portal,
        "allowed_domains": row.allowed_domains,
        "column_urls": row.column_urls,
        "registry_line": row.line,
    }
    knobs = ";".join(f"{key}={value}" for key, value in row.knobs.items())
    attributes.update(parse_knobs(base, knobs))
    cls = type(class_name(row.name), (base,), attributes)
    cls.__qualname__ = cls.__name__
    return cls


def registry_sources(settings: BaseSettings) -> list[str]:
    """The registries the settings name (``NIANBAO_REGISTRY``, a list; empty for none)."""
    return [str(item).strip() for item in settings.getlist("NIANBAO_REGISTRY") if str(item).strip()]


class RegistrySpiderLoader(SpiderLoader):
    """Scrapy's loader (module spiders of ``SPIDER_MODULES``) plus one spider per registry row."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.rows: list[PortalRow] = []
        seen: dict[str, str] = {}
        for source in registry_sources(settings):
            self.rows += read_rows(source, taken=self._spiders, seen=seen)
        for row in self.rows:
            self._spiders[row.name] = spider_class(row)

    def registry_row(self, name: str) -> PortalRow | None:
        """The registry row a spider comes from (None for a module spider)."""
        return next((row for row in self.rows if row.name == name), None)


# --- Importing registry spiders by name (tests, scripts) -----------------------------------------

_CLASSES: dict[str, type[AnnualReportSpider]] = {}


def default_spiders() -> Iterator[type[AnnualReportSpider]]:
    """The spider class of every row of the shipped registry."""
    if not _CLASSES:
        for row in read_rows(DEFAULT):
            _CLASSES[class_name(row.name)] = spider_class(row)
    yield from _CLASSES.values()


def __getattr__(attribute: str) -> type[Spider]:
    """``from nianbao.crawler.spiders.registry import SichuanLudingSpider``: a row's class.

    Kept out of the module's globals so that Scrapy's module walk does not find each class a
    second time.
    """
    if attribute.endswith("Spider") and not attribute.startswith("_"):
        for cls in default_spiders():
            if cls.__name__ == attribute:
                return cls
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")
