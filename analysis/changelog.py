"""What a data update changed: between the previous build's extracts and this one's, and
between the two latest MCS editions the build is made as of.

Why: a reader who reran the report after USGS published a new Mineral Commodity
Summaries needs to know which commodities, countries and values moved before trusting
(or citing) a number that differs from last year's. The build-to-build part is computed
when the extract step replaces the extracts (both versions exist only then) and kept
beside them as `_changelog.csv`; the edition part is a query (`sql/`).

Rows are compared on each table's primary key (from the extract manifest); columns that
only say where a value was read (file, row) are not changes.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pandas as pd

from analysis import db, paths

FILE = "_changelog.csv"
MANIFEST = "_manifest.json"
# Provenance columns: a value read from another row of a new file has not changed.
NOT_CHANGES = {"source_file", "source_row", "source_sheet", "source_line"}
COLUMNS = ["kind", "table_name", "change", "commodity_id", "country", "key", "column_name",
           "old_value", "new_value", "unit", "detail"]


def _tables(folder: Path) -> dict[str, dict]:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["tables"]
    except (OSError, ValueError, KeyError):
        return {}


def _lit(path: Path) -> str:
    return "read_parquet('" + str(path.resolve()).replace("'", "''") + "')"


def diff_extracts(old: Path, new: Path) -> pd.DataFrame:
    """Rows added, removed and values changed, table by table, from `old` to `new`."""
    old, new = Path(old), Path(new)
    before, after = _tables(old), _tables(new)
    rows: list[dict] = []
    con = duckdb.connect()
    for table in sorted(set(before) | set(after)):
        if table not in before or table not in after:
            rows.append({"kind": "build", "table_name": table, "change": "table added" if table in after else "table removed"})
            continue
        o, n = old / f"{table}.parquet", new / f"{table}.parquet"
        if o.read_bytes() == n.read_bytes():
            continue
        key = after[table]["primary_key"]
        cols_o = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {_lit(o)}").fetchall()]
        cols_n = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {_lit(n)}").fetchall()]
        if not set(key) <= set(cols_o) & set(cols_n):
            rows.append({"kind": "build", "table_name": table, "change": "key changed"})
            continue
        on = " AND ".join(f'a."{k}" IS NOT DISTINCT FROM b."{k}"' for k in key)
        keytext = " || ' / ' || ".join(f"coalesce(CAST(x.\"{k}\" AS VARCHAR), '')" for k in key)
        extra = [c for c in ("commodity_id", "country_name") if c in cols_n]
        pick = ", ".join(f'x."{c}"' for c in extra) or "NULL"
        for change, a, b in (("row added", n, o), ("row removed", o, n)):
            df = con.execute(f"SELECT {keytext} AS key, {pick} FROM {_lit(a)} AS x WHERE NOT EXISTS "
                             f"(SELECT 1 FROM {_lit(b)} AS y WHERE {on.replace('a.', 'x.').replace('b.', 'y.')})").df()
            for r in df.to_dict("records"):
                rows.append({"kind": "build", "table_name": table, "change": change, "key": r["key"],
                             "commodity_id": r.get("commodity_id"), "country": r.get("country_name")})
        for col in [c for c in cols_n if c in cols_o and c not in key and c not in NOT_CHANGES]:
            df = con.execute(
                f'SELECT {keytext.replace("x.", "b.")} AS key, {pick.replace("x.", "b.")}, '
                f'CAST(a."{col}" AS VARCHAR) AS old_value, CAST(b."{col}" AS VARCHAR) AS new_value '
                f"FROM {_lit(o)} AS a JOIN {_lit(n)} AS b ON {on} "
                f'WHERE a."{col}" IS DISTINCT FROM b."{col}"').df()
            for r in df.to_dict("records"):
                rows.append({"kind": "build", "table_name": table, "change": "value changed", "key": r["key"],
                             "commodity_id": r.get("commodity_id"), "country": r.get("country_name"),
                             "column_name": col, "old_value": r["old_value"], "new_value": r["new_value"]})
    con.close()
    return pd.DataFrame(rows, columns=COLUMNS)


def write_build_changes(previous: Path, staging: Path) -> pd.DataFrame:
    """Called by the extract step on the validated new extracts, before they go live."""
    if (Path(previous) / MANIFEST).exists():
        changes = diff_extracts(previous, staging)
        if changes.empty:
            changes = pd.DataFrame([{"kind": "build", "change": "no change"}], columns=COLUMNS)
    else:
        changes = pd.DataFrame([{"kind": "build", "change": "first build"}], columns=COLUMNS)
    changes.to_csv(Path(staging) / FILE, index=False)
    return changes


def build_changes(extracts: Path | None = None) -> pd.DataFrame:
    """The changes the last extraction made (empty if the extracts predate this record)."""
    path = Path(extracts or paths.extracts_dir()) / FILE
    sys.audit("render.input.file", str(path))  # an input even while it does not exist
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    return pd.read_csv(path, dtype="string", keep_default_na=False).replace("", pd.NA)


def edition_changes() -> pd.DataFrame:
    """Values that moved between the two latest MCS editions of the build (sql/)."""
    df = db.query("changelog_mcs_edition_moves")
    out = pd.DataFrame({
        "kind": "edition", "table_name": df["table_name"], "change": df["change"],
        "commodity_id": df["commodity_id"], "country": df["country_name"], "key": df["series"],
        "column_name": df["measure"],
        "old_value": df["old_value"].astype("string"), "new_value": df["new_value"].astype("string"),
        "unit": df["unit"],
        "detail": "MCS " + df["old_edition"].astype(str) + " (" + df["old_year"].astype("string").fillna("–")
                  + ") → MCS " + df["new_edition"].astype(str) + " (" + df["new_year"].astype("string").fillna("–") + ")",
    })
    return out[COLUMNS]


def changelog() -> pd.DataFrame:
    return pd.concat([build_changes().astype("string"), edition_changes().astype("string")], ignore_index=True)


def write_csv(path: Path) -> Path:
    """`_book/data/changelog.csv`: every change the appendix summarises."""
    path.parent.mkdir(parents=True, exist_ok=True)
    changelog().to_csv(path, index=False)
    return path
