"""九龙坡区 (chongqing_jiulongpo, TRS): 二郎街道's 年报 column holds its 2022 report (text 002)."""

COLUMN = "http://cqjlp.gov.cn/bmjz/qzfjz_97456/eljd_97738/zwgk_97461/zfxxgknb_97478/"
ARTICLE = COLUMN + "202301/t20230130_11545442.html"


def test_replay_yields_the_column_reports(replayed):
    run = replayed("chongqing_jiulongpo")
    assert run.reports() == [(ARTICLE, "重庆市九龙坡区二郎街道办事处", 2022)]
    assert run.item(ARTICLE)["published"] == "2023-01-30"  # from t20230130_
    # countPage = 1: the column page only, no index_N page generated.
    assert run.stat("nianbao/spider/list_pages") == 1
    assert ("GET", COLUMN) in run.requests
