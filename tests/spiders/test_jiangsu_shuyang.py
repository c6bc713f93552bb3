"""沭阳县 (jiangsu_shuyang, UCAP): the county's 2025 report and its 发改局's 2023 report
(corpus text 012 and the real page corpus/html/ucap_shuyang_fgj_2023.html)."""

FGJ = "http://www.shuyang.gov.cn/sygfj/gknb/202401/2ecfb31a335f4d689220a3a23e24a986.shtml"


def test_replay_yields_both_reports(replayed):
    run = replayed("jiangsu_shuyang")
    reports = run.reports()
    assert len(reports) == 2
    assert reports[1] == (FGJ, "沭阳县发展和改革局", 2023)
    county_url, authority, year = reports[0]
    assert county_url.startswith("http://www.shuyang.gov.cn/shuyang/gknb/202601/")
    assert (authority, year) == ("沭阳县人民政府", 2025)
    assert run.item(FGJ)["published"] == "2024-01-17"  # 公开日期 on the real page
    assert run.item(county_url)["published"] is None  # not known, not made up
