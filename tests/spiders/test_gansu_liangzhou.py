"""凉州区 (gansu_liangzhou, Hanweb): 四坝镇's 年报 column, its 2017 sub-column, and the 2017
report whose tables exist only as two attachments (seed 003)."""

HOST = "http://www.gsliangzhou.gov.cn"
ARTICLE = HOST + "/art/2018/2/1/art_9911_1.html"
FILES = [
    HOST + "/module/download/downfile.jsp?classid=0&filename=sbz2017_1.xls",
    HOST + "/module/download/downfile.jsp?classid=0&filename=sbz2017_2.doc",
]


def test_replay_walks_the_year_sub_column(replayed):
    run = replayed("gansu_liangzhou")
    # Title on the page: 四坝镇2017年政府信息公开年度报告.
    assert run.reports() == [(ARTICLE, "四坝镇", 2017)]
    assert run.stat("nianbao/spider/subcolumns") == 1  # 政府信息公开年报 > 2017
    posts = [url for method, url in run.requests if method == "POST"]
    assert posts == [HOST + "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15"]


def test_attachments_are_handed_on(replayed):
    """The 附件 政府信息公开情况统计表 and 政府信息公开情况分析说明 links, in page order."""
    item = replayed("gansu_liangzhou").item(ARTICLE)
    assert item["attachments"] == FILES
    assert item["published"] == "2018-02-01"  # 发布日期: 2018-02-01
