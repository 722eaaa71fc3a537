"""Table schemas as data: each extract module's RESOURCES names its fields and their types.

Field types are PUDL's (`string`, `integer`, `number`, `boolean`, `date`, `datetime`);
pandas dtype names are accepted as aliases. One cast here, one check in the pipeline, so
a table's parquet types follow its documented metadata and nothing else.
"""
from __future__ import annotations

import pandas as pd

TYPE_ALIASES = {"int64": "integer", "Int64": "integer", "int": "integer", "float64": "number", "float": "number",
                "bool": "boolean", "str": "string", "datetime64[ns]": "datetime"}
_CASTS = {"string": "string", "integer": "int64", "number": "float64", "boolean": bool}


def kind_of(type_name: str) -> str:
    return TYPE_ALIASES.get(type_name, type_name)


def typed(frame: pd.DataFrame, fields: dict[str, dict]) -> pd.DataFrame:
    """The documented columns, in documented order, cast to their documented types."""
    out = frame[list(fields)].copy()
    for column, spec in fields.items():
        cast = _CASTS.get(kind_of(spec["type"]))
        if cast is not None:
            out[column] = out[column].astype(cast)
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------- row checks

#: Frictionless-style field constraints a table's metadata may carry, as pandera checks.
_CONSTRAINTS = {
    "minimum": lambda v: __import__("pandera").Check.ge(v),
    "maximum": lambda v: __import__("pandera").Check.le(v),
    "enum": lambda v: __import__("pandera").Check.isin(list(v)),
    "pattern": lambda v: __import__("pandera").Check.str_fullmatch(v),
}


def row_schema(resource: dict):
    """A pandera schema of a table's row-level rules: primary-key columns present and
    unique together, and each field's `constraints` (`required`, `minimum`, `maximum`,
    `enum`, `pattern`). Types are checked per column beforehand; this schema names rows."""
    import pandera.pandas as pa

    key = list(resource["primary_key"])
    columns = {}
    for name, spec in resource["fields"].items():
        constraints = dict(spec.get("constraints", {}))
        unknown = set(constraints) - set(_CONSTRAINTS) - {"required"}
        if unknown:
            raise ValueError(f"field {name!r}: unknown constraint(s) {sorted(unknown)}")
        checks = [_CONSTRAINTS[c](v) for c, v in constraints.items() if c in _CONSTRAINTS]
        required = bool(constraints.get("required")) or name in key
        columns[name] = pa.Column(checks=checks, nullable=not required, coerce=False, required=True)
    return pa.DataFrameSchema(columns, unique=key or None, report_duplicates="all")


def failing_rows(df: pd.DataFrame, resource: dict, *, limit: int = 5) -> tuple[int, list[str]]:
    """(number of failing rows, up to `limit` lines describing them). Each line names the
    column, the rule and the value, and the row's `source_file`/`source_row` when the
    table carries them, so the maintainer can open the release at that cell."""
    import pandera.errors as pe

    try:
        row_schema(resource).validate(df, lazy=True)
    except pe.SchemaErrors as err:
        cases = err.failure_cases
    else:
        return 0, []
    cases = cases[cases["index"].notna()]
    lines = []
    for _, case in cases.head(limit).iterrows():
        row = df.loc[case["index"]]
        where = ""
        if "source_file" in df.columns and "source_row" in df.columns:
            where = f"file {row['source_file']}, row {row['source_row']}: "
        rule = "primary key not unique" if "uniqueness" in str(case["check"]) else str(case["check"])
        lines.append(f"{where}column {case['column']!r}: {rule} (value {case['failure_case']!r})")
    return int(cases["index"].nunique()), lines
