"""``nianbao.crawler.extensions`` (directory ``crawler/extensions/``): scrapy extensions of nightly
operation: job directories, progress, monitoring, scale-out."""
