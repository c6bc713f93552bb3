"""洪泽区 (jiangsu_hongze): the 2023 report is a PDF; the spider yields its page with the PDF as
its attachment (corpus/attachments/hongze_qu_2023.pdf)."""

COLUMN = "http://www.hongze.gov.cn/hzqzf/xxgknb/"


def test_replay_yields_the_page_with_its_pdf(replayed):
    run = replayed("jiangsu_hongze")
    # Title: the PDF's first two lines, 洪泽区人民政府 / 2023 年政府信息公开工作年度报告.
    assert run.reports() == [(COLUMN + "hzq2023.html", "洪泽区人民政府", 2023)]
    assert run.item(COLUMN + "hzq2023.html")["attachments"] == [COLUMN + "hzq2023.pdf"]
    # The spider only labels: the PDF is fetched by the attachment stage, not here.
    assert ("GET", COLUMN + "hzq2023.pdf") not in run.requests
