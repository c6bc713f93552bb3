"""文登区 (威海, Shandong): the district's 2022 reports, one PDF flip-book per department."""

from nianbao.crawler.spiders.base.link_list import LinkListSpider


class ShandongWendengSpider(LinkListSpider):
    name = "shandong_wendeng"
    portal = "威海市文登区人民政府"
    allowed_domains = ("180.76.149.248",)
    column_urls = ("http://180.76.149.248:88/book/2022dzs/",)
