"""The analyst tables agree with their one description (``pipelines/db/columns.py``).

The views are made by migrations with frozen SQL, the notes by ``browse.metadata``, the files by
``nianbao export``, the README's tables by ``readme_tables``; each test here fails when one of
them says something else than the description, so a column cannot be added, renamed or
described in one place only.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from sqlalchemy import inspect

from nianbao.pipelines.db import make_engine, upgrade
from nianbao.pipelines.db.browse import metadata
from nianbao.pipelines.db.columns import EXPORT_FILES, VIEWS, export_columns, report_wide_sql
from nianbao.pipelines.db.export import export
from nianbao.pipelines.db.readme_tables import README, TABLES, main, update

VERSIONS = Path(__file__).resolve().parents[2] / "pipelines/db/migrations/versions"


def _migration(stem: str) -> ModuleType:
    """A revision file as a module (revisions are files, not an importable package)."""
    spec = importlib.util.spec_from_file_location(f"nianbao_migration_{stem}", VERSIONS / stem)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _words(sql: str) -> str:
    """SQL with its whitespace normalised: the description's lines are wrapped differently."""
    return " ".join(sql.split())


def test_the_newest_report_wide_sql_is_the_description() -> None:
    """Migration 0005 made the current report_wide (0002's plus ``uncertain_cells``)."""
    m0005 = _migration("0005_cell_uncertain_township_index.py")
    frozen = m0005._report_wide_with_uncertain(m0005._revision_0002()._report_wide_sql())
    assert _words(frozen) == _words(report_wide_sql()), (
        "report_wide changed: write a revision that recreates it with columns.report_wide_sql()"
    )


def test_every_view_at_head_has_the_described_columns(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        inspector = inspect(engine)
        for name, view in VIEWS.items():
            stored = [column["name"] for column in inspector.get_columns(name)]
            assert stored == view.names(), name
    finally:
        engine.dispose()


def test_datasette_notes_are_the_descriptions() -> None:
    tables = metadata("nianbao")["databases"]["nianbao"]["tables"]
    for name, view in VIEWS.items():
        notes = tables[name]["columns"]
        assert list(notes.items()) == list(view.notes().items()), name
        assert set(notes) <= set(view.names()), f"{name}: a note for a column it does not have"


def test_export_files_have_the_described_columns(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        upgrade(engine)
        written = export(engine, tmp_path / "out", "csv")
    finally:
        engine.dispose()
    assert list(written) == list(EXPORT_FILES)
    for name, (path, rows) in written.items():
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert (header.split(","), rows) == (export_columns(name), 0), name


def test_the_readme_tables_are_generated() -> None:
    """Every marked README table is what ``python -m nianbao.pipelines.db.readme_tables`` writes."""
    readme = README.read_text(encoding="utf-8")
    for name in TABLES:
        assert f"<!-- columns:{name} -->" in readme, name
    assert update(readme) == readme, "run python -m nianbao.pipelines.db.readme_tables"


def test_the_readme_script_rewrites_only_the_marked_tables(tmp_path: Path) -> None:
    readme = README.read_text(encoding="utf-8")
    stale = readme.replace("| view `report_check` | check result |", "| view `report_check` | x |")
    path = tmp_path / "README.md"
    path.write_text(stale, encoding="utf-8")
    assert main(["--check", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == stale
    assert main([str(path)]) == 0
    assert path.read_text(encoding="utf-8") == readme
