"""One commodity id per commodity, whatever spelling a release uses.

The MCS releases spell the same commodity many ways ("RARE EARTHS", "Rare earths",
"Rare Earths", "RARE EARTHS, compounds and metals"), and carry typos ("Gemanium").
A fuzzy matcher would sooner or later join two different things, so the lookup is exact
(after stripping surrounding whitespace) against the reviewed table
`data/reference/commodities.csv`, which holds one row per published spelling. A new
spelling stops the extract and names the cell, so a person decides what it means.

Two levels are kept: `commodity_id` is the most specific thing a name denotes
(`platinum`, `bauxite`, `titanium_metal`); `mcs_chapter_id` is the MCS chapter whose world
table carries it (`platinum_group_metals`, `bauxite_and_alumina`), stable across editions
so that world production can be compared edition to edition.
"""
from __future__ import annotations

import functools

import pandas as pd

from analysis.errors import ExtractError
from analysis.paths import REFERENCE_DIR

COMMODITIES_CSV = REFERENCE_DIR / "commodities.csv"


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, str]]:
    table = pd.read_csv(COMMODITIES_CSV, dtype=str, keep_default_na=False)
    names = table["name_published"].str.strip()
    dupes = names[names.duplicated()]
    if len(dupes):
        raise ExtractError(str(COMMODITIES_CSV), f"spelling listed twice: {dupes.iloc[0]!r}",
                           column="name_published", row=int(dupes.index[0]) + 2)
    return dict(zip(names, zip(table["commodity_id"], table["mcs_chapter_id"])))


def _entry(name: object, file: str, column: str | None, row: int | None) -> tuple[str, str]:
    key = "" if name is None else str(name).strip()
    try:
        return _table()[key]
    except KeyError:
        raise ExtractError(
            file,
            f"unknown commodity name {name!r}; add the spelling to data/reference/commodities.csv",
            column=column,
            row=row,
        ) from None


def commodity_id(name: object, *, file: str, column: str | None = None, row: int | None = None) -> str:
    """The report's id for a published commodity name; ExtractError for an unknown name."""
    return _entry(name, file, column, row)[0]


def mcs_chapter_id(name: object, *, file: str, column: str | None = None, row: int | None = None) -> str:
    """The id of the MCS chapter (world-table grouping) a published name belongs to."""
    return _entry(name, file, column, row)[1]


def known_names() -> frozenset[str]:
    return frozenset(_table())
