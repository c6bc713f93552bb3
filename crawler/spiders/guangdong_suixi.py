"""遂溪县 (湛江, Guangdong): 乐民镇's 政府信息公开年报 column (a copy on topx1.com)."""

from nianbao.crawler.spiders.base.link_list import LinkListSpider


class GuangdongSuixiSpider(LinkListSpider):
    name = "guangdong_suixi"
    portal = "遂溪县乐民镇人民政府"
    allowed_domains = ("topx1.com",)
    column_urls = ("https://topx1.com/gzzwz/lmzrmzf/zwgk/xxgknb/",)
