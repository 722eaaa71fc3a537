"""Chapter 6, the 2025 update: what changed after the sources were written.

The sources quote MCS figures of their day; a reader checking them against the latest
edition needs to know how far USGS itself revised the numbers in between. They also
describe a list of critical minerals and a trade conflict that both moved on in 2025: the
list grew again, China's export controls widened and were partly suspended, and the
trade statistics of 2025 and early 2026 show what happened to the goods concerned.
"""
from __future__ import annotations

import re

import altair as alt
import pandas as pd

from analysis import charts, db, prose, theme
from analysis.prose import lower_list as words

def battery_mineral_revisions(limit: int = 15) -> pd.DataFrame:
    """The largest edition-to-edition revisions of battery-mineral mine production, for the
    same data year (reserves are successive estimates for later years, not revisions)."""
    rev = db.query("revisions_battery_minerals", limit=limit)
    out = pd.DataFrame({
        "Mineral": rev["mineral"],
        "Series": rev["table"].map({"world_production": "Mine production", "world_reserves": "Reserves"}),
        "Country": rev["country_name"],
        "Data year": rev["year"].astype(int).astype(str),
        "Editions": rev["edition_from"].astype(str) + "→" + rev["edition_to"].astype(str).str[-2:],
        "Before (t)": rev["value_from"].map("{:,.0f}".format),
        "After (t)": rev["value_to"].map("{:,.0f}".format),
        "Change (%)": rev["change_pct"].map("{:+,.1f}".format),
    })
    return out


def count_revised(summary: pd.DataFrame, kind: str = "revision") -> int:
    """Changed values of one kind: 'revision' (same data year) or 'successive estimate'."""
    return int(summary.loc[summary["kind"] == kind, "changed_rows"].sum())


def count_text(summary: pd.DataFrame, kind: str) -> str:
    return f"{count_revised(summary, kind):,}"


def editions_text(summary: pd.DataFrame) -> str:
    return f"{int(summary['edition_from'].min())} to {int(summary['edition_to'].max())}"


def revisions_by_edition() -> pd.DataFrame:
    return db.query("revisions_by_edition_and_kind")


# =======================================================================================
# The lists of critical minerals, 2018 -> 2022 -> 2025
# =======================================================================================
# Why the lists are compared entry by entry rather than by their counts: the count grew
# from 35 to 50 mostly because two groups were split into their elements, not because
# fifty things became critical; and the 2025 flags of the MCS 2026 data release are not
# the official list (products flagged beside elements, no rows for minerals without an
# MCS chapter). Everything below is computed from the extract and events.csv.
LIST_YEARS = (2018, 2022, 2025)
FLAG_YEAR = 2025
_COUNT_IN_TITLE = re.compile(r"\((\d+) minerals\)")
_ADDS = re.compile(r"\badds (.+?)\.?$")


def critical_list_entries() -> pd.DataFrame:
    """Entries of the three lists at one shared granularity (see the SQL file's header)."""
    return db.query("critical_list_entries")


def _events() -> pd.DataFrame:
    return db.query("curated_events")


def official_list_counts() -> pd.DataFrame:
    """The official count of each final list, read from its events.csv row (the count is
    stated in the title the row's primary source gives)."""
    ev = _events()
    final = ev[(ev["kind"] == "list") & ev["title_en"].str.contains("Final List", case=False)].copy()
    final["count"] = final["title_en"].str.extract(_COUNT_IN_TITLE, expand=False)
    if final["count"].isna().any():
        bad = final[final["count"].isna()].iloc[0]
        raise ValueError(f"events.csv row {bad['_row']} ({bad['event_id']}): no '(N minerals)' count in title_en")
    final["count"] = final["count"].astype(int)
    final["list_year"] = final["date"].str[:4].astype(int)
    return final[["list_year", "count", "event_id", "source_key", "primary_source"]].sort_values("list_year").reset_index(drop=True)


def official_count(year: int) -> int:
    counts = official_list_counts()
    return int(counts.loc[counts["list_year"] == year, "count"].iloc[0])


def official_count_source(year: int) -> str:
    counts = official_list_counts()
    return str(counts.loc[counts["list_year"] == year, "source_key"].iloc[0])


def list_count(entries: pd.DataFrame, year: int) -> int:
    """Entries that count toward the official list, from the extract; ValueError where the
    extract does not establish a count (2025)."""
    rows = entries[entries["list_year"] == year]
    if rows.empty or rows["counts_toward_list"].isna().any():
        raise ValueError(f"the extract does not establish which {year} entries count toward the list")
    return int(rows["counts_toward_list"].astype(bool).sum())


def _label(entry_id: str) -> str:
    return prose.commodity_label(entry_id)


def _members(entries: pd.DataFrame) -> dict[int, set[str]]:
    """Non-group entries per list year (for 2025: the entries flagged in MCS 2026)."""
    e = entries[~entries["is_group"].astype(bool)]
    return {y: set(e.loc[e["list_year"] == y, "entry_id"]) for y in LIST_YEARS}


def groups_2018(entries: pd.DataFrame) -> list[str]:
    g = entries[(entries["list_year"] == 2018) & entries["is_group"].astype(bool)]
    return sorted(g["entry_id"])


def _group_of(entries: pd.DataFrame) -> dict[str, str]:
    e = entries.dropna(subset=["group_2018"])
    return dict(zip(e["entry_id"], e["group_2018"]))


def notice_additions_2025() -> list[str]:
    """Minerals the 2025 final list adds, as its events.csv summary names them (lower case)."""
    ev = _events()
    row = ev[(ev["kind"] == "list") & ev["title_en"].str.contains("Final List") & ev["date"].str.startswith(str(FLAG_YEAR))]
    if len(row) != 1:
        raise ValueError(f"events.csv: expected one final list dated {FLAG_YEAR}, found {len(row)}")
    m = _ADDS.search(row["summary_en"].iloc[0])
    if not m:
        raise ValueError(f"events.csv row {row['_row'].iloc[0]}: summary_en names no additions ('adds ...')")
    names = re.split(r",\s*|\s+and\s+", m.group(1))
    return [n.strip().lower() for n in names if n.strip()]


def _match_entry(name: str, known: set[str]) -> str:
    """The entry id a name from the notice summary denotes ('phosphate' -> phosphate_rock)."""
    for eid in sorted(known):
        label = _label(eid).lower()
        if eid == name.replace(" ", "_") or label == name or label.startswith(name + " "):
            return eid
    return name.replace(" ", "_")


def notice_only_additions(entries: pd.DataFrame) -> list[str]:
    """Entries the 2025 notice adds that no row of the MCS 2026 file flags."""
    known = set(entries["entry_id"])
    flagged = _members(entries)[FLAG_YEAR]
    ids = [_match_entry(n, known) for n in notice_additions_2025()]
    return [i for i in ids if i not in flagged]


def notice_only_labels(entries: pd.DataFrame) -> list[str]:
    return [_label(e) for e in notice_only_additions(entries)]


def flag_additions_2025(entries: pd.DataFrame) -> list[str]:
    """Labels of the entries flagged in MCS 2026 that the 2022 list did not hold."""
    m = _members(entries)
    return sorted(_label(e) for e in m[FLAG_YEAR] - m[2022])


def unflagged_2022_entries(entries: pd.DataFrame) -> list[str]:
    m = _members(entries)
    return sorted(m[2022] - m[FLAG_YEAR])


def flagged_entry_count(entries: pd.DataFrame) -> int:
    return len(_members(entries)[FLAG_YEAR])


def reconciled_2025_count(entries: pd.DataFrame) -> int:
    """Flagged entries + additions the flags cannot show + 2022 entries without a flagged row
    (the notice keeps all of 2022): the count the flags and the notice imply together."""
    return flagged_entry_count(entries) + len(notice_only_additions(entries)) + len(unflagged_2022_entries(entries))


def _status(entry: str, members: dict[int, set[str]], notice_only: set[str]) -> tuple[bool, bool, bool, str]:
    in18, in22 = entry in members[2018], entry in members[2022]
    flagged = entry in members[FLAG_YEAR]
    in25 = flagged or entry in notice_only
    cell25 = "flagged" if flagged else ("on final list, no MCS row" if entry in notice_only
                                        else ("not flagged" if in22 else "—"))
    return in18, in22, in25, cell25


_CHANGE = {
    (False, True, True): "entered 2022",
    (True, False, False): "left 2022",
    (True, False, True): "left 2022, back 2025",
    (False, False, True): "entered 2025",
    (True, True, False): "no 2025 flag",
    (False, True, False): "entered 2022; no 2025 flag",
}
_ORDER = ["group split 2022", *_CHANGE.values()]


def list_changes(entries: pd.DataFrame) -> pd.DataFrame:
    """What entered and left between the lists, for display. Elements of the two 2018 groups
    are summarised in one row per group: they were named individually in 2022, not added."""
    members = _members(entries)
    group_of = _group_of(entries)
    notice_only = set(notice_only_additions(entries))
    groups = groups_2018(entries)
    rows = []
    for g in groups:
        in22 = sorted(e for e in members[2022] if group_of.get(e) == g)
        flagged = sorted(e for e in members[FLAG_YEAR] if group_of.get(e) == g)
        missing = [e for e in in22 if e not in flagged]
        extra = [e for e in flagged if e not in in22]
        cell25 = f"{len(flagged) - len(extra)} of {len(in22)} flagged"
        if missing:
            cell25 += "; no row for " + ", ".join(_label(e).lower() for e in missing)
        if extra:
            cell25 += "; also " + ", ".join(_label(e).lower() for e in extra)
        rows.append({"Mineral": _label(g), "2018 list": "one group entry", "2022 list": f"{len(in22)} elements listed",
                     f"{FLAG_YEAR} (MCS 2026 flag)": cell25, "Change": "group split 2022"})
    every = (members[2018] | members[2022] | members[FLAG_YEAR] | notice_only) - {e for e in group_of if group_of[e] in groups}
    for e in sorted(every):
        in18, in22, in25, cell25 = _status(e, members, notice_only)
        change = _CHANGE.get((in18, in22, in25))
        if change is None:
            continue
        rows.append({"Mineral": _label(e), "2018 list": "listed" if in18 else "—", "2022 list": "listed" if in22 else "—",
                     f"{FLAG_YEAR} (MCS 2026 flag)": cell25, "Change": change})
    out = pd.DataFrame(rows)
    out["_o"] = out["Change"].map(_ORDER.index)
    return out.sort_values(["_o", "Mineral"]).drop(columns="_o").reset_index(drop=True)


def entries_changed(entries: pd.DataFrame, change: str) -> list[str]:
    """Display labels of the entries with one kind of change (e.g. 'entered 2022')."""
    t = list_changes(entries)
    return t.loc[t["Change"] == change, "Mineral"].tolist()


def unchanged_count(entries: pd.DataFrame) -> int:
    """Entries on all three lists, outside the two 2018 groups."""
    m = _members(entries)
    group_of = _group_of(entries)
    return len({e for e in m[2018] & m[2022] & m[FLAG_YEAR] if e not in group_of})


def group_split_count(entries: pd.DataFrame, group: str) -> int:
    group_of = _group_of(entries)
    return len([e for e in _members(entries)[2022] if group_of.get(e) == group])


# =======================================================================================
# Export controls of both sides, 2023-2025
# =======================================================================================
CHINA_ACTOR = "China MOFCOM"
SIDES = {"china_control": "China: new or wider export control",
         "china_suspension": "China: suspension of a control",
         "us_eo": "United States: executive order"}


def export_control_events(first_year: int = 2023, last_year: int = 2025) -> pd.DataFrame:
    """China's MOFCOM export-control announcements and the US executive orders of the same
    years, from events.csv, one row per act."""
    ev = _events()
    year = ev["date"].str[:4].astype(int)
    in_years = year.between(first_year, last_year)
    china = in_years & (ev["kind"] == "export_control") & ev["actor"].str.contains(CHINA_ACTOR, regex=False)
    us = in_years & (ev["kind"] == "executive_order") & (ev["country"] == "USA") & (year == last_year)
    out = ev[china | us].copy()
    suspension = out["title_en"].str.contains(r"\bsuspends\b", case=False)
    is_china = china[out.index]
    out["side"] = "us_eo"
    out.loc[is_china & ~suspension, "side"] = "china_control"
    out.loc[is_china & suspension, "side"] = "china_suspension"
    out["side_label"] = out["side"].map(SIDES)
    out["when"] = pd.to_datetime(out["date"])
    out["label"] = (out["title_en"].str.replace(r"\s*\([^()]*\)\s*$", "", regex=True)
                    .str.replace(r"^Executive Order (\d+),", r"EO \1:", regex=True))
    cols = ["event_id", "date", "when", "side", "side_label", "label", "title_en", "summary_en", "primary_source", "source_key"]
    return out[cols].sort_values(["when", "event_id"]).reset_index(drop=True)


def count_side(events: pd.DataFrame, side: str) -> int:
    return int((events["side"] == side).sum())


def eo_titles(events: pd.DataFrame) -> str:
    """'Unleashing American Energy (EO 14154, 20 January), ...': every US order the count
    counts, named from its events row, so the list and the count cannot disagree."""
    eos = events[events["side"] == "us_eo"].sort_values("when")
    parts = []
    for r in eos.itertuples():
        number, _, title = r.label.partition(": ")
        parts.append(f"{title} ({number}, {r.when.day} {prose.MONTHS[r.when.month - 1]})")
    return words_keep_case(parts)


def words_keep_case(items: list[str]) -> str:
    return prose.and_list(items, sep="; ", last="; and ")


def count_side_in_year(events: pd.DataFrame, side: str, year: int) -> int:
    return int(((events["side"] == side) & (events["when"].dt.year == year)).sum())


def export_controls_timeline(events: pd.DataFrame) -> alt.Chart:
    """One row per act, in date order, so that every act is labelled in print as well as
    in the HTML tooltip."""
    from analysis.prose import source_label

    data = events.assign(date_str=events["when"].dt.strftime("%Y-%m-%d"),
                         summary_en=[theme.for_readers(t, source_label(k))
                                     for t, k in zip(events["summary_en"], events["source_key"])],
                         label_lines=events["label"].map(lambda t: theme.wrap_label(t, 50)))
    order = data["label_lines"].tolist()
    sides = theme.domain_of(data["side_label"], list(SIDES.values()))
    colours = dict(zip(SIDES.values(), [theme.CHINA, theme.CHINA, theme.US]))  # shape tells the two China kinds apart
    shapes = dict(zip(SIDES.values(), ["circle", "triangle-down", "square"]))
    first, last = int(data["when"].dt.year.min()), int(data["when"].dt.year.max())
    return (
        alt.Chart(data, title=f"China's export controls and US executive orders on minerals, {first}–{last}")
        .mark_point(filled=True, size=80, opacity=1)
        .encode(
            x=alt.X("when:T", title="Date announced or signed",
                    scale=alt.Scale(domain=[f"{first}-01-01", f"{last + 1}-01-01"]),
                    axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1})),
            y=alt.Y("label_lines:N", sort=order, title=None, axis=theme.multiline_axis()),
            color=alt.Color("side_label:N", title=None,
                            scale=alt.Scale(domain=sides, range=[colours[s] for s in sides]),
                            legend=alt.Legend(orient="top", direction="vertical")),
            shape=alt.Shape("side_label:N", title=None,
                            scale=alt.Scale(domain=sides, range=[shapes[s] for s in sides])),
            tooltip=charts.tooltips(
                ("date_str:N", "Date"),
                ("title_en:N", "Act"),
                ("summary_en:N", "What it does"),
                ("primary_source:N", "Primary source"),
            ),
        )
        .properties(width=250, height=alt.Step(36))  # room for a label on three lines
    )


# =======================================================================================
# Did trade react? US imports from China of headings hit by China's controls
# =======================================================================================
# China's announcements list products by Chinese customs code; the US records imports by
# HTS heading, and a heading is wider than the controlled product. The crosswalk
# data/reference/hts_export_controls.csv is the report's reading, heading by heading, of
# which announcement hits which heading (event ids of events.csv). 2617 is in it even
# though the USITC query may lack it, so that its absence is reported rather than hidden.
def controlled_headings() -> pd.DataFrame:
    """The crosswalk, one row per heading and announcement, with the announcement's date and
    title (sql/hts_export_controls.sql); an event id missing from events.csv raises."""
    rules = db.query("hts_export_controls")
    if rules["date_str"].isna().any():
        missing = rules.loc[rules["date_str"].isna(), "event_id"].tolist()
        raise KeyError(f"data/reference/hts_export_controls.csv: event(s) {missing} not in data/curated/events.csv")
    return rules
TRADE_FIRST_YEAR = 2019


def imports_from_china_controlled(first_year: int = TRADE_FIRST_YEAR) -> pd.DataFrame:
    """Value of US imports for consumption from China, by heading and year (annual rows and
    January-April rows), for the headings of the crosswalk (controlled_headings)."""
    df = db.query("export_controls_us_imports_from_china", first_year=first_year)
    df["value_musd"] = df["value_usd"] / 1e6
    return df


def missing_headings(trade: pd.DataFrame) -> list[str]:
    headings = controlled_headings()["hts_heading"].drop_duplicates()
    return [h for h in headings if h not in set(trade["hts_heading"])]


def annual(trade: pd.DataFrame) -> pd.DataFrame:
    return trade[trade["period"] == "annual"]


def partial(trade: pd.DataFrame) -> pd.DataFrame:
    return trade[trade["is_partial_year"].astype(bool)]


def last_annual_year(trade: pd.DataFrame) -> int:
    return int(annual(trade)["year"].max())


def partial_years(trade: pd.DataFrame, n: int = 3) -> list[int]:
    return sorted(partial(trade)["year"].unique())[-n:]


def partial_months(trade: pd.DataFrame) -> str:
    """'January–April' from the period code ('2026-01..04'); one span for all partial rows."""
    return prose.partial_period_label(partial(trade)["period"])


def import_value_musd(trade: pd.DataFrame, heading: str, year: int, partial_year: bool = False) -> float:
    """One value in million USD; KeyError if the heading/year has no row (never a silent 0)."""
    rows = (partial(trade) if partial_year else annual(trade))
    rows = rows[(rows["hts_heading"] == heading) & (rows["year"] == year)]
    if len(rows) != 1:
        raise KeyError(f"no single {'partial' if partial_year else 'annual'} row for HTS {heading}, {year}")
    return float(rows["value_musd"].iloc[0])


def value_str(trade: pd.DataFrame, heading: str, year: int, partial_year: bool = False) -> str:
    """An import value for prose, in million USD with one decimal."""
    return prose.musd(import_value_musd(trade, heading, year, partial_year))


def count_annual_falls(trade: pd.DataFrame, year: int) -> int:
    """Headings whose full-year value in `year` is below the year before."""
    a = annual(trade).pivot_table(index="hts_heading", columns="year", values="value_usd", aggfunc="sum")
    return int((a[year] < a[year - 1]).sum())


def _verb(before: float, after: float) -> str:
    return "rose" if after > before else ("fell" if after < before else "stayed")


def change_verb(trade: pd.DataFrame, heading: str, year_from: int, year_to: int) -> str:
    """'rose' or 'fell' as the data say (prose never fixes the direction of a change)."""
    return _verb(import_value_musd(trade, heading, year_from), import_value_musd(trade, heading, year_to))


def event_date(event_id: str) -> pd.Timestamp:
    ev = _events().set_index("event_id")
    return pd.Timestamp(ev.loc[event_id, "date"])


def event_year(event_id: str) -> int:
    return int(event_date(event_id).year)


def event_month(event_id: str) -> str:
    """'November 2025', from the events table."""
    d = event_date(event_id)
    return f"{prose.MONTHS[d.month - 1]} {d.year}"


def before_control_text(trade: pd.DataFrame, heading: str, event_id: str) -> str:
    """'had already fallen from 12.3 million in 2022, its highest, to 4.5 million in 2024,
    before its controls of February 2025': the path up to the year before a control, from
    the heading's highest earlier full-year value, with the verb the values decide."""
    d = event_date(event_id)
    before = annual(trade)
    before = before[(before["hts_heading"] == heading) & (before["year"] < d.year)]
    top = before.loc[before["value_usd"].idxmax()]
    last_year = int(before["year"].max())
    peak_year = int(top["year"])
    when = f"before its controls of {event_month(event_id)}"
    if peak_year == last_year:
        return (f"was at its highest in {last_year}, at {value_str(trade, heading, last_year)} million, {when}")
    verb = {"fell": "had already fallen", "rose": "had risen", "stayed": "had stayed"}[
        _verb(float(top["value_musd"]), import_value_musd(trade, heading, last_year))]
    return (f"{verb} from {value_str(trade, heading, peak_year)} million in {peak_year}, its highest since "
            f"{int(before['year'].min())}, to {value_str(trade, heading, last_year)} million in {last_year}, {when}")


def last_control_year(events: pd.DataFrame) -> int:
    return int(events.loc[events["side"] == "china_control", "when"].dt.year.max())


def control_years_text(events: pd.DataFrame) -> str:
    """'2023–2025': the years of China's control announcements in the events table."""
    return prose.span(events.loc[events["side"] == "china_control", "when"].dt.year)


def annual_years_text(trade: pd.DataFrame) -> str:
    return prose.span(annual(trade)["year"])


number_word = prose.number_word
of_phrase = prose.of_phrase


def heading_description(trade: pd.DataFrame, heading: str) -> str:
    """The heading's description as USITC publishes it, in lower case for prose."""
    return str(trade.loc[trade["hts_heading"] == heading, "hts_description"].iloc[0]).lower()


def heading_metal_count(trade: pd.DataFrame, heading: str) -> int:
    """Metals a heading names ('beryllium, chromium, ... and thallium, articles thereof')."""
    names = heading_description(trade, heading).split(", articles")[0]
    return len([n for n in re.split(r",\s*|\s+and\s+", names) if n.strip()])


def count_partial_falls(trade: pd.DataFrame) -> int:
    """Headings whose latest year-to-date value is below the one a year earlier."""
    a, b = partial_years(trade)[-2:]
    p = partial(trade).pivot_table(index="hts_heading", columns="year", values="value_usd", aggfunc="sum")
    return int((p[b] < p[a]).sum())


def usitc_partner_count() -> int:
    return int(db.query("usitc_partner_count")["partners"].iloc[0])


def change_pct(before: float, after: float) -> str:
    return f"{(after - before) / before * 100:+.0f}"


def heading_change(trade: pd.DataFrame, heading: str, year_from: int, year_to: int, partial_year: bool = False) -> str:
    return change_pct(import_value_musd(trade, heading, year_from, partial_year),
                      import_value_musd(trade, heading, year_to, partial_year))


def _control_rules(trade: pd.DataFrame) -> pd.DataFrame:
    rules = controlled_headings()
    rules = rules[rules["hts_heading"].isin(set(trade["hts_heading"]))].sort_values(["hts_heading", "date_str"], kind="stable")
    return pd.DataFrame({"hts_heading": rules["hts_heading"].tolist(), "when": pd.to_datetime(rules["date_str"]).tolist(),
                         "act": rules["act"].tolist(), "date_str": rules["date_str"].tolist()})


LINE_LABEL = "Imports from China, full year"
RULE_LABEL = "A Chinese export control on the heading's products announced"


def imports_chart(trade: pd.DataFrame) -> alt.Chart:
    """Annual values drawn at mid-year, with a rule at each announcement that hits the
    heading; independent y scales, because the point is each heading's own path."""
    a = annual(trade).copy()
    a["when"] = pd.to_datetime(a["year"].astype(str) + "-07-01")
    a["panel"] = ("HTS " + a["hts_heading"] + ": " + a["covers"]).map(lambda t: theme.wrap_label(t, 38))
    a["value_str"] = a["value_musd"].map(prose.musd)
    rules = _control_rules(trade)
    rules["panel"] = rules["hts_heading"].map(dict(zip(a["hts_heading"], a["panel"])))
    a["layer"], rules["layer"] = "value", "control"
    a["layer_label"], rules["layer_label"] = LINE_LABEL, RULE_LABEL
    data = pd.concat([a[["panel", "hts_heading", "hts_description", "year", "when", "value_musd", "value_str", "layer",
                        "layer_label"]],
                      rules[["panel", "hts_heading", "when", "act", "date_str", "layer", "layer_label"]]], ignore_index=True)
    first, last = int(a["year"].min()), int(a["year"].max())
    x = alt.X("when:T", title=None, axis=alt.Axis(format="%Y", tickCount=4),
              scale=alt.Scale(domain=[f"{first}-01-01", f"{last}-12-31"]))
    line = alt.Chart().mark_line(point=alt.OverlayMarkDef(size=30)).encode(
        x=x, color=alt.Color("layer_label:N"),
        y=alt.Y("value_musd:Q", title="Million USD"),
        tooltip=charts.tooltips(
                 ("hts_heading:N", "HTS heading"),
                 ("hts_description:N", "Heading (USITC)"),
                 ("year:O", "Year"),
                 ("value_str:N", "Imports from China (million USD)"),
             ),
    ).transform_filter(alt.datum.layer == "value")
    rule = alt.Chart().mark_rule(strokeDash=[4, 3]).encode(
        x=x,
        color=alt.Color("layer_label:N", title=None, legend=alt.Legend(orient="top", symbolType="stroke"),
                        scale=alt.Scale(domain=[LINE_LABEL, RULE_LABEL], range=[theme.CHINA, "#444444"])),
        tooltip=charts.tooltips(("date_str:N", "Announced"), ("act:N", "China's measure")),
    ).transform_filter(alt.datum.layer == "control")
    return (
        alt.layer(rule, line, data=data)
        .properties(width=210, height=100)
        .facet(facet=alt.Facet("panel:N", title=None, header=alt.Header(labelExpr=theme.MULTILINE, labelAlign="left",
                                                                          labelAnchor="start")),
               columns=2,
               title=f"US imports for consumption from China, selected HTS headings, {first}–{last}")
        .resolve_scale(y="independent")
        .properties(usermeta={"sources": ["usitc_dataweb"],
                              "independent_scales": "each heading's own path around the controls, not the "
                                                    "headings' sizes, is what the panels compare"})
    )


def jan_apr_table(trade: pd.DataFrame) -> pd.DataFrame:
    """Year-to-date values compared only with year-to-date values of other years."""
    years = partial_years(trade)
    p = partial(trade)
    wide = p[p["year"].isin(years)].pivot_table(index=["hts_heading", "covers"], columns="year", values="value_musd", aggfunc="sum")
    months = prose.partial_period_label(p["period"], abbreviated=True)
    out = pd.DataFrame({"HTS heading": [h for h, _ in wide.index], "Covers": [c for _, c in wide.index]})
    for y in years:
        out[f"{months} {y} (million USD)"] = [prose.musd(v) for v in wide[y]]
    a, b = years[-2], years[-1]
    out[f"{b} vs {a} (%)"] = [change_pct(x, y) if x else "n/a" for x, y in zip(wide[a], wide[b])]
    return out


def notice_only_count(entries: pd.DataFrame) -> int:
    return len(notice_only_additions(entries))


def unflagged_2022_count(entries: pd.DataFrame) -> int:
    return len(unflagged_2022_entries(entries))


def heading_count(trade: pd.DataFrame) -> int:
    """HTS headings with imports from China in the query (of those the crosswalk names)."""
    return int(trade["hts_heading"].nunique())
