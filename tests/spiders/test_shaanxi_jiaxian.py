"""佳县 (shaanxi_jiaxian): the county column holds 螅镇's 2022 report (corpus text 001)."""

ARTICLE = "http://www.sxjiaxian.gov.cn/zwgk/zfxxgkzl/xtjdbnb/ct/49959.htm"


def test_replay_yields_the_column_reports(replayed):
    run = replayed("shaanxi_jiaxian")
    # Title on the page: 2022年度螅镇政府信息公开工作年度报告 (year first, 年度, no 人民政府).
    assert run.reports() == [(ARTICLE, "螅镇", 2022)]
    item = run.item(ARTICLE)
    assert item["title"] == "2022年度螅镇政府信息公开工作年度报告"
    assert item["published"] == "2023-01-31"  # 发布时间:2023-01-31 13:24
    assert item["attachments"] == []
