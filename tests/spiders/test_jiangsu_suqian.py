"""宿迁市 (jiangsu_suqian, UCAP): the city's 2017 report (corpus text 010)."""

ARTICLE = "https://suqian.gov.cn/zfb/gknb/201802/a21fdc4296de494da7adce40d7541728.shtml"


def test_replay_yields_the_column_reports(replayed):
    run = replayed("jiangsu_suqian")
    # Title on the page: 宿迁市2017年政府信息公开年度报告 (no 工作).
    assert run.reports() == [(ARTICLE, "宿迁市", 2017)]
    item = run.item(ARTICLE)
    assert item["published"] == "2018-02-26"  # 发文日期 2018-02-26
    assert item["attachments"] == []  # 文件下载 names a file whose URL is not known
