"""迁安市 (hebei_qianan): 大五里镇's 2020 report (corpus text 004)."""

ARTICLE = "http://www.qianan.gov.cn/single/29/71869.html"


def test_replay_yields_the_column_reports(replayed):
    run = replayed("hebei_qianan")
    # Title on the page: 大五里镇2020年政府信息公开工作年度报告.
    assert run.reports() == [(ARTICLE, "大五里镇", 2020)]
    assert run.item(ARTICLE)["published"] == "2021-01-29"  # 发布日期: 2021-01-29
