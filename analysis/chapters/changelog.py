"""Appendix C, what changed: the changes a data update made, for readers who rerun the
report or compare it with an earlier copy (see analysis/changelog.py for how they are found)."""
from __future__ import annotations

import pandas as pd

from analysis import changelog
from analysis import prose

MEASURES = {"core_usgs_mcs__world_production": "World production",
            "core_usgs_mcs__world_reserves": "World reserves",
            "core_usgs_mcs__net_import_reliance": "US net import reliance"}


def build_changes() -> pd.DataFrame:
    return changelog.build_changes()


def edition_changes() -> pd.DataFrame:
    return changelog.edition_changes()


def is_first_build(build: pd.DataFrame) -> bool:
    return build.empty or build["change"].eq("first build").all()


def build_sentence(build: pd.DataFrame) -> str:
    """What the last extraction changed, in one sentence computed from the record."""
    if build.empty:
        return ("These extracts were built before the book recorded changes between builds, "
                "so there is no earlier build to compare with.")
    if is_first_build(build):
        return "This build is the first from these releases; there is no earlier build to compare with."
    real = build.loc[~build["change"].isin(["first build", "no change"])]
    if real.empty:
        return "The last extraction, from changed release files or extract code, left every extract table as it was."
    tables = real["table_name"].nunique()
    values = int(real["change"].eq("value changed").sum())
    added = int(real["change"].eq("row added").sum())
    removed = int(real["change"].eq("row removed").sum())
    return (f"Since the previous build, {tables} extract table{'s' if tables != 1 else ''} changed: "
            f"{values:,} value{'s' if values != 1 else ''} changed, {added:,} row{'s' if added != 1 else ''} "
            f"added and {removed:,} removed.")


def build_table(build: pd.DataFrame) -> pd.DataFrame:
    real = build.loc[~build["change"].isin(["first build", "no change"])]
    if real.empty:
        return pd.DataFrame({"Table": ["no table changed"], "Values changed": [0], "Rows added": [0],
                             "Rows removed": [0], "Commodities": [0], "Countries": [0]})
    g = real.groupby("table_name")
    out = pd.DataFrame({
        "Values changed": g["change"].apply(lambda s: int(s.eq("value changed").sum())),
        "Rows added": g["change"].apply(lambda s: int(s.eq("row added").sum())),
        "Rows removed": g["change"].apply(lambda s: int(s.eq("row removed").sum())),
        "Commodities": g["commodity_id"].nunique(),
        "Countries": g["country"].nunique(),
    })
    out.index.name = "Table"
    return out.reset_index()


def editions(moves: pd.DataFrame) -> tuple[int, int]:
    """(previous, latest) MCS edition compared."""
    detail = moves["detail"].iloc[0]
    parts = [int(p.split()[1]) for p in detail.split(" → ")]
    return parts[0], parts[1]


def edition_summary(moves: pd.DataFrame) -> pd.DataFrame:
    """Per measure: how many series moved, appeared or dropped, and across how many commodities."""
    g = moves.groupby("table_name")
    out = pd.DataFrame({
        "Figures moved": g["change"].apply(lambda s: int(s.eq("moved").sum())),
        "New in the later edition": g["change"].apply(lambda s: int(s.eq("appeared").sum())),
        "Not in the later edition": g["change"].apply(lambda s: int(s.eq("dropped").sum())),
        "Commodities": g["commodity_id"].nunique(),
        "Countries": g["country"].nunique(),
    })
    out.index = [MEASURES.get(t, t) for t in out.index]
    out.index.name = "Measure"
    return out.reset_index()


def count(moves: pd.DataFrame, change: str) -> int:
    return int(moves["change"].eq(change).sum())


def count_text(moves: pd.DataFrame, change: str) -> str:
    """'1,234': how many figures moved, appeared or were dropped."""
    return f"{count(moves, change):,}"


def world_total_moves(moves: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """World mine production as each edition printed it for its latest year, largest
    relative moves first (world rows only: a country's move is in the full changelog)."""
    m = moves.loc[moves["table_name"].eq("core_usgs_mcs__world_production") & moves["change"].eq("moved")
                  & moves["country"].str.startswith("World", na=False) & moves["key"].str.startswith("mine", na=False)]
    m = m.assign(old=pd.to_numeric(m["old_value"]), new=pd.to_numeric(m["new_value"]))
    m = m.loc[m["old"] > 0]
    m = m.assign(change_pct=100 * (m["new"] / m["old"] - 1))
    m = m.reindex(m["change_pct"].abs().sort_values(ascending=False).index).head(top)
    names = prose.commodity_labels()
    m = m.reset_index(drop=True)
    return pd.DataFrame({
        "Commodity": [names.get(c, c) for c in m["commodity_id"]],
        "Series": m["key"].str.replace("mine / ", "", regex=False).str.replace("mine", "mine output", regex=False),
        "Editions (data year)": m["detail"].str.replace("MCS ", "", regex=False),
        "Earlier": [f"{v:,.0f}" for v in m["old"]],
        "Later": [f"{v:,.0f}" for v in m["new"]],
        "Unit": m["unit"].fillna(""),
        "Change (%)": [f"{v:+.0f}" for v in m["change_pct"]],
    })
