"""上海市人民政府办公厅: the 政府信息公开年报 column (nw12344) of the Shanghai portal."""

from nianbao.crawler.spiders.base.link_list import LinkListSpider


class ShanghaiBangongtingSpider(LinkListSpider):
    name = "shanghai_bangongting"
    portal = "上海市人民政府"
    allowed_domains = ("www.shanghai.gov.cn",)
    column_urls = ("https://www.shanghai.gov.cn/nw12344/index.html",)
