"""抚松县 (jilin_fusong, TRS): 东岗镇's 2020 report in the 年度报告 column (corpus text 005)."""

ARTICLE = "http://xxgk-fs.cbs.gov.cn/zsjg/aqjg/ndbg/202101/t20210105_655577.html"


def test_replay_yields_the_column_reports(replayed):
    run = replayed("jilin_fusong")
    # Title on the page: 抚松县东岗镇人民政府2020年政府信息公开工作年度报告.
    assert run.reports() == [(ARTICLE, "抚松县东岗镇人民政府", 2020)]
    # The page's 发布日期:2021-01-04 wins over the URL's t20210105.
    assert run.item(ARTICLE)["published"] == "2021-01-04"
