"""义乌市 (zhejiang_yiwu, Hanweb): 廿三里街道's 2022 report (corpus text 009)."""

ARTICLE = "http://www.yw.gov.cn/art/2023/1/11/art_1229134232_4052272.html"


def test_replay_yields_the_column_reports(replayed):
    run = replayed("zhejiang_yiwu")
    assert run.reports() == [(ARTICLE, "义乌市廿三里街道办事处", 2022)]
    assert run.item(ARTICLE)["published"] == "2023-01-11"  # /art/2023/1/11/
    # The column page's datastore, then one dataproxy GET (page=1) repeating its record.
    dataproxy = [url for method, url in run.requests if "dataproxy.jsp" in url]
    assert len(dataproxy) == 1 and "page=1" in dataproxy[0]
    assert run.stat("nianbao/spider/list_pages") == 2
