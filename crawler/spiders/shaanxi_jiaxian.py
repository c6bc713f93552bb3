"""佳县 (榆林, Shaanxi): the county portal's column of township 政府信息公开年报 (螅镇 …)."""

from nianbao.crawler.spiders.base.link_list import LinkListSpider


class ShaanxiJiaxianSpider(LinkListSpider):
    name = "shaanxi_jiaxian"
    portal = "佳县人民政府"
    allowed_domains = ("www.sxjiaxian.gov.cn",)
    column_urls = ("http://www.sxjiaxian.gov.cn/zwgk/zfxxgkzl/xtjdbnb/",)
