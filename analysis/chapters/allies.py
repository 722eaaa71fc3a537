"""Chapter 3, allies and friend-shoring: who belongs to which of the US-led minerals clubs.

The sources read US strategy abroad as a growing set of clubs (ERGI, the Minerals
Security Partnership, the Quad, IPEF, the free-trade partners of the Inflation Reduction
Act). `memberships.csv` records each membership with its source, so the counts in the
prose, the MSP figure and the membership matrix change when a member is added.

A member whose joining date no source gives is kept and shown apart, never placed at a
guessed date.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from analysis import charts, db, source_claims, theme
from analysis.prose import and_list as join_names
from analysis.prose import format_date, period, source_label

MSP = "msp"
FTA = "ira_30d_fta"

ROLE_LABELS = {
    "founding_member": "Founding member",
    "member": "Joined later (or date not known)",
    "partner": "Partner",
    "observer": "Observer",
    "signatory": "Signatory",
    "fta_partner": "FTA partner",
}
#: when a country is in one grouping through several initiatives, the cell shows the first role here
ROLE_PRIORITY = list(ROLE_LABELS)
# Hues far apart for colour-blind readers too (the two member roles were two blues), each
# with 3:1 contrast on white, and none of them China's.
ROLE_COLOURS = [theme.PALETTE[0], theme.PALETTE[1], theme.PALETTE[5], theme.MUTED, theme.PALETTE[3], theme.PALETTE[2]]

#: columns of the membership matrix, in the order the groupings appeared; initiatives that
#: are one grouping for the reader (two Quad initiatives, five bilateral agreements) share one
def groups() -> dict[str, str]:
    """initiative_id -> the grouping (column of the membership matrix) it belongs to, in the
    order the groupings appeared (data/reference/initiative_groups.csv)."""
    table = db.query("initiative_groups")
    return dict(zip(table["initiative_id"], table["grouping"]))
#: initiatives with no country members (Li-Bridge joins US laboratories and industry groups)
NOT_COUNTRY_CLUBS = {"li_bridge"}


def memberships() -> pd.DataFrame:
    return db.query("curated_memberships")


# ----------------------------------------------------------------------------- the MSP


def msp(m: pd.DataFrame) -> pd.DataFrame:
    """MSP members with their joining period; undated members keep empty dates."""
    data = m.loc[m["initiative_id"].eq(MSP)].copy()
    data[["start", "end", "precision"]] = charts.date_spans(data["date_joined"]).set_index(data.index)
    data["dated"] = data["date_joined"].ne("")
    data["role_label"] = data["role"].map(ROLE_LABELS)
    data["source"] = data["source_key"].map(source_label)
    data["label"] = data["member"].str.replace(" (represented by the European Commission)", " (Commission)",
                                               regex=False)
    return data.sort_values(["start", "role", "label"], na_position="last").reset_index(drop=True)


def msp_founding_count(m: pd.DataFrame) -> int:
    return int((m["initiative_id"].eq(MSP) & m["role"].eq("founding_member")).sum())


def msp_member_count(m: pd.DataFrame) -> int:
    return int(m["initiative_id"].eq(MSP).sum())


def msp_founding_date(m: pd.DataFrame) -> str:
    """'14 June 2022', from the founding members' date."""
    dates = m.loc[m["initiative_id"].eq(MSP) & m["role"].eq("founding_member"), "date_joined"].unique()
    if len(dates) != 1:
        raise ValueError(f"MSP founding members carry {len(dates)} different dates: {list(dates)}")
    return format_date(dates[0])


def msp_joiners(m: pd.DataFrame, dated: bool) -> list[str]:
    rows = msp(m)
    rows = rows.loc[rows["role"].ne("founding_member") & rows["dated"].eq(dated)]
    return rows["label"].tolist()


def msp_chart(m: pd.DataFrame) -> alt.HConcatChart:
    """One row per member at the date it joined; members no source dates sit in a
    separate column, so the chart never invents a date for them."""
    data = msp(m)
    data["date_as_given"] = data["date_joined"].replace("", "not known")
    order = data["label"].tolist()
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis())
    colour = alt.Color("role_label:N", title=None,
                       scale=alt.Scale(domain=[ROLE_LABELS["founding_member"], ROLE_LABELS["member"]],
                                       range=[ROLE_COLOURS[0], ROLE_COLOURS[1]]),
                       legend=alt.Legend(orient="top"))
    tooltip = charts.tooltips(
        ("member:N", "Member"),
        ("role_label:N", "Role"),
        ("date_as_given:N", "Joined"),
        ("source:N", "Source"),
        ("primary_source:N", "Primary document"),
    )
    dated = data.loc[data["dated"]]
    first = int(dated["start"].dt.year.min())
    last = int(dated["end"].dt.year.max()) + 1
    x = alt.X("start:T", title="Date joined", scale=alt.Scale(domain=[f"{first}-01-01", f"{last}-01-01"]),
              axis=alt.Axis(format="%Y", tickCount=last - first, labelAngle=0))
    base = alt.Chart(dated).encode(y=y)
    span = charts.partial_date_bars(base, 0.5, x=x, color=colour, tooltip=tooltip)
    dots = base.mark_circle(size=70, opacity=1).encode(x=x, color=colour, tooltip=tooltip)
    main = alt.layer(span, dots).properties(width=280, height=alt.Step(14))
    undated = (
        alt.Chart(data.loc[~data["dated"]].assign(where="date not known"))
        .mark_circle(size=70, opacity=1, color="white", stroke=ROLE_COLOURS[1], strokeWidth=1.5)
        .encode(x=alt.X("where:N", title=None, axis=alt.Axis(labelAngle=0)), y=y.axis(None), tooltip=tooltip)
        .properties(width=70, height=alt.Step(14))
    )
    title = alt.Title(
        f"Members of the Minerals Security Partnership: {msp_founding_count(m)} at founding, "
        f"{msp_member_count(m)} recorded now",
        subtitle=["A bar marks a joining date known only to the month; open circle: date not known",
                  "Sources: Cheng (2024) and the primary documents"])
    return alt.hconcat(main, undated, spacing=4, title=title).resolve_scale(y="shared")


# ----------------------------------------------------------------------------- all clubs


def country_memberships(m: pd.DataFrame) -> pd.DataFrame:
    """Country (and EU) memberships of the groupings of initiative_groups.csv, the United States
    left out as the hub of them all. An initiative missing from it raises, so a new one added
    to the table cannot silently drop out of the matrix."""
    data = m.loc[m["member_iso3"].ne("") & m["member_iso3"].ne("USA")
                 & ~m["initiative_id"].isin(NOT_COUNTRY_CLUBS)].copy()
    grouping = groups()
    unknown = sorted(set(data["initiative_id"]) - set(grouping))
    if unknown:
        raise KeyError(f"memberships.csv: initiative(s) {unknown} have no grouping in data/reference/initiative_groups.csv")
    data["group"] = data["initiative_id"].map(grouping)
    data["member_label"] = data["member"].str.replace(" (represented by the European Commission)", "",
                                                      regex=False)
    return data


def matrix(m: pd.DataFrame) -> pd.DataFrame:
    """One row per country and grouping: the most senior role, the initiatives and dates."""
    data = country_memberships(m)
    data["role_rank"] = data["role"].map(ROLE_PRIORITY.index)
    data["detail"] = data["initiative"] + " (" + data["date_joined"].replace("", "date not known") + ")"
    data["source"] = data["source_key"].map(source_label)
    cells = (data.sort_values("role_rank")
             .groupby(["member_iso3", "member_label", "group"], as_index=False)
             .agg(role=("role", "first"), initiatives=("detail", "; ".join),
                  sources=("source", lambda s: "; ".join(dict.fromkeys(s)))))
    cells["role_label"] = cells["role"].map(ROLE_LABELS)
    cells["n_groups"] = cells.groupby("member_iso3")["group"].transform("count")
    return cells


def count_countries(cells: pd.DataFrame) -> int:
    """Countries in the matrix, the European Union (EUU) not counted as one."""
    return int(cells.loc[cells["member_iso3"].ne("EUU"), "member_iso3"].nunique())


def count_groups(cells: pd.DataFrame) -> int:
    return int(cells["group"].nunique())


def most_connected(cells: pd.DataFrame) -> pd.DataFrame:
    """Countries in the largest number of groupings (ties kept)."""
    per = cells.groupby("member_label")["group"].nunique()
    return per.loc[per.eq(per.max())].rename("n_groups").reset_index()


def count_in_at_least(cells: pd.DataFrame, n: int) -> int:
    per = cells.groupby("member_iso3")["group"].nunique()
    return int(per.ge(n).sum())


def count_in_one_only(cells: pd.DataFrame, group: str) -> int:
    """Countries whose only link in the matrix is one grouping (e.g. FTA partners)."""
    per = cells.groupby("member_iso3")["group"].agg(set)
    return int(per.map(lambda g: g == {group}).sum())


def matrix_chart(cells: pd.DataFrame) -> alt.Chart:
    """Countries by groupings: rows sorted by how many groupings a country is in."""
    order = (cells[["member_label", "n_groups"]].drop_duplicates()
             .sort_values(["n_groups", "member_label"], ascending=[False, True])["member_label"].tolist())
    columns = list(dict.fromkeys(v for v in groups().values() if v in set(cells["group"])))
    roles = [ROLE_LABELS[r] for r in ROLE_PRIORITY if r in set(cells["role"])]
    colours = [ROLE_COLOURS[ROLE_PRIORITY.index(r)] for r in ROLE_PRIORITY if r in set(cells["role"])]
    return (
        alt.Chart(cells, title=alt.Title(
            "Which countries belong to which US-linked minerals groupings",
            subtitle=["United States not shown; the EU is represented by the European Commission",
                      "Sources: the four Chinese-language texts and the primary documents"]))
        .mark_circle(size=70, opacity=1)
        .encode(
            x=alt.X("group:N", title=None, sort=columns, scale=alt.Scale(domain=columns),
                    axis=alt.Axis(orient="top", labelAngle=-50, grid=True)),
            y=alt.Y("member_label:N", title=None, sort=order, axis=alt.Axis(grid=True,
                                                                            gridColor="#eeeeee")),
            color=alt.Color("role_label:N", title="Role", scale=alt.Scale(domain=roles, range=colours),
                            legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=charts.tooltips(
                ("member_label:N", "Country"),
                ("group:N", "Grouping"),
                ("role_label:N", "Role"),
                ("initiatives:N", "Initiative (date joined)"),
                ("sources:N", "Source"),
            ),
        )
        .properties(width=alt.Step(22), height=alt.Step(12))
    )


# ----------------------------------------------------------------------------- FTA partners


def fta_count(m: pd.DataFrame) -> int:
    return int(m["initiative_id"].eq(FTA).sum())


def fta_via_minerals_agreement(m: pd.DataFrame) -> list[str]:
    """FTA countries that count only through a critical-minerals agreement (Japan): those
    whose 30D date is the date they signed a bilateral minerals deal with the US."""
    fta = m.loc[m["initiative_id"].eq(FTA), ["member_iso3", "member", "date_joined"]]
    grouping = groups()
    deals = m.loc[m["initiative_id"].map(grouping).eq(grouping["us_japan_cma_2023"]) & m["member_iso3"].ne("USA"),
                  ["member_iso3", "date_joined"]]
    hit = fta.merge(deals, on=["member_iso3", "date_joined"])
    return hit["member"].tolist()


# ----------------------------------------------------------------------------- where the sources differ


def members_by_source(m: pd.DataFrame, initiative_id: str, source_key: str, role: str | None = None) -> list[str]:
    rows = m.loc[m["initiative_id"].eq(initiative_id) & m["source_key"].eq(source_key) & m["member_iso3"].ne("USA")]
    if role is not None:
        rows = rows.loc[rows["role"].eq(role)]
    return rows["member"].tolist()


def launched(m: pd.DataFrame, initiative_id: str) -> str:
    """When an initiative began: the earliest joining date recorded for it."""
    dates = m.loc[m["initiative_id"].eq(initiative_id) & m["date_joined"].ne(""), "date_joined"]
    if dates.empty:
        raise KeyError(f"memberships.csv: no dated member of {initiative_id!r}")
    return format_date(min(dates, key=lambda d: period(d)[0]))


def latest_join(m: pd.DataFrame, initiative_id: str) -> str:
    """The latest joining date recorded for an initiative: the date its count holds from."""
    dates = m.loc[m["initiative_id"].eq(initiative_id) & m["date_joined"].ne(""), "date_joined"]
    if dates.empty:
        raise KeyError(f"memberships.csv: no dated member of {initiative_id!r}")
    return format_date(max(dates, key=lambda d: period(d)[1]))


def member_count(m: pd.DataFrame, initiative_id: str, countries_only: bool = False) -> int:
    rows = m.loc[m["initiative_id"].eq(initiative_id)]
    if countries_only:
        rows = rows.loc[rows["member_iso3"].ne("")]
    return int(len(rows))


def _claim(claim_id: str, unit: str) -> pd.Series:
    row = source_claims.claim(claim_id)
    if row["unit"] != unit:
        raise KeyError(f"claims: claim {claim_id!r} is in {row['unit']!r}, not {unit!r}")
    return row


def claim_count(claim_id: str) -> int:
    """A count as a source states it, so the prose can set it beside the table's own count."""
    return int(float(_claim(claim_id, "count")["value"]))


def claim_date(claim_id: str) -> str:
    """A date as a source states it (claims table), for prose that sets two sources side by side."""
    return format_date(_claim(claim_id, "date")["value"])


# ----------------------------------------------------------------------------- dated acts

def event_date(event_id: str) -> str:
    """The date of an act in events.csv, as precise as the record: '13 April 2022', 'April 2021'."""
    rows = db.query("curated_event", event_id=event_id)
    if len(rows) != 1:
        raise KeyError(f"events.csv: no single event {event_id!r}")
    return format_date(rows.iloc[0]["date"])


def members_of(m: pd.DataFrame, initiative_id: str, without_us: bool = True) -> list[str]:
    """Members of an initiative as recorded, in file order (the United States left out by default)."""
    rows = m.loc[m["initiative_id"].eq(initiative_id)]
    if without_us:
        rows = rows.loc[rows["member_iso3"].ne("USA")]
    if rows.empty:
        raise KeyError(f"memberships.csv: no members of {initiative_id!r}")
    return rows["member"].tolist()


# ----------------------------------------------------------------------------- a division of roles
#
# Cheng Ping assigns partners to stages of the supply chain: resource countries upstream,
# refiners midstream, consuming countries downstream. The releases can test the first two:
# USGS mine output by country (latest edition) and BGS refined cobalt and nickel by country.

ROLES: dict[str, list[str]] = {
    "upstream": ["AUS", "BRA", "COD", "CAN"],
    "midstream": ["JPN", "KOR", "FIN"],
    "downstream": ["USA", "JPN", "KOR", "DEU"],
}
COUNTRY_NAMES = {"AUS": "Australia", "BRA": "Brazil", "COD": "DR Congo", "CAN": "Canada", "JPN": "Japan",
                 "KOR": "South Korea", "FIN": "Finland", "USA": "United States", "DEU": "Germany"}


def _mineral_label(row: pd.Series) -> str:
    name = row["commodity_id"].replace("_", " ")
    return f"{name} ({row['product']})" if row.get("product") else name


def critical_list() -> set[str]:
    """Commodities on the latest US critical-minerals list in the extracts (sql/)."""
    from analysis import db

    return set(db.query("usgs_mcs_critical_minerals_latest_list")["commodity_id"])


def top_mine_share(mines: pd.DataFrame, iso3: str, scope: set[str] | None = None) -> pd.Series:
    """The critical mineral (or, without a scope, any commodity) of which a country mines the
    largest share of world output in the latest edition."""
    rows = mines.loc[mines["country_iso3"].eq(iso3) & mines["share_pct"].notna()]
    if scope is not None:
        rows = rows.loc[rows["commodity_id"].isin(scope)]
    if rows.empty:
        raise KeyError(f"no mine-output share for {iso3}")
    return rows.loc[rows["share_pct"].idxmax()]


def refined_rank(refined: pd.DataFrame, commodity_id: str, iso3: str) -> int | None:
    """A country's rank in BGS refined output of the latest year; None where BGS has no figure."""
    year = int(refined["year"].max())
    rows = refined.loc[refined["commodity_id"].eq(commodity_id) & refined["year"].eq(year)
                       & refined["share_pct"].notna()].sort_values("share_pct", ascending=False)
    ranked = rows["country_iso3"].tolist()
    return ranked.index(iso3) + 1 if iso3 in ranked else None


def refined_text(refined: pd.DataFrame, commodity_id: str, iso3: str) -> str:
    rank = refined_rank(refined, commodity_id, iso3)
    if rank is None:
        return "no figure"
    year = int(refined["year"].max())
    row = refined.loc[refined["commodity_id"].eq(commodity_id) & refined["year"].eq(year)
                      & refined["country_iso3"].eq(iso3)].iloc[0]
    share = float(row["share_pct"])
    return f"{share:.1f}% (rank {rank})" if share < 10 else f"{share:.0f}% (rank {rank})"


def roles_table(mines: pd.DataFrame, refined: pd.DataFrame) -> pd.DataFrame:
    """Cheng Ping's division of roles beside what the releases show for each country."""
    rows, scope = [], critical_list()
    for iso3 in ROLES["upstream"]:
        top = top_mine_share(mines, iso3, scope)
        rows.append({"Stage (Cheng 2024)": "Upstream: resources", "Country": COUNTRY_NAMES[iso3],
                     "What the releases show": f"{_mineral_label(top)}: {top['share_pct']:.0f}% of world mine "
                                               f"output, rank {int(top['country_rank'])} ({int(top['year'])})"})
    year = int(refined["year"].max())
    for iso3 in ROLES["midstream"]:
        rows.append({"Stage (Cheng 2024)": "Midstream: smelting and refining", "Country": COUNTRY_NAMES[iso3],
                     "What the releases show": f"refined cobalt: {refined_text(refined, 'cobalt', iso3)}; refined "
                                               f"nickel: {refined_text(refined, 'nickel', iso3)} ({year})"})
    rows.append({"Stage (Cheng 2024)": "Downstream: consumption",
                 "Country": join_names([COUNTRY_NAMES[c] for c in ROLES["downstream"]]),
                 "What the releases show": "no consumption by country in these releases"})
    return pd.DataFrame(rows)


def midstream_share_text(refined: pd.DataFrame, commodity_id: str) -> str:
    """Cheng's midstream partners together, share of the latest BGS year."""
    year = int(refined["year"].max())
    rows = refined.loc[refined["commodity_id"].eq(commodity_id) & refined["year"].eq(year)
                       & refined["country_iso3"].isin(ROLES["midstream"])]
    total = float(rows["share_pct"].sum())
    return f"{total:.1f}%" if total < 10 else f"{total:.0f}%"


def midstream_without_figure(refined: pd.DataFrame) -> list[str]:
    """Midstream partners with no BGS figure for either refined cobalt or refined nickel."""
    return [COUNTRY_NAMES[c] for c in ROLES["midstream"]
            if refined_rank(refined, "cobalt", c) is None and refined_rank(refined, "nickel", c) is None]


# ----------------------------------------------------------------------------- resource countries

def group_share_text(shares: pd.DataFrame, commodity_id: str, measure: str, iso3s: list[str]) -> str:
    """Combined share of the countries USGS lists; the countries it does not list are named by the caller."""
    rows = shares.loc[shares["commodity_id"].eq(commodity_id) & shares["measure"].eq(measure)
                      & shares["country_iso3"].isin(iso3s) & shares["share_pct"].notna()]
    total = float(rows["share_pct"].sum())
    bound = (rows["share_kind"] == "at_most").any()
    return ("at most " if bound else "") + f"{total:.0f}%"


def not_listed(shares: pd.DataFrame, commodity_id: str, measure: str, iso3s: list[str]) -> list[str]:
    present = set(shares.loc[shares["commodity_id"].eq(commodity_id) & shares["measure"].eq(measure)
                             & shares["share_pct"].notna(), "country_iso3"])
    names = {"ARG": "Argentina", "BOL": "Bolivia", "CHL": "Chile", "MEX": "Mexico", "BRA": "Brazil"}
    return [names.get(c, c) for c in iso3s if c not in present]


def upstream_leading(mines: pd.DataFrame) -> list[str]:
    """Cheng's upstream partners that rank first in world mine output of some critical mineral."""
    scope = critical_list()
    return [COUNTRY_NAMES[c] for c in ROLES["upstream"] if int(top_mine_share(mines, c, scope)["country_rank"]) == 1]


def listed(shares: pd.DataFrame, commodity_id: str, measure: str, iso3s: list[str]) -> list[str]:
    """The countries of a group that USGS does list for a measure (complement of not_listed)."""
    missing = set(not_listed(shares, commodity_id, measure, iso3s))
    names = {"ARG": "Argentina", "BOL": "Bolivia", "CHL": "Chile", "MEX": "Mexico", "BRA": "Brazil"}
    return [names.get(c, c) for c in iso3s if names.get(c, c) not in missing]


def msp_founding_partners(m: pd.DataFrame) -> int:
    """Founding members of the MSP besides the United States."""
    return msp_founding_count(m) - int((m["initiative_id"].eq(MSP) & m["role"].eq("founding_member")
                                        & m["member_iso3"].eq("USA")).sum())


def most_groups(cells: pd.DataFrame) -> int:
    """How many groupings the most connected countries belong to."""
    return int(most_connected(cells)["n_groups"].iloc[0])
