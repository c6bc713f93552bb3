"""``nianbao new-spider NAME URL``: write a portal spider and its test from a 年报 column page.

    nianbao new-spider sichuan_luding http://www.luding.gov.cn/ldxrmzf2024zfnbzf/
    nianbao new-spider hubei_maojian http://maojian.shiyan.gov.cn/xxgk/xxgknb/ --page saved.html
    nianbao new-spider guangdong_x https://x.gov.cn/gkmlpt/index#123 --family gkmlpt

The page (fetched once, politely: robots.txt first, the project's User-Agent; or read from a
saved file with ``--page``) tells the CMS family by its markers (``base/families.py``), the
portal's name (meta ``SiteName``, else the ``<title>``) and, for gkmlpt, the site id and the
年报 category. ``--family`` and ``--portal`` override what the page says. The spider goes to
``crawler/spiders/NAME.py``, its test to ``tests/spiders/test_NAME.py``; the next steps
(record the cassette, fill the test in, commit both) are printed.
"""

from __future__ import annotations

import argparse
import re
import sys
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from scrapy.http import HtmlResponse

from nianbao.crawler.errors import UsageError
from nianbao.crawler.middlewares.encoding import declared_encoding, guess_chinese_encoding
from nianbao.crawler.spiders.base.columns import (
    names_nianbao_column,
    registered_domain,
    site_name,
)
from nianbao.crawler.spiders.base.families import FAMILY_BASES, detect_family
from nianbao.crawler.spiders.base.gkmlpt import GkmlptSpider, tree_categories

from .output import display_width
from .settings import build_settings
from .spider_templates import MAX_TEXT_WIDTH, spider_source, test_source

COMMAND = "new-spider"
ORDER = 40
HELP = "write a portal spider and its test from its 年报 column page"

#: ``<province>_<place>`` in pinyin: lower-case letters, digits after the first letter.
NAME = re.compile(r"[a-z]+(?:_[a-z][a-z0-9]*)+")
#: Longer names would push the written class line and test past the project's line length.
MAX_NAME = 40
REPO = Path(__file__).resolve().parents[2]
FETCH_TIMEOUT = 30.0


class NewSpiderError(Exception):
    """Why a spider could not be written (shown to the user, exit status 1)."""


class UnwritableInput(NewSpiderError, UsageError):
    """A name, URL or portal that cannot go into a spider's source as given (exit status 2)."""


def check_name(name: str) -> None:
    """Refuse a name that is not ``<province>_<place>`` in lower-case pinyin, or too long."""
    if not NAME.fullmatch(name):
        raise UnwritableInput(
            f"{name!r} is not <province>_<place> in lower-case pinyin (e.g. sichuan_luding)"
        )
    if len(name) > MAX_NAME:
        raise UnwritableInput(f"{name!r} is longer than {MAX_NAME} characters")


def check_url(url: str) -> None:
    """An http(s) URL with a host, and nothing a Python string or a URL cannot hold as is."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnwritableInput(f"{url!r} is not an http(s) URL")
    if not url.isprintable() or any(ch in url for ch in ' "\\'):
        raise UnwritableInput(f"{url!r} holds spaces, quotes or backslashes: percent-encode them")


def writable_text(what: str, text: str, hint: str) -> str:
    """``text`` (a portal or authority name) with its whitespace collapsed, if it can be
    written as a plain Python string on one line; else refused, saying what to do."""
    text = " ".join(text.split())
    if (
        not text.isprintable()
        or '"' in text
        or "\\" in text
        or display_width(text) > MAX_TEXT_WIDTH
    ):
        raise UnwritableInput(
            f"{what} {text!r} has quotes, backslashes or control characters, or is wider than "
            f"{MAX_TEXT_WIDTH} columns; {hint}"
        )
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="<province>_<place> in pinyin, e.g. sichuan_luding")
    parser.add_argument("url", help="the portal's 政府信息公开年报 column (gkmlpt: …/index#catId)")
    parser.add_argument("--family", choices=sorted(FAMILY_BASES), help="skip detection")
    parser.add_argument("--page", type=Path, help="a saved copy of the page: nothing is fetched")
    parser.add_argument("--portal", help="the portal's name (default: from the page)")
    parser.add_argument("--authority", help="for reports whose titles name no authority")
    parser.add_argument("--root", type=Path, default=REPO, help="repository to write into")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.add_argument(
        "--registry",
        action="store_true",
        help="a pure-facts portal: append a row to ROOT/crawler/portals.csv, no module",
    )


def run(args: argparse.Namespace) -> int:
    try:
        written = new_spider(
            args.name,
            args.url,
            family=args.family,
            page=args.page,
            portal=args.portal,
            authority=args.authority,
            root=args.root,
            force=args.force,
            registry=args.registry,
        )
    except UnwritableInput:
        raise  # a usage error: one line, exit 2 (crawler/errors.py)
    except NewSpiderError as error:
        print(f"nianbao new-spider: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    print(next_steps(args.name, registry=args.registry))
    return 0


def new_spider(
    name: str,
    url: str,
    *,
    family: str | None = None,
    page: Path | None = None,
    portal: str | None = None,
    authority: str | None = None,
    root: Path = REPO,
    force: bool = False,
    registry: bool = False,
) -> list[Path]:
    """Write the spider (a module, or with ``registry`` a row of crawler/portals.csv) and its
    test; return their paths."""
    check_name(name)
    check_url(url)
    if portal is not None:
        portal = writable_text("--portal", portal, "give a shorter plain name")
    if authority is not None:
        authority = writable_text("--authority", authority, "give a shorter plain name")
    spider_path = root / "crawler" / "spiders" / f"{name}.py"
    test_path = root / "tests" / "spiders" / f"test_{name}.py"
    existing = [path for path in (spider_path, test_path) if path.exists()]
    if existing and not force:
        raise NewSpiderError(f"{existing[0]} exists (use --force to overwrite)")
    html = ""
    if page is not None:
        html = decode_page(url, page.read_bytes(), "")
    elif family is None or portal is None:
        html = fetch(url)
    family = family or detect_family(url, html)
    if portal is None:
        found = portal_name(html) or urlsplit(url).hostname or name
        portal = writable_text("the page's portal name", found, "give --portal NAME")
    column_url, sid = url, None
    if family == "gkmlpt":
        column_url, sid = gkmlpt_column(url, html)
    elif html:
        warn_if_not_a_column(url, html)
    if registry:
        registry_path = root / "crawler" / "portals.csv"
        knobs = {"authority": authority, "sid": sid if family == "gkmlpt" else None}
        row = {
            "name": name,
            "portal": portal,
            "family": family,
            "allowed_domains": registered_domain(url),
            "column_urls": column_url,
            "knobs": ";".join(f"{key}={value}" for key, value in knobs.items() if value),
            "description": f"{portal} ({family}): the 政府信息公开年报 column at {column_url}.",
        }
        modules = {path.stem for path in spider_path.parent.glob("*_*.py")}
        append_row(registry_path, row, taken=modules)
        test_path.parent.mkdir(parents=True, exist_ok=True)
        test_path.write_text(test_source(name=name, portal=portal), encoding="utf-8")
        return [registry_path, test_path]
    source = spider_source(
        name=name,
        family=family,
        portal=portal,
        domain=registered_domain(url),
        column_url=column_url,
        authority=authority,
        sid=sid,
    )
    spider_path.parent.mkdir(parents=True, exist_ok=True)
    test_path.parent.mkdir(parents=True, exist_ok=True)
    spider_path.write_text(source, encoding="utf-8")
    test_path.write_text(test_source(name=name, portal=portal), encoding="utf-8")
    return [spider_path, test_path]


def append_row(path: Path, row: dict[str, str], taken: Iterable[str] = ()) -> None:
    """Append ``row`` to the registry at ``path`` if the whole file still loads (a bad or
    duplicate row is refused, the file untouched)."""
    from nianbao.crawler.spiders.registry import RegistryError, append_rows

    try:
        append_rows(path, [row], taken=taken)
    except RegistryError as error:
        raise NewSpiderError(str(error)) from error


# --- The page ----------------------------------------------------------------------------------


def fetch(url: str) -> str:
    """GET the page once as the crawler would: its User-Agent, robots.txt obeyed."""
    settings = build_settings()
    agent = settings.get("USER_AGENT")
    page = urldefrag(url).url
    robots_url = f"{urlsplit(page).scheme}://{urlsplit(page).netloc}/robots.txt"
    robots = urllib.robotparser.RobotFileParser(robots_url)
    try:
        with _open(robots_url, agent) as answer:
            robots.parse(answer.read().decode("utf-8", "replace").splitlines())
    except urllib.error.HTTPError as error:
        # As Scrapy does: no robots.txt (4xx) allows everything; a server error forbids.
        robots.parse([] if error.code < 500 else ["User-agent: *", "Disallow: /"])
    except (urllib.error.URLError, OSError) as error:
        raise NewSpiderError(f"cannot reach {robots_url}: {error}") from error
    if not robots.can_fetch(agent, page):
        raise NewSpiderError(f"robots.txt of {urlsplit(page).netloc} forbids {page}; use --page")
    try:
        with _open(page, agent) as answer:
            body = answer.read()
            content_type = answer.headers.get("Content-Type", "")
    except (urllib.error.URLError, OSError) as error:
        raise NewSpiderError(f"cannot fetch {page}: {error} (save it and use --page)") from error
    return decode_page(page, body, content_type)


def _open(url: str, agent: str):  # type: ignore[no-untyped-def]
    request = urllib.request.Request(url, headers={"User-Agent": agent})
    return urllib.request.urlopen(request, timeout=FETCH_TIMEOUT)


def decode_page(url: str, body: bytes, content_type: str) -> str:
    """The page as text, decoded as the crawler decodes it (GB18030 when nothing says)."""
    headers = {"Content-Type": content_type} if content_type else {}
    response = HtmlResponse(url=urldefrag(url).url, body=body, headers=headers)
    if not declared_encoding(response):
        encoding = guess_chinese_encoding(body)
        if encoding:
            response = response.replace(encoding=encoding)
    return response.text


def portal_name(html: str) -> str | None:
    """Meta ``SiteName``, else the last part of the ``<title>`` (…_泸定县人民政府)."""
    return site_name(html)


def gkmlpt_column(url: str, html: str) -> tuple[str, str | None]:
    """The gkmlpt column URL with its category (``…/index#catId``) and the site id."""
    page, category = urldefrag(url)
    sid = None
    if html:
        response = HtmlResponse(url=page, body=html.encode("utf-8"), encoding="utf-8")
        sid = GkmlptSpider.page_sid(response)
    if not category:
        found = [cat for cat, name in tree_categories(html) if names_nianbao_column(name)]
        if len(found) != 1:
            raise NewSpiderError(
                "gkmlpt: give the 年报 category in the URL (…/gkmlpt/index#catId); "
                f"the page names {len(found)} 年报 categories"
            )
        category = found[0]
    return f"{page}#{category}", sid


def warn_if_not_a_column(url: str, html: str) -> None:
    """Say so when the page seems to be a home or hub page rather than the 年报 column."""
    response = HtmlResponse(url=url, body=html.encode("utf-8"), encoding="utf-8")
    column = response.css('meta[name="ColumnName"]::attr(content)').get() or ""
    if names_nianbao_column(column, url):
        return
    links = [
        response.urljoin(link.attrib["href"])
        for link in response.css("a[href]")
        if names_nianbao_column(link.attrib.get("title") or "".join(link.css("::text").getall()))
    ]
    if links:
        print(
            f"note: {url} does not look like a 年报 column; it links {links[0]}. "
            "Pass the column's URL if that is the one.",
            file=sys.stderr,
        )


def next_steps(name: str, registry: bool = False) -> str:
    spider = "crawler/portals.csv" if registry else f"crawler/spiders/{name}.py"
    return f"""
Next:
  1. nianbao crawl {name} --record once      # record cassettes/{name}/ from the live portal
  2. git diff --stat cassettes/{name}         # check what was recorded
  3. list the column's reports in tests/spiders/test_{name}.py (EXPECTED), then
     pytest tests/spiders/test_{name}.py tests/test_spider_imports.py
  4. git add -- {spider} tests/spiders/test_{name}.py cassettes/{name}
     git commit -m "Spider {name}" -- {spider} tests/spiders/test_{name}.py \\
         cassettes/{name}"""
