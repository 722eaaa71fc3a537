"""DuckDB over the parquet extracts: the one way chapters and analysis code read data.

Why: one query per `.sql` file (named for what it returns) keeps the numbers a chapter
shows reviewable apart from the Python that draws them, and a view per parquet file lets
the same SQL run against the real extracts, a staging directory during a build, or a
test fixture.

Two more things happen here because this is where data is read:
- the MCS edition the build is made as of (`analysis.editions`) cuts the MCS views, so
  every query sees the book's vintage;
- each statement announces the files it reads (a `render.input.file` audit event per
  parquet file) before DuckDB reads them, since Python never sees DuckDB open a file;
  the renderer records these as the chapter's inputs, and ignores them elsewhere.

    >>> from analysis.db import connect, query
    >>> con = connect()                                  # doctest: +SKIP
    >>> query("validate/comtrade_partners_sum_to_world", con)  # doctest: +SKIP
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb
import pandas as pd

from analysis import editions
from analysis.errors import PipelineError
from analysis.paths import SQL_DIR, extracts_dir

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FILE_IN_VIEW = re.compile(r"read_(?:parquet|csv(?:_auto)?|json(?:_auto)?)\(\s*'((?:[^']|'')+)'", re.I)


class Connection:
    """A DuckDB connection whose statements announce the files they read.

    Everything else is the DuckDB connection's own (attributes are passed through)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, editioned: set[str]):
        self._con = con
        self._editioned = editioned

    def __getattr__(self, name):
        return getattr(self._con, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._con.close()

    def announce_reads(self, sql: str) -> None:
        """Raise a `render.input.file` event per file `sql` reads, following views.

        A view counts as read when its name appears in the statement outside comments:
        an over-count can only cost a re-run, never keep a stale chapter."""
        views = dict(self._con.execute("SELECT view_name, sql FROM duckdb_views() WHERE NOT internal").fetchall())
        files: set[str] = set()
        todo, seen = [sql], set()
        while todo:
            text = _COMMENTS.sub(" ", todo.pop())
            files.update(m.replace("''", "'") for m in _FILE_IN_VIEW.findall(text))
            words = set(_WORD.findall(text))
            for name in words & views.keys() - seen:
                seen.add(name)
                if name in self._editioned:
                    editions.mcs_vintage()  # announces the setting as an input
                todo.append(views[name])
        for f in sorted(files):
            sys.audit("render.input.file", f)

    def execute(self, sql: str, *args, **kwargs):
        self.announce_reads(sql)
        return self._con.execute(sql, *args, **kwargs)

    def sql(self, sql: str, *args, **kwargs):
        self.announce_reads(sql)
        return self._con.sql(sql, *args, **kwargs)

    query = sql


def connect(extracts: Path | None = None, *, all_editions: bool = False) -> Connection:
    """An in-memory connection with one view per `<table>.parquet` in `extracts`.

    MCS tables are cut at the build's edition (`analysis.editions`) unless `all_editions`
    (the extract step validates every edition it built)."""
    folder = Path(extracts) if extracts is not None else extracts_dir()
    if not folder.is_dir():
        raise PipelineError(f"extracts directory {folder} does not exist; run `python -m analysis extract`")
    vintage = None if all_editions else editions.mcs_vintage(announce=False)
    con = duckdb.connect(":memory:")
    editioned = set()
    for path in sorted(folder.glob("*.parquet")):
        literal = str(path.resolve()).replace("'", "''")
        column = editions.edition_column(path.stem)
        cut = f" WHERE {column} <= {vintage}" if column and vintage is not None else ""
        con.execute(f'CREATE VIEW "{path.stem}" AS SELECT * FROM read_parquet(\'{literal}\'){cut}')
        if column:
            editioned.add(path.stem)
    if vintage is not None:
        _check_vintage(con, vintage, folder)
    return Connection(con, editioned)


def _check_vintage(con, vintage: int, folder: Path) -> None:
    path = folder / "core_usgs_mcs__world_production.parquet"
    if not path.exists():
        return
    literal = str(path.resolve()).replace("'", "''")
    found = [r[0] for r in con.execute(
        f"SELECT DISTINCT edition FROM read_parquet('{literal}') ORDER BY 1").fetchall()]
    if vintage not in found:
        raise PipelineError(f"{editions.ENV}={vintage}: the extracts hold MCS editions "
                            f"{', '.join(map(str, found))}; choose one of them")


def query(name: str, con: Connection | None = None, **params) -> pd.DataFrame:
    """Run `analysis/sql/<name>.sql` with named `$param` parameters; return a DataFrame."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise PipelineError(f"no query {path}")
    own = con is None
    con = connect() if own else con
    try:
        sql = path.read_text(encoding="utf-8")
        return con.execute(sql, params).df() if params else con.execute(sql).df()
    except duckdb.Error as exc:
        raise PipelineError(f"query {path.name} failed: {exc}") from exc
    finally:
        if own:
            con.close()
