"""泸定县 (甘孜州, Sichuan): the 2024 政府信息公开年报 column of the county portal."""

from nianbao.crawler.spiders.base.link_list import LinkListSpider


class SichuanLudingSpider(LinkListSpider):
    name = "sichuan_luding"
    portal = "泸定县人民政府"
    authority = "泸定县人民政府"
    allowed_domains = ("luding.gov.cn", "www.luding.gov.cn")
    column_urls = ("http://www.luding.gov.cn/ldxrmzf2024zfnbzf/",)
