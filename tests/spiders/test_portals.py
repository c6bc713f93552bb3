"""What holds for every portal spider: small, replayable, never off its domains, faithful
cassettes, items with the fields feed exports need.

The per-portal files (``test_<spider>.py``) assert which reports each column holds; this file
asserts the rules that hold for all of them.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html
from scrapy.spiderloader import get_spider_loader
from spider_runs import Replay, module_portal_spiders, portal_spiders

from nianbao.crawler.commands.settings import build_settings
from nianbao.crawler.middlewares.cassette_yaml import load_interactions
from nianbao.crawler.spiders.base.families import FAMILY_BASES
from nianbao.crawler.spiders.registry import DEFAULT, read_rows
from nianbao.parsers.titles import is_report_title

REPO = Path(__file__).resolve().parents[2]
CASSETTES = REPO / "cassettes"
SHARED = Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")
PORTALS = portal_spiders()
ITEM_FIELDS = ("authority", "report_year", "title", "source_url", "attachments")


def test_twelve_portals_over_three_families() -> None:
    loader = get_spider_loader(build_settings())
    families = {name: loader.load(name).family for name in PORTALS}
    assert len(PORTALS) >= 12
    assert len(set(families.values())) >= 3, families
    assert set(families.values()) <= set(FAMILY_BASES)


def test_a_portal_is_a_registry_row_or_a_module_of_at_most_ten_lines() -> None:
    """A portal is configuration: a row of crawler/portals.csv, or (when it needs hooks) a
    module of at most 10 code lines, not counting the docstring and blank lines."""
    rows = {row.name for row in read_rows(DEFAULT)}
    modules = module_portal_spiders()
    assert set(PORTALS) == rows | set(modules) and not rows & set(modules)
    for name in modules:
        source = (REPO / "crawler" / "spiders" / f"{name}.py").read_text(encoding="utf-8")
        tree = ast.parse(source)
        docstring = tree.body[0]
        assert isinstance(docstring, ast.Expr), f"{name}: the module docstring says what portal"
        code = [
            line
            for number, line in enumerate(source.splitlines(), 1)
            if line.strip()
            and not line.strip().startswith("#")
            and not docstring.lineno <= number <= (docstring.end_lineno or 0)
        ]
        assert len(code) <= 10, code


@pytest.mark.parametrize("name", PORTALS)
def test_replay_never_leaves_allowed_domains(name: str, replay_all: dict[str, Replay]) -> None:
    run = replay_all[name]
    assert run.requests, f"{name} requested nothing"
    assert run.offsite_requests() == []
    assert run.stat("offsite/filtered") == 0
    assert run.stat("nianbao/spider/offsite_links") == 0


@pytest.mark.parametrize("name", PORTALS)
def test_replay_yields_report_items_with_feed_fields(
    name: str, replay_all: dict[str, Replay]
) -> None:
    run = replay_all[name]
    assert run.stat("cassette/miss") == 0
    assert run.items, f"{name} yielded nothing"
    assert len({item["source_url"] for item in run.items}) == len(run.items)
    for item in run.items:
        assert all(item.get(field) is not None for field in ITEM_FIELDS), item
        assert item["spider"] == name
        assert is_report_title(item["title"])
        assert isinstance(item["attachments"], list)
        assert item["html_length"] > 0


@pytest.mark.parametrize("name", PORTALS)
def test_cassette_has_every_page_and_says_where_it_comes_from(
    name: str, replay_all: dict[str, Replay]
) -> None:
    """Every page the spider fetched is recorded (no miss above) and every recording was
    fetched, except files the attachment stage fetches; built cassettes carry PROVENANCE.md."""
    folder = CASSETTES / name
    recorded = {(i.method, i.url) for i in load_interactions(folder)}
    fetched = {(method, url) for method, url in replay_all[name].requests}
    attachments = {url for item in replay_all[name].items for url in item["attachments"]}
    unused = {url for method, url in recorded - fetched if url not in attachments}
    assert unused == set()
    assert (folder / "PROVENANCE.md").is_file()


def test_builder_reproduces_every_cassette(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "scripts/build_cassettes.py", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        check=True,
        env={**os.environ, "NIANBAO_SHARED": str(SHARED)},
    )
    built = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    assert {path.parts[0] for path in built} == set(PORTALS)
    for path in built:
        assert (tmp_path / path).read_bytes() == (CASSETTES / path).read_bytes(), path


# --- The report text is on its page, all of it, in order -------------------------------------

#: (spider, material file) for every report page built around a text.
TEXT_PAGES = [
    ("shaanxi_jiaxian", "corpus/texts/001_xiu_zhen_2022.txt"),
    ("chongqing_jiulongpo", "corpus/texts/002_erlang_jiedao_2022.txt"),
    ("hunan_leiyang", "corpus/texts/003_mashui_zhen_2019.txt"),
    ("hebei_qianan", "corpus/texts/004_dawuli_zhen_2020.txt"),
    ("jilin_fusong", "corpus/texts/005_donggang_zhen_2020.txt"),
    ("shandong_wendeng", "corpus/texts/006_wendeng_xinfangju_2022_p8.txt"),
    ("shandong_wendeng", "corpus/texts/007_wendeng_zhengfuban_2022_p9.txt"),
    ("guangdong_suixi", "corpus/texts/008_lemin_zhen_2021.txt"),
    ("zhejiang_yiwu", "corpus/texts/009_niansanli_jiedao_2022.txt"),
    ("jiangsu_suqian", "corpus/texts/010_suqian_shi_2017.txt"),
    ("jiangsu_shuyang", "corpus/texts/012_shuyang_xian_2025.txt"),
    ("shanghai_bangongting", "corpus/texts/013_shanghai_bgt_2025.txt"),
    ("gansu_liangzhou", "seeds/003_9be01f7833830f67.txt"),
]
_RULE = re.compile(r"^\|?\s*:?-{3,}")


def _pieces(path: Path) -> list[str]:
    """The text's content as pieces: a line, or each cell of a Markdown table row."""
    text = path.read_text(encoding="utf-8")
    if "\n---\n" in text and path.parent.name == "texts":
        text = text.split("\n---\n", 1)[1]
    pieces: list[str] = []
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if _RULE.match(stripped):
            continue
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            pieces.extend(cell for cell in stripped[1:-1].split("|"))
        else:
            pieces.append(stripped)
    return [re.sub(r"\s+", "", piece) for piece in pieces if piece.strip()]


@pytest.mark.parametrize(("name", "material"), TEXT_PAGES)
def test_report_text_is_on_its_page_in_order(name: str, material: str) -> None:
    """Nothing of the material is dropped, reordered or rewritten on the reconstructed page."""
    pieces = _pieces(SHARED / material)
    longest = max(pieces, key=len)  # a body paragraph: on the report page, not on a list
    pages = [
        interaction
        for interaction in load_interactions(CASSETTES / name)
        if interaction.body.startswith(b"<!DOCTYPE") and longest in _page_text(interaction.body)
    ]
    assert len(pages) == 1, f"{material}: not on exactly one page of {name}"
    page = _page_text(pages[0].body)
    position = 0
    for piece in pieces:
        found = page.find(piece, position)
        assert found >= 0, f"{material}: {piece!r} missing or out of order"
        position = found + len(piece)


def _page_text(body: bytes) -> str:
    tree = lxml_html.fromstring(body)
    for node in tree.xpath("//script|//style|//head"):
        node.drop_tree()
    return re.sub(r"\s+", "", tree.text_content())
