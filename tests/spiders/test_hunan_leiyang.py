"""耒阳市 (hunan_leiyang): 各乡镇、街道办事处 > 马水镇 > 信息公开年度报告 > 2019 (text 003)."""

COUNTY = "http://www.leiyang.gov.cn/xxgk/bmxxgkml/gxzjdbsc/"
ARTICLE = COUNTY + "msz/xxgkndbg/20200214/i1180025.html"


def test_replay_walks_the_township_tree_to_the_report(replayed):
    run = replayed("hunan_leiyang")
    # Title on the page: 马水镇2019年政府信息公开年度报告.
    assert run.reports() == [(ARTICLE, "马水镇", 2019)]
    pages = [url for method, url in run.requests if not url.endswith("robots.txt")]
    # County level, then the township, then its 年报 column, then the report: each once.
    assert pages == [COUNTY, COUNTY + "msz/", COUNTY + "msz/xxgkndbg/", ARTICLE]
    assert run.stat("nianbao/spider/subcolumns") == 2
    assert run.item(ARTICLE)["published"] == "2020-02-14"
