"""沭阳县 (宿迁, Jiangsu, UCAP): the county's 信息公开年报, its own and its departments'."""

from nianbao.crawler.spiders.base.ucap import UcapSpider


class JiangsuShuyangSpider(UcapSpider):
    name = "jiangsu_shuyang"
    portal = "沭阳县人民政府"
    allowed_domains = ("www.shuyang.gov.cn",)
    column_urls = ("http://www.shuyang.gov.cn/shuyang/gknb/gknb.shtml",)
