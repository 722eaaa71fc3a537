"""Chapter 5, China's responses: what the sources advise, and where China's own supply comes from.

Three sources advise Beijing; the fourth (the 2025 Foreign Affairs essay, seed 003) advises
Washington. Counting their recommendations by theme shows where the advice concentrates,
but only if the two audiences stay apart, so every count here carries the addressee.

The seeds' advice to secure overseas supply presumes that China, too, depends on imports.
UN Comtrade's record of China's imports of rare-earth compounds (HS 2846) tests that
premise for the material the US–China contest is most about: which countries China buys
from, and how concentrated those purchases are. Shares are of the World row that China
reports (present in every year of the release), in CIF US dollars.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from analysis import charts, db, prose, theme

#: the sources with their authors named in full, as the chapter's prose names them
SOURCES = prose.seed_labels("label_full")
#: short labels for the table, where seed 003's different addressee must stay visible
SOURCES_SHORT = prose.seed_labels("label_compact")
ADDRESSEES = {"China": "Advice to China", "United States": "Advice to the United States"}
THEMES = {
    "strategy_and_governance": "Strategy and governance",
    "domestic_supply": "Domestic supply",
    "processing_technology": "Processing capacity",
    "overseas_investment": "Overseas investment",
    "recycling": "Recycling",
    "stockpiling": "Stockpiling",
    "standards_and_pricing": "Standards and pricing",
    "diplomacy_and_partnerships": "Diplomacy and partnerships",
    "export_controls": "Export controls",
    "trade_and_market": "Trade and market diversification",
    "innovation": "Innovation",
    "finance": "Finance",
}


# --------------------------------------------------------------------- recommendations

def recommendations() -> pd.DataFrame:
    """responses.csv (validated by the build) with English labels for source, theme, addressee."""
    df = db.query("curated_responses")
    unknown = sorted(set(df["source_key"]) - set(SOURCES)) + sorted(set(df["theme"]) - set(THEMES))
    if unknown:
        raise ValueError(f"data/curated/responses.csv: no label for {unknown}; add it to analysis/chapters/china_responses.py")
    return df.assign(
        source=df["source_key"].map(SOURCES),
        theme_label=df["theme"].map(THEMES),
        audience=df["addressee"].map(ADDRESSEES),
    )


def theme_counts(recs: pd.DataFrame) -> pd.DataFrame:
    """Recommendations per addressee, source and theme (one row per non-empty combination)."""
    return (recs.groupby(["audience", "addressee", "source", "source_key", "theme", "theme_label"], observed=True)
            .size().rename("recommendations").reset_index())


def count(recs: pd.DataFrame, addressee: str | None = None, source_key: str | None = None,
          theme_key: str | None = None) -> int:
    mask = pd.Series(True, index=recs.index)
    if addressee is not None:
        mask &= recs["addressee"].eq(addressee)
    if source_key is not None:
        mask &= recs["source_key"].eq(source_key)
    if theme_key is not None:
        mask &= recs["theme"].eq(theme_key)
    return int(mask.sum())


def top_theme(recs: pd.DataFrame, addressee: str) -> tuple[str, int]:
    """The most frequent theme for one addressee (ties broken by the theme vocabulary's order)."""
    sub = recs.loc[recs["addressee"].eq(addressee), "theme"].value_counts()
    best = max(sub.index, key=lambda t: (sub[t], -list(THEMES).index(t)))
    return THEMES[best].lower(), int(sub[best])


def themes_chart(recs: pd.DataFrame) -> alt.Chart:
    """Stacked bars per theme, coloured by source, one panel per addressee."""
    counts = theme_counts(recs)
    order = list(THEMES.values())
    sources = list(SOURCES.values())
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("theme_label:N", title=None, sort=order, axis=alt.Axis()),
            x=alt.X("sum(recommendations):Q", title="Recommendations",
                    axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("source:N", title=None, sort=sources,
                            scale=alt.Scale(domain=sources, range=theme.PALETTE[:len(sources)]),
                            legend=alt.Legend(orient="top", columns=2)),
            order=alt.Order("source_key:N"),
            tooltip=charts.tooltips(
                ("audience:N", "Addressed to"),
                ("source:N", "Source"),
                ("theme_label:N", "Theme"),
                ("recommendations:Q", "Recommendations", "d"),
            ),
        )
        .properties(width=150, height=alt.Step(16))
        .facet(column=alt.Column("audience:N", title=None, sort=list(ADDRESSEES.values()),
                                 header=alt.Header(labelFontWeight="bold")),
               spacing=24,
               title=alt.Title("Recommendations in the four sources, by theme",
                               subtitle=["Crebo-Rediker (2025, Foreign Affairs) advises Washington;",
                                         "the other three sources advise Beijing"]))
    )


def recommendations_table(recs: pd.DataFrame) -> pd.DataFrame:
    """Compact display table: advice to China first, then to the United States, by theme.
    The source label of seed 003 names its addressee, so the two audiences stay apart."""
    theme_rank = {t: i for i, t in enumerate(THEMES)}
    out = recs.assign(_a=recs["addressee"].ne("China"), _t=recs["theme"].map(theme_rank))
    out = out.sort_values(["_a", "_t", "response_id"], kind="stable")
    if set(out.loc[out["_a"], "source_key"]) - {"ipp2025dependency"}:
        raise ValueError("responses.csv: advice to the United States from a source whose table label "
                         "does not name its addressee; extend SOURCES_SHORT")
    return pd.DataFrame({
        "Source": out["source_key"].map(SOURCES_SHORT).to_numpy(),
        "Theme": out["theme_label"].to_numpy(),
        "Recommendation (one-line summary)": out["summary_en"].to_numpy(),
    })


# --------------------------------------------------------------------- China's HS 2846 imports

def china_imports() -> pd.DataFrame:
    """Partners' shares of China's HS 2846 imports by year (query in sql/)."""
    return db.query("comtrade_china_hs2846_partner_shares")


def partner_label(df: pd.DataFrame) -> pd.Series:
    """Partner names for display; China as a partner of China's imports is re-imports."""
    return df["partner_name"].where(df["partner_iso3"].ne("CHN"), "China (re-imports)")


def years_text(imports: pd.DataFrame) -> str:
    """'1993–2024': the years the Comtrade responses cover."""
    return f"{int(imports['year'].min())}–{int(imports['year'].max())}"


def latest_year(imports: pd.DataFrame) -> int:
    return int(imports["year"].max())


def world_value_musd(imports: pd.DataFrame, year: int | None = None) -> float:
    year = latest_year(imports) if year is None else year
    return round(float(imports.loc[imports["year"].eq(year), "world_value_usd"].iloc[0]) / 1e6, 1)


def partner_share_pct(imports: pd.DataFrame, iso3: str, year: int | None = None) -> float:
    """A partner's share of China's HS 2846 imports (percent of the World row); 0 if absent."""
    year = latest_year(imports) if year is None else year
    hit = imports.loc[imports["year"].eq(year) & imports["partner_iso3"].eq(iso3), "share_of_world_pct"]
    return round(float(hit.iloc[0]), 1) if len(hit) else 0.0


def top_partner(imports: pd.DataFrame, year: int | None = None, rank: int = 1) -> str:
    year = latest_year(imports) if year is None else year
    hit = imports.loc[imports["year"].eq(year) & imports["rank_in_year"].eq(rank)]
    return str(partner_label(hit).iloc[0])


def top_partner_share_pct(imports: pd.DataFrame, rank: int = 1, year: int | None = None) -> float:
    """The share of the `rank`-th largest partner (matched by rank, so China's re-imports count too)."""
    year = latest_year(imports) if year is None else year
    hit = imports.loc[imports["year"].eq(year) & imports["rank_in_year"].eq(rank), "share_of_world_pct"]
    return round(float(hit.iloc[0]), 1)


def top_n_share_pct(imports: pd.DataFrame, n: int = 3, year: int | None = None) -> float:
    year = latest_year(imports) if year is None else year
    rows = imports.loc[imports["year"].eq(year) & imports["rank_in_year"].le(n)]
    return round(float(rows["share_of_world_pct"].sum()), 1)


def first_year_leading(imports: pd.DataFrame, iso3: str) -> int:
    """First year in which `partner` was China's largest HS 2846 source."""
    return int(imports.loc[imports["rank_in_year"].eq(1) & imports["partner_iso3"].eq(iso3), "year"].min())


def years_leading(imports: pd.DataFrame, iso3: str) -> int:
    return int((imports["rank_in_year"].eq(1) & imports["partner_iso3"].eq(iso3)).sum())


def leading_partners(imports: pd.DataFrame, top: int = 2, since: int = 2010) -> list[str]:
    """Country partners ranked within the top `top` in any year from `since`, by their
    latest-year share; the chart shows these and groups the rest."""
    recent = imports.loc[imports["year"].ge(since) & ~imports["is_aggregate"]]
    names = set(recent.loc[recent["rank_in_year"].le(top), "partner_name"])
    last = imports.loc[imports["year"].eq(latest_year(imports))].set_index("partner_name")["share_of_world_pct"]
    return sorted(names, key=lambda n: (-float(last.get(n, 0.0)), n))


OTHERS = "All other partners"
US_NAME = "United States"  # drawn in the US colour, which stays apart from grey for colour-blind readers


def partner_share_chart(imports: pd.DataFrame, top: int = 2, since: int = 2010) -> alt.Chart:
    """100% stacked bars of China's HS 2846 imports by partner, the leading partners named."""
    keep = leading_partners(imports, top=top, since=since)
    data = imports.copy()
    data["partner"] = partner_label(data).where(data["partner_name"].isin(keep), OTHERS)
    data = (data.groupby(["year", "partner"], as_index=False)
            .agg(share_of_world_pct=("share_of_world_pct", "sum"), value_usd=("value_usd", "sum"),
                 world_value_usd=("world_value_usd", "first")))
    data["value_musd"] = data["value_usd"] / 1e6
    data["world_musd"] = data["world_value_usd"] / 1e6
    labels = [n if n != "China" else "China (re-imports)" for n in keep] + [OTHERS]
    if len(labels) > len(theme.PALETTE):
        raise ValueError(f"{len(labels)} partner groups exceed the palette; raise `top` or `since`")
    others = iter(c for c in theme.PALETTE if c != theme.US)
    colours = [theme.CHINA if p == "China (re-imports)" else theme.MUTED if p == OTHERS
               else theme.US if p == US_NAME else next(others) for p in labels]
    data["stack_order"] = data["partner"].map({p: i for i, p in enumerate(labels)})
    first, last = int(data["year"].min()), int(data["year"].max())
    return (
        alt.Chart(data, title=alt.Title(
            "Where China's imports of rare-earth compounds come from",
            subtitle=f"HS 2846, partner of origin, share of China's reported total (CIF value), {first}–{last}"))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=-90,
                                                           values=list(range(first, last + 1, 2)))),
            y=alt.Y("share_of_world_pct:Q", title="Share of China's HS 2846 imports (%)", stack="zero",
                    scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("partner:N", title=None, sort=labels,
                            scale=alt.Scale(domain=labels, range=colours),
                            legend=alt.Legend(orient="top", columns=3)),
            order=alt.Order("stack_order:Q"),
            tooltip=charts.tooltips(
                ("year:O", "Year"),
                ("partner:N", "Partner"),
                ("share_of_world_pct:Q", "Share of China's imports (%)", ".1f"),
                ("value_musd:Q", "Value (USD million, CIF)", ",.2f"),
                ("world_musd:Q", "China's total HS 2846 imports (USD million)", ",.1f"),
            ),
        )
        .properties(width=420, height=240, usermeta={"sources": ["un_comtrade_china_hs2846"]})
    )


def last_year_leading(imports: pd.DataFrame, iso3: str) -> int:
    return int(imports.loc[imports["rank_in_year"].eq(1) & imports["partner_iso3"].eq(iso3), "year"].max())


MSP_INITIATIVES = ("msp", "msp_forum")


def msp_members_among_top(imports: pd.DataFrame, n: int = 3, year: int | None = None) -> int:
    """How many of China's `n` largest HS 2846 sources in `year` belong to the Minerals
    Security Partnership or its Forum (memberships.csv, matched on ISO3). EU member states
    count only where they joined in their own right, as memberships.csv records them."""
    year = latest_year(imports) if year is None else year
    members = db.query("curated_memberships")
    members = set(members.loc[members["initiative_id"].isin(MSP_INITIATIVES), "member_iso3"])
    top = imports.loc[imports["year"].eq(year) & imports["rank_in_year"].le(n), "partner_iso3"]
    if top.isna().any():
        raise ValueError(f"a non-country partner is among China's top {n} HS 2846 sources in {year}")
    return int(top.isin(members).sum())



def msp_members_phrase(imports: pd.DataFrame, n: int = 3, year: int | None = None) -> str:
    """'none of the three largest', 'one of the three largest' ... for prose."""
    return prose.of_phrase(msp_members_among_top(imports, n, year), n, "largest")


def world_value_text(imports: pd.DataFrame, year: int | None = None) -> str:
    """China's HS 2846 imports in million USD, one decimal, for prose ('1,234.5')."""
    return prose.musd(world_value_musd(imports, year))
