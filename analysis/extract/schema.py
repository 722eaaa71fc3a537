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
