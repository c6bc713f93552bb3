"""义乌市 (金华, Zhejiang, Hanweb): 廿三里街道's 政府信息公开年报 column on the city portal."""

from nianbao.crawler.spiders.base.hanweb import HanwebSpider


class ZhejiangYiwuSpider(HanwebSpider):
    name = "zhejiang_yiwu"
    portal = "义乌市人民政府"
    allowed_domains = ("www.yw.gov.cn",)
    column_urls = ("http://www.yw.gov.cn/col/col1229134232/index.html",)
