"""``python -m nianbao.crawler`` runs the ``nianbao`` command line."""

import sys

from .cli import main

sys.exit(main())
