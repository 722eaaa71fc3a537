"""Appendix B: every claim of the four sources and how it can be tested.

The claims are curated by hand (data/curated/claims/); this module only counts and
lays them out, so the appendix changes whenever a claim is added or reclassified.
"""
from __future__ import annotations

import pandas as pd

from analysis import curated

SOURCES = {
    "ciaps2022biden": "CIAPS commentary (2022)",
    "cheng2024friendshoring": "Cheng (2024)",
    "sun2024battery": "Sun (2024)",
    "ipp2025dependency": "IPP / Crebo-Rediker (2025)",
}
KINDS = {"primary": "Testable against a primary release", "curated": "Testable against a curated fact",
         "untestable": "Not testable with these releases"}


def claims() -> pd.DataFrame:
    return curated.load_table("claims")


def claims_by_source(table: pd.DataFrame) -> pd.DataFrame:
    """Claims per source and by how they can be checked, in the sources' order."""
    counts = pd.crosstab(table["source_key"], table["check_kind"]).reindex(index=list(SOURCES), columns=list(KINDS),
                                                                           fill_value=0)
    counts["Claims"] = counts.sum(axis=1)
    counts.loc["Total"] = counts.sum()
    counts.index = [SOURCES.get(k, k) for k in counts.index]
    counts = counts.rename(columns=KINDS)[["Claims", *KINDS.values()]]
    counts.columns.name = None
    return counts.rename_axis("Source").reset_index()


def count(table: pd.DataFrame, kind: str | None = None) -> int:
    return int(len(table) if kind is None else (table["check_kind"] == kind).sum())
