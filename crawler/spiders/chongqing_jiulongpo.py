"""九龙坡区 (Chongqing, TRS): 二郎街道's 政府信息公开年报 column in the district's 街镇 tree."""

from nianbao.crawler.spiders.base.trs import TrsSpider


class ChongqingJiulongpoSpider(TrsSpider):
    name = "chongqing_jiulongpo"
    portal = "重庆市九龙坡区人民政府"
    allowed_domains = ("cqjlp.gov.cn",)
    column_urls = ("http://cqjlp.gov.cn/bmjz/qzfjz_97456/eljd_97738/zwgk_97461/zfxxgknb_97478/",)
