"""洪泽区 (淮安, Jiangsu): the district's 政府信息公开年报, reports published as PDF files."""

from nianbao.crawler.spiders.base.link_list import LinkListSpider


class JiangsuHongzeSpider(LinkListSpider):
    name = "jiangsu_hongze"
    portal = "淮安市洪泽区人民政府"
    allowed_domains = ("www.hongze.gov.cn",)
    column_urls = ("http://www.hongze.gov.cn/hzqzf/xxgknb/",)
