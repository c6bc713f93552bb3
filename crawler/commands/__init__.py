"""The ``nianbao`` subcommands, one module each; ``crawler/cli.py`` wires them up."""
