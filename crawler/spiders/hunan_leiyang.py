"""耒阳市 (衡阳, Hunan): 各乡镇、街道办事处, each township's 信息公开年度报告 sub-column."""

from nianbao.crawler.spiders.base.link_list import LinkListSpider


class HunanLeiyangSpider(LinkListSpider):
    name = "hunan_leiyang"
    portal = "耒阳市人民政府"
    allowed_domains = ("www.leiyang.gov.cn",)
    column_urls = ("http://www.leiyang.gov.cn/xxgk/bmxxgkml/gxzjdbsc/",)
