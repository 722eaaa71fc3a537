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


QUALIFIER_TEXT = {"=": "", ">": "more than ", ">=": "at least ", "<": "less than ", "<=": "at most ",
                  "about": "about ", "nearly": "nearly ", "range": ""}
UNIT_TEXT = {"pct": "%", "count": "", "rank": " (rank)", "t": " t", "USD": " USD"}


def _number(value: float) -> str:
    if value != value:  # NaN
        return "not available"
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"


def _claim_text(row: pd.Series) -> str:
    value = float(row["value"])
    text = QUALIFIER_TEXT.get(row["qualifier"], "") + _number(value)
    if row["qualifier"] == "range" and row["value_high"]:
        text += "–" + _number(float(row["value_high"]))
    text += UNIT_TEXT.get(row["unit"], " " + row["unit"])
    return text


def primary_results(table: pd.DataFrame) -> pd.DataFrame:
    """Each claim testable against a release, beside what its query returns from the extracts.

    The comparison is shown, not judged: reference years, coverage and definitions differ
    (the notes in data/curated/claims/ say how), and a reader should see both numbers.
    """
    from analysis import db

    primary = table[table["check_kind"] == "primary"]
    con = db.connect()
    try:
        results = [con.execute(q).df().iloc[0] for q in primary["check"]]
    finally:
        con.close()
    shown = []
    for result, unit in zip(results, primary["unit"]):
        value = result.iloc[0]
        if value is None or value != value:
            shown.append("withheld or not available")
            continue
        text = _number(float(value)) + UNIT_TEXT.get(unit, " " + unit)
        published = result.get("value_original")
        if isinstance(published, str) and published.strip() and not published.strip()[0].isdigit():
            text += f" (published as “{published.strip()}”)"
        shown.append(text)
    return pd.DataFrame({
        "Claim": primary["claim_id"].values,
        "What": (primary["subject"] + ": " + primary["metric"].str.replace("_", " ")).values,
        "The source says": primary.apply(_claim_text, axis=1).values,
        "Primary data": shown,
    })
