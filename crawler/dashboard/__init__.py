"""``nianbao.crawler.dashboard`` (directory ``crawler/dashboard/``): the front door of ``nianbao
serve``: Datasette templates, a small plugin and a chart.

It lives beside the ``serve`` command (the only thing that starts Datasette) and not in
``pipelines/db``, which holds the storage and the SQL: what is here is presentation. The SQL the
pages show is the dashboard's canned queries (``pipelines/db/browse.py::DASHBOARD_QUERIES``),
so every page's data can also be opened as a Datasette table, JSON or CSV.

- ``templates/``: handed to Datasette as ``--template-dir``: the home page (``index.html``), the
  table page with its column notes collapsed (``table.html``), the authority and year pages.
- :mod:`.plugin`: registered with Datasette's plugin manager by ``nianbao serve``; adds the
  routes ``/authority/<name>`` and ``/year/<year>`` and the home page's summaries.
- :mod:`.chart`: the requests-and-outcomes chart, drawn as SVG on the server (no script, no CDN:
  it works offline and in a screenshot).
"""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
