"""遂溪县 乐民镇 (guangdong_suixi): its 2021 report (corpus text 008, copy on topx1.com)."""

ARTICLE = "https://topx1.com/gzzwz/lmzrmzf/zwgk/xxgknb/content/post_1559311.html"


def test_replay_yields_the_column_reports(replayed):
    run = replayed("guangdong_suixi")
    # Title on the page: 乐民镇2021年政府信息公开工作年度报告.
    assert run.reports() == [(ARTICLE, "乐民镇", 2021)]
    assert run.item(ARTICLE)["published"] == "2022-01-07"  # 时间:2022-01-07
