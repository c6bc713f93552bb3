"""文登区 (shandong_wendeng): two departments' 2022 reports, one flip-book page each
(corpus texts 006 and 007)."""

BOOKS = "http://180.76.149.248:88/book/2022dzs/"


def test_replay_yields_both_reports(replayed):
    run = replayed("shandong_wendeng")
    # Titles after "Page N - " on the pages; the 办公室's page prints 文登 without 区.
    assert run.reports() == [
        (BOOKS + "bangongshi/files/basic-html/page9.html", "威海市文登人民政府办公室", 2022),
        (BOOKS + "xinfang/files/basic-html/page8.html", "威海市文登区信访局", 2022),
    ]
    titles = sorted(item["title"] for item in run.items)
    assert titles == [
        "威海市文登人民政府办公室2022年政府信息公开工作年度报告",
        "威海市文登区信访局2022年政府信息公开工作年度报告",
    ]
    # The flip-book host has a port; it is inside allowed_domains all the same.
    assert run.offsite_requests() == []
