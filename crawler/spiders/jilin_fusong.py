"""抚松县 (白山, Jilin, TRS): the 年度报告 column of 东岗镇 on the county's 信息公开 site."""

from nianbao.crawler.spiders.base.trs import TrsSpider


class JilinFusongSpider(TrsSpider):
    name = "jilin_fusong"
    portal = "抚松县人民政府"
    allowed_domains = ("xxgk-fs.cbs.gov.cn",)
    column_urls = ("http://xxgk-fs.cbs.gov.cn/zsjg/aqjg/ndbg/",)
