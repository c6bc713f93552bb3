"""A portal's cassette description (``portals.toml``) read together with its registry row.

The registry (``crawler/portals.csv``) states the portal once: its title (the site name on every
page), family (which builder arranges the pages), domains and column URL. The description adds
only what the cassette needs beyond that: which material file, where its first lines go
(``head``), the breadcrumb, the list date and how the list links the report, any URL the
material gives that the registry does not, and the PROVENANCE.md prose. Strings may name facts
as ``{home}``, ``{column}``, ``{column_folder}``, ``{article}``, ``{title}``, ``{title_md5}``,
``{source}`` or any string key above them in the description, so that a URL is written once
and the prose quotes it.

Why TOML: the descriptions are data, not code (no logic can creep in beside the facts); the
prose reads as prose, one bullet a string; the standard library reads it (``tomllib``).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from nianbao.crawler.spiders.registry import DEFAULT, PortalRow, read_rows

from .chrome import Link, ListItem, Site, breadcrumb, esc
from .material import CorpusText, markdown_body, paragraphs, text_lines

DESCRIPTIONS = Path(__file__).with_name("portals.toml")
#: The keys a description may have (a misspelt one is refused, not silently ignored).
KEYS = frozenset(
    {
        "shape", "home", "text", "seed", "texts", "head", "title", "body", "article", "crumbs",
        "href", "date", "nav", "site_code", "publisher", "jpage", "attachments", "table",
        "saved", "pdf", "file", "shelf", "regulation", "regulation_url", "provenance",
    }
)  # fmt: skip

#: Roles of a text's first lines (``head``) that are printed where the family prints them and
#: are not a paragraph of the head: ``title`` (the ``<h1>``; consecutive lines make one title),
#: ``""`` (a blank line, dropped), ``crumbs`` (the breadcrumb), ``search`` (a search box),
#: ``table`` (the 索引号 table). Any other role ``X`` is a ``<p class="X">`` of the head.
SPECIAL_ROLES = frozenset({"title", "", "crumbs", "search", "table"})


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def title_line(text: str) -> str:
    return f"<h1>{esc(text.strip())}</h1>"


def md5_name(title: str) -> str:
    """A stand-in document id for a page whose real URL is not known: the MD5 of its title."""
    return hashlib.md5(title.encode("utf-8")).hexdigest()


def _origin(url: str) -> str:
    return re.match(r"^https?://[^/]+/", url + "/").group(0)  # type: ignore[union-attr]


@dataclass(frozen=True)
class Head:
    """A report text placed by its description's ``head``: each role's lines, and the body."""

    title: str
    html: list[str]
    body: list[str]
    lines: dict[str, list[str]]

    def crumb_label_and_names(self) -> tuple[str, list[str]]:
        """The breadcrumb lines as printed: the label up to the colon, and the names."""
        printed = " ".join(self.lines["crumbs"]).strip()
        match = re.match(r"^(.*?[:：]\s*)(.*)$", printed)
        if not match:
            raise ValueError(f"no breadcrumb label in {printed!r}")
        names = [part.strip() for part in match.group(2).split(">") if part.strip()]
        return match.group(1), names


class Portal:
    """One portal's description, its registry row and the shared material, as the builders
    read them. Every value is formatted with the portal's facts (see the module docstring)."""

    def __init__(self, name: str, row: PortalRow, data: dict[str, Any], shared: Path) -> None:
        self.name = name
        self.row = row
        self.data = data
        self.shared = shared
        self.family: str = data.get("shape", row.family)
        self.column = row.column_urls[0]
        self.home = data.get("home", _origin(self.column))

    # --- Facts ------------------------------------------------------------------------------

    @cached_property
    def facts(self) -> dict[str, str]:
        facts = {"home": self.home, "column": self.column}
        facts["column_folder"] = self.column.rsplit("/", 1)[0] + "/"
        if self.text is not None and "source_url" in self.text.fields:
            facts["source"] = (
                f"`corpus/texts/{self.data['text']}` (source URL in its header: "
                f"`{self.text.fields['source_url']}`)"
            )
        facts["title"] = self.title
        facts["title_md5"] = md5_name(self.title)
        for key, value in self.data.items():  # in order: a string may use the ones above it
            if isinstance(value, str) and key != "title":
                facts[key] = value.format_map(facts)
        facts["article"] = self.article_url(facts)
        return facts

    def get(self, key: str, default: Any = None) -> Any:
        """The description's value for ``key``, its strings formatted with the facts."""
        return self.fill(self.data.get(key, default))

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.format_map(self.facts)
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        return value

    def article_url(self, facts: dict[str, str]) -> str:
        """The report page's URL: the description's ``article``, else the text's source URL."""
        if "article" in facts:
            return facts["article"]
        return self.text.fields["source_url"] if self.text else ""

    @property
    def article(self) -> str:
        return self.facts["article"]

    @cached_property
    def site(self) -> Site:
        nav = tuple(self.links("nav"))
        return Site(
            self.name,
            self.home,
            self.row.portal,
            self.get("publisher", ""),
            self.get("site_code", ""),
            nav,
        )

    def links(self, key: str) -> list[Link]:
        """A list of links of the description, each written ``"name href"``."""
        return [tuple(link.rsplit(" ", 1)) for link in self.get(key, [])]  # type: ignore[misc]

    @cached_property
    def crumbs(self) -> list[Link]:
        return self.links("crumbs")

    # --- The material -----------------------------------------------------------------------

    @cached_property
    def text(self) -> CorpusText | None:
        if "text" not in self.data:
            return None
        return CorpusText.read(self.shared / "corpus" / "texts" / self.data["text"])

    @cached_property
    def lines(self) -> list[str]:
        if self.text is not None:
            return self.text.lines
        if "seed" in self.data:
            return text_lines(self.shared / self.data["seed"])
        return []  # a portal of several texts (flip-book pages) reads them itself

    @cached_property
    def head(self) -> Head:
        """The text's first lines by their roles in ``head``; the rest is the body."""
        roles: list[str] = self.data.get("head", [])
        by_role: dict[str, list[str]] = {}
        html: list[str] = []
        for role, line in zip(roles, self.lines, strict=False):
            by_role.setdefault(role, []).append(line)
            if role == "":
                assert not line.strip(), f"{self.name}: {line!r} is not blank"
            elif role in ("title", "table"):
                if f"<{role}>" not in html:
                    html.append(f"<{role}>")  # the family fills it in (one for all its lines)
            elif role not in SPECIAL_ROLES:
                html.append(f'<p class="{role}">{esc(line.strip())}</p>')
        title_lines = [line.strip() for line in by_role.get("title", [])]
        title = title_lines[0] if len(title_lines) == 1 else "".join(title_lines).replace(" ", "")
        if "title" in self.data:
            expected = self.data["title"]
            assert title in ("", expected), f"{self.name}: title {title!r}, not {expected!r}"
            if not title and self.text:  # a corpus text that does not print its title as
                where = self.text.fields.get("source_url", "")  # a line of its own names it
                printed = "".join(self.lines).replace(" ", "")
                assert expected in where or expected in printed, f"{self.name}: {expected!r}"
            title = expected
        if "<title>" not in html:
            html.insert(0, "<title>")
        html = [title_line(title) if part == "<title>" else part for part in html]
        return Head(title, html, self.lines[len(roles) :], by_role)

    @property
    def title(self) -> str:
        return self.head.title

    def item(self, date: str = "") -> ListItem:
        """The report's row in its column list: the description's ``href`` (default: the
        report's path) and ``date`` (default: ``date``, one the family reads off the page)."""
        return ListItem(
            self.title, self.get("href") or path_of(self.article), self.get("date", date)
        )

    def column_levels(self) -> list[tuple[int, Link]]:
        """The list pages to build: the registry's column and every crumb below it, each with
        its position in the breadcrumb (a level lists the next one, the last the report)."""
        first = next(n for n, (_, href) in enumerate(self.crumbs) if href == self.column)
        return list(enumerate(self.crumbs))[first:]

    def level_lists(self, level: int) -> tuple[list[ListItem], list[Link]]:
        """What the list page of crumb ``level`` lists: the next level, or (the last) the report."""
        if level == len(self.crumbs) - 1:
            return [self.item()], []
        return [], [self.crumbs[level + 1]]

    def crumbs_html(self) -> str:
        """The report page's breadcrumb: as the text prints it when ``head`` has it (the label
        and the names, checked against ``crumbs``), else the column's."""
        if "crumbs" not in self.head.lines:
            return breadcrumb(self.crumbs)
        label, names = self.head.crumb_label_and_names()
        assert names == [name for name, _ in self.crumbs], f"{self.name}: breadcrumb {names}"
        return breadcrumb(self.crumbs, label=label)

    def body_html(self, lines: list[str] | None = None) -> str:
        """The article body: the whole text as Markdown (``body = "markdown"``, a
        transcription), else one paragraph per line of the body."""
        if self.data.get("body") == "markdown":
            return markdown_body(self.lines)
        return paragraphs(self.head.body if lines is None else lines)

    def read_bytes(self, key: str) -> bytes:
        return (self.shared / self.data[key]).read_bytes()


def load(shared: Path, path: Path = DESCRIPTIONS) -> dict[str, Portal]:
    """Every described portal, in the order of the descriptions file."""
    rows = {row.name: row for row in read_rows(DEFAULT)}
    with path.open("rb") as handle:
        described = tomllib.load(handle)
    unknown = sorted(set(described) - set(rows))
    if unknown:
        raise ValueError(f"{path.name}: not in the portal registry: {', '.join(unknown)}")
    for name, data in described.items():
        if set(data) - KEYS:
            raise ValueError(f"{path.name} [{name}]: unknown {', '.join(sorted(set(data) - KEYS))}")
    return {name: Portal(name, rows[name], data, shared) for name, data in described.items()}
