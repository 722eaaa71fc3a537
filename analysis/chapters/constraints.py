"""Chapter 4, constraints: does the US dependence on China that the sources describe persist?

The sources argue that mining at home or among allies does not end the dependence, because
the processed materials still come from China. The USITC DataWeb series lets the report
watch that dependence in the goods the sources name: rare-earth compounds, permanent
magnets, natural graphite and the basket of minor metals that holds gallium and germanium.

One caveat runs through every function here: the DataWeb query behind the extract covers
18 selected partner countries, not all US trade. A share computed from it is China's share
AMONG THOSE 18 PARTNERS, and every title, label and sentence must say so. Full years and
January-April year-to-date rows are kept apart by the SQL (`$partial`), never mixed.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from analysis import charts, db, prose, theme

# Short English labels for the HTS-4 headings the chapter shows. HTS 8505 is the whole
# heading (electromagnets, permanent magnets and their parts), not permanent magnets alone.
HEADINGS = {
    "2846": "Rare-earth compounds (HTS 2846)",
    "8505": "Magnets and electromagnets (HTS 8505)",
    "2504": "Natural graphite (HTS 2504)",
    "8112": "Gallium, germanium and other minor metals (HTS 8112)",
    "8105": "Cobalt mattes, cobalt and articles (HTS 8105)",
    "2805": "Rare-earth, alkali and alkaline-earth metals; mercury (HTS 2805)",
}
CHART_HEADINGS = ("2846", "8505", "2504")
TABLE_HEADINGS = ("2846", "8505", "2504", "8112", "8105")
def partner_count() -> int:
    """Partner countries in the DataWeb query (sql/): every title, label and sentence that
    says how many partners the shares are among takes the number from here."""
    return int(db.query("usitc_partner_count")["partners"].iloc[0])


def china_share(partial: bool = False) -> pd.DataFrame:
    """China's share among the query's partners by heading and year (full years unless
    `partial`)."""
    return db.query("usitc_china_share_among_18_partners", partial=partial)


def partner_values() -> pd.DataFrame:
    """Every partner's full-year value, share and rank among the 18, by heading and year."""
    return db.query("usitc_partner_values_by_heading_year")


def years_text(shares: pd.DataFrame) -> str:
    """'1993–2025': the full years the shares cover."""
    full = shares.loc[shares["period"].eq("annual"), "year"]
    return f"{int(full.min())}–{int(full.max())}"


def latest_full_year(shares: pd.DataFrame) -> int:
    """The last year with full-year rows; the extract drops the placeholder of the running year."""
    full = shares.loc[shares["period"].eq("annual")]
    if full.empty:
        raise ValueError("no full-year rows: call china_share(partial=False)")
    return int(full["year"].max())


def _row(shares: pd.DataFrame, heading: str, year: int) -> pd.Series:
    hit = shares.loc[shares["hts_heading"].eq(heading) & shares["year"].eq(year)]
    if len(hit) != 1:
        raise KeyError(f"expected one row for HTS {heading} in {year}, found {len(hit)}")
    return hit.iloc[0]


def share_pct(shares: pd.DataFrame, heading: str, year: int | None = None) -> float:
    """China's share among the 18 partners, percent, one decimal (latest full year by default)."""
    year = latest_full_year(shares) if year is None else year
    return round(float(_row(shares, heading, year)["china_share_of_18_pct"]), 1)


def china_value_musd(shares: pd.DataFrame, heading: str, year: int | None = None) -> float:
    year = latest_full_year(shares) if year is None else year
    return round(float(_row(shares, heading, year)["china_value_usd"]) / 1e6, 1)


def partners_value_musd(shares: pd.DataFrame, heading: str, year: int | None = None) -> float:
    year = latest_full_year(shares) if year is None else year
    return round(float(_row(shares, heading, year)["partners_18_value_usd"]) / 1e6, 1)


def peak(shares: pd.DataFrame, heading: str) -> tuple[int, float]:
    """(year, share %) of China's highest full-year share among the 18 for a heading."""
    rows = shares.loc[shares["hts_heading"].eq(heading) & shares["period"].eq("annual")]
    top = rows.loc[rows["china_share_of_18_pct"].idxmax()]
    return int(top["year"]), round(float(top["china_share_of_18_pct"]), 1)


def first_year_above(shares: pd.DataFrame, heading: str, pct: float = 50.0) -> int:
    """First full year in which China's share among the 18 exceeded `pct`."""
    rows = shares.loc[shares["hts_heading"].eq(heading) & shares["period"].eq("annual")
                      & shares["china_share_of_18_pct"].gt(pct)]
    return int(rows["year"].min())


def years_above(shares: pd.DataFrame, heading: str, pct: float = 50.0, since: int | None = None) -> int:
    """How many full years (from `since`) China's share among the 18 exceeded `pct`."""
    rows = shares.loc[shares["hts_heading"].eq(heading) & shares["period"].eq("annual")]
    if since is not None:
        rows = rows.loc[rows["year"].ge(since)]
    return int(rows["china_share_of_18_pct"].gt(pct).sum())


def partial_period_label(partial_shares: pd.DataFrame) -> str:
    """'January–April' from the period code ('2026-01..04'), for prose."""
    return prose.partial_period_label(partial_shares["period"])


def latest_partial_year(partial_shares: pd.DataFrame) -> int:
    return int(partial_shares["year"].max())


def rest_of_year_share_pct(full: pd.DataFrame, partial: pd.DataFrame, heading: str, year: int) -> float:
    """China's share among the 18 after the year-to-date months (e.g. May-December): the
    full year minus its own January-April rows, both from the same DataWeb download."""
    f, p = _row(full, heading, year), _row(partial, heading, year)
    china = f["china_value_usd"] - p["china_value_usd"]
    total = f["partners_18_value_usd"] - p["partners_18_value_usd"]
    if total <= 0 or china < 0:
        raise ValueError(f"HTS {heading} {year}: year-to-date values exceed the full year")
    return round(float(100 * china / total), 1)


def rest_of_year_label(partial: pd.DataFrame) -> str:
    """'May–December' for January-April year-to-date rows."""
    return prose.rest_of_year_label(partial["period"])


def leading_other_partner(partners: pd.DataFrame, heading: str, year: int) -> tuple[str, float]:
    """The largest partner other than China among the 18, with its share (percent)."""
    rows = partners.loc[partners["hts_heading"].eq(heading) & partners["year"].eq(year)
                        & partners["partner_iso3"].ne("CHN") & partners["value_usd"].gt(0)]
    top = rows.sort_values("value_usd", ascending=False).iloc[0]
    return str(top["partner_name"]), round(float(top["share_of_18_pct"]), 1)


def latest_table(shares: pd.DataFrame, partners: pd.DataFrame) -> pd.DataFrame:
    """Display table for the latest full year: one row per heading, values as strings."""
    year = latest_full_year(shares)
    n = partner_count()
    rows = []
    for h in TABLE_HEADINGS:
        r = _row(shares, h, year)
        china_rank = partners.loc[partners["hts_heading"].eq(h) & partners["year"].eq(year)
                                  & partners["partner_iso3"].eq("CHN"), "rank_among_18"]
        other, other_pct = leading_other_partner(partners, h, year)
        rows.append({
            "HTS heading": HEADINGS[h],
            f"Imports from the {n} partners, {year} (USD million)": f"{r['partners_18_value_usd'] / 1e6:,.1f}",
            f"China's share among the {n}, {year} (%)": f"{r['china_share_of_18_pct']:.1f}",
            f"China's rank among the {n}": str(int(china_rank.iloc[0])) if len(china_rank) else "–",
            f"Largest other partner (share among the {n}, %)": f"{other} ({other_pct:.1f})",
        })
    return pd.DataFrame(rows)


def share_chart(shares: pd.DataFrame, headings: tuple[str, ...] = CHART_HEADINGS) -> alt.Chart:
    """One line per heading: China's share of US imports from the 18 partners, full years."""
    data = shares.loc[shares["hts_heading"].isin(headings) & shares["period"].eq("annual")].copy()
    if data.empty:
        raise ValueError(f"no full-year rows for headings {headings}")
    data["heading"] = data["hts_heading"].map(HEADINGS)
    data["partners_18_musd"] = data["partners_18_value_usd"] / 1e6
    data["china_musd"] = data["china_value_usd"] / 1e6
    first, last = int(data["year"].min()), int(data["year"].max())
    n = partner_count()
    order = [HEADINGS[h] for h in headings]
    legend = alt.Legend(orient="top", direction="vertical", symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400)
    return (
        alt.Chart(data, title=alt.Title(
            f"China's share of US imports from {n} selected partners",
            subtitle=f"Imports for consumption, customs value, full years {first}–{last}; not a share of all US imports"))
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1),
                    scale=alt.Scale(domain=[first, last])),
            y=alt.Y("china_share_of_18_pct:Q", title=f"China's share among the {n} partners (%)",
                    scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("heading:N", title=None, sort=order,
                            scale=alt.Scale(domain=order, range=theme.PALETTE[:len(order)]),
                            legend=legend),
            strokeDash=alt.StrokeDash("heading:N", title=None, sort=order,
                                      scale=alt.Scale(domain=order), legend=legend),
            tooltip=[
                alt.Tooltip("heading:N", title="HTS heading"),
                alt.Tooltip("year:Q", title="Year", format="d"),
                alt.Tooltip("china_share_of_18_pct:Q", title=f"China's share among the {n} partners (%)", format=".1f"),
                alt.Tooltip("china_musd:Q", title="From China (USD million)", format=",.1f"),
                alt.Tooltip("partners_18_musd:Q", title=f"From the {n} partners (USD million)", format=",.1f"),
            ],
        )
        .properties(width=420, height=260, usermeta={"sources": ["usitc_dataweb"]})
    )


def partner_list(partners: pd.DataFrame) -> str:
    """The partner countries of the query, alphabetically, for prose ('A, B and C')."""
    return prose.and_list(sorted(partners["partner_name"].unique()))


def count_china_first(partners: pd.DataFrame, headings: tuple[str, ...] = CHART_HEADINGS,
                      year: int | None = None) -> int:
    """Of `headings`, how many had China as the largest of the 18 partners in `year`."""
    year = int(partners["year"].max()) if year is None else year
    first = partners.loc[partners["year"].eq(year) & partners["rank_among_18"].eq(1)
                         & partners["hts_heading"].isin(headings) & partners["value_usd"].gt(0)]
    return int(first["partner_iso3"].eq("CHN").sum())


def sharpest_fall(shares: pd.DataFrame, heading: str) -> dict[str, float | int]:
    """The full year with the largest one-year fall in China's share among the 18, with the
    share before and after it and the heading's value from the 18 partners the year before
    (USD million), for the chapter's account of the 2011-2012 break."""
    rows = (shares.loc[shares["hts_heading"].eq(heading) & shares["period"].eq("annual")]
            .sort_values("year").set_index("year"))
    change = rows["china_share_of_18_pct"].diff()
    year = int(change.idxmin())
    return {
        "year": year,
        "share_pct": round(float(rows.at[year, "china_share_of_18_pct"]), 1),
        "share_before_pct": round(float(rows.at[year - 1, "china_share_of_18_pct"]), 1),
        "share_after_pct": round(float(rows.at[year + 1, "china_share_of_18_pct"]), 1) if year + 1 in rows.index else None,
        "value_before_musd": round(float(rows.at[year - 1, "partners_18_value_usd"]) / 1e6),
        "value_two_before_musd": round(float(rows.at[year - 2, "partners_18_value_usd"]) / 1e6),
    }


def china_first_phrase(partners: pd.DataFrame, headings: tuple[str, ...] = CHART_HEADINGS,
                       year: int | None = None) -> str:
    """'all three', 'two of the three' ...: for how many headings China led the 18 partners."""
    return prose.of_phrase(count_china_first(partners, headings, year), len(headings))


def first_full_year(shares: pd.DataFrame) -> int:
    """The first year of the DataWeb series, for prose."""
    return int(shares["year"].min())
