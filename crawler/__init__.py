"""``nianbao.crawler`` (directory ``crawler/``): the Scrapy project: settings (the only module that
reads the environment), the portal registry ``portals.csv``, spiders, middlewares, extensions,
items and the ``nianbao`` command line (``cli.py``)."""
