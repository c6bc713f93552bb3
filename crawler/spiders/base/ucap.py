"""Family ``ucap``: 开普云 UCAP portals (Jiangsu's 宿迁 and 沭阳 among them).

Known from a real page (corpus/html/ucap_shuyang_fgj_2023.html, 沭阳县发展和改革局): articles
are ``/<site>/<column>/<YYYYMM>/<32 hex>.shtml`` (宿迁 ``/zfb/gknb/201802/a21f….shtml``,
沭阳 ``/sygfj/gknb/202401/2ecf….shtml``), the report sits in ``<ucapcontent>`` under an
``<h1><ucaptitle>`` and a 名称/索引号/分类/发布机构/公开日期/文号/关键词/文件下载 table, and a
column's own page is ``<column>/<column>.shtml`` (the page's navigation links
``/shuyang/xxgk/xxgk.shtml``, ``/shuyang/zjsy/zjsy.shtml``). No UCAP list page has been
recorded, so a column is walked by the link-list rules (links, 下一页, ``index_N`` pages).
"""

from __future__ import annotations

from typing import ClassVar

from nianbao.crawler.spiders.base.link_list import LinkListSpider


class UcapSpider(LinkListSpider):
    """UCAP column (``…/gknb/gknb.shtml``) -> report pages (``<ucapcontent>``).

    Set: ``name``, ``portal``, ``column_urls``, ``allowed_domains`` (and ``authority``).
    Tune and hooks: as :class:`~nianbao.crawler.spiders.base.link_list.LinkListSpider`.
    """

    family: ClassVar[str] = "ucap"
    article_body_css = "ucapcontent"
