"""The crawl summary's lines: one per stored report, read without the report texts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from .models import AuthorityRow, CellRow, CheckResultRow, ReportRow


def summary_rows(session: Session, spiders: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """One line per stored report for the crawl summary, ordered by authority and year;
    only those last stored by ``spiders`` when given.

    Keys: authority, year, format, tables (``"t2,t3,t4"``), cells, violations (failed checks,
    one per rule and binding), rules_broken (distinct rules failing within the report: the
    ``rules_broken`` indicator without the cross-year rules), warnings (how many),
    warning_codes (their codes, in order), source_url. Reads only the columns it prints, not
    the report texts.
    """
    cells = (
        select(CellRow.report_id, func.count().label("cells"))
        .group_by(CellRow.report_id)
        .subquery()
    )
    broken = (
        select(
            CheckResultRow.report_id,
            func.count(distinct(CheckResultRow.rule_id)).label("rules_broken"),
        )
        .where(CheckResultRow.status == "fail")
        .group_by(CheckResultRow.report_id)
        .subquery()
    )
    statement = (
        select(
            AuthorityRow.name,
            ReportRow.report_year,
            ReportRow.format,
            ReportRow.variants,
            func.coalesce(cells.c.cells, 0),
            ReportRow.violations,
            func.coalesce(broken.c.rules_broken, 0),
            ReportRow.warnings,
            ReportRow.source_url,
        )
        .join(AuthorityRow)
        .outerjoin(cells, cells.c.report_id == ReportRow.id)
        .outerjoin(broken, broken.c.report_id == ReportRow.id)
        .order_by(AuthorityRow.name, ReportRow.report_year)
    )
    if spiders is not None:
        statement = statement.where(ReportRow.spider.in_(list(spiders)))
    rows = []
    for row in session.execute(statement):
        name, year, format_, variants, cell_count, violations, rules_broken, warnings, url = row
        rows.append(
            {
                "authority": name,
                "year": year,
                "format": format_,
                "tables": ",".join(sorted(variants or {})),
                "cells": cell_count,
                "violations": violations,
                "rules_broken": rules_broken,
                "warnings": len(warnings or []),
                "warning_codes": [str(w.get("code", "?")) for w in warnings or []],
                "source_url": url,
            }
        )
    return rows


def report_count(session: Session) -> int:
    """How many reports the whole database holds (every spider, every run)."""
    return session.scalar(select(func.count()).select_from(ReportRow)) or 0
