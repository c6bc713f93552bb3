"""``nianbao.crawler.spiders`` (directory ``crawler/spiders/``): one spider per regional portal:
the registry's rows (``registry.py`` reads ``crawler/portals.csv``), modules for portals that
need hooks, and the generic and broad spiders, all on the CMS-family bases of ``base/``."""
