"""宿迁市 (Jiangsu, UCAP): the city government's 信息公开年报 column."""

from nianbao.crawler.spiders.base.ucap import UcapSpider


class JiangsuSuqianSpider(UcapSpider):
    name = "jiangsu_suqian"
    portal = "宿迁市人民政府"
    allowed_domains = ("suqian.gov.cn",)
    column_urls = ("https://suqian.gov.cn/zfb/gknb/gknb.shtml",)
