"""``nianbao.crawler.middlewares`` (directory ``crawler/middlewares/``): downloader middlewares."""
