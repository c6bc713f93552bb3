"""Scrapy extensions of nightly operation: job directories, progress, monitoring, scale-out."""
