"""迁安市 (唐山, Hebei): the city portal's column of township 政府信息公开工作年度报告."""

from nianbao.crawler.spiders.base.link_list import LinkListSpider


class HebeiQiananSpider(LinkListSpider):
    name = "hebei_qianan"
    portal = "迁安市人民政府"
    allowed_domains = ("www.qianan.gov.cn",)
    column_urls = ("http://www.qianan.gov.cn/single/29/",)
