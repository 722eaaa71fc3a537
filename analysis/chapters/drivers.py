"""Chapter 1, drivers of US strategy: how much the United States relies on imports, and on China.

The sources' first driver is import dependence; USGS measures it as net import reliance.
The next are geographic: where the battery minerals are mined and held (USGS world
tables) and where they are refined (BGS World Mineral Statistics, by country, to 2021).
These functions give the chapter its figures and the numbers its prose quotes, so that
both change together when a new edition of the Mineral Commodity Summaries arrives.
"""
from __future__ import annotations

import math

import altair as alt
import pandas as pd

from analysis import charts, db, prose, source_claims, theme
from analysis.prose import and_list, number_word, ordinal, pct


def net_import_reliance() -> pd.DataFrame:
    """Net import reliance by commodity and form in the latest MCS edition (query in sql/),
    labelled in the report's words: 'Talc and pyrophyllite', not USGS's 'Talc And
    Pyrophyllite'; a commodity published in several forms gets the form after a comma."""
    nir = db.query("net_import_reliance_latest")
    names = prose.commodity_labels()
    several = nir["commodity_id"].map(nir["commodity_id"].value_counts()).gt(1)
    base = nir["commodity_id"].map(names).fillna(nir["commodity_name"])
    form = nir["form"].fillna("").str.strip()
    with_form = base + ", " + form.str[:1].str.lower() + form.str[1:]
    nir["label"] = base.where(~several | form.eq(""), with_form)
    return nir


def latest_edition(nir: pd.DataFrame) -> int:
    return int(nir["edition"].max())


def latest_year(nir: pd.DataFrame) -> int:
    return int(nir["year"].max())


def _net_importers(nir: pd.DataFrame) -> pd.DataFrame:
    """The rows the chapter counts and the figure draws, one per commodity or form as USGS
    publishes it: a positive reliance or a published bound (">50", and "<25", which is a
    net importer too: USGS prints "E" for net exporters)."""
    return nir.loc[nir["is_net_importer"].astype(bool)]


def count_listed(nir: pd.DataFrame) -> int:
    """Commodities and forms the United States imported on balance (bars in the figure)."""
    return len(_net_importers(nir))


def count_fully_reliant(nir: pd.DataFrame) -> int:
    """Commodities and forms at exactly 100% (bounds like >75 do not count: USGS did not say 100)."""
    return int((nir["net_import_reliance_pct"] == 100).sum())


def count_china_leading(nir: pd.DataFrame) -> int:
    """Of the bars in the figure, those whose leading import source is China."""
    return int(_net_importers(nir)["china_is_leading"].eq(True).sum())


def count_bounds(nir: pd.DataFrame, kind: str) -> int:
    """Net importers published only as a bound: kind 'more than' (>50) or 'less than' (<25)."""
    return int(_net_importers(nir)["bound_kind"].eq(kind).sum())


def count_net_exporter(nir: pd.DataFrame) -> int:
    return int(nir["value_flag"].eq("net_exporter").sum())


def multi_form_commodities(nir: pd.DataFrame) -> list[str]:
    """Commodities the figure shows in more than one form (their forms are counted apart)."""
    shown = _net_importers(nir)
    ids = shown["commodity_id"].value_counts()
    return sorted(shown.loc[shown["commodity_id"].isin(ids[ids > 1].index), "label"].str.split(",").str[0].unique())


def group_sources(nir: pd.DataFrame) -> pd.DataFrame:
    """Net importers whose import sources USGS gives only element by element (heavy rare
    earths): one row per element with its first-named source."""
    shown = _net_importers(nir)
    groups = shown[shown["leading_import_source"].isna() & shown["major_import_sources"].fillna("").str.contains(": ")]
    rows = []
    for r in groups.itertuples():
        for part in r.major_import_sources.split("; "):
            element, sources = part.split(": ", 1)
            rows.append({"group": r.label, "element": element, "leading": sources.split(", ")[0]})
    return pd.DataFrame(rows, columns=["group", "element", "leading"])


def group_china_first_text(nir: pd.DataFrame) -> str:
    """'4 of the 5 heavy rare earths' whose sources USGS lists element by element."""
    g = group_sources(nir)
    if g.empty:
        return ""
    parts = []
    for group, rows in g.groupby("group", sort=False):
        name = group.split("(")[-1].rstrip(")") + " " + group.split("(")[0].strip().lower() if "(" in group else group.lower()
        parts.append(f"{int(rows['leading'].eq('China').sum())} of the {len(rows)} {name}")
    return and_list(parts)


LEADING = {True: "China is the leading import source",
           False: "Another country is the leading import source",
           "group": "Sources given element by element (tooltip)",
           None: "Leading source not given for this form"}
BOUNDS = {"more than": "more than (published as >)", "less than": "less than (published as <)"}


def nir_data(nir: pd.DataFrame) -> pd.DataFrame:
    """The rows the figure draws, with what the legend and tooltip say of each."""
    data = _net_importers(nir).copy()
    grouped = data["leading_import_source"].isna() & data["major_import_sources"].fillna("").str.contains(": ")
    data["leading_source"] = [LEADING["group"] if g else LEADING[None if pd.isna(v) else bool(v)]
                              for v, g in zip(data["china_is_leading"], grouped)]
    data["published"] = data["value_original"].fillna("")
    data["bound"] = data["bound_kind"].map(BOUNDS).fillna("as published")
    data["sources"] = data["major_import_sources"].fillna("not given")
    return data


def nir_chart(nir: pd.DataFrame) -> alt.Chart:
    """Bars sorted by reliance, in two columns on one shared x scale so that every label
    stays whole and legible at print size; China as the leading source in the report's
    China colour; a bound (>95, <25) drawn lighter at its bound, with the published text at
    the bar's end."""
    data = nir_data(nir)
    edition = latest_edition(nir)
    data = data.sort_values(["net_import_reliance_plot_pct", "label"], ascending=[False, True]).reset_index(drop=True)
    parts = ["Highest reliance", "Continued"]
    per_column = math.ceil(len(data) / 2)
    data["part"] = (data.index // per_column).map(dict(enumerate(parts)))
    data["rank"] = data.index
    data["label_lines"] = data["label"].map(lambda t: theme.wrap_label(t, 40))
    # an explicit order: a sort by field is lost when the two layers' domains are merged
    y = alt.Y("label_lines:N", sort=data["label_lines"].tolist(), title=None, axis=theme.multiline_axis())
    leading = theme.domain_of(data["leading_source"], list(LEADING.values()))
    colours = dict(zip(LEADING.values(), [theme.CHINA, theme.OTHER, theme.PALETTE[2], theme.MUTED]))
    bounds = theme.domain_of(data["bound"], ["as published", *BOUNDS.values()])
    tooltip = charts.tooltips(
        ("label:N", "Commodity"),
        ("published:N", "Net import reliance (%, as published)"),
        ("sources:N", "Major import sources, ranked"),
        ("import_sources_period:N", "Import-source period"),
    )
    bars = alt.Chart().mark_bar().encode(
        x=alt.X("net_import_reliance_plot_pct:Q", title="Reliance (%)",
                scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(values=[0, 50, 100])),
        y=y,
        color=alt.Color("leading_source:N", title=None, legend=alt.Legend(orient="top", direction="vertical"),
                        scale=alt.Scale(domain=leading, range=[colours[v] for v in leading])),
        opacity=alt.Opacity("bound:N", title="Reliance",
                            # swatches in the bars' own colour, not Vega's default black
                            legend=alt.Legend(orient="top", direction="vertical", symbolType="square",
                                              symbolFillColor=theme.OTHER, symbolStrokeColor=theme.OTHER),
                            scale=alt.Scale(domain=bounds, range=[{"as published": 1.0}.get(b, 0.6 if "more" in b else 0.35)
                                                                  for b in bounds])),
        tooltip=tooltip,
    )
    labels = alt.Chart().mark_text(align="left", dx=2).encode(
        x="net_import_reliance_plot_pct:Q", y=y, text="published:N",
    ).transform_filter(alt.datum.bound != "as published")
    return (
        alt.layer(bars, labels, data=data)
        .properties(width=70, height=alt.Step(16))  # room for a label on two lines; fits an A4 page
        .facet(column=alt.Column("part:N", title=None, header=None, sort=parts), spacing=24,
               title=alt.Title(f"US net import reliance, USGS Mineral Commodity Summaries {edition}",
                               subtitle="Net imports as a share of apparent consumption (%)"))
        .resolve_scale(y="independent")
        # The release drawn: the renderer cites it, with its terms, in the figure's bundle.
        .properties(usermeta={"sources": [f"usgs_mcs_{edition}"]})
    )


# --------------------------------------------------------------------------------------
# Where the battery minerals are mined and held (USGS MCS world tables, latest edition)
#
# The sources' second and third drivers are geographic: mine output and reserves of the
# battery minerals sit in a few countries, and China leads several of them. The shares
# come from one query so that a new MCS edition changes the figure and the prose together.

#: countries the sources single out for a mineral (ciaps2022biden; sun2024battery):
#: the DRC for cobalt, Indonesia for nickel, Australia, Chile and Argentina for lithium (the
#: 2022 commentary names all three, and the prose and the figure follow it).
FOCUS: dict[str, tuple[str, ...]] = {"cobalt": ("COD",), "nickel": ("IDN",), "lithium": ("AUS", "CHL", "ARG")}
MEASURES = ("mine production", "reserves")


def mineral_shares() -> pd.DataFrame:
    """Country shares of world mine production and reserves, six battery minerals (sql/)."""
    return db.query("world_battery_mineral_shares_latest")


def shares_edition(shares: pd.DataFrame) -> int:
    return int(shares["edition"].max())


def shares_year(shares: pd.DataFrame, measure: str = "mine production") -> int:
    return int(shares.loc[shares["measure"] == measure, "year"].max())


def _row(shares: pd.DataFrame, commodity_id: str, measure: str, iso3: str) -> pd.Series:
    rows = shares[(shares["commodity_id"] == commodity_id) & (shares["measure"] == measure)
                  & (shares["country_iso3"] == iso3)]
    if len(rows) != 1:
        raise KeyError(f"{len(rows)} rows for {commodity_id} / {measure} / {iso3} in the world tables")
    return rows.iloc[0]


def share(shares: pd.DataFrame, commodity_id: str, measure: str, iso3: str) -> float:
    """A country's share in percent; an error, not a guess, if USGS gave no usable value."""
    row = _row(shares, commodity_id, measure, iso3)
    if pd.isna(row["share_pct"]):
        raise ValueError(f"no share for {commodity_id} / {measure} / {iso3}: value flagged {row['value_flag']}")
    return float(row["share_pct"])


def share_label(value: float, kind: str) -> str:
    """The chart's label for a share: '74%', or '≤45%' for an upper bound, rounded by the
    same rule as the prose's 'at most 45%' (one rule for bounds, prose.pct)."""
    return pct(value, kind).replace("at most ", "≤")


def share_text(shares: pd.DataFrame, commodity_id: str, measure: str, iso3: str) -> str:
    """'74%', or 'at most 45%' where the world total is published as a lower bound."""
    row = _row(shares, commodity_id, measure, iso3)
    return pct(share(shares, commodity_id, measure, iso3), row["share_kind"])


def combined_share_text(shares: pd.DataFrame, commodity_id: str, measure: str, iso3s: list[str]) -> str:
    rows = [_row(shares, commodity_id, measure, c) for c in iso3s]
    total = sum(share(shares, commodity_id, measure, c) for c in iso3s)
    return pct(total, "at_most" if any(r["share_kind"] == "at_most" for r in rows) else "exact")


def combined_share_by_edition(commodity_id: str, iso3s: list[str]) -> pd.DataFrame:
    """Some countries' combined share of world mine output as each MCS edition gave it for
    its latest data year (sql/): a quoted share always comes with its edition and year."""
    return db.query("world_mine_share_of_countries_by_edition", commodity_id=commodity_id, iso3=list(iso3s))


def edition_share_text(by_edition: pd.DataFrame, which: str = "first") -> str:
    """'82% for 2022 in the 2023 edition' for the first (or last) edition of the series."""
    row = by_edition.sort_values("edition").iloc[0 if which == "first" else -1]
    kind = "at_most" if row["world_is_lower_bound"] else "exact"
    return f"{pct(float(row['share_pct']), kind)} for {int(row['year'])} in the {int(row['edition'])} edition"


def leader(shares: pd.DataFrame, commodity_id: str, measure: str) -> pd.Series:
    rows = shares[(shares["commodity_id"] == commodity_id) & (shares["measure"] == measure)
                  & (shares["country_rank"] == 1)]
    if len(rows) != 1:
        raise ValueError(f"{len(rows)} leading countries for {commodity_id} / {measure}")
    return rows.iloc[0]


def leader_name(shares: pd.DataFrame, commodity_id: str, measure: str) -> str:
    return str(leader(shares, commodity_id, measure)["country_name"])


def leader_share_text(shares: pd.DataFrame, commodity_id: str, measure: str) -> str:
    row = leader(shares, commodity_id, measure)
    return share_text(shares, commodity_id, measure, row["country_iso3"])


def mineral_count(shares: pd.DataFrame) -> int:
    return int(shares["commodity_id"].nunique())


def focus_text(shares: pd.DataFrame) -> str:
    """'the DR Congo for cobalt, Indonesia for nickel, Australia, Chile and Argentina for lithium'."""
    name = dict(zip(shares["country_iso3"], shares["country_name"]))
    article = {"DR Congo": "the DR Congo"}
    parts = [f"{and_list([article.get(name[c], name[c]) for c in iso3s])} for {cid}" for cid, iso3s in FOCUS.items()]
    return ", ".join(parts)


def china_led_text(shares: pd.DataFrame, measure: str) -> str:
    """'natural graphite (78%) and rare earths (69%)': the minerals China leads, with shares."""
    led = shares[(shares["measure"] == measure) & (shares["country_rank"] == 1) & (shares["country_iso3"] == "CHN")]
    parts = [f"{r.mineral.lower()} ({share_text(shares, r.commodity_id, measure, 'CHN')})"
             for r in led.sort_values("mineral_order").itertuples()]
    return and_list(parts) if parts else "none of the six"


def china_rank(shares: pd.DataFrame, commodity_id: str, measure: str) -> int:
    return int(_row(shares, commodity_id, measure, "CHN")["country_rank"])


def minerals_led_by_china(shares: pd.DataFrame, measure: str) -> list[str]:
    led = shares[(shares["measure"] == measure) & (shares["country_rank"] == 1) & (shares["country_iso3"] == "CHN")]
    return led.sort_values("mineral_order")["mineral"].str.lower().tolist()


def withheld(shares: pd.DataFrame, commodity_id: str, measure: str) -> list[str]:
    """Countries whose value USGS withheld (W): they get no share and the text must say so."""
    rows = shares[(shares["commodity_id"] == commodity_id) & (shares["measure"] == measure)
                  & (shares["value_flag"] == "withheld")]
    return rows["country_name"].tolist()


def world_total_text(shares: pd.DataFrame, commodity_id: str, measure: str) -> str:
    """The world total as USGS printed it, in metric tons ('more than' for a lower bound)."""
    row = shares[(shares["commodity_id"] == commodity_id) & (shares["measure"] == measure)].iloc[0]
    text = f"{row['world_t']:,.0f} t"
    return f"more than {text}" if row["world_is_lower_bound"] else text


def bounded_world_minerals(shares: pd.DataFrame, measure: str) -> list[str]:
    rows = shares[(shares["measure"] == measure) & shares["world_is_lower_bound"]]
    return rows.drop_duplicates("commodity_id").sort_values("mineral_order")["mineral"].str.lower().tolist()


def lower_list(items: list[str]) -> str:
    return and_list([i[:1].lower() + i[1:] for i in items])


def overshoots(shares: pd.DataFrame, tolerance_pct: float = 2.0) -> pd.DataFrame:
    """Mineral and measure where the listed rows add to more than the printed world total
    (beyond rounding): shares are then of the printed total, and the text says so."""
    exact = shares[shares["share_kind"] == "exact"]
    sums = exact.groupby(["mineral_order", "mineral", "measure"], as_index=False)["share_pct"].sum()
    return sums[sums["share_pct"] > 100 + tolerance_pct].sort_values(["mineral_order", "measure"])


def overshoot_sentence(shares: pd.DataFrame) -> str:
    over = overshoots(shares)
    if over.empty:
        return ""
    parts = [f"{r.mineral.lower()} {r.measure} add up to {pct(r.share_pct, 'exact')}"
             for r in over.itertuples()]
    return (f"Some country figures do not fit their world total: the listed rows for "
            f"{and_list(parts)} of the total USGS prints; the shares here are of the printed total.")


def largest_share(shares: pd.DataFrame, measure: str) -> pd.Series:
    """The single largest country share among the six minerals (to test 'no monopoly')."""
    rows = shares[(shares["measure"] == measure) & shares["share_pct"].notna() & ~shares["is_aggregate"]]
    top = rows.loc[rows["share_pct"].idxmax()].copy()
    top["text"] = pct(float(top["share_pct"]), top["share_kind"])
    return top


def concentration_data(shares: pd.DataFrame) -> pd.DataFrame:
    """Per mineral: the leader in each measure, China, and the sources' focus countries."""
    picks = []
    for commodity_id, group in shares.groupby("commodity_id"):
        keep = set(group.loc[group["country_rank"] == 1, "country_iso3"]) | {"CHN"} | set(FOCUS.get(commodity_id, ()))
        picks.append(group[group["country_iso3"].isin(keep)])
    data = pd.concat(picks, ignore_index=True)
    data["who"] = data["country_iso3"].eq("CHN").map({True: "China", False: "Other country"})
    data["bound"] = data["share_kind"].map({"exact": "Share of a published world total",
                                            "at_most": "At most: world total published as a lower bound"})
    data["label"] = [share_label(v, k) if pd.notna(v) else ("withheld" if f == "withheld" else "n/a")
                     for v, k, f in zip(data["share_pct"], data["share_kind"], data["value_flag"])]
    data["share_plot_pct"] = data["share_pct"].fillna(0)
    data["published"] = [_as_used(orig, unit, value, False, erratum) for orig, unit, value, erratum in
                         zip(data["value_original"], data["unit_original"], data["value_t"], data["errata_id"])]
    data["world_published"] = [_as_used(orig, unit, value, low, erratum) for orig, unit, value, low, erratum in
                               zip(data["world_value_original"], data["unit_original"], data["world_t"],
                                   data["world_is_lower_bound"], data["world_errata_id"])]
    return data


def _as_used(original, unit, value_t, lower_bound: bool, erratum) -> str:
    """The value the share uses: as published, or, where USGS corrected it after the release,
    the corrected value with the first-published one beside it (the tooltip must agree with
    the text, which uses the correction)."""
    published = f"{'' if pd.isna(original) else original} {'' if pd.isna(unit) else unit}".strip()
    if pd.isna(erratum) or not erratum:
        return published
    return f"{'>' if lower_bound else ''}{value_t:,.0f} metric tons (corrected by USGS; first published as {published})"


def concentration_chart(shares: pd.DataFrame) -> alt.Chart:
    """Small multiples (mineral x measure) so that mine output and reserves read side by side."""
    data = concentration_data(shares)
    bounds = theme.domain_of(data["bound"], ["Share of a published world total",
                                             "At most: world total published as a lower bound"])
    base = alt.Chart().encode(
        y=alt.Y("country_name:N", title=None, sort=alt.EncodingSortField("share_plot_pct", op="max", order="descending"),
                axis=alt.Axis()),
        tooltip=charts.tooltips(
            ("mineral:N", "Mineral"),
            ("measure:N", "Measure"),
            ("country_name:N", "Country"),
            ("label:N", "Share of world"),
            ("published:N", "Published value"),
            ("world_published:N", "Published world total"),
            ("year:O", "Data year"),
        ),
    )
    bars = base.mark_bar(height=10).encode(
        x=alt.X("share_plot_pct:Q", title="Share of world total (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("who:N", title=None, scale=alt.Scale(domain=["China", "Other country"],
                                                              range=[theme.CHINA, theme.OTHER])),
        opacity=alt.Opacity("bound:N", title=None,
                            # the swatch in the colour of the bars it stands for, not Vega's default black
                            legend=alt.Legend(orient="top", direction="vertical", symbolType="square",
                                              symbolFillColor=theme.OTHER, symbolStrokeColor=theme.OTHER),
                            scale=alt.Scale(domain=bounds, range=[{"Share of a published world total": 1.0}.get(b, 0.45)
                                                                  for b in bounds])),
    )
    text = base.mark_text(align="left", dx=3).encode(x="share_plot_pct:Q", text="label:N")
    edition = shares_edition(shares)
    year_text = prose.span(shares["year"])
    return (
        alt.layer(bars, text, data=data)
        .properties(width=110, height=alt.Step(13))
        .facet(
            row=alt.Row("mineral:N", title=None,
                        header=alt.Header(labelAngle=0, labelAlign="left", labelFont=theme.FONT)),
            column=alt.Column("measure:N", sort=list(MEASURES), title=None,
                              header=alt.Header(labelFont=theme.FONT,
                                                labelExpr="datum.value == 'reserves' ? 'Reserves' : 'Mine production'")),
            spacing={"row": 6, "column": 28},
        )
        .resolve_scale(y="independent")
        .properties(title=f"Battery minerals: shares of world mine output and reserves, USGS MCS {edition} ({year_text})",
                    usermeta={"sources": [f"usgs_mcs_{edition}"]})
    )


# --------------------------------------------------------------------------------------
# Processing: China's share of refined cobalt and nickel (BGS World Mineral Statistics)
#
# USGS gives refined cobalt and nickel only as world totals; BGS gives them by country, so
# the processing driver the sources stress can be followed over fifty years.

BGS_SERIES = {"cobalt": "Refined cobalt", "nickel": "Refined nickel (smelter and refinery output)"}


def refined_shares() -> pd.DataFrame:
    """Country shares of refined cobalt and nickel output by year, BGS 1970-2021 (sql/)."""
    return db.query("bgs_refined_cobalt_nickel_shares")


def bgs_years_text() -> str:
    """The years the BGS export covers (all commodities), as the caption's source line."""
    con = db.connect()
    try:
        lo, hi = con.execute("SELECT min(year), max(year) FROM core_bgs__world_production").fetchone()
    finally:
        con.close()
    return f"{int(lo)}–{int(hi)}"


def refined_latest_year(refined: pd.DataFrame) -> int:
    return int(refined["year"].max())


def refined_share(refined: pd.DataFrame, commodity_id: str, year: int | None = None, iso3: str = "CHN") -> float:
    year = refined_latest_year(refined) if year is None else year
    rows = refined[(refined["commodity_id"] == commodity_id) & (refined["year"] == year)
                   & (refined["country_iso3"] == iso3) & refined["share_pct"].notna()]
    if len(rows) != 1:
        raise ValueError(f"{len(rows)} BGS share rows for {commodity_id} / {iso3} / {year}")
    return float(rows.iloc[0]["share_pct"])


def refined_share_text(refined: pd.DataFrame, commodity_id: str, year: int | None = None, iso3: str = "CHN") -> str:
    return pct(refined_share(refined, commodity_id, year, iso3), "exact")


def china_refined_series(refined: pd.DataFrame) -> pd.DataFrame:
    china = refined[(refined["country_iso3"] == "CHN") & refined["share_pct"].notna()].copy()
    return china.sort_values(["commodity_id", "year"]).reset_index(drop=True)


def china_first_year(refined: pd.DataFrame, commodity_id: str) -> int:
    """First year BGS gives China a figure: earlier years are unknown, not zero."""
    s = china_refined_series(refined)
    return int(s.loc[s["commodity_id"] == commodity_id, "year"].min())


def year_china_passed(refined: pd.DataFrame, commodity_id: str, pct: float) -> int:
    s = china_refined_series(refined)
    s = s[(s["commodity_id"] == commodity_id) & (s["share_pct"] > pct)]
    return int(s["year"].min())


def china_peak(refined: pd.DataFrame, commodity_id: str) -> tuple[int, str]:
    s = china_refined_series(refined)
    s = s[s["commodity_id"] == commodity_id]
    top = s.loc[s["share_pct"].idxmax()]
    return int(top["year"]), pct(float(top["share_pct"]), "exact")


def countries_in_year(refined: pd.DataFrame, commodity_id: str, year: int | None = None) -> int:
    year = refined_latest_year(refined) if year is None else year
    rows = refined[(refined["commodity_id"] == commodity_id) & (refined["year"] == year)]
    return int(rows["countries_with_figure"].iloc[0])


def refined_leader(refined: pd.DataFrame, commodity_id: str, year: int | None = None) -> str:
    year = refined_latest_year(refined) if year is None else year
    rows = refined[(refined["commodity_id"] == commodity_id) & (refined["year"] == year)]
    return str(rows.loc[rows["share_pct"].idxmax(), "country_name"])


def seed_claim_value(claim_id: str) -> str:
    """A figure a source states, read from the curated claims (never retyped in prose)."""
    row = source_claims.claim(claim_id)
    value = float(row["value"])
    return f"{value:g}%" if row["unit"] == "pct" else f"{value:g}"


def refined_chart(refined: pd.DataFrame) -> alt.Chart:
    """One line per series: the share, not tonnes, is what the sources argue about."""
    data = china_refined_series(refined)
    data["series"] = data["commodity_id"].map(BGS_SERIES)
    data["published"] = data["value_t"].map("{:,.0f} t".format)
    data["total"] = data["total_t"].map("{:,.0f} t".format)
    first, last = int(data["year"].min()), int(data["year"].max())  # the years drawn
    title = f"China's share of world refined cobalt and nickel output, {first}–{last} (BGS)"
    base = alt.Chart(data)
    enc = dict(
        x=alt.X("year:Q", title="Year", scale=alt.Scale(domain=[first, last]), axis=alt.Axis(format="d", tickCount=8)),
        y=alt.Y("share_pct:Q", title="China's share of output (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=list(BGS_SERIES.values()),
                                                                  range=[theme.PALETTE[1], theme.PALETTE[2]]),
                        legend=alt.Legend(orient="top", direction="vertical")),
    )
    tooltip = charts.tooltips(
        ("series:N", "Series"),
        ("year:Q", "Year", "d"),
        ("share_pct:Q", "China's share (%)", ".1f"),
        ("published:N", "China's output"),
        ("total:N", "Sum of countries with a figure"),
        ("countries_with_figure:Q", "Countries with a figure", "d"),
    )
    line = base.mark_line(strokeWidth=2).encode(**enc)
    points = base.mark_point(size=14, filled=True).encode(**enc, tooltip=tooltip)
    return alt.layer(line, points).properties(title=title, width=400, height=220,
                                              usermeta={"sources": ["bgs_world_mineral_statistics"]})


# --------------------------------------------------------------------------------------
# Rare earths across MCS editions

def rare_earths_by_edition() -> pd.DataFrame:
    """China's share of world rare-earth mine output as each edition gave it (sql/)."""
    return combined_share_by_edition("rare_earths", ["CHN"])


def editions_text(by_edition: pd.DataFrame) -> str:
    return prose.span(by_edition["edition"])


def data_years_text(by_edition: pd.DataFrame) -> str:
    return prose.span(by_edition["year"])


def share_range_text(by_edition: pd.DataFrame) -> str:
    return prose.pct_range(float(by_edition["share_pct"].min()), float(by_edition["share_pct"].max()))


# --------------------------------------------------------------------------------------
# The sources' own reliance figures beside the latest edition
#
# The 2022 commentary quotes the era of the 2018 list (China's shares of US imports of
# rare earths, graphite, arsenic, gallium, indium); Cheng Ping and Sun Haiyong count the
# commodities at 100% and above 50% in the MCS 2024 and 2023 editions. The latest edition
# gives the same measures, so each figure can be set beside today's.

def count_above_half_with_china(nir: pd.DataFrame) -> int:
    """Of those, the commodities with China among USGS's major import sources (Sun's count of 26)."""
    above = nir["net_import_reliance_plot_pct"].gt(50) | (
        nir["value_flag"].eq("lower_bound") & nir["net_import_reliance_plot_pct"].ge(50))
    china = nir["major_import_sources"].fillna("").str.split("; ").map(lambda names: "China" in names)
    return int((above & china).sum())  # rows: the chapter's one unit, commodity or form as published


def count_above_half_plot(nir: pd.DataFrame) -> int:
    """Commodities above 50% (a '>50' bound counts: USGS says more than half)."""
    above = nir["net_import_reliance_plot_pct"].gt(50) | (
        nir["value_flag"].eq("lower_bound") & nir["net_import_reliance_plot_pct"].ge(50))
    return int(above.sum())  # rows: the chapter's one unit, commodity or form as published


def nir_text(nir: pd.DataFrame, commodity_id: str, form: str | None = None) -> str:
    """A commodity's reliance as USGS prints it: '67%', 'more than 50%' (a bound stays a bound)."""
    rows = nir.loc[nir["commodity_id"].eq(commodity_id)]
    if form is not None:
        rows = rows.loc[rows["form"].fillna("").eq(form)]
    if len(rows) != 1:
        raise KeyError(f"{len(rows)} reliance rows for {commodity_id}")
    row = rows.iloc[0]
    if pd.notna(row["net_import_reliance_pct"]):
        return f"{row['net_import_reliance_pct']:.0f}%"
    if row["value_flag"] == "lower_bound":
        return f"more than {row['net_import_reliance_plot_pct']:.0f}%"
    raise ValueError(f"no reliance figure for {commodity_id}: flagged {row['value_flag']}")


#: commodity -> (form of the MCS import-source shares, the commentary's claim it sits beside)
CHINA_IMPORT_FORMS: dict[str, tuple[str, str]] = {
    "rare_earths": ("Rare-earth compounds and metals", "ciaps2022biden-035"),
    "graphite_natural": ("All", "ciaps2022biden-036"),
    "arsenic": ("All forms of arsenic", "ciaps2022biden-056"),
    "gallium": ("Metal", "ciaps2022biden-058"),
    "indium": ("All", "ciaps2022biden-060"),
}
MINERAL_NAMES = {"rare_earths": "Rare earths", "graphite_natural": "Natural graphite", "arsenic": "Arsenic",
                 "gallium": "Gallium", "indium": "Indium", "germanium": "Germanium"}


def china_import_shares() -> pd.DataFrame:
    """China's share of US imports by commodity and form, latest edition with shares (sql/)."""
    return db.query("usgs_mcs_china_share_of_us_imports_latest")


def china_import_row(imports: pd.DataFrame, commodity_id: str, form: str | None = None) -> pd.Series:
    form = form or CHINA_IMPORT_FORMS[commodity_id][0]
    rows = imports.loc[imports["commodity_id"].eq(commodity_id) & imports["form"].eq(form)]
    if len(rows) != 1:
        raise KeyError(f"{len(rows)} import-share rows for {commodity_id} / {form}")
    return rows.iloc[0]


def china_import_share(imports: pd.DataFrame, commodity_id: str, form: str | None = None) -> str:
    return f"{china_import_row(imports, commodity_id, form)['share_pct']:.0f}%"


def import_shares_edition(imports: pd.DataFrame) -> int:
    return int(imports["edition"].max())


def import_shares_period(imports: pd.DataFrame) -> str:
    periods = imports["period"].dropna().unique()
    if len(periods) != 1:
        raise ValueError(f"import shares span several periods: {sorted(periods)}")
    return str(periods[0])


def china_import_table(imports: pd.DataFrame) -> pd.DataFrame:
    """The commentary's shares of US imports from China (2018-list era) beside the latest
    edition's, one row per mineral it names; the difference is computed, not judged."""
    from analysis import source_claims

    edition, period = import_shares_edition(imports), import_shares_period(imports)
    rows = []
    for commodity_id, (form, claim_id) in CHINA_IMPORT_FORMS.items():
        now = china_import_row(imports, commodity_id, form)
        rows.append({
            "Mineral": MINERAL_NAMES[commodity_id],
            "Form": form,
            "Commentary (2022)": source_claims.figure(claim_id),
            f"MCS {edition} ({period})": f"{now['share_pct']:.0f}%",
            "Rank": int(now["rank"]),
        })
    return pd.DataFrame(rows)


def import_shares_lower(imports: pd.DataFrame) -> list[str]:
    """Minerals whose China share today is lower than the commentary's figure."""
    from analysis import source_claims

    return [MINERAL_NAMES[c].lower() for c, (form, claim_id) in CHINA_IMPORT_FORMS.items()
            if china_import_row(imports, c, form)["share_pct"] < source_claims.value(claim_id) - 0.5]


def import_shares_higher(imports: pd.DataFrame) -> list[str]:
    from analysis import source_claims

    return [MINERAL_NAMES[c].lower() for c, (form, claim_id) in CHINA_IMPORT_FORMS.items()
            if china_import_row(imports, c, form)["share_pct"] > source_claims.value(claim_id) + 0.5]


# --------------------------------------------------------------------------------------
# Demand: US consumption, the only demand series in the releases
#
# The sources' demand figures are forecasts (World Bank, IEA, DOE) that no release in the
# mirror can test. What the releases do give is US apparent consumption, year by year, in
# the latest edition: enough to test the 2022 commentary's remark about which minerals
# the United States consumes more and which less, over a shorter window than its twenty years.

#: commodity -> (series in the salient statistics, direction the 2022 commentary reports)
CONSUMPTION_SERIES: dict[str, tuple[str, str]] = {
    "aluminum": ("Consumption, apparent", "fell"),
    "chromium": ("Consumption (includes recycling): Apparent", "fell"),
    "manganese": ("Consumption, apparent, manganese content", "fell"),
    "platinum": ("Consumption, apparent: Platinum", "fell"),
    "palladium": ("Consumption, apparent: Palladium", "fell"),
    "lithium": ("Consumption, apparent", "rose"),
    "germanium": ("Consumption, estimated", "rose"),
    "graphite_natural": ("Consumption, apparent", "rose"),
}
CONSUMPTION_NAMES = {"aluminum": "Aluminium", "chromium": "Chromium", "manganese": "Manganese (content)",
                     "platinum": "Platinum", "palladium": "Palladium", "lithium": "Lithium",
                     "germanium": "Germanium", "graphite_natural": "Natural graphite"}


def consumption() -> pd.DataFrame:
    """US consumption series of the latest edition's salient statistics (sql/)."""
    return db.query("usgs_mcs_us_apparent_consumption_latest")


def consumption_change(cons: pd.DataFrame, commodity_id: str) -> dict:
    """First and last year with a value in the series, and the change in percent; a series
    USGS withholds or leaves blank after its first year says so instead of a change."""
    detail, _ = CONSUMPTION_SERIES[commodity_id]
    series = cons.loc[cons["commodity_id"].eq(commodity_id) & cons["statistic_detail"].eq(detail)].sort_values("year")
    if series.empty:
        raise KeyError(f"no consumption series {detail!r} for {commodity_id}")
    known = series.dropna(subset=["value"])
    out = {"commodity_id": commodity_id, "first_year": int(series["year"].min()), "last_year": int(series["year"].max()),
           "flag": None, "change_pct": None}
    if len(known) < 2:
        flags = series.loc[series["value"].isna(), "value_flag"].dropna().unique()
        out["flag"] = "withheld" if "withheld" in flags else "not available"
        return out
    first, last = known.iloc[0], known.iloc[-1]
    out.update(first_year=int(first["year"]), last_year=int(last["year"]), first_t=float(first["value"]),
               last_t=float(last["value"]), change_pct=100 * (float(last["value"]) / float(first["value"]) - 1))
    return out


def consumption_years(cons: pd.DataFrame) -> tuple[int, int]:
    spans = [consumption_change(cons, c) for c in CONSUMPTION_SERIES]
    known = [s for s in spans if s["change_pct"] is not None]
    return min(s["first_year"] for s in known), max(s["last_year"] for s in known)


def consumption_edition(cons: pd.DataFrame) -> int:
    return int(cons["edition"].max())


def _t(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def consumption_table(cons: pd.DataFrame) -> pd.DataFrame:
    """The eight minerals of the commentary's remark, its direction beside USGS's series.
    Narrow enough for a phone: the window's years head the columns, and a series whose
    first or last known year differs from the window says its own year in the cell."""
    first_year, last_year = consumption_years(cons)
    rows = []
    for commodity_id, (_, said) in CONSUMPTION_SERIES.items():
        c = consumption_change(cons, commodity_id)
        known = c["change_pct"] is not None
        first = (_t(c["first_t"]) + ("" if c["first_year"] == first_year else f" ({c['first_year']})")) if known else c["flag"]
        last = (_t(c["last_t"]) + ("" if c["last_year"] == last_year else f" ({c['last_year']})")) if known else c["flag"]
        rows.append({
            "Mineral": CONSUMPTION_NAMES[commodity_id],
            "Commentary": said,
            f"{first_year} (t)": first,
            f"{last_year} (t)": last,
            "Change (%)": f"{c['change_pct']:+.0f}" if known else "–",
        })
    return pd.DataFrame(rows)


def consumption_moved(cons: pd.DataFrame, direction: str) -> list[str]:
    """Minerals whose US consumption rose (or fell) over the window, by USGS's series."""
    out = []
    for commodity_id in CONSUMPTION_SERIES:
        c = consumption_change(cons, commodity_id)
        if c["change_pct"] is None:
            continue
        if (direction == "rose" and c["change_pct"] > 0) or (direction == "fell" and c["change_pct"] < 0):
            out.append(CONSUMPTION_NAMES[commodity_id].split(" (")[0].lower())
    return out


def consumption_as_said(cons: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(minerals that moved the way the commentary says, minerals that moved the other way)."""
    agree, differ = [], []
    for commodity_id, (_, said) in CONSUMPTION_SERIES.items():
        c = consumption_change(cons, commodity_id)
        if c["change_pct"] is None:
            continue
        moved = "rose" if c["change_pct"] > 0 else "fell"
        (agree if moved == said else differ).append(CONSUMPTION_NAMES[commodity_id].split(" (")[0].lower())
    return agree, differ


def consumption_unknown(cons: pd.DataFrame) -> list[str]:
    return [CONSUMPTION_NAMES[c].lower() for c in CONSUMPTION_SERIES if consumption_change(cons, c)["change_pct"] is None]


# --------------------------------------------------------------------------------------
# Shocks: where the mines the sources name stand in world output today

def mine_shares() -> pd.DataFrame:
    """Every country's share of world mine production, latest edition and year (sql/)."""
    return db.query("usgs_mcs_world_mine_shares_latest")


def mine_share_row(mines: pd.DataFrame, commodity_id: str, iso3: str, product: str | None = None) -> pd.Series:
    rows = mines.loc[mines["commodity_id"].eq(commodity_id) & mines["country_iso3"].eq(iso3)]
    rows = rows.loc[rows["product"].fillna("").eq(product or "")]
    if len(rows) != 1:
        raise KeyError(f"{len(rows)} mine-share rows for {commodity_id} / {product} / {iso3}")
    return rows.iloc[0]


def mine_share_text(mines: pd.DataFrame, commodity_id: str, iso3: str, product: str | None = None) -> str:
    row = mine_share_row(mines, commodity_id, iso3, product)
    if pd.isna(row["share_pct"]):
        raise ValueError(f"no share for {commodity_id} / {iso3}: flagged {row['value_flag']}")
    return pct(float(row["share_pct"]), row["share_kind"])


def mine_share_rank(mines: pd.DataFrame, commodity_id: str, iso3: str, product: str | None = None) -> int:
    return int(mine_share_row(mines, commodity_id, iso3, product)["country_rank"])


def mine_year(mines: pd.DataFrame, commodity_id: str) -> int:
    return int(mines.loc[mines["commodity_id"].eq(commodity_id), "year"].max())


def mines_edition(mines: pd.DataFrame) -> int:
    return int(mines["edition"].max())


def trade_position_text(nir: pd.DataFrame, commodity_id: str, form: str, what: str) -> str:
    """'was a net exporter of <what>' or 'relied on imports for 40% of <what>', as USGS reports it."""
    rows = nir.loc[nir["commodity_id"].eq(commodity_id) & nir["form"].fillna("").eq(form)]
    if len(rows) != 1:
        raise KeyError(f"{len(rows)} reliance rows for {commodity_id} / {form}")
    if rows.iloc[0]["value_flag"] == "net_exporter":
        return f"was a net exporter of {what}"
    return f"relied on imports for {nir_text(nir, commodity_id, form)} of {what}"


def us_output_text(shares: pd.DataFrame, commodity_id: str) -> str:
    """'it mined 1.2% of world output', or 'USGS withholds its mine output' where the US value
    is withheld (W): a withheld value is never shown as a share."""
    if "United States" in withheld(shares, commodity_id, "mine production"):
        return "USGS withholds its mine output"
    return "it mined " + share_text(shares, commodity_id, "mine production", "USA") + " of world output"
