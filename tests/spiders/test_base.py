"""The shared spider base and the link_list family, on real titles and real portal pages.

Every title below is copied from a file of the shared material, and the first test checks that
it is still there; the two titles that are not (filled-in patterns of SPEC.md §8 and the brief)
are kept apart and say so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from nianbao.crawler.spiders.base.annual_report import AnnualReportSpider
from nianbao.crawler.spiders.base.link_list import LinkListSpider
from nianbao.crawler.spiders.base.pages import attachment_links, is_attachment_url, url_date
from nianbao.parsers.titles import is_report_title, title_facts

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")
HTML = SHARED / "corpus" / "html"

#: (title as printed, file it is copied from, authority as printed, year reported on)
REPORT_TITLES = [
    ("龙游县横山镇2023年政府信息公开工作年度报告", "spec/PORTALS.md", "龙游县横山镇", 2023),
    ("2023年下各镇政府信息公开工作年度报告", "spec/PORTALS.md", "下各镇", 2023),
    ("大川镇2023年度政府信息公开工作报告", "spec/PORTALS.md", "大川镇", 2023),
    ("鄂尔多斯市2018年政府信息公开年度报告", "spec/PORTALS.md", "鄂尔多斯市", 2018),
    (
        "鄂尔多斯市人民政府办公室2019年政府信息公开工作年度报告",
        "corpus/html/trs_list_ordos_egb_xxgknb.html",
        "鄂尔多斯市人民政府办公室",
        2019,
    ),
    ("2025年黄浦区财政局政府信息公开工作年度报告", "spec/PORTALS.md", "黄浦区财政局", 2025),
    (
        "内蒙古自治区2018年政府信息公开工作年度报告",
        "corpus/html/trs_list_ordos_egb_xxgknb.html",
        "内蒙古自治区",
        2018,
    ),
    ("2022年度螅镇政府信息公开工作年度报告", "corpus/texts/001_xiu_zhen_2022.txt", "螅镇", 2022),
    ("宿迁市2017年政府信息公开年度报告", "corpus/texts/010_suqian_shi_2017.txt", "宿迁市", 2017),
    (
        "沭阳县发展和改革局2023年政府信息公开年度报告",
        "corpus/html/ucap_shuyang_fgj_2023.html",
        "沭阳县发展和改革局",
        2023,
    ),
    (
        "2025年上海市人民政府办公厅政府信息公开工作年度报告",
        "corpus/texts/013_shanghai_bgt_2025.txt",
        "上海市人民政府办公厅",
        2025,
    ),
    ("渔洋镇2024年政府信息公开工作年度报告", "seeds/000_b5566a94ec5fc8f8.txt", "渔洋镇", 2024),
    (
        "邙岭镇人民政府2020年政府信息公开工作年度报告",
        "seeds/001_c8d30c2eb8575ca5.txt",
        "邙岭镇人民政府",
        2020,
    ),
    ("四坝镇2017年政府信息公开年度报告", "seeds/003_9be01f7833830f67.txt", "四坝镇", 2017),
]

#: Real titles and names that are not reports (SPEC.md §8 "Not reports" and column news).
NOT_REPORT_TITLES = [
    (
        "恩格贝生态示范区召开2020年度工作会暨党风廉政建设会议",
        "corpus/html/trs_list_ordos_egb_xxgknb.html",
    ),
    (
        "恩格贝生态示范区召开2018年度工作会议暨党风廉政建设会议",
        "corpus/html/trs_list_ordos_egb_xxgknb.html",
    ),
    ("一图读懂示范区2017年重点工作", "corpus/html/trs_list_ordos_egb_xxgknb.html"),
    ("信息公开年报", "corpus/html/trs_list_ordos_egb_xxgknb.html"),
    ("政府网站年度工作报表", "corpus/html/trs_xxgk_list_handan.html"),
    ("政府网站工作年度报表", "spec/SPEC.md"),
    ("法治政府建设年度报告", "spec/SPEC.md"),
    (
        "国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知",
        "spec/report_format.json",
    ),
    (
        "重庆市人民政府办公厅关于印发政府信息公开工作年度报告编制指南的通知",
        "corpus/texts/002_erlang_jiedao_2022.txt",
    ),
    (
        "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知",
        "corpus/html/trs_xxgk_article_meta_handan.html",
    ),
]

#: Not in the material as such: SPEC.md §8's "关于做好…年度报告编制发布工作的通知" with a year
#: filled in (it matches the report pattern, so the rejection must come from NOT_REPORT), and
#: the brief's 企业年报.
PATTERN_NOT_REPORTS = [
    "关于做好2023年政府信息公开工作年度报告编制发布工作的通知",
    "2023年度企业年报",
]


class ProbeSpider(LinkListSpider):
    """A link_list spider on the real pages of the corpus, whose own URLs were not recorded."""

    name = "probe"
    portal = "probe"
    allowed_domains = ("portal.invalid",)
    column_urls = ("http://portal.invalid/xxgk/xxgknb/index.html",)


# The Ordos (恩格贝) list page's URL was not recorded (corpus/html/sources.md): it is served
# here from a reserved, clearly fake host; its links are relative, so the shape is kept.
ORDOS_URL = "http://portal.invalid/xxgk/xxgknb/index.html"
SHUYANG_URL = "http://www.shuyang.gov.cn/sygfj/gknb/202401/2ecfb31a335f4d689220a3a23e24a986.shtml"
HANDAN_URL = "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html"


def page(path: Path | str, url: str, status: int = 200, **headers: str) -> HtmlResponse:
    body = Path(path).read_bytes() if isinstance(path, Path) else path.encode("utf-8")
    return HtmlResponse(url=url, body=body, status=status, headers=headers, request=Request(url))


@pytest.fixture
def crawler() -> Crawler:
    return get_crawler(ProbeSpider)


@pytest.fixture
def spider(crawler: Crawler) -> ProbeSpider:
    return ProbeSpider.from_crawler(crawler)


def stat(crawler: Crawler, key: str) -> int | None:
    assert crawler.stats is not None
    return crawler.stats.get_value(key)


# --- Titles ----------------------------------------------------------------------------------


def test_titles_are_copied_from_the_material() -> None:
    for title, source, *_ in REPORT_TITLES + [(*row, None) for row in NOT_REPORT_TITLES]:
        assert title in (SHARED / source).read_text(encoding="utf-8"), (title, source)


@pytest.mark.parametrize(("title", "source", "authority", "year"), REPORT_TITLES)
def test_report_titles(title: str, source: str, authority: str, year: int) -> None:
    assert is_report_title(title)
    assert title_facts(title) == (authority, year)


@pytest.mark.parametrize("title", [title for title, _ in NOT_REPORT_TITLES] + PATTERN_NOT_REPORTS)
def test_not_report_titles(title: str) -> None:
    assert not is_report_title(title)


def test_title_facts_strips_guan_yu_and_brackets() -> None:
    # PORTALS.md §5: authority = pre or post, then strip 关于/的 and brackets.
    assert title_facts("关于《鄂尔多斯市2018年政府信息公开年度报告》") == ("鄂尔多斯市", 2018)
    assert title_facts("恩格贝生态示范区召开2020年度工作会暨党风廉政建设会议") == (None, None)


# --- The link_list walk on a real list page --------------------------------------------------


def test_ordos_column_yields_exactly_its_four_reports(
    spider: ProbeSpider, crawler: Crawler
) -> None:
    """The 恩格贝 信息公开年报 column mixes news with the reports of three authorities."""
    results = list(spider.parse(page(HTML / "trs_list_ordos_egb_xxgknb.html", ORDOS_URL)))
    reports = [r for r in results if r.callback == spider.parse_report]
    pages = [r for r in results if r.callback == spider.parse]

    got = [
        (r.url, *spider.title_facts(r.cb_kwargs["title"]), r.cb_kwargs["published"])
        for r in reports
    ]
    base = "http://portal.invalid/xxgk/xxgknb/"
    assert got == [
        (f"{base}202009/t20200903_2748784.html", "鄂尔多斯市", 2019, "2020-09-03"),
        (f"{base}202003/t20200311_2593126.html", "鄂尔多斯市人民政府办公室", 2019, "2020-03-11"),
        (f"{base}201905/t20190530_2380968.html", "鄂尔多斯市", 2018, "2019-05-30"),
        (f"{base}201905/t20190530_2380967.html", "内蒙古自治区", 2018, "2019-05-30"),
    ]
    # The pager's document.write output links index_1.html four times (2, 下一页, 尾页 …):
    # requested once.
    assert [r.url for r in pages] == [f"{base}index_1.html"]
    assert pages[0].meta["list_page"] == 2
    assert stat(crawler, "nianbao/spider/list_pages") == 1
    assert stat(crawler, "nianbao/spider/skipped_titles") > 0


def test_keep_link_hook_can_veto_a_report(crawler: Crawler) -> None:
    class OnlyRegion(ProbeSpider):
        def keep_link(self, title: str, url: str) -> bool:
            return title.startswith("内蒙古自治区")

    spider = OnlyRegion.from_crawler(crawler)
    results = list(spider.parse(page(HTML / "trs_list_ordos_egb_xxgknb.html", ORDOS_URL)))
    titles = [r.cb_kwargs["title"] for r in results if r.callback == spider.parse_report]
    assert titles == ["内蒙古自治区2018年政府信息公开工作年度报告"]


def test_no_request_leaves_allowed_domains(crawler: Crawler) -> None:
    class Elsewhere(ProbeSpider):
        allowed_domains = ("www.luding.gov.cn",)

    spider = Elsewhere.from_crawler(crawler)
    results = list(spider.parse(page(HTML / "trs_list_ordos_egb_xxgknb.html", ORDOS_URL)))
    assert results == []
    assert stat(crawler, "nianbao/spider/offsite_links") == 4


# --- Report pages ----------------------------------------------------------------------------


def test_report_page_from_a_real_article(spider: ProbeSpider) -> None:
    """沭阳县发展和改革局 2023 (UCAP portal): title from the h1, date from 公开日期."""
    response = page(HTML / "ucap_shuyang_fgj_2023.html", SHUYANG_URL)
    item = spider.report_page(response, title=None, published=None)

    assert item["title"] == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert (item["authority"], item["report_year"]) == ("沭阳县发展和改革局", 2023)
    assert item["published"] == "2024-01-17"
    assert item["attachments"] == []  # its 文件下载 row is empty
    assert item["source_url"] == SHUYANG_URL
    assert item["html"] == response.text


def test_meta_tags_win_and_non_reports_keep_the_default_authority(crawler: Crawler) -> None:
    """邯郸: ArticleTitle and PubDate (2020年08月02日) from the standard meta tags."""

    class Handan(ProbeSpider):
        authority = "邯郸市人民政府"

    spider = Handan.from_crawler(crawler)
    item = spider.report_page(page(HTML / "trs_xxgk_article_meta_handan.html", HANDAN_URL))
    assert item["title"] == "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知"
    assert item["published"] == "2020-08-02"
    assert (item["authority"], item["report_year"]) == ("邯郸市人民政府", None)


def test_list_date_and_url_date_are_fallbacks(spider: ProbeSpider) -> None:
    bare = "<html><body><p>正文</p></body></html>"
    url = "http://portal.invalid/xxgk/xxgknb/202009/t20200903_2748784.html"
    title = "鄂尔多斯市2019年政府信息公开工作年度报告"
    assert spider.report_page(page(bare, url), title, "2020-09-03")["published"] == "2020-09-03"
    item = spider.report_page(page(bare, url), title)
    assert item["published"] == "2020-09-03"  # from t20200903_
    assert (item["title"], item["authority"], item["report_year"]) == (title, "鄂尔多斯市", 2019)


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html", "2020-08-02"),
        ("https://www.longyou.gov.cn/art/2024/1/23/art_1229114055_88348.html", "2024-01-23"),
        ("http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321", None),
    ],
)
def test_url_date(url: str, date: str | None) -> None:
    assert url_date(url) == date


# --- Attachments -----------------------------------------------------------------------------


def test_attachment_links_are_absolute_and_typed() -> None:
    # Attachment names from PORTALS.md (§1 TRS P0… on cz.xm.gov.cn, §3 gkmlpt on zjj.sz.gov.cn);
    # the markup around them is minimal.
    body = """<html><body><div class="TRS_Editor"><p>正文</p></div>
    <a href="./P020260911578215495483.pdf">附件</a>
    <a href="https://zjj.sz.gov.cn/attachment/1/1117/1117295/9484570.pdf">下载</a>
    <a href="./P020260911578215495483.pdf">重复</a>
    <a href="../files/REPORT.DOCX">大写</a>
    <a href="../../fzlm/top_falsh/201901/W020190119606990532110.swf">flash</a>
    <a href="./202009/t20200903_2748784.html">文章</a>
    <a href="javascript:;">打印本页</a></body></html>"""
    response = page(body, "https://cz.xm.gov.cn/xxgk/ndbg/202609/t20260911_3016829.htm")
    assert attachment_links(response) == [
        "https://cz.xm.gov.cn/xxgk/ndbg/202609/P020260911578215495483.pdf",
        "https://zjj.sz.gov.cn/attachment/1/1117/1117295/9484570.pdf",
        "https://cz.xm.gov.cn/xxgk/ndbg/files/REPORT.DOCX",
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://cz.xm.gov.cn/a/P020260911578215495483.pdf", True),
        ("http://x.gov.cn/a/W020240117000000000001.ofd", True),  # TRS upload, other doc type
        ("http://x.gov.cn/a/report.wps", True),
        ("http://x.gov.cn/a/table.xlsx?download=1", True),
        ("http://www.ordos.gov.cn/images/W020190117350825039697.png", False),  # TRS image
        ("http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html", False),
    ],
)
def test_is_attachment_url(url: str, expected: bool) -> None:
    assert is_attachment_url(url) is expected


def test_a_pdf_linked_from_the_list_is_its_own_attachment(spider: ProbeSpider) -> None:
    url = "https://zjj.sz.gov.cn/attachment/1/1117/1117295/9484570.pdf"
    response = Response(url=url, body=b"%PDF-1.7", request=Request(url))
    item = spider.report_page(response, "2025年黄浦区财政局政府信息公开工作年度报告")
    assert (item["html"], item["attachments"]) == ("", [url])
    assert (item["authority"], item["report_year"]) == ("黄浦区财政局", 2025)


# --- Anti-bot pages --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [412, 200])
def test_ruishu_challenge_is_counted_never_yielded(
    spider: ProbeSpider, crawler: Crawler, status: int
) -> None:
    url = "http://portal.invalid/article.html"  # the nmpa page URL was not recorded
    challenge = page(HTML / "ruishu_challenge_head_nmpa.html", url, status=status)
    assert list(spider.parse_report(challenge, title="x")) == []
    assert list(spider.parse(challenge)) == []
    assert stat(crawler, "nianbao/blocked") == 2
    assert stat(crawler, "nianbao/spider/report_pages") is None


def test_real_pages_are_not_taken_for_challenges(spider: ProbeSpider, crawler: Crawler) -> None:
    for name, url in (
        ("ucap_shuyang_fgj_2023.html", SHUYANG_URL),
        ("trs_xxgk_article_meta_handan.html", HANDAN_URL),
    ):
        assert len(list(spider.parse_report(page(HTML / name, url)))) == 1
    assert stat(crawler, "nianbao/blocked") is None


# --- Encoding --------------------------------------------------------------------------------


def test_gbk_page_declared_gb2312_without_header(spider: ProbeSpider) -> None:
    """PORTALS.md §6: old pages send no charset header, declare gb2312 in a meta tag and hold
    GBK-only characters (here ﹝﹞ from the 宿迁 2017 report, corpus text 010)."""
    title = "宿迁市2017年政府信息公开年度报告"
    sentence = (
        "《中共中央办公厅国务院办公厅印发<关于全面推进政务公开工作的意见>的通知》(中办发﹝2016"
    )
    assert sentence in (SHARED / "corpus/texts/010_suqian_shi_2017.txt").read_text("utf-8")
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>{title}</title></head><body><h1>{title}</h1><p>{sentence}</p></body></html>"
    )
    body = html.encode("gbk")
    url = "https://suqian.gov.cn/zfb/gknb/201802/a21fdc4296de494da7adce40d7541728.shtml"
    response = HtmlResponse(url=url, body=body, request=Request(url))
    assert isinstance(response, TextResponse)
    item = spider.report_page(response)
    assert item["title"] == title
    assert (item["authority"], item["report_year"]) == ("宿迁市", 2017)
    assert sentence in item["html"]


def test_base_spider_defaults() -> None:
    assert AnnualReportSpider.family == ""
    assert ProbeSpider.family == "link_list"
    assert ProbeSpider(name="probe").start_urls == [ORDOS_URL]


def test_title_tag_loses_its_site_suffix(spider: ProbeSpider) -> None:
    # The <title> of the saved 沭阳 page (corpus/html/ucap_shuyang_fgj_2023.html), alone.
    title = "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局"
    item = spider.report_page(
        page(f"<html><head><title>{title}</title></head></html>", SHUYANG_URL)
    )
    assert item["title"] == "沭阳县发展和改革局2023年政府信息公开年度报告"


def test_page_date_needs_a_publication_label(spider: ProbeSpider) -> None:
    # The 乐民镇 2021 page line (corpus text 008) and the saving tool's 采集时间 (ucap page).
    lemin = "<html><body><p>作者: | 来源:本网 | 时间:2022-01-07 点击数:- 分享到:</p></body></html>"
    saved = (
        "<html><body><div><strong>采集时间：</strong>2025-12-30T21:37:37+08:00</div></body></html>"
    )
    assert spider.page_date(page(lemin, SHUYANG_URL)) == "2022-01-07"
    assert spider.page_date(page(saved, SHUYANG_URL)) is None
