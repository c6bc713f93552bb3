"""``nianbao.crawler.spiders.base`` (directory ``crawler/spiders/base/``): the base class of each
CMS family (``link_list``, ``trs``, ``hanweb``, ``gkmlpt``, ``ucap``) on
``annual_report.AnnualReportSpider``, which walks a 年报 column (``column_walk.py``) and builds
the report items (``report_page.py``)."""
