"""Build all parquet extracts, validate them, and swap them into place only if all is well.

Why this shape (PUDL's and OWID's habits, made stricter): a half-written or half-valid
extracts directory is worse than an old one, because the report would render from it
without complaint. So every build goes to a staging directory beside the target; the
tables are checked against their `RESOURCES` metadata, the SQL validations in
`analysis/sql/validate/` and the reviewed row counts in `data/reference/row_counts.csv`;
a `_manifest.json` records what went in; and only then is the old directory renamed aside,
the staging directory renamed into place, and the old one removed. On any failure the
staging directory is deleted and the previous extracts are left byte-for-byte as they were.

Validation exceptions (`data/reference/validation_exceptions.csv`, columns
`check,key,reason`): `check` is the validation file's stem; `key` is a JSON object of
column values, and it suppresses every failing row of that check whose columns equal all
the given values (compared as text, so `{"year": 2019}` matches 2019 and "2019"). Every
suppressed row is reported and recorded in the manifest; an exception that no longer
matches any failing row is reported as stale.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Iterable

import pandas as pd

from analysis.acquire import manifest_view, sha256, verify_raw
from analysis.errors import ExtractError, PipelineError, SourceError, ValidationError
from analysis.extract.schema import failing_rows, kind_of
from analysis.metadata import SOURCES
from analysis.paths import MANIFEST, REFERENCE_DIR, ROOT, SQL_DIR, sources_csv

# Every source family, in build order. Each is a module in analysis/extract/ exposing
# RESOURCES (read from its .meta.yml sidecar) and extract(raw) -> {table: DataFrame}.
REGISTRY: tuple[str, ...] = SOURCES
# Extracted first, being quick, so that a bad release of a small source is reported in a
# second.
QUICK_FIRST: tuple[str, ...] = ("comtrade", "usgs_ree", "bgs")
MAX_ROWS_SHOWN = 5
_TABLE_NAME = re.compile(r"\b((?:raw|core|out)_[a-z0-9_]+__[a-z0-9_]+)\b")


@dataclass
class Check:
    name: str
    failing: pd.DataFrame
    suppressed: list[dict] = field(default_factory=list)


def load_registry(names: Iterable[str] = REGISTRY) -> dict[str, ModuleType]:
    """Import the extract modules by name; a missing module is an error, never a skip."""
    modules = {}
    for name in names:
        try:
            module = importlib.import_module(f"analysis.extract.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"analysis.extract.{name}":
                raise PipelineError(f"extract module analysis/extract/{name}.py is missing") from exc
            raise
        for attr in ("RESOURCES", "extract"):
            if not hasattr(module, attr):
                raise PipelineError(f"extract module analysis/extract/{name}.py lacks {attr}")
        modules[name] = module
    return modules


# ---------------------------------------------------------------------------- schema

def _type_ok(series: pd.Series, kind: str) -> bool:
    from pandas.api import types as t

    kind = kind_of(kind)
    if kind == "string":
        if t.is_string_dtype(series.dtype) and not t.is_object_dtype(series.dtype):
            return True
        return t.is_object_dtype(series.dtype) and series.dropna().map(lambda v: isinstance(v, str)).all()
    if kind == "integer":
        return t.is_integer_dtype(series.dtype)
    if kind == "number":
        return t.is_numeric_dtype(series.dtype) and not t.is_bool_dtype(series.dtype)
    if kind == "boolean":
        return t.is_bool_dtype(series.dtype)
    if kind in ("date", "datetime"):
        return t.is_datetime64_any_dtype(series.dtype) or (
            t.is_object_dtype(series.dtype) and series.dropna().map(lambda v: isinstance(v, (_dt.date, _dt.datetime))).all())
    raise PipelineError(f"unknown field type {kind!r} in RESOURCES")


def check_table(table: str, df: pd.DataFrame, resource: dict) -> None:
    """Columns and types as RESOURCES says, no undocumented columns; then the rows, with
    pandera: a unique, non-null primary key and each field's constraints, failing rows
    listed with the file and row they came from."""
    fields = resource["fields"]
    missing = [c for c in fields if c not in df.columns]
    if missing:
        raise ValidationError(f"table {table}: column {missing[0]!r} is in RESOURCES but not in the table (missing: {missing})")
    extra = [c for c in df.columns if c not in fields]
    if extra:
        raise ValidationError(f"table {table}: column {extra[0]!r} is not documented in RESOURCES (undocumented: {extra})")
    for col, spec in fields.items():
        if not _type_ok(df[col], spec["type"]):
            raise ValidationError(f"table {table}: column {col!r} has dtype {df[col].dtype}, RESOURCES says {spec['type']}")
    key = resource["primary_key"]
    bad = [c for c in key if c not in fields]
    if bad:
        raise ValidationError(f"table {table}: primary key column {bad[0]!r} is not a field")
    n, lines = failing_rows(df, resource, limit=MAX_ROWS_SHOWN)
    if n:
        raise ValidationError(f"table {table}: {n} row(s) break its schema (primary key {', '.join(key)} unique "
                              f"and not null, field constraints):\n    " + "\n    ".join(lines))


# ---------------------------------------------------------------------------- validations

def read_exceptions(path: Path) -> pd.DataFrame:
    """The reviewed exceptions file; lines starting with '#' are comments."""
    if not path.is_file():
        return pd.DataFrame(columns=["check", "key", "reason"])
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines(keepends=True) if not ln.lstrip().startswith("#")]
    table = pd.read_csv(io.StringIO("".join(lines)), dtype=str, keep_default_na=False)
    for i, k in enumerate(table.get("key", []), start=1):
        try:
            obj = json.loads(k)
        except ValueError as exc:
            raise PipelineError(f"{path}: data row {i}: key is not JSON: {k!r}") from exc
        if not isinstance(obj, dict) or not obj:
            raise PipelineError(f"{path}: data row {i}: key must be a non-empty JSON object of column values")
    return table


def _as_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def _matches(failing: pd.DataFrame, key: dict) -> pd.Series:
    mask = pd.Series(True, index=failing.index)
    for col, val in key.items():
        if col not in failing.columns:
            return pd.Series(False, index=failing.index)
        mask &= failing[col].map(_as_text) == _as_text(val)
    return mask


def run_validations(con, sql_dir: Path, exceptions: pd.DataFrame, built: set[str], *, full: bool) -> tuple[list[Check], list[str], list[dict]]:
    """Run every validate/*.sql; return (checks, skipped, stale exceptions)."""
    checks, skipped, stale = [], [], []
    for path in sorted((sql_dir / "validate").glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        refs = set(_TABLE_NAME.findall(re.sub(r"--[^\n]*", "", sql)))
        if not full and not refs <= built:
            skipped.append(path.stem)  # a partial build (tests): checks on tables not built
            continue
        try:
            failing = con.execute(sql).df()
        except Exception as exc:  # noqa: BLE001 - a broken check is a failed build
            raise ValidationError(f"validation {path.name} could not run: {exc}") from exc
        check = Check(path.stem, failing)
        for _, exc_row in exceptions[exceptions["check"] == path.stem].iterrows():
            key = json.loads(exc_row["key"])
            hit = _matches(check.failing, key)
            if hit.any():
                for rec in check.failing[hit].to_dict("records"):
                    check.suppressed.append({"row": {k: _as_text(v) for k, v in rec.items()}, "key": key, "reason": exc_row["reason"]})
                check.failing = check.failing[~hit]
            else:
                stale.append({"check": path.stem, "key": key, "reason": exc_row["reason"]})
        checks.append(check)
    return checks, skipped, stale


# ---------------------------------------------------------------------------- row counts

def check_row_counts(path: Path, counts: dict[str, dict[str, int]]) -> list[str]:
    """Compare built row counts (table -> edition -> rows; edition '' if none) with the file."""
    if not path.is_file():
        return [f"{path} is missing"]
    expected = pd.read_csv(path, dtype=str, keep_default_na=False)
    problems = []
    want: dict[tuple[str, str], int] = {}
    for i, r in expected.iterrows():
        k = (r["table"], r["edition"])
        if k in want:
            problems.append(f"{path.name} line {i + 2}: table {k[0]} edition {k[1] or '(none)'} listed twice")
        want[k] = int(r["rows"])
    for table, by_edition in counts.items():
        listed = {e for (t, e) in want if t == table}
        for edition, rows in by_edition.items():
            if (table, edition) not in want:
                problems.append(f"table {table} edition {edition or '(none)'}: no expected row count in {path.name} (built {rows})")
            elif want[(table, edition)] != rows:
                problems.append(f"table {table} edition {edition or '(none)'}: expected {want[(table, edition)]} rows, built {rows}")
        for edition in sorted(listed - set(by_edition)):
            problems.append(f"table {table} edition {edition or '(none)'}: expected {want[(table, edition)]} rows, built 0")
    return problems


def _row_counts(table: pd.DataFrame, resource: dict) -> dict[str, int]:
    """Rows per edition. The edition column is RESOURCES' optional `edition_column`
    (e.g. `edition_to` for a table of revisions), else `edition` if the table has one."""
    column = resource.get("edition_column", "edition" if "edition" in table.columns else None)
    if column is None:
        return {"": len(table)}
    if column not in table.columns:
        raise ValidationError(f"edition_column {column!r} is not a column of the table")
    return {str(int(e)): int(n) for e, n in table.groupby(column).size().items()}


# ---------------------------------------------------------------------------- provenance

def _inputs(raw: Path) -> dict[str, str]:
    return {p.relative_to(raw).as_posix(): sha256(p) for p in sorted(raw.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw).parts)}


def _code_files() -> list[Path]:
    """What an extract is a function of besides the raw files: the extract code, the
    shared modules it imports, the validation SQL and the reviewed reference files."""
    analysis = ROOT / "analysis"
    return sorted([*(analysis / "extract").glob("*.py"), *(analysis / "extract").glob("*.meta.yml"),
                   analysis / "metadata.py", analysis / "errors.py", analysis / "paths.py",
                   analysis / "db.py", *(analysis / "sql" / "validate").glob("*.sql"), *REFERENCE_DIR.glob("*.csv")])


def up_to_date(raw: Path, out: Path, manifest: Path | None = None) -> bool:
    """True when `out` was built, with this code, from exactly the manifest's files, and
    those files in `raw` still verify.

    Lets an unchanged rebuild skip the extract step (OWID's checksum chaining, in small):
    any change to a raw file, the manifest, the extract code, a validation or a reference
    file rebuilds. A raw folder that does not verify is never up to date (the build then
    says why).
    """
    built_path = Path(out) / MANIFEST
    if not built_path.is_file():
        return False
    try:
        built = json.loads(built_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if built.get("registry") != list(REGISTRY):
        return False
    if built.get("code", {}).get("code_sha256") != _code_version()["code_sha256"]:
        return False
    try:
        inputs = verify_raw(Path(raw), manifest)
    except SourceError:
        return False
    if built.get("inputs") != inputs:
        return False
    return all((Path(out) / f"{table}.parquet").is_file() for table in built.get("tables", {}))


def _code_version() -> dict[str, object]:
    """Git commit if available, plus a hash of the code and reference files the build reads."""
    h = hashlib.sha256()
    for p in _code_files():
        h.update(p.relative_to(ROOT).as_posix().encode())
        h.update(p.read_bytes())
    commit = None
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        pass
    return {"git_commit": commit, "code_sha256": h.hexdigest()}


# ---------------------------------------------------------------------------- build

def _format_failures(checks: list[Check], counts: list[str]) -> str:
    lines = []
    for c in checks:
        if len(c.failing):
            lines.append(f"check {c.name}: {len(c.failing)} failing row(s)")
            for rec in c.failing.head(MAX_ROWS_SHOWN).to_dict("records"):
                lines.append(f"    {rec}")
    lines += [f"row count: {p}" for p in counts]
    return "\n".join(lines)


_VERIFY = object()


def build_extracts(raw: Path, out: Path, *, progress: bool = True, registry: Iterable[str] | None = None,
                   reference_dir: Path | None = None, sql_dir: Path | None = None, manifest=_VERIFY,
                   before_swap=None) -> dict:
    """Extract every source in `registry` from `raw` into `out`, atomically. Returns the manifest.

    `before_swap(staging)` runs on the validated new extracts before they replace the old
    ones (the update step writes its changelog there, so both appear together).

    A full build first verifies `raw` against the source manifest (`data/sources.csv`, or
    `manifest`) and extracts from a view holding only the manifest's files, so an edited
    file or one dropped from the manifest never reaches the extracts. `registry`,
    `reference_dir` and `sql_dir` exist so that tests can build a subset against their own
    row counts and checks (a subset build verifies only when given a `manifest`); the CLI
    always uses the defaults.
    """
    from rich.console import Console
    from rich.markup import escape

    console = Console(quiet=not progress, stderr=True)
    raw, out = Path(raw), Path(out)
    full = registry is None
    names = tuple(REGISTRY if registry is None else registry)
    reference_dir = Path(reference_dir or REFERENCE_DIR)
    sql_dir = Path(sql_dir or SQL_DIR)
    if not raw.is_dir():
        raise PipelineError(f"raw directory {raw} does not exist; run `make acquire`")
    if manifest is _VERIFY:
        manifest = sources_csv() if full else None
    inputs = verify_raw(raw, manifest) if manifest is not None else _inputs(raw)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".extracts-staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    started = time.perf_counter()
    view = Path(tempfile.mkdtemp(prefix="minerals-raw-view-"))
    try:
        source = manifest_view(raw, inputs, view) if manifest is not None else raw
        modules = load_registry(names)
        tables: dict[str, dict] = {}
        sources: dict[str, dict] = {}
        counts: dict[str, dict[str, int]] = {}
        for name, module in sorted(modules.items(), key=lambda kv: kv[0] not in QUICK_FIRST):
            t0 = time.perf_counter()
            with console.status(f"extracting [bold]{name}[/]"):
                frames = _run_extract(module, name, source)
                declared = set(module.RESOURCES)
                if set(frames) != declared:
                    raise ValidationError(f"source {name}: returned tables {sorted(frames)} but RESOURCES declares {sorted(declared)}")
                for table, df in frames.items():
                    if table in tables:
                        raise ValidationError(f"table {table} is produced by two sources ({tables[table]['source']} and {name})")
                    check_table(table, df, module.RESOURCES[table])
                    df.to_parquet(staging / f"{table}.parquet", index=False, compression="zstd")
                    tables[table] = {"source": name, "rows": len(df), "columns": len(df.columns),
                                     "primary_key": module.RESOURCES[table]["primary_key"]}
                    try:
                        counts[table] = _row_counts(df, module.RESOURCES[table])
                    except ValidationError as exc:
                        raise ValidationError(f"table {table}: {exc}") from None
            seconds = time.perf_counter() - t0
            sources[name] = {"tables": sorted(frames), "seconds": round(seconds, 3)}
            rows = sum(len(f) for f in frames.values())
            console.print(f"[green]✓[/] {name:<16} {len(frames)} table(s) {rows:>9,} rows  {seconds:6.2f} s")

        t0 = time.perf_counter()
        with console.status("validating"):
            from analysis.db import connect

            con = connect(staging, all_editions=True)
            try:
                exceptions = read_exceptions(reference_dir / "validation_exceptions.csv")
                checks, skipped, stale = run_validations(con, sql_dir, exceptions, set(tables), full=full)
            finally:
                con.close()
            count_problems = check_row_counts(reference_dir / "row_counts.csv", counts)
        for c in checks:
            if c.suppressed:
                keys = {json.dumps(s["key"], sort_keys=True) for s in c.suppressed}
                console.print(f"[yellow]![/] {escape(c.name)}: {len(c.suppressed)} failing row(s) suppressed by "
                              f"{len(keys)} reviewed exception(s) (rows and reasons in _manifest.json)")
        for s in stale:
            console.print(f"[yellow]![/] stale exception for {escape(s['check'])}: {escape(json.dumps(s['key']))} matches no failing row")
        if any(len(c.failing) for c in checks) or count_problems:
            raise ValidationError("extracts failed validation; previous extracts left in place\n" + _format_failures(checks, count_problems))
        console.print(f"[green]✓[/] {len(checks)} validation check(s), row counts of {len(tables)} table(s)  {time.perf_counter() - t0:6.2f} s")

        manifest = {
            "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "code": _code_version(),
            "registry": list(names),
            "tables": tables,
            "sources": sources,
            "inputs": inputs,
            "validation": {
                "checks": [c.name for c in checks],
                "skipped": skipped,
                "suppressed": [{"check": c.name, **s} for c in checks for s in c.suppressed],
                "stale_exceptions": stale,
            },
            "seconds": round(time.perf_counter() - started, 3),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
        if before_swap is not None:
            before_swap(staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(view, ignore_errors=True)
    console.print(f"[green]✓[/] extracts written to {escape(str(out))}  ({manifest['seconds']:.2f} s)")
    return manifest


def _run_extract(module: ModuleType, name: str, source: Path) -> dict[str, pd.DataFrame]:
    """module.extract(source), with a file the system cannot read reported by its path
    inside the release rather than as a traceback."""
    try:
        return module.extract(source)
    except OSError as exc:
        where = exc.filename or "?"
        try:
            where = Path(where).relative_to(source).as_posix()
        except ValueError:
            pass
        raise ExtractError(where, f"cannot read ({exc.strerror or exc}); run `make acquire` to restore it") from None


def _swap(staging: Path, out: Path) -> None:
    """Exchange the new directory with the old in one step (no instant without extracts)."""
    from analysis.render.atomic import swap_in

    swap_in(staging, out)


STAGING_PREFIXES = (".extracts-staging-", ".extracts-old-")


__all__ = ["REGISTRY", "build_extracts", "check_table", "check_row_counts", "load_registry", "read_exceptions",
           "run_validations"]
