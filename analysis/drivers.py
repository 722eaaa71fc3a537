"""Chapter 1, drivers of US strategy: how much the United States relies on imports, and on China.

The sources' first driver is import dependence; USGS measures it as net import reliance.
These functions give the chapter its figure and the numbers its prose quotes, so that
both change together when a new edition of the Mineral Commodity Summaries arrives.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from analysis import db, theme


def net_import_reliance() -> pd.DataFrame:
    """Net import reliance by commodity in the latest MCS edition (query in sql/)."""
    return db.query("net_import_reliance_latest")


def latest_edition(nir: pd.DataFrame) -> int:
    return int(nir["edition"].max())


def latest_year(nir: pd.DataFrame) -> int:
    return int(nir["year"].max())


def count_listed(nir: pd.DataFrame) -> int:
    return int(nir["commodity_id"].nunique())


def count_fully_reliant(nir: pd.DataFrame) -> int:
    """Commodities at exactly 100% (bounds like >75 do not count: USGS did not say 100)."""
    return int(nir.loc[nir["net_import_reliance_pct"] == 100, "commodity_id"].nunique())


def count_china_leading(nir: pd.DataFrame) -> int:
    return int(nir.loc[nir["china_is_leading"].eq(True), "commodity_id"].nunique())


def count_net_exporter(nir: pd.DataFrame) -> int:
    return int(nir.loc[nir["value_flag"].eq("net_exporter"), "commodity_id"].nunique())


LEADING = {True: "China is the leading import source",
           False: "Another country is the leading import source",
           None: "Leading source not given for this form"}


def nir_chart(nir: pd.DataFrame) -> alt.Chart:
    """Bars sorted by reliance; China as the leading source in the report's China colour."""
    data = nir.loc[nir["net_import_reliance_plot_pct"].gt(0)].copy()
    data["leading_source"] = data["china_is_leading"].map(lambda v: LEADING[None if pd.isna(v) else bool(v)])
    data["published"] = data["value_original"].fillna("")
    data["sources"] = data["major_import_sources"].fillna("not given")
    edition = latest_edition(nir)
    return (
        alt.Chart(data, title=f"US net import reliance, USGS Mineral Commodity Summaries {edition}")
        .mark_bar()
        .encode(
            x=alt.X("net_import_reliance_plot_pct:Q", title="Net import reliance (% of apparent consumption)",
                    scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220, labelFontSize=8)),
            color=alt.Color("leading_source:N", title=None, legend=alt.Legend(orient="top", direction="vertical", labelLimit=0),
                            scale=alt.Scale(domain=list(LEADING.values()),
                                            range=[theme.CHINA, theme.OTHER, theme.MUTED])),
            tooltip=[
                alt.Tooltip("label:N", title="Commodity"),
                alt.Tooltip("published:N", title="Net import reliance (%, as published)"),
                alt.Tooltip("sources:N", title="Major import sources, ranked"),
                alt.Tooltip("import_sources_period:N", title="Import-source period"),
            ],
        )
        .properties(width=380, height=alt.Step(9))
    )
