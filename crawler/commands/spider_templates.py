"""Templates ``nianbao new-spider`` fills in: a portal spider per CMS family, and its test.

A portal spider is facts on its family's base (STYLE.md: "a portal spider is data"), so the
templates differ only in the base they name and the knobs a family needs (gkmlpt's ``sid``).
The test starts out failing on purpose: it passes once the cassette is recorded and the
column's reports are written into ``EXPECTED`` from the recorded pages. For every name, URL
and portal ``nianbao new-spider`` accepts, both files pass the project's ``ruff check`` and
``ruff format --check`` (tests/spiders/test_new_spider_ruff.py): each line that holds a value
has room for the longest one accepted, and a long URL is split as ruff format splits it.
"""

from __future__ import annotations

from string import Template

from .output import display_width

#: Family -> (module under nianbao.crawler.spiders.base, base class).
BASES: dict[str, tuple[str, str]] = {
    "link_list": ("link_list", "LinkListSpider"),
    "trs": ("trs", "TrsSpider"),
    "hanweb": ("hanweb", "HanwebSpider"),
    "gkmlpt": ("gkmlpt", "GkmlptSpider"),
    "ucap": ("ucap", "UcapSpider"),
}

#: The widest portal or authority name written (``    authority = "…"`` then fits in
#: :data:`LINE_LENGTH`); ``nianbao new-spider`` refuses wider ones.
MAX_TEXT_WIDTH = 80
#: The project's line length (pyproject.toml, ``[tool.ruff] line-length``).
LINE_LENGTH = 100

SPIDER = Template('''"""$portal

Its 政府信息公开年报 column, on the $family base.
"""

from nianbao.crawler.spiders.base.$module import $base


class $cls($base):
    name = "$name"
    portal = "$portal"
$allowed_domains
$column_urls
$extra''')

TEST = Template('''"""$portal

Its 年报 column's reports, replayed from cassettes/$name/.
After recording it with `nianbao crawl $name --record once`,
open the recorded column pages and list every report of the column in EXPECTED: its page
URL, the authority and the year its title names. Then run
`pytest tests/spiders/test_$name.py`.
"""

#: (report page URL, authority as the title prints it, year reported on), one per report.
EXPECTED: list[tuple[str, str, int]] = []


def test_replay_yields_the_column_reports(replayed):
    assert EXPECTED, "record the cassette, then list the column's reports in EXPECTED"
    assert replayed("$name").reports() == sorted(EXPECTED)
''')


def one_tuple(attribute: str, value: str) -> str:
    """``    attribute = ("value",)``, split over three lines as ruff format splits it when
    one line would pass :data:`LINE_LENGTH` (the value: a URL or domain, no quote in it)."""
    line = f'    {attribute} = ("{value}",)'
    if display_width(line) <= LINE_LENGTH:
        return line
    return f'    {attribute} = (\n        "{value}",\n    )'


def spider_source(
    *,
    name: str,
    family: str,
    portal: str,
    domain: str,
    column_url: str,
    authority: str | None = None,
    sid: str | None = None,
) -> str:
    """The module of a portal spider (at most 10 lines of code)."""
    module, base = BASES[family]
    extra = ""
    if authority:
        extra += f'    authority = "{authority}"\n'
    if sid and family == "gkmlpt":
        extra += f'    sid = "{sid}"\n'
    cls = "".join(part.title() for part in name.split("_")) + "Spider"
    return SPIDER.substitute(
        name=name,
        cls=cls,
        family=family,
        module=module,
        base=base,
        portal=portal,
        allowed_domains=one_tuple("allowed_domains", domain),
        column_urls=one_tuple("column_urls", column_url),
        extra=extra,
    )


def test_source(*, name: str, portal: str) -> str:
    return TEST.substitute(name=name, portal=portal)
