"""Chapter 1 beyond import reliance: where battery minerals are mined, held and refined.

Every check compares what `analysis.chapters.drivers` returns with a direct query of the real
extracts, or with a figure as the release prints it, so a broken query or join fails here.
"""
from __future__ import annotations

import json
import re

import pytest

from analysis import db
from analysis.chapters import drivers
from analysis.paths import ROOT



@pytest.fixture(scope="module")
def shares(con):
    return db.query("world_battery_mineral_shares_latest", con)


@pytest.fixture(scope="module")
def refined(con):
    return db.query("bgs_refined_cobalt_nickel_shares", con)


def _scalar(con, sql, *params):
    return con.execute(sql, list(params)).fetchone()[0]


# ------------------------------------------------------------------ USGS world tables

def test_latest_edition_is_computed_not_fixed(con, shares):
    latest = _scalar(con, "SELECT max(edition) FROM core_usgs_mcs__world_production")
    assert shares["edition"].unique().tolist() == [latest]
    assert set(shares["commodity_id"]) == {"lithium", "cobalt", "nickel", "graphite_natural", "manganese", "rare_earths"}
    assert set(shares["measure"]) == {"mine production", "reserves"}


def test_drc_cobalt_mine_share_equals_direct_query(con, shares):
    edition = drivers.shares_edition(shares)
    year = drivers.shares_year(shares)
    drc, world = con.execute(
        """SELECT max(value) FILTER (WHERE country_iso3 = 'COD'), max(value) FILTER (WHERE aggregate_kind = 'world_total')
           FROM core_usgs_mcs__world_production
           WHERE edition = ? AND commodity_id = 'cobalt' AND stage = 'mine' AND year = ?""",
        [edition, year],
    ).fetchone()
    got = drivers.share(shares, "cobalt", "mine production", "COD")
    assert 50 < got < 90
    assert got == pytest.approx(100 * drc / world)
    assert drivers.leader_name(shares, "cobalt", "mine production") == "DR Congo"
    assert drivers.share_text(shares, "cobalt", "mine production", "COD") == f"{100 * drc / world:.0f}%"


def test_world_lower_bound_gives_upper_bound_share(con, shares):
    """Nickel reserves are printed as '>140,000,000': Indonesia's share can only be 'at most'."""
    low = _scalar(con, """SELECT value_low FROM core_usgs_mcs__world_reserves
                          WHERE edition = ? AND commodity_id = 'nickel' AND aggregate_kind = 'world_total'
                            AND value_flag = 'lower_bound'""", drivers.shares_edition(shares))
    assert low is not None
    row = shares[(shares["commodity_id"] == "nickel") & (shares["measure"] == "reserves") & (shares["country_iso3"] == "IDN")].iloc[0]
    assert row["world_t"] == low and row["share_kind"] == "at_most"
    text = drivers.share_text(shares, "nickel", "reserves", "IDN")
    assert text.startswith("at most ")
    assert float(text.removeprefix("at most ").rstrip("%")) >= 100 * row["value_t"] / low
    assert "nickel" in drivers.bounded_world_minerals(shares, "reserves")
    assert drivers.world_total_text(shares, "nickel", "reserves").startswith("more than ")


def test_withheld_us_lithium_gets_no_share(shares):
    assert drivers.withheld(shares, "lithium", "mine production") == ["United States"]
    row = shares[(shares["commodity_id"] == "lithium") & (shares["measure"] == "mine production")
                 & (shares["country_iso3"] == "USA")].iloc[0]
    assert row["value_flag"] == "withheld" and row["share_pct"] != row["share_pct"]  # NaN
    with pytest.raises(ValueError, match="withheld"):
        drivers.share(shares, "lithium", "mine production", "USA")


def test_country_rows_match_world_row_product_and_year(con, shares):
    """Only rows of the world total's own product and year are compared with it."""
    for (commodity_id, measure), group in shares.groupby(["commodity_id", "measure"]):
        table = "core_usgs_mcs__world_production" if measure == "mine production" else "core_usgs_mcs__world_reserves"
        stage = "mine" if measure == "mine production" else "reserves"
        expected = _scalar(con, f"""
            SELECT count(*) FROM {table} c JOIN {table} w
              ON w.edition = c.edition AND w.commodity_id = c.commodity_id AND w.stage = c.stage
             AND w.product IS NOT DISTINCT FROM c.product AND w.year = c.year
             AND w.aggregate_kind = 'world_total'
            WHERE c.edition = ? AND c.commodity_id = ? AND c.stage = ? AND c.year = ?
              AND coalesce(c.aggregate_kind, '') <> 'world_total'""",
            int(group["edition"].iloc[0]), commodity_id, stage, int(group["year"].iloc[0]))
        assert len(group) == expected, (commodity_id, measure)
        assert group["product"].nunique() == 1


def test_rows_adding_to_more_than_the_world_total_are_named(shares):
    """MCS 2026 manganese reserves: the listed countries add to 1,798,000 kt against a
    printed world total of 1,700,000 kt. The prose must say so rather than hide it."""
    over = drivers.overshoots(shares)
    exact = shares[shares["share_kind"] == "exact"].groupby(["commodity_id", "measure"])["share_pct"].sum()
    assert set(zip(over["mineral"], over["measure"])) == {
        (shares.loc[shares["commodity_id"] == c, "mineral"].iloc[0], m) for (c, m), v in exact.items() if v > 102}
    sentence = drivers.overshoot_sentence(shares)
    assert bool(sentence) == (not over.empty)
    for r in over.itertuples():
        assert r.mineral.lower() in sentence


def test_chinas_position_matches_the_prose(shares):
    """The prose says China leads graphite and rare-earth mining and holds lower reserve shares."""
    assert drivers.minerals_led_by_china(shares, "mine production") == ["natural graphite", "rare earths"]
    for commodity_id in ("graphite_natural", "rare_earths"):
        assert (drivers.share(shares, commodity_id, "reserves", "CHN")
                < drivers.share(shares, commodity_id, "mine production", "CHN"))
    assert drivers.china_led_text(shares, "mine production").startswith("natural graphite (")
    top = drivers.largest_share(shares, "reserves")
    assert top["share_pct"] < 60  # Sun: no country monopolises reserves


def test_concentration_chart_spec(shares):
    spec = drivers.concentration_chart(shares).to_dict()
    assert spec["facet"]["row"]["field"] == "mineral"
    assert spec["facet"]["column"]["field"] == "measure"
    bars = spec["spec"]["layer"][0]
    assert bars["encoding"]["x"]["field"] == "share_plot_pct"
    assert bars["encoding"]["y"]["field"] == "country_name"
    assert bars["encoding"]["color"]["scale"]["domain"][0] == "China"
    assert str(drivers.shares_edition(shares)) in json.dumps(spec["title"])
    data = drivers.concentration_data(shares)
    assert {"COD", "IDN", "AUS", "CHL", "CHN"} <= set(data["country_iso3"])
    assert (data.loc[data["share_kind"] == "at_most", "label"].str.startswith("≤")).all()
    assert data["share_plot_pct"].between(0, 100).all()


def test_rare_earths_by_edition_one_row_per_edition(con):
    by_edition = drivers.rare_earths_by_edition()
    editions = [r[0] for r in con.execute("SELECT DISTINCT edition FROM core_usgs_mcs__world_production ORDER BY 1").fetchall()]
    assert by_edition["edition"].tolist() == editions
    last = by_edition.iloc[-1]
    china, world = con.execute(
        """SELECT max(value) FILTER (WHERE country_iso3 = 'CHN'), max(value) FILTER (WHERE aggregate_kind = 'world_total')
           FROM core_usgs_mcs__world_production WHERE edition = ? AND commodity_id = 'rare_earths' AND stage = 'mine' AND year = ?""",
        [int(last["edition"]), int(last["year"])]).fetchone()
    assert last["share_pct"] == pytest.approx(100 * china / world)
    assert (by_edition["year"] == by_edition["edition"] - 1).all()


def test_chapter_cites_the_data_release_of_the_latest_edition(shares):
    """A new MCS edition needs its own bibliography entry; fail loudly until it has one."""
    key = f"usgs{drivers.shares_edition(shares)}mcsdata"
    assert f"@{key}" in (ROOT / "chapters" / "01-drivers.qmd").read_text(encoding="utf-8")
    assert re.search(rf"@\w+\{{{key},", (ROOT / "references.bib").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ BGS refined output

def test_china_refined_cobalt_2021_equals_direct_query(con, refined):
    china, total = con.execute(
        """SELECT sum(value) FILTER (WHERE country_iso3 = 'CHN'), sum(value)
           FROM core_bgs__world_production
           WHERE commodity = 'cobalt refined' AND sub_commodity = '' AND year = 2021""").fetchone()
    assert china == 128000  # BGS WMS, China refined cobalt 2021, tonnes
    got = drivers.refined_share(refined, "cobalt", 2021)
    assert got == pytest.approx(100 * china / total)
    assert 70 < got < 85
    assert drivers.refined_latest_year(refined) == 2021
    assert drivers.refined_share_text(refined, "cobalt") == f"{100 * china / total:.0f}%"


def test_unknown_is_not_zero_and_empty_years_drop(refined):
    cobalt_cn = refined[(refined["commodity_id"] == "cobalt") & (refined["country_iso3"] == "CHN")]
    assert cobalt_cn.loc[cobalt_cn["year"] < drivers.china_first_year(refined, "cobalt"), "share_pct"].isna().all()
    assert drivers.china_first_year(refined, "cobalt") == 1983
    nickel_years = refined.loc[refined["commodity_id"] == "nickel", "year"]
    assert nickel_years.min() == 1977  # BGS gives no nickel smelter/refinery figure for 1972-1976
    assert refined["countries_with_figure"].gt(0).all()


def test_nickel_sulfate_is_not_added_to_metal_content(con, refined):
    total = refined.loc[(refined["commodity_id"] == "nickel") & (refined["year"] == 2021), "total_t"].iloc[0]
    main = _scalar(con, """SELECT sum(value) FROM core_bgs__world_production
                           WHERE commodity = 'nickel smelter/refined' AND sub_commodity = '' AND year = 2021""")
    with_sulfate = _scalar(con, """SELECT sum(value) FROM core_bgs__world_production
                                   WHERE commodity = 'nickel smelter/refined' AND year = 2021""")
    assert total == main and with_sulfate > main


def test_east_west_germany_not_double_counted(refined):
    key = ["commodity", "country_name", "year"]
    assert not refined.duplicated(key).any()


def test_refined_story_matches_the_prose(refined):
    """The prose says cobalt refining is mostly Chinese and China's nickel share has fallen
    from its peak while Indonesia's overtook it."""
    assert drivers.refined_share(refined, "cobalt") > 50
    peak_year, _ = drivers.china_peak(refined, "nickel")
    assert drivers.refined_share(refined, "nickel") < drivers.refined_share(refined, "nickel", peak_year)
    assert drivers.refined_leader(refined, "nickel") == "Indonesia"
    assert drivers.year_china_passed(refined, "cobalt", 50) == 2017
    assert drivers.seed_claim_value("sun2024battery-060") == "72%"


def test_lithium_comparison_with_the_commentary(shares):
    """The prose calls the three countries' share 'well below' the commentary's >80%."""
    assert drivers.seed_claim_value("ciaps2022biden-050") == "80%"
    text = drivers.combined_share_text(shares, "lithium", "mine production", ["AUS", "CHL", "ARG"])
    assert float(text.rstrip("%")) < 70


def test_refined_chart_spec(refined):
    spec = drivers.refined_chart(refined).to_dict()
    layers = spec["layer"]
    enc = layers[0]["encoding"]
    assert enc["x"]["field"] == "year" and enc["y"]["field"] == "share_pct"
    assert enc["color"]["field"] == "series"
    assert enc["y"]["scale"]["domain"] == [0, 100]
    assert any("tooltip" in layer["encoding"] for layer in layers)
    assert "BGS" in json.dumps(spec["title"])
    values = next(iter(spec["datasets"].values()))
    assert {v["country_iso3"] for v in values} == {"CHN"}
    assert all(v["share_pct"] is not None for v in values)


# ------------------------------------------------------------------ the sources' figures beside today's

def test_china_import_table_reads_the_latest_shares_and_the_commentarys(con):
    imports = drivers.china_import_shares()
    latest = _scalar(con, "SELECT max(edition) FROM core_usgs_mcs__import_sources WHERE share_pct IS NOT NULL")
    table = drivers.china_import_table(imports)
    assert len(table) == len(drivers.CHINA_IMPORT_FORMS)
    ree = _scalar(con, "SELECT share_pct FROM core_usgs_mcs__import_sources WHERE edition = ? AND commodity_id = "
                       "'rare_earths' AND country_iso3 = 'CHN' AND form = 'Rare-earth compounds and metals'", latest)
    row = table.loc[table["Mineral"].eq("Rare earths")].iloc[0]
    assert row[f"MCS {latest} ({drivers.import_shares_period(imports)})"] == f"{ree:.0f}%"
    assert row["Commentary (2022)"] == "78%"
    # every mineral is either lower or higher than the commentary's figure, never both
    lower, higher = drivers.import_shares_lower(imports), drivers.import_shares_higher(imports)
    assert not set(lower) & set(higher)


def test_consumption_change_is_first_to_last_known_year(con):
    cons = drivers.consumption()
    latest = _scalar(con, "SELECT max(edition) FROM core_usgs_mcs__us_salient")
    first, last = con.execute(
        "SELECT arg_min(value, year), arg_max(value, year) FROM core_usgs_mcs__us_salient WHERE edition = ? "
        "AND commodity_id = 'chromium' AND statistic_detail = 'Consumption (includes recycling): Apparent' "
        "AND value IS NOT NULL", [latest]).fetchone()
    change = drivers.consumption_change(cons, "chromium")
    assert change["change_pct"] == pytest.approx(100 * (last / first - 1))
    # USGS withholds lithium consumption: the chapter must say so, not compute a change
    assert drivers.consumption_change(cons, "lithium")["flag"] == "withheld"
    agree, differ = drivers.consumption_as_said(cons)
    assert "lithium" not in agree + differ


def test_mine_share_is_country_over_world_of_the_same_year(con):
    mines = drivers.mine_shares()
    year = drivers.mine_year(mines, "copper")
    peru, world = con.execute(
        "SELECT sum(value) FILTER (WHERE country_iso3 = 'PER'), sum(value) FILTER (WHERE aggregate_kind = 'world_total') "
        "FROM core_usgs_mcs__world_production WHERE edition = (SELECT max(edition) FROM core_usgs_mcs__world_production) "
        "AND commodity_id = 'copper' AND stage = 'mine' AND year = ?", [year]).fetchone()
    assert drivers.mine_share_text(mines, "copper", "PER") == f"{100 * peru / world:.0f}%"

# ------------------------------------------------------------------ issue 9: counts, bounds, labels

@pytest.fixture(scope="module")
def nir(extracts):
    return drivers.net_import_reliance()


def test_upper_bound_net_importers_are_counted_and_drawn(nir):
    """'<25' is a net importer (USGS prints 'E' for exporters): the sentence counted only
    what the chart could draw, leaving out bromine, cadmium, iodine, lime, ferrosilicon and
    zirconium."""
    drawn = drivers.nir_data(nir)
    upper = drawn[drawn["bound_kind"] == "less than"]
    assert set(upper["commodity_id"]) == {"bromine", "cadmium", "iodine", "lime", "silicon", "zirconium"}
    assert (upper["net_import_reliance_plot_pct"] == upper["value_original"].str.lstrip("<").astype(float)).all()
    lower = drawn[drawn["bound_kind"] == "more than"]
    assert (lower["net_import_reliance_plot_pct"] == lower["value_original"].str.lstrip(">").astype(float)).all()
    assert drivers.count_bounds(nir, "less than") == 6
    # one unit everywhere: the sentence counts the bars, China's count the China bars
    assert drivers.count_listed(nir) == len(drawn) == 83
    assert drivers.count_china_leading(nir) == int((drawn["leading_source"] == drivers.LEADING[True]).sum()) == 17
    assert "gold" not in set(drawn["commodity_id"])  # 's': no meaningful reliance, says USGS


def test_sources_published_under_another_name_are_matched(nir):
    """MCS 2026 names China first for bort and cultured quartz crystal under the chapter's
    name; matching by the NIR row's own name alone left them 'not given'."""
    rows = nir.set_index("label")
    assert rows.loc["Diamond (industrial), bort, grit, dust and powder", "china_is_leading"] == True  # noqa: E712
    assert rows.loc["Quartz, industrial cultured crystal", "china_is_leading"] == True  # noqa: E712
    assert rows.loc["Diamond (industrial), stones", "leading_import_source"] == "India"
    assert drivers.group_china_first_text(nir) == "4 of the 5 heavy rare earths"
    heavy = drivers.nir_data(nir).set_index("commodity_id").loc["rare_earths_heavy"]
    assert heavy["leading_source"] == drivers.LEADING["group"] and heavy["sources"].startswith("Terbium: China")


def test_commodity_labels_are_the_reports_not_usgs_title_case(nir):
    labels = set(drivers.nir_data(nir)["label"])
    assert {"Talc and pyrophyllite", "Iron and steel", "Stone (dimension), granite"} <= labels
    assert not [x for x in labels if " And " in x or "Only" in x]
    assert {"Silicon, ferrosilicon, all grades", "Silicon, silicon metal", "Silicon, total"} <= labels
    assert drivers.multi_form_commodities(nir) == ["Abrasives (manufactured)", "Silicon"]


def test_bound_label_and_text_use_one_rounding_rule(shares):
    """Text said 'at most 45%' and the chart '≤44%' for 62/>140 = <44.3%."""
    data = drivers.concentration_data(shares)
    bounded = data[data["share_kind"] == "at_most"]
    assert len(bounded) >= 2
    for r in bounded.itertuples():
        text = drivers.share_text(shares, r.commodity_id, r.measure, r.country_iso3)
        assert r.label == "≤" + text.removeprefix("at most ")
    idn = bounded[(bounded["commodity_id"] == "nickel") & (bounded["country_iso3"] == "IDN")].iloc[0]
    assert idn["label"] == "≤45%"


def test_tooltip_world_total_uses_the_erratum_like_the_text(con, shares):
    data = drivers.concentration_data(shares)
    ree = data[(data["commodity_id"] == "rare_earths") & (data["measure"] == "reserves")]
    corrected = _scalar(con, """SELECT value_low FROM core_usgs_mcs__world_reserves WHERE edition = ?
                                AND commodity_id = 'rare_earths' AND aggregate_kind = 'world_total'""",
                        drivers.shares_edition(shares))
    assert corrected == 75_000_000
    assert (ree["world_published"].str.startswith(">75,000,000 metric tons (corrected by USGS")).all()
    assert drivers.world_total_text(shares, "rare_earths", "reserves") == "more than 75,000,000 t"


def test_lithium_share_says_its_edition_and_year(con):
    by_edition = drivers.combined_share_by_edition("lithium", ["AUS", "CHL", "ARG"])
    first = by_edition.iloc[0]
    total = _scalar(con, """SELECT sum(value) FROM core_usgs_mcs__world_production WHERE edition = ?
                            AND commodity_id = 'lithium' AND stage = 'mine' AND year = ?
                            AND country_iso3 IN ('AUS', 'CHL', 'ARG')""", int(first["edition"]), int(first["year"]))
    assert first["share_pct"] == pytest.approx(100 * total / first["world_t"])
    text = drivers.edition_share_text(by_edition)
    assert text == f"{100 * total / first['world_t']:.0f}% for {int(first['year'])} in the {int(first['edition'])} edition"
    assert by_edition["edition"].tolist() == sorted(by_edition["edition"])


def test_refined_chart_title_gives_the_years_drawn(con, refined):
    spec = drivers.refined_chart(refined).to_dict()
    first = min(drivers.china_first_year(refined, c) for c in ("cobalt", "nickel"))
    assert f"{first}–{drivers.refined_latest_year(refined)}" in spec["title"]
    lo, hi = con.execute("SELECT min(year), max(year) FROM core_bgs__world_production").fetchone()
    assert drivers.bgs_years_text() == f"{lo}–{hi}"
    assert drivers.mineral_count(drivers.mineral_shares()) == 6
    text = (ROOT / "chapters" / "01-drivers.qmd").read_text(encoding="utf-8")
    assert "six battery minerals" not in text and "1970–2021" not in text and "these six" not in text


def test_focus_countries_are_those_the_prose_names(shares):
    """The figure shows the countries the prose says the sources single out: the 2022
    commentary names Australia, Chile and Argentina for lithium."""
    assert drivers.FOCUS["lithium"] == ("AUS", "CHL", "ARG")
    data = drivers.concentration_data(shares)
    assert {"AUS", "CHL", "ARG"} <= set(data.loc[data["commodity_id"].eq("lithium"), "country_iso3"])
    assert drivers.focus_text(shares).endswith("Australia, Chile and Argentina for lithium")
    text = (ROOT / "chapters" / "01-drivers.qmd").read_text(encoding="utf-8")
    assert '["AUS", "CHL", "ARG"]' not in text  # the prose reads FOCUS, not a list of its own
