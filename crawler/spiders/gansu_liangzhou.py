"""凉州区 (武威, Gansu, Hanweb): 四坝镇's 政府信息公开年报, one sub-column per year."""

from nianbao.crawler.spiders.base.hanweb import HanwebSpider


class GansuLiangzhouSpider(HanwebSpider):
    name = "gansu_liangzhou"
    portal = "武威市凉州区人民政府"
    allowed_domains = ("www.gsliangzhou.gov.cn",)
    column_urls = ("http://www.gsliangzhou.gov.cn/col/col9910/index.html",)
