"""DuckDB over the parquet extracts, the curated tables and the reference mappings: the one
way chapters and analysis code read data.

Why: one query per `.sql` file (named for what it returns) keeps the numbers a chapter
shows reviewable apart from the Python that draws them, and a view per table lets the
same SQL run against the real extracts, a staging directory during a build, or a test
fixture. Three kinds of table:

- `<table>`: one view per `<table>.parquet` in the extracts folder (`core_usitc__trade` ...);
- `core_reference__<name>`: the reviewed mappings of `data/reference/` that analysis SQL
  joins (battery minerals, HTS crosswalk, groupings, labels, errata, the seeds ...), and
  `core_reference__sources`, the source manifest data/sources.csv;
- `core_curated__<name>`: the hand-curated tables of `data/curated/` (events, memberships,
  claims, responses, funding), loaded, checked and typed by `analysis.curated` when a
  statement first names them, with `_file` and `_row` naming each row's line.

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

from analysis import curated, editions, paths
from analysis.errors import PipelineError
from analysis.paths import REFERENCE_DIR, SQL_DIR, extracts_dir

#: reference mappings exposed to SQL as core_reference__<name> (data/reference/<name>.csv, as text)
REFERENCE_VIEWS = ("battery_minerals", "commodity_labels", "critical_list_products", "errata",
                   "hts_export_controls", "initiative_groups", "seeds")
_CURATED = re.compile(r"\bcore_curated__([a-z_]+)\b")

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FILE_IN_VIEW = re.compile(r"read_(?:parquet|csv(?:_auto)?|json(?:_auto)?)\(\s*'((?:[^']|'')+)'", re.I)


class Connection:
    """A DuckDB connection whose statements announce the files they read.

    Everything else is the DuckDB connection's own (attributes are passed through)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, editioned: set[str], curated_dir: Path | None = None):
        self._con = con
        self._editioned = editioned
        self._curated_dir = curated_dir
        self._curated: set[str] = set()

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

    def register_curated(self, sql: str) -> None:
        """Load the curated tables `sql` names, once per connection: reading only those keeps
        a chapter's recorded inputs to the files it uses."""
        for name in set(_CURATED.findall(_COMMENTS.sub(" ", sql))) - self._curated:
            if name not in curated.TABLES:
                raise PipelineError(f"no curated table {name!r} (data/curated/ has {', '.join(curated.TABLES)})")
            spec = curated.TABLES[name]
            self._con.register(f"core_curated__{name}", curated.typed(curated.load_table(name, self._curated_dir), spec))
            self._curated.add(name)

    def execute(self, sql: str, *args, **kwargs):
        self.announce_reads(sql)
        self.register_curated(sql)
        return self._con.execute(sql, *args, **kwargs)

    def sql(self, sql: str, *args, **kwargs):
        self.announce_reads(sql)
        self.register_curated(sql)
        return self._con.sql(sql, *args, **kwargs)

    query = sql


def connect(extracts: Path | None = None, *, all_editions: bool = False,
            curated_dir: Path | None = None) -> Connection:
    """An in-memory connection with one view per `<table>.parquet` in `extracts`, one per
    reference mapping, and the curated tables on demand.

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
    for name in REFERENCE_VIEWS:
        literal = str((REFERENCE_DIR / f"{name}.csv").resolve()).replace("'", "''")
        con.execute(f'CREATE VIEW "core_reference__{name}" AS SELECT * FROM '
                    f"read_csv('{literal}', header = true, all_varchar = true)")
    literal = str(paths.sources_csv().resolve()).replace("'", "''")
    con.execute(f"CREATE VIEW core_reference__sources AS SELECT * FROM read_csv('{literal}', header = true)")
    if vintage is not None:
        _check_vintage(con, vintage, folder)
    return Connection(con, editioned, curated_dir)


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
