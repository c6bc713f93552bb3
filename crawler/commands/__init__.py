"""``nianbao.crawler.commands`` (directory ``crawler/commands/``): the ``nianbao`` subcommands, one
module each; ``crawler/cli.py`` wires them up."""
