"""The Datasette plugin of ``nianbao serve``: the authority and year pages, the home summaries.

``nianbao serve`` registers this module with Datasette's plugin manager (what ``datasette
--plugins-dir`` does with a file), so it is active only when Datasette serves a nianbao
database, not in every Datasette of the environment as an entry point would be.

Routes (checked before Datasette's own):

- ``/authority/<name>``: the authority's years side by side and its charts;
- ``/year/<year>``: the year's authorities ranked by lateness and broken rules.

Both run the dashboard's canned queries (``DASHBOARD_QUERIES``) on the first database, with a
longer time limit than arbitrary SQL gets: they are fixed queries over the ``indicators`` view,
which a large database needs more than Datasette's second for.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from nianbao.parsers.metadata import canonical_authority
from nianbao.pipelines.db.browse import DASHBOARD_QUERIES

from . import pages

#: The home page's two summaries (dashboard queries without parameters).
OVERVIEWS = ("years_overview", "authorities_overview")

#: Time limit of the dashboard's own queries (arbitrary SQL keeps Datasette's).
QUERY_TIME_LIMIT_MS = 10_000


def authority_path(name: str) -> str:
    """The URL path of an authority's page (percent-encoded, as a browser sends it)."""
    return "/authority/" + quote(name, safe="")


async def run_query(datasette: Any, name: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of dashboard query ``name`` on the served database, as dicts."""
    database = datasette.get_database()
    result = await database.execute(
        DASHBOARD_QUERIES[name]["sql"], params, custom_time_limit=QUERY_TIME_LIMIT_MS
    )
    return [dict(row) for row in result.rows]


def _links(datasette: Any, query: str, **params: Any) -> dict[str, str]:
    """Where the page's data opens as a Datasette query page, as JSON and as CSV."""
    database = datasette.get_database().name
    path = datasette.urls.query(database, query)
    suffix = "?" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
    return {
        "query": path + (suffix if params else ""),
        "json": path + ".json" + (suffix + "&_shape=array" if params else "?_shape=array"),
        "csv": path + ".csv" + (suffix if params else ""),
    }


async def authority_page(datasette: Any, request: Any) -> Response:
    name = unquote(request.url_vars["name"])
    rows = await run_query(datasette, "authority_years", authority=name)
    canonical = canonical_authority(name)
    # Any spelling the parser canonicalises (泸定县政府) leads to the stored name's page.
    if (
        not rows
        and canonical != name
        and await run_query(datasette, "authority_years", authority=canonical)
    ):
        return Response.redirect(authority_path(canonical))
    if not rows:
        raise NotFound(f"no stored report of {name}")
    first = rows[-1]
    context = {
        "authority": name,
        "place": " ".join(p for p in (first["province"], first["city"], first["county"]) if p),
        "level": first["level"],
        "headings": [pages.year_heading(row) for row in rows],
        "years": [row["report_year"] for row in rows],
        "blocks": pages.authority_blocks(rows),
        "charts": pages.authority_charts(rows),
        "links": _links(datasette, "authority_years", authority=name),
    }
    return Response.html(
        await datasette.render_template("nianbao_authority.html", context, request=request)
    )


async def year_page(datasette: Any, request: Any) -> Response:
    year = int(request.url_vars["year"])
    rows = await run_query(datasette, "year_ranking", year=year)
    years = [row["report_year"] for row in await run_query(datasette, "years_overview")]
    if not rows:
        raise NotFound(f"no stored report of the year {year}")
    context = {
        "year": year,
        "years": sorted(years),
        "columns": pages.RANKING_COLUMNS,
        "rows": pages.ranking_rows(rows),
        "late": sum(1 for row in rows if row["on_time"] == "late"),
        "breaking": sum(1 for row in rows if row["rules_broken"]),
        "links": _links(datasette, "year_ranking", year=year),
    }
    return Response.html(
        await datasette.render_template("nianbao_year.html", context, request=request)
    )


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return [
        (r"^/authority/(?P<name>[^/]+)$", authority_page),
        (r"^/year/(?P<year>[0-9]{4})$", year_page),
    ]


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> Any:
    """The home page's summaries: the years and the authorities, each linking to its page."""
    if template != "index.html":
        return None

    async def home() -> dict[str, Any]:
        database = datasette.get_database().name
        return {
            "nianbao": {
                "database": database,
                "years": await run_query(datasette, "years_overview"),
                "authorities": await run_query(datasette, "authorities_overview"),
                "links": {
                    name: _links(datasette, name)
                    for name in ("years_overview", "authorities_overview")
                },
            }
        }

    return home


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["authority_path"] = authority_path
