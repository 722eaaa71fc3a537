"""British Geological Survey World Mineral Statistics: production by country, 1970-2021.

Why this source: USGS gives refined (processing-stage) cobalt and nickel only as world
totals; BGS gives them by country. The export is a semicolon-separated long table
(Country;commodity_code;commodity_desc;Sub-commodity;year;value) with empty cells where
BGS has no figure. Every BGS commodity and sub-commodity must be listed in the reviewed
mapping `data/reference/bgs_commodities.csv`, which gives the report's `commodity_id`
(null for fuels outside the report), the `stage`, the unit and the basis (metal content,
gross weight, Li content, REO). A commodity the mapping does not know stops the extract.

Units: BGS World Mineral Statistics tables are in metric tonnes; the two exceptions in
this export are natural gas (million cubic metres) and uranium (tonnes U). We checked the
magnitudes (USA natural gas 2019 = 961,282, i.e. 961 billion m3; DRC cobalt mine 2019 =
77,964 t) and record the unit per commodity in the mapping file.

Contains British Geological Survey materials (c) UKRI.
"""
from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd

from analysis import metadata
from analysis.errors import ExtractError
from analysis.extract.countries import harmonise
from analysis.extract.readers import decode
from analysis.extract.quirks import NOT_AVAILABLE, UnparseableValue, parse_value
from analysis.paths import REFERENCE_DIR

FOLDER = "bgs-world-mineral-statistics"
FILE = "df_ukgs.csv.gz"
COLUMNS = ["Country", "commodity_code", "commodity_desc", "Sub-commodity", "year", "value"]
MAPPING = REFERENCE_DIR / "bgs_commodities.csv"

TABLE = "core_bgs__world_production"
RESOURCES = metadata.resources("bgs")  # bgs.meta.yml: tables, keys, fields and types


def _mapping() -> pd.DataFrame:
    m = pd.read_csv(MAPPING, dtype=str, keep_default_na=False)
    dup = m.duplicated(["bgs_commodity", "bgs_sub_commodity"])
    if dup.any():
        raise ExtractError(str(MAPPING), "duplicate mapping row", row=int(dup.idxmax()) + 2)
    return m


def extract(raw: Path) -> dict[str, pd.DataFrame]:
    rel = f"{FOLDER}/{FILE}"
    path = Path(raw) / FOLDER / FILE
    if not path.is_file():
        raise ExtractError(rel, "file not found")
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise ExtractError(rel, f"cannot decompress: {exc}") from None
    text = decode(data, rel, "utf-8")
    try:
        df = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.ParserError as exc:
        raise ExtractError(rel, f"not a semicolon-separated table: {exc}") from exc
    if list(df.columns) != COLUMNS:
        missing = [c for c in COLUMNS if c not in df.columns]
        raise ExtractError(rel, f"expected columns {COLUMNS}, found {list(df.columns)}",
                           column=missing[0] if missing else None, row=1)
    df["source_row"] = range(2, len(df) + 2)

    for col in ("year", "commodity_code"):
        ok = df[col].str.fullmatch(r"\d+")
        if not ok.all():
            bad = df[~ok].iloc[0]
            raise ExtractError(rel, f"{col} {bad[col]!r} is not an integer", column=col, row=int(bad["source_row"]))

    # Values: numbers or blank; anything else is a located error.
    values, flags = [], []
    for v, row in zip(df["value"], df["source_row"]):
        try:
            p = parse_value(v)
        except UnparseableValue:
            raise ExtractError(rel, f"cannot read value {v!r}", column="value", row=int(row)) from None
        if p.flag not in (None, NOT_AVAILABLE) or p.is_estimate:
            raise ExtractError(rel, f"unexpected symbol in value {v!r}", column="value", row=int(row))
        values.append(p.value)
        flags.append(p.flag)

    m = _mapping().rename(columns={"bgs_commodity": "commodity_desc", "bgs_sub_commodity": "Sub-commodity"})
    df = df.merge(m, on=["commodity_desc", "Sub-commodity"], how="left", validate="many_to_one")
    unknown = df["stage"].isna()
    if unknown.any():
        bad = df[unknown].sort_values("source_row").iloc[0]
        raise ExtractError(rel, f"commodity {bad['commodity_desc']!r} / sub-commodity {bad['Sub-commodity']!r} is not in "
                                f"{MAPPING.name}; add it with its commodity_id, stage and unit",
                           column="commodity_desc", row=int(bad["source_row"]))
    df = df.sort_values("source_row").reset_index(drop=True)
    df["value_num"] = pd.Series(values, dtype="float64")
    df["value_flag"] = pd.Series(flags, dtype="string")

    names = pd.Series(df["Country"].unique())
    first_row = df.drop_duplicates("Country").set_index("Country")["source_row"]
    countries = harmonise(names, file=rel, column="Country", rows=names.map(first_row))
    countries.index = names
    out = pd.DataFrame({
        "commodity": df["commodity_desc"].astype("string"),
        "commodity_code": df["commodity_code"].astype("int64"),
        "sub_commodity": df["Sub-commodity"].astype("string"),
        "commodity_id": df["commodity_id"].replace("", pd.NA).astype("string"),
        "stage": df["stage"].astype("string"),
        "basis": df["basis"].astype("string"),
        "country_name_source": df["Country"].astype("string"),
        "country_name": df["Country"].map(countries["country_name"]).astype("string"),
        "country_iso3": df["Country"].map(countries["country_iso3"]).astype("string"),
        "is_aggregate": df["Country"].map(countries["is_aggregate"]).astype(bool),
        "year": df["year"].astype("int64"),
        "value": df["value_num"],
        "unit": df["unit"].astype("string"),
        "value_original": df["value"].astype("string"),
        "value_flag": df["value_flag"],
        "source_file": pd.Series(rel, index=df.index, dtype="string"),
        "source_row": df["source_row"].astype("int64"),
    })
    return {TABLE: out}
