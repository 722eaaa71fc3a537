"""Chapter 6, the 2025 update: what the editions published since the sources changed.

The sources quote MCS figures of their day; a reader checking them against the latest
edition needs to know how far USGS itself revised the numbers in between.
"""
from __future__ import annotations

import pandas as pd

from analysis import db

BATTERY_LABELS = {
    "lithium": "Lithium", "cobalt": "Cobalt", "nickel": "Nickel", "graphite_natural": "Graphite (natural)",
    "manganese": "Manganese", "rare_earths": "Rare earths",
}


def battery_mineral_revisions(limit: int = 15) -> pd.DataFrame:
    """The largest edition-to-edition revisions of battery-mineral production and reserves."""
    rev = db.query("revisions_battery_minerals", limit=limit)
    out = pd.DataFrame({
        "Mineral": rev["commodity_id"].map(BATTERY_LABELS),
        "Series": rev["table"].map({"world_production": "Mine production", "world_reserves": "Reserves"}),
        "Country": rev["country_name"],
        "Year": rev["year"].astype(int).astype(str),
        "Editions": rev["edition_from"].astype(str) + "→" + rev["edition_to"].astype(str).str[-2:],
        "Before (t)": rev["value_from"].map("{:,.0f}".format),
        "After (t)": rev["value_to"].map("{:,.0f}".format),
        "Change (%)": rev["change_pct"].map("{:+,.1f}".format),
    })
    return out


def count_revised(summary: pd.DataFrame) -> int:
    return int(summary["revised_rows"].sum())


def revisions_by_edition() -> pd.DataFrame:
    return db.query("revisions_by_edition")
