"""One country code per country, whatever spelling a release uses.

Releases name countries their own way ("Congo (Kinshasa)", "Burma", "Korea, Republic of")
and glue footnote digits to them ("Other countries6"). We strip the footnotes, keep
aggregates (world totals, "Other countries", regions) as flagged rows that are never mapped
to a country, and map the rest to ISO 3166-1 alpha-3 with country_converter, whose
regular expressions are maintained upstream. Names it gets wrong or misses go in the
reviewed file `data/reference/country_overrides.csv`, with a reason.
"""
from __future__ import annotations

import functools
import logging
import re

import pandas as pd

from analysis.errors import ExtractError
from analysis.paths import REFERENCE_DIR

# A footnote marker is one or two digits glued to the end of a name ("Other countries6",
# "Australia12"), sometimes after a comma or a closing parenthesis. Names never end in digits.
_FOOTNOTE = re.compile(r"(?<=[A-Za-z\).,])\s*\d{1,2}(,\d{1,2})*$")
_SPACE = re.compile(r"\s+")


def clean_name(raw: object) -> str:
    """Strip footnote digits, stray spaces and trailing commas from a published name."""
    name = _SPACE.sub(" ", str(raw)).strip()
    name = _FOOTNOTE.sub("", name).strip().rstrip(",").strip()
    return name


@functools.lru_cache(maxsize=1)
def _aggregate_rules() -> list[tuple[re.Pattern, str]]:
    rules = pd.read_csv(REFERENCE_DIR / "country_aggregates.csv", dtype=str)
    return [(re.compile(p, re.IGNORECASE), k) for p, k in zip(rules["pattern"], rules["aggregate_kind"])]


@functools.lru_cache(maxsize=1)
def _overrides() -> dict[str, tuple[str, str]]:
    table = pd.read_csv(REFERENCE_DIR / "country_overrides.csv", dtype=str, keep_default_na=False)
    return {n.casefold(): (iso, short) for n, iso, short in zip(table["name"], table["country_iso3"], table["country_name"])}


@functools.lru_cache(maxsize=1)
def _converter():
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


def aggregate_kind(name: str) -> str | None:
    for pattern, kind in _aggregate_rules():
        if pattern.search(name):
            return kind
    return None


@functools.lru_cache(maxsize=4096)
def _lookup(name: str) -> tuple[str | None, str | None, str | None]:
    """(iso3, short name, aggregate kind) for a cleaned name; iso3 None when unknown."""
    kind = aggregate_kind(name)
    if kind:
        return None, name, kind
    if name.casefold() in _overrides():
        iso3, short = _overrides()[name.casefold()]
        return iso3, short, None
    cc = _converter()
    iso3 = cc.convert(name, to="ISO3", not_found="__none__")
    if not isinstance(iso3, str) or iso3 == "__none__":
        return None, None, None
    return iso3, cc.convert(iso3, src="ISO3", to="name_short"), None


def harmonise(names: pd.Series, *, file: str, column: str, rows: pd.Series | None = None) -> pd.DataFrame:
    """Country columns for a series of published names, aligned on its index.

    Returns `country_name_source`, `country_name`, `country_iso3`, `is_aggregate`,
    `aggregate_kind`. An unknown name stops the extract, naming file, column and row, so a
    new spelling is reviewed (added to the overrides file) rather than silently dropped.
    """
    out = pd.DataFrame(index=names.index)
    out["country_name_source"] = names.astype("string")
    cleaned = names.map(clean_name)
    looked = cleaned.map(_lookup)
    out["country_iso3"] = looked.map(lambda t: t[0]).astype("string")
    out["country_name"] = looked.map(lambda t: t[1]).astype("string")
    out["aggregate_kind"] = looked.map(lambda t: t[2]).astype("string")
    out["is_aggregate"] = out["aggregate_kind"].notna()
    unknown = out["country_iso3"].isna() & ~out["is_aggregate"]
    if unknown.any():
        first = unknown.idxmax()
        row = int(rows.loc[first]) if rows is not None else None
        raise ExtractError(
            file,
            f"unknown country name {names.loc[first]!r}; add it to data/reference/country_overrides.csv",
            column=column,
            row=row,
        )
    return out
