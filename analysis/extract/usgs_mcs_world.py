"""USGS Mineral Commodity Summaries: world production, capacity and reserves, editions
2023-2026, and the values each edition revised.

The four editions publish the world tables four ways; analysis.extract.usgs_mcs_world_files
reads them into one long shape (its docstring says how units are read). Here the editions
are put together, official corrections published after a release are applied from the
reviewed `data/reference/errata.csv` (an erratum that matches no row stops the extract),
and consecutive editions are compared for the revisions table.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import metadata
from analysis.errors import ExtractError
from analysis.extract import corrections, quirks
from analysis.extract.schema import typed
from analysis.extract.usgs_mcs_world_files import UNIT_STRINGS, read_edition
from analysis.paths import REFERENCE_DIR

EDITIONS = (2023, 2024, 2025, 2026)
ERRATA_CSV = REFERENCE_DIR / "errata.csv"

PRODUCTION = "core_usgs_mcs__world_production"
RESERVES = "core_usgs_mcs__world_reserves"
REVISIONS = "core_usgs_mcs__revisions"
RESOURCES = metadata.resources("usgs_mcs_world")  # usgs_mcs_world.meta.yml: tables, keys, fields and types


# --------------------------------------------------------------------------- revisions
_KEY_STOP = {"of", "contained", "content", "the", "gross", "weight", "equivalent", "and", "or", "in",
             "calculated", "all", "forms", "types", "total", "metal", "ore", "concentrates", "s"}


def _product_key(product: pd.Series, commodity: pd.Series) -> pd.Series:
    """Matching key for a product label across editions: words that only restate the
    commodity, the content basis or filler are dropped, the rest sorted."""
    out = []
    for p, c in zip(product.fillna(""), commodity):
        drop = _KEY_STOP | set(c.split("_"))
        words = sorted({w for w in re.split(r"[^a-z0-9]+", p.lower()) if w and w not in drop})
        out.append(" ".join(words))
    return pd.Series(out, index=product.index, dtype="string")


# --------------------------------------------------------------------------- errata
@functools.lru_cache(maxsize=1)
def load_errata() -> pd.DataFrame:
    return pd.read_csv(ERRATA_CSV, dtype=str, keep_default_na=False)


def apply_errata(tables: dict[str, pd.DataFrame], errata: pd.DataFrame) -> None:
    """Replace published values by the official corrections, keeping `value_original`."""
    for _, e in errata.iterrows():
        table = {"world_reserves": RESERVES, "world_production": PRODUCTION}.get(e["table"])
        if table is None:
            continue
        frame = tables[table]
        match = (frame["edition"] == int(e["edition"])) & (frame["commodity_id"] == e["commodity_id"]) \
            & (frame["country_name"] == e["country_name"]) & (frame["year"] == int(e["year"])) \
            & (frame["value_original"] == e["value_published"])
        if not match.any():
            raise ExtractError(str(ERRATA_CSV), f"erratum {e['errata_id']} matches no row", column="errata_id")
        parsed = quirks.parse_value(e["value_corrected"])
        factor = frame.loc[match, "unit_read"].map(_unit_factor)
        frame.loc[match, "value"] = parsed.value * factor if parsed.value is not None else np.nan
        frame.loc[match, "value_low"] = parsed.low * factor if parsed.low is not None else np.nan
        frame.loc[match, "value_high"] = parsed.high * factor if parsed.high is not None else np.nan
        frame.loc[match, "value_flag"] = parsed.flag
        frame.loc[match, "errata_id"] = e["errata_id"]


def _unit_factor(unit_read: str) -> float:
    return UNIT_STRINGS[unit_read][1]


def _typed(frame: pd.DataFrame, resource: str) -> pd.DataFrame:
    return typed(frame, RESOURCES[resource]["fields"])


def revisions(production: pd.DataFrame, reserves: pd.DataFrame) -> pd.DataFrame:
    """Values that changed between consecutive editions.

    Matching: commodity_id, stage, country (ISO3, or aggregate kind for aggregates), year
    (production only: reserves are compared edition to edition, `year` is then the later
    edition's reserves year) and a product key (see `_product_key`). Where a (commodity, stage, country, year) has one
    product in each edition the products are matched whatever their labels; otherwise the
    key must agree. Rows that appear in both editions with the same value are not listed.
    """
    out = []
    for table, frame in (("world_production", production), ("world_reserves", reserves)):
        f = frame.copy()
        f["product_key"] = _product_key(f["product"], f["commodity_id"])
        f["who"] = f["country_iso3"].fillna("agg:" + f["aggregate_kind"].fillna("") + ":" + f["country_name"])
        # Reserves are a stock stated once per edition (as of the end of the year before it),
        # so editions are compared with each other whatever the stated reserves year.
        group = ["commodity_id", "stage", "who"] + (["year"] if table == "world_production" else [])
        n = f.groupby(["edition"] + group)["product_key"].transform("size")
        f["match_key"] = f["product_key"].where(n > 1, "*")
        for a, b in zip(EDITIONS, EDITIONS[1:]):
            left = f[f["edition"] == a]
            right = f[f["edition"] == b]
            key = group + ["match_key"]
            merged = left.merge(right, on=key, suffixes=("_from", "_to"))
            merged = merged[merged["unit_from"] == merged["unit_to"]]
            vf, vt = merged["value_from"], merged["value_to"]
            changed = ~((vf == vt) | (vf.isna() & vt.isna())) | (merged["value_flag_from"].fillna("") != merged["value_flag_to"].fillna(""))
            m = merged[changed]
            out.append(pd.DataFrame({
                "commodity_id": m["commodity_id"], "table": table, "stage": m["stage"],
                "product_key": m["product_key_to"], "product_from": m["product_from"], "product_to": m["product_to"],
                "country_name": m["country_name_to"], "country_iso3": m["country_iso3_to"],
                "aggregate_kind": m["aggregate_kind_to"], "year": m["year"] if "year" in m else m["year_to"],
                "edition_from": a, "edition_to": b,
                "value_from": m["value_from"], "value_to": m["value_to"], "unit": m["unit_to"],
                "flag_from": m["value_flag_from"], "flag_to": m["value_flag_to"],
                "change_pct": np.where((m["value_from"] > 0) & m["value_to"].notna(),
                                       100 * (m["value_to"] - m["value_from"]) / m["value_from"], np.nan),
            }))
    return _typed(pd.concat(out, ignore_index=True), REVISIONS)


def extract(raw: Path) -> dict[str, pd.DataFrame]:
    """World production, reserves and edition-to-edition revisions from a mirror-shaped folder."""
    raw = Path(raw)
    unit_corrections = corrections.for_scope(corrections.WORLD)
    used: set[str] = set()
    prod, res = [], []
    for edition in EDITIONS:
        p, r, u = read_edition(raw, edition, unit_corrections)
        prod.append(p)
        res.append(r)
        used |= u
    corrections.require_all_used(unit_corrections, used)  # e.g. an edition this extract does not read
    tables = {
        PRODUCTION: _typed(pd.concat(prod, ignore_index=True), PRODUCTION),
        RESERVES: _typed(pd.concat(res, ignore_index=True), RESERVES),
    }
    apply_errata(tables, load_errata())
    tables[REVISIONS] = revisions(tables[PRODUCTION], tables[RESERVES])
    return tables
