"""上海市人民政府办公厅 (shanghai_bangongting): its 2025 report (corpus text 013)."""


def test_replay_yields_the_column_reports(replayed):
    run = replayed("shanghai_bangongting")
    [(url, authority, year)] = run.reports()
    assert url.startswith("https://www.shanghai.gov.cn/nw12344/")
    # Title: 2025年上海市人民政府办公厅政府信息公开工作年度报告 (year first).
    assert (authority, year) == ("上海市人民政府办公厅", 2025)
