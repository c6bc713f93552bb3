"""The portal registry: every bad row refused with its line and reason, any good row a spider
with exactly its facts, several registries through NIANBAO_REGISTRY, and the shipped rows
equal to the module spiders they replaced."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.crawler.commands.settings import build_settings
from nianbao.crawler.spiders.base.families import FAMILY_BASES
from nianbao.crawler.spiders.registry import (
    COLUMNS,
    DEFAULT,
    PortalRow,
    RegistryError,
    RegistrySpiderLoader,
    read_rows,
    spider_class,
    write_rows,
)

REPO = Path(__file__).resolve().parents[2]
HEADER = ",".join(COLUMNS)
#: A real row (泸定县), the base every bad row below changes one field of.
GOOD = (
    "sichuan_ludingx,泸定县人民政府,link_list,luding.gov.cn www.luding.gov.cn,"
    "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/,authority=泸定县人民政府,泸定县"
)


def registry(tmp_path: Path, *lines: str, name: str = "portals.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def loader(*sources: str | Path) -> RegistrySpiderLoader:
    """The project's loader (module spiders too) on these registries."""
    sources_setting = ",".join(map(str, sources))
    return RegistrySpiderLoader(build_settings(extra={"NIANBAO_REGISTRY": sources_setting}))


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            GOOD.replace("link_list", "joomla"),
            r"line 3 \(sichuan_ludingx\): unknown family 'joomla'",
        ),
        (GOOD.replace("http://www.luding", "htp://www.luding"), r"line 3 .*malformed URL"),
        (GOOD.replace("http://www.luding", "http://www.lu_ding"), r"line 3 .*malformed URL"),
        (GOOD.replace("http://www.luding.gov.cn/", "http://www.luding.gov.cn:99999/"), "malformed"),
        (
            GOOD.replace("http://www.luding.gov.cn/", "http://www.kangding.gov.cn/"),
            r"line 3 .*column URL http://www\.kangding\.gov\.cn/\S+ is outside allowed_domains",
        ),
        (GOOD.replace("authority=", "athority="), r"line 3 .*unknown knob 'athority'"),
        (GOOD.replace("authority=泸定县人民政府", "name=x"), "name is a column of its own"),
        (GOOD.replace("authority=泸定县人民政府", "custom_settings=x"), "unknown knob"),
        (GOOD.replace("authority=泸定县人民政府", "subcolumn_depth=deep"), "subcolumn_depth"),
        (GOOD.replace("sichuan_ludingx", "Sichuan-Luding"), "lower-case letters"),
        (GOOD.replace(",泸定县人民政府,link_list", ",,link_list"), "portal is empty"),
        (GOOD + ",extra", "8 fields, not 7"),
    ],
)
def test_a_bad_row_is_refused_with_its_line_and_reason(
    tmp_path: Path, row: str, reason: str
) -> None:
    path = registry(tmp_path, GOOD.replace("sichuan_ludingx", "sichuan_ok"), row)
    with pytest.raises(RegistryError, match=reason) as refused:
        read_rows(path)
    assert str(refused.value).startswith(f"{path} line 3 ")
    with pytest.raises(RegistryError, match=reason):
        loader(path)  # the loader refuses too: no crawl starts with a bad registry


def test_a_duplicate_name_is_refused_among_rows_files_and_module_spiders(tmp_path: Path) -> None:
    twice = registry(tmp_path, GOOD, GOOD)
    with pytest.raises(
        RegistryError, match=r"line 3 .*duplicate name 'sichuan_ludingx' \(.* line 2\)"
    ):
        read_rows(twice)
    first = registry(tmp_path, GOOD, name="a.csv")
    second = registry(tmp_path, "", "# comment line", GOOD, name="b.csv")
    with pytest.raises(RegistryError, match=rf"{second} line 4 .*\({first} line 2\)"):
        loader(first, second)
    generic = registry(tmp_path, GOOD.replace("sichuan_ludingx", "generic"), name="c.csv")
    with pytest.raises(
        RegistryError, match="duplicate name 'generic' \\(a module spider has it\\)"
    ):
        loader(generic)
    shipped = registry(tmp_path, GOOD.replace("sichuan_ludingx", "sichuan_luding"), name="d.csv")
    with pytest.raises(RegistryError, match="duplicate name 'sichuan_luding'"):
        loader(DEFAULT, shipped)


def test_registries_named_by_nianbao_registry(tmp_path: Path) -> None:
    extra = registry(tmp_path, GOOD, "#sichuan_off,x,trs,,,,commented out")
    both = loader(DEFAULT, extra)
    assert "sichuan_ludingx" in both.list() and "sichuan_luding" in both.list()
    assert both.load("sichuan_ludingx").authority == "泸定县人民政府"
    only = loader(extra)
    assert "sichuan_ludingx" in only.list() and "sichuan_luding" not in only.list()
    assert "generic" in loader().list() and "sichuan_luding" not in loader().list()


def test_scrapy_list_shows_rows_of_another_registry(tmp_path: Path) -> None:
    extra = registry(tmp_path, GOOD)
    env = {"NIANBAO_REGISTRY": f"default,{extra}", "PATH": ""}
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    names = listed.stdout.split()
    assert "sichuan_ludingx" in names and "sichuan_luding" in names and "generic" in names


def test_the_shipped_rows_are_the_spiders_they_replaced() -> None:
    """What the 14 modules said, checked on two of them (a knob, two domains, a port)."""
    spiders = loader(DEFAULT)
    luding = spiders.load("sichuan_luding")
    assert luding.__name__ == "SichuanLudingSpider"
    assert luding.family == "link_list" and luding.portal == "泸定县人民政府"
    assert luding.authority == "泸定县人民政府"
    assert luding.allowed_domains == ("luding.gov.cn", "www.luding.gov.cn")
    assert luding.column_urls == ("http://www.luding.gov.cn/ldxrmzf2024zfnbzf/",)
    wendeng = spiders.load("shandong_wendeng")
    assert wendeng.allowed_domains == ("180.76.149.248",)
    assert wendeng.column_urls == ("http://180.76.149.248:88/book/2022dzs/",)
    assert wendeng().start_urls == ["http://180.76.149.248:88/book/2022dzs/"]
    assert spiders.registry_row("shandong_wendeng").line == 12
    assert spiders.registry_row("generic") is None


# --- Any valid row round-trips to a spider with its facts ---------------------------------------

_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_domain = st.lists(_label, min_size=2, max_size=4).map(".".join)
_path = st.lists(st.from_regex(r"[A-Za-z0-9_.~-]{1,10}", fullmatch=True), max_size=4).map(
    lambda parts: "/" + "/".join(parts)
)
_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30
).map(str.strip)


@st.composite
def rows(draw: st.DrawFn) -> PortalRow:
    domains = tuple(dict.fromkeys(draw(st.lists(_domain, min_size=1, max_size=3))))
    urls = []
    for _ in range(draw(st.integers(1, 3))):
        host = draw(st.sampled_from(domains))
        sub = draw(st.sampled_from(["", "www.", "xxgk."]))
        port = draw(st.sampled_from(["", ":8080"]))
        scheme = draw(st.sampled_from(["http", "https"]))
        urls.append(f"{scheme}://{sub}{host}{port}{draw(_path)}")
    knobs = {}
    if draw(st.booleans()):
        knobs["subcolumn_depth"] = str(draw(st.integers(0, 9)))
    if draw(st.booleans()):
        knobs["authority"] = draw(_text.filter(lambda t: t and ";" not in t and "=" not in t))
    return PortalRow(
        line=2,
        name=draw(st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)),
        portal=draw(_text.filter(bool)),
        family=draw(st.sampled_from(sorted(FAMILY_BASES))),
        allowed_domains=domains,
        column_urls=tuple(dict.fromkeys(urls)),
        knobs=knobs,
        description=draw(_text),
    )


@settings(max_examples=150, deadline=None)
@given(rows())
def test_any_valid_row_round_trips_to_a_spider_with_those_facts(row: PortalRow) -> None:
    handle = io.StringIO()
    write_rows([row], handle, header=True)
    path = Path(f"/tmp/nianbao-registry-{row.name}.csv")
    try:
        path.write_text(handle.getvalue(), encoding="utf-8")
        (read,) = read_rows(path)
    finally:
        path.unlink(missing_ok=True)
    assert read == row
    spider = spider_class(read)
    assert issubclass(spider, FAMILY_BASES[row.family])
    assert (spider.name, spider.portal, spider.family) == (row.name, row.portal, row.family)
    assert spider.allowed_domains == row.allowed_domains
    assert spider.column_urls == row.column_urls
    assert spider.authority == row.knobs.get("authority")
    assert spider.subcolumn_depth == int(row.knobs.get("subcolumn_depth", 3))
    assert all(spider().allows(url) for url in row.column_urls)
    assert re.fullmatch(r"[A-Z][A-Za-z0-9]*Spider", spider.__name__)
