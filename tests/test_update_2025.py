"""Chapter 6 on the real extracts and the curated events table.

Each test would fail if a query, a crosswalk or the list logic broke: counts are checked
against the published lists, trade values against direct queries of the extract.
"""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis import db
from analysis.chapters import update_2025 as u
from analysis.paths import ROOT


@pytest.fixture(scope="module")
def lists(extracts):
    return u.critical_list_entries()


@pytest.fixture(scope="module")
def trade(extracts):
    return u.imports_from_china_controlled()


# ------------------------------------------------------------------ the revisions section
def test_revisions_section_still_works(extracts):
    table = u.battery_mineral_revisions(limit=5)
    assert len(table) == 5
    assert list(table.columns) == ["Mineral", "Series", "Country", "Data year", "Editions", "Before (t)", "After (t)", "Change (%)"]


# ------------------------------------------------------------------ the lists
def test_list_counts_from_the_extract_match_the_published_lists(lists):
    assert u.list_count(lists, 2018) == 35
    assert u.list_count(lists, 2022) == 50
    # ... and the counts recorded in events.csv from the Federal Register notices
    assert u.official_count(2018) == u.list_count(lists, 2018)
    assert u.official_count(2022) == u.list_count(lists, 2022)


def test_2025_count_is_not_claimed_from_the_flags(lists):
    with pytest.raises(ValueError, match="2025"):
        u.list_count(lists, 2025)
    assert u.official_count_source(2025) == "usgs2025criticalminerals"


def test_entries_that_entered_and_left_in_2022(lists):
    assert u.entries_changed(lists, "entered 2022") == ["Nickel", "Zinc"]
    left = u.entries_changed(lists, "left 2022") + u.entries_changed(lists, "left 2022, back 2025")
    assert sorted(left) == ["Helium", "Potash", "Rhenium", "Strontium", "Uranium"]


def test_group_split_accounts_for_the_growth_from_35_to_50(lists):
    """2018 entries kept + entries added + elements named out of the two groups = 50, which
    holds only if yttrium counts inside the 2018 rare-earth group (see the SQL header)."""
    assert u.groups_2018(lists) == ["platinum_group_metals", "rare_earths"]
    assert u.group_split_count(lists, "rare_earths") == 15
    assert u.group_split_count(lists, "platinum_group_metals") == 5
    l18 = set(lists.loc[(lists["list_year"] == 2018) & ~lists["is_group"].astype(bool), "entry_id"])
    l22 = set(lists.loc[lists["list_year"] == 2022, "entry_id"])
    kept = len(l18 & l22)
    assert kept + len(u.entries_changed(lists, "entered 2022")) + 15 + 5 == u.list_count(lists, 2022)


def test_2025_products_are_mapped_onto_list_entries(lists):
    y25 = lists[lists["list_year"] == 2025].set_index("entry_id")
    assert y25.loc["titanium", "source_rows"] == 3
    assert set(y25.loc["aluminum", "names_published"].split("; ")) == {"Alumina", "Aluminum", "Bauxite"}
    assert "magnesium_metal" not in y25.index and "magnesium" in y25.index
    # the chapter row "Zirconium and hafnium" is dropped because both elements carry a flag
    assert "zirconium_and_hafnium" not in y25.index
    assert {"zirconium", "hafnium"} <= set(y25.index)


def test_2025_flags_and_notice_reconcile_with_the_official_count(lists):
    assert u.notice_only_additions(lists) == ["metallurgical_coal", "uranium"]
    assert u.unflagged_2022_entries(lists) == ["thulium"]
    assert u.reconciled_2025_count(lists) == u.official_count(2025) == 60
    # every flagged newcomer is named among the notice's additions
    notice = " ".join(u.notice_additions_2025())
    for label in u.flag_additions_2025(lists):
        assert label.lower().split()[0] in notice


def test_change_table_shape(lists):
    t = u.list_changes(lists)
    assert list(t.columns) == ["Mineral", "2018 list", "2022 list", "2025 (MCS 2026 flag)", "Change"]
    row = t.set_index("Mineral")
    assert row.loc["Rare earths", "2025 (MCS 2026 flag)"] == "14 of 15 flagged; no row for thulium"
    assert row.loc["Copper", "Change"] == "entered 2025"
    assert row.loc["Metallurgical coal", "2025 (MCS 2026 flag)"] == "on final list, no MCS row"
    assert "Lithium" not in row.index  # unchanged entries are not listed
    # 33 single entries of 2018, less the 5 that left in 2022, all still flagged in 2025
    assert u.unchanged_count(lists) == 28


def test_words():
    assert u.words(["Nickel"]) == "nickel"
    assert u.words(["Nickel", "Zinc"]) == "nickel and zinc"
    assert u.words(["A", "B", "C"]) == "a, b and c"


# ------------------------------------------------------------------ export controls
def test_export_control_events_select_both_sides():
    ev = u.export_control_events()
    assert ev["when"].dt.year.between(2023, 2025).all()
    china = ev[ev["side"].str.startswith("china")]
    assert china["event_id"].iloc[0] == "china_ga_ge_controls_2023"
    assert set(ev.loc[ev["side"] == "china_suspension", "event_id"]) == {
        "china_suspends_oct2025_controls_2025", "china_suspends_us_ban_2025"}
    us = ev[ev["side"] == "us_eo"]
    assert "eo_14241_2025" in set(us["event_id"])
    assert (us["when"].dt.year == 2025).all()
    # the 2010 cut-off to Japan (actor "China government") is outside the window and actor
    assert "china_rare_earth_cutoff_japan_2010" not in set(ev["event_id"])
    assert u.count_side(ev, "china_control") + u.count_side(ev, "china_suspension") + u.count_side(ev, "us_eo") == len(ev)


def test_timeline_spec_encodes_date_side_and_tooltips():
    ev = u.export_control_events()
    spec = u.export_controls_timeline(ev).to_dict()
    enc = spec["encoding"]
    assert enc["x"]["field"] == "when" and enc["x"]["type"] == "temporal"
    # labels whole, on up to three lines, in date order
    assert enc["y"]["field"] == "label_lines"
    assert [t.replace("\n", " ") for t in enc["y"]["sort"]] == ev["label"].tolist()
    assert enc["color"]["field"] == "side_label"
    assert {t["field"] for t in enc["tooltip"]} == {"date_str", "title_en", "summary_en", "primary_source"}
    assert spec["title"] and enc["x"]["title"]
    data = next(iter(spec["datasets"].values()))
    assert len(data) == len(ev)


# ------------------------------------------------------------------ trade
def _direct(heading: str, year: int, period: str) -> float:
    con = db.connect()
    try:
        return con.execute(
            "SELECT sum(value) FROM core_usitc__trade WHERE flow = 'imports_for_consumption' "
            "AND measure = 'value_usd' AND partner_name = 'China' AND hts_heading = ? AND year = ? AND period = ?",
            [heading, year, period]).fetchone()[0]
    finally:
        con.close()


def test_trade_values_equal_a_direct_query(trade):
    last = u.last_annual_year(trade)
    assert last == 2025
    assert u.import_value_musd(trade, "8110", 2024) == pytest.approx(_direct("8110", 2024, "annual") / 1e6)
    assert u.import_value_musd(trade, "2504", last) == pytest.approx(_direct("2504", last, "annual") / 1e6)
    ytd = u.partial_years(trade)
    assert ytd == [2024, 2025, 2026]
    assert u.import_value_musd(trade, "8112", 2026, partial_year=True) == pytest.approx(
        _direct("8112", 2026, "2026-01..04") / 1e6)
    with pytest.raises(KeyError):
        u.import_value_musd(trade, "8110", 2026)  # no full year 2026: never a silent zero


def test_missing_heading_is_reported(trade):
    assert u.missing_headings(trade) == ["2617"]
    con = db.connect()
    try:
        assert con.execute("SELECT count(*) FROM core_usitc__trade WHERE hts_heading = '2617'").fetchone()[0] == 0
    finally:
        con.close()


def test_jan_apr_table_compares_partial_years_only(trade):
    t = u.jan_apr_table(trade).set_index("HTS heading")
    assert u.partial_months(trade) == "January–April"
    assert list(t.columns) == ["Covers", "Jan–Apr 2024 (million USD)", "Jan–Apr 2025 (million USD)",
                               "Jan–Apr 2026 (million USD)", "2026 vs 2025 (%)"]
    assert t.loc["2504", "Jan–Apr 2025 (million USD)"] == f"{_direct('2504', 2025, '2025-01..04') / 1e6:,.1f}"
    before, after = _direct("8110", 2025, "2025-01..04"), _direct("8110", 2026, "2026-01..04")
    assert t.loc["8110", "2026 vs 2025 (%)"] == f"{(after - before) / before * 100:+.0f}"


def test_heading_facts_for_prose(trade):
    assert u.heading_metal_count(trade, "8112") == 10
    assert "gallium" in u.heading_description(trade, "8112")
    assert u.usitc_partner_count() == 18
    assert 0 <= u.count_partial_falls(trade) <= trade["hts_heading"].nunique()


def test_imports_chart_spec(trade):
    spec = u.imports_chart(trade).to_dict()
    assert spec["facet"]["field"] == "panel" and spec["columns"] == 2
    assert spec["resolve"]["scale"]["y"] == "independent"
    layers = spec["spec"]["layer"]
    rule, line = layers
    assert rule["mark"]["type"] == "rule" and line["mark"]["type"] == "line"
    assert line["encoding"]["y"]["field"] == "value_musd" and line["encoding"]["y"]["title"] == "Million USD"
    assert line["encoding"]["x"]["field"] == "when" and line["encoding"]["x"]["type"] == "temporal"
    assert {t["field"] for t in line["encoding"]["tooltip"]} >= {"hts_heading", "year", "value_str"}
    data = pd.DataFrame(spec["datasets"][spec["data"]["name"]])
    values = data[data["layer"] == "value"]
    assert set(values["year"]) == set(range(2019, 2026))   # annual rows only, no partial years
    assert values["value_musd"].sum() == pytest.approx(u.annual(trade)["value_musd"].sum())
    controls = data[data["layer"] == "control"]
    assert "2023-07-03" in set(controls.loc[controls["hts_heading"] == "8112", "date_str"])
    json.dumps(spec)  # serialisable for the renderer


# ------------------------------------------------------------------ issue 9: words and years from data
def test_revisions_and_successive_estimates_are_counted_apart(extracts):
    """Reserves of two editions are for different years: successive estimates, never a
    revision 'for the same year' (the old text and Table 6.1 mixed them under one 'Year')."""
    summary = u.revisions_by_edition()
    assert set(summary["kind"]) == {"revision", "successive estimate"}
    con = db.connect()
    try:
        prod, res = con.execute("""SELECT count(*) FILTER (WHERE "table" = 'world_production'),
                                          count(*) FILTER (WHERE "table" = 'world_reserves')
                                   FROM core_usgs_mcs__revisions""").fetchone()
    finally:
        con.close()
    assert u.count_revised(summary, "revision") == prod
    assert u.count_revised(summary, "successive estimate") == res
    table = u.battery_mineral_revisions(limit=50)
    assert set(table["Series"]) == {"Mine production"}
    assert "Data year" in table.columns and "Year" not in table.columns


def test_every_executive_order_counted_is_named_and_cited():
    """§6.3 counted six orders but named and cited five (EO 14220 missing)."""
    ev = u.export_control_events()
    eos = ev[ev["side"] == "us_eo"]
    named = u.eo_titles(ev)
    numbers = [label.split(":")[0].removeprefix("EO ") for label in eos["label"]]
    assert "14220" in numbers and len(numbers) == u.count_side(ev, "us_eo")
    for n in numbers:
        assert f"EO {n}," in named
    text = (ROOT / "chapters" / "06-update-2025.qmd").read_text(encoding="utf-8")
    paragraph = text[text.index("On the US side"):].split("\n\n")[0]
    assert set(re.findall(r"@eo(\d+)", paragraph)) == set(numbers)
    assert "five" not in text.lower().split("fig-alt")[-1].split("\n")[0]


def test_trade_verbs_and_years_come_from_the_data(trade):
    a = u.annual(trade)
    v = a[a["hts_heading"] == "8112"].set_index("year")["value_usd"]
    ga_ge = u.event_year("china_ga_ge_controls_2023")
    assert u.change_verb(trade, "8112", ga_ge, ga_ge + 1) == ("rose" if v[ga_ge + 1] > v[ga_ge] else "fell")
    last = u.last_annual_year(trade)
    assert u.change_verb(trade, "8112", ga_ge + 1, last) == ("rose" if v[last] > v[ga_ge + 1] else "fell")
    w = a[a["hts_heading"] == "8101"].set_index("year")["value_usd"]
    before = w[w.index < 2025]
    text = u.before_control_text(trade, "8101", "china_w_te_bi_mo_in_controls_2025")
    assert f"in {before.idxmax()}" in text and f"to {u.value_str(trade, '8101', 2024)} million in 2024" in text
    assert text.startswith("had already fallen" if before.iloc[-1] < before.max() else "had risen")
    assert text.endswith("before its controls of February 2025")
    falls = int(sum(a[(a["hts_heading"] == h) & (a["year"] == last)]["value_usd"].sum()
                    < a[(a["hts_heading"] == h) & (a["year"] == last - 1)]["value_usd"].sum()
                    for h in set(a["hts_heading"])))
    assert u.count_annual_falls(trade, last) == falls
    assert u.annual_years_text(trade) == f"{a['year'].min()}–{a['year'].max()}"
    assert u.of_phrase(6, 6) == "all six" and u.of_phrase(5, 6) == "five of the six"


def test_chapter_6_prose_fixes_no_year_or_direction_by_hand():
    text = (ROOT / "chapters" / "06-update-2025.qmd").read_text(encoding="utf-8")
    inline = re.findall(r"`\{python\} ([^`]+)`", text)
    assert not [e for e in inline if re.search(r"value_str\(trade, \"\d{4}\", 20\d\d", e)]
    assert not [e for e in inline if "count_side_in_year" in e and re.search(r"[,(]\s*20\d\d\b", e)]
    for word in ("Heading 8112 rose", "had already fallen", "The values fell", "18 selected", "2019–2025", "retrieved 2026"):
        assert word not in text, word
