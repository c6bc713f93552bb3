"""``nianbao.pipelines`` (directory ``pipelines/``): the Scrapy item pipelines, one module per
stage (clean-up, parse, attachments, validate, store), and the database layer in ``db/``."""
