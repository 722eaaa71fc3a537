"""DuckDB over the parquet extracts: the one way chapters and analysis code read data.

Why: one query per `.sql` file (named for what it returns) keeps the numbers a chapter
shows reviewable apart from the Python that draws them, and a view per parquet file lets
the same SQL run against the real extracts, a staging directory during a build, or a
test fixture.

    >>> from analysis.db import connect, query
    >>> con = connect()                                  # doctest: +SKIP
    >>> query("validate/comtrade_partners_sum_to_world", con)  # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from analysis.errors import PipelineError
from analysis.paths import SQL_DIR, extracts_dir


def connect(extracts: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with one view per `<table>.parquet` in `extracts`."""
    folder = Path(extracts) if extracts is not None else extracts_dir()
    if not folder.is_dir():
        raise PipelineError(f"extracts directory {folder} does not exist; run `python -m analysis extract`")
    con = duckdb.connect(":memory:")
    for path in sorted(folder.glob("*.parquet")):
        literal = str(path.resolve()).replace("'", "''")
        con.execute(f'CREATE VIEW "{path.stem}" AS SELECT * FROM read_parquet(\'{literal}\')')
    return con


def query(name: str, con: duckdb.DuckDBPyConnection | None = None, **params) -> pd.DataFrame:
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
