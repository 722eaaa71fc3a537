"""Chapter 3 on the real curated tables: the MSP over time, the membership matrix, the counts."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from analysis.chapters import allies
from analysis.paths import CURATED_DIR


def _raw() -> list[dict]:
    with open(CURATED_DIR / "memberships.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def m():
    return allies.memberships()


@pytest.fixture(scope="module")
def cells(m):
    return allies.matrix(m)


def test_msp_counts_match_the_table_and_the_source(m):
    msp = [r for r in _raw() if r["initiative_id"] == "msp"]
    founding = [r for r in msp if r["role"] == "founding_member"]
    assert allies.msp_founding_count(m) == len(founding)
    assert allies.msp_member_count(m) == len(msp)
    # Cheng (2024), section 2.2: "成员国从11个扩展到15个"
    assert allies.msp_founding_count(m) == 11
    assert allies.msp_member_count(m) >= 15
    assert allies.msp_founding_date(m) == "14 June 2022"


def test_undated_msp_members_are_kept_apart(m):
    undated = allies.msp_joiners(m, dated=False)
    assert "Norway" in undated
    assert set(allies.msp_joiners(m, dated=True)) >= {"India", "Italy", "Estonia"}
    spec = allies.msp_chart(m).to_dict()
    main, side = spec["hconcat"]
    side_rows = spec["datasets"][side["data"]["name"]]
    assert {r["member"] for r in side_rows} == set(undated)
    main_rows = spec["datasets"][(main["layer"][1].get("data") or main["data"])["name"]]
    assert not {r["member"] for r in main_rows} & set(undated)
    assert len(main_rows) + len(side_rows) == allies.msp_member_count(m)
    dots = main["layer"][1]["encoding"]
    assert dots["x"]["field"] == "start" and dots["x"]["type"] == "temporal"
    assert dots["color"]["field"] == "role_label"


def test_msp_month_dates_are_drawn_as_spans(m):
    rows = allies.msp(m).set_index("member")
    assert rows.loc["India", "precision"] == "Month only"
    assert rows.loc["India", "end"] == pd.Timestamp("2023-06-30")


def test_matrix_leaves_out_the_us_and_non_countries(cells):
    assert "USA" not in set(cells["member_iso3"])
    assert not cells["member_iso3"].eq("").any()
    expected = {r["member_iso3"] for r in _raw()
                if r["member_iso3"] not in ("", "USA") and r["initiative_id"] not in allies.NOT_COUNTRY_CLUBS}
    assert set(cells["member_iso3"]) == expected
    assert allies.count_countries(cells) == len(expected - {"EUU"})
    assert not cells.duplicated(["member_iso3", "group"]).any()
    top = allies.most_connected(cells)
    assert "Australia" in set(top["member_label"])


def test_matrix_refuses_an_unmapped_initiative(m):
    extra = m.iloc[[0]].assign(initiative_id="new_club_2026", member="Chile", member_iso3="CHL")
    with pytest.raises(KeyError, match="new_club_2026"):
        allies.matrix(pd.concat([m, extra], ignore_index=True))


def test_matrix_chart_spec(cells):
    spec = allies.matrix_chart(cells).to_dict()
    enc = spec["encoding"]
    assert enc["x"]["field"] == "group" and enc["y"]["field"] == "member_label"
    assert enc["color"]["field"] == "role_label"
    assert enc["x"]["scale"]["domain"][0] == "ERGI (2019)"
    assert {t["field"] for t in enc["tooltip"]} >= {"member_label", "group", "initiatives", "sources"}


def test_ira_fta_partners(m):
    fta = [r for r in _raw() if r["initiative_id"] == "ira_30d_fta"]
    assert allies.fta_count(m) == len(fta) == 21  # 20 FTA countries + Japan (Treasury, 2023-03-31)
    assert allies.fta_via_minerals_agreement(m) == ["Japan"]


def test_ergi_lists_differ_by_source(m):
    ciaps = allies.members_by_source(m, "ergi", "ciaps2022biden", "founding_member")
    cheng = allies.members_by_source(m, "ergi", "cheng2024friendshoring")
    assert set(ciaps) == {"Australia", "Botswana", "Canada", "Peru"}
    assert set(cheng) == {"Brazil", "Democratic Republic of the Congo"}
    assert allies.launched(m, "ergi") == "June 2019"


def test_counts_as_the_sources_state_them(m):
    assert allies.claim_count("cheng2024friendshoring-051") == 15
    assert allies.claim_count("cheng2024friendshoring-050") == allies.msp_founding_count(m)
    with pytest.raises(KeyError):
        allies.claim_count("cheng2024friendshoring-043")  # a date, not a count


def test_dates_as_the_sources_state_them():
    assert allies.claim_date("cheng2024friendshoring-043") == "November 2022"
    assert allies.claim_date("sun2024battery-102") == "November 2023"
    with pytest.raises(KeyError):
        allies.claim_date("cheng2024friendshoring-999")


# ------------------------------------------------------------------ the argument's data

def test_roles_table_reads_mine_and_refinery_ranks_from_the_releases():
    from analysis.chapters import drivers

    mines, refined = drivers.mine_shares(), drivers.refined_shares()
    table = allies.roles_table(mines, refined)
    # one row per upstream and midstream partner, one for the downstream consumers together
    assert len(table) == len(allies.ROLES["upstream"]) + len(allies.ROLES["midstream"]) + 1
    # the DR Congo leads cobalt in every edition in the mirror: its row must say so
    congo = table.loc[table["Country"].eq("DR Congo"), "What the releases show"].iloc[0]
    assert congo.startswith("cobalt: ") and "rank 1" in congo
    # Finland's refined-cobalt rank is recomputed from the BGS shares of the latest year
    year = int(refined["year"].max())
    ranked = (refined.loc[refined["commodity_id"].eq("cobalt") & refined["year"].eq(year) & refined["share_pct"].notna()]
              .sort_values("share_pct", ascending=False)["country_iso3"].tolist())
    assert allies.refined_rank(refined, "cobalt", "FIN") == ranked.index("FIN") + 1


def test_event_dates_come_from_the_events_table():
    assert allies.event_date("yellen_friendshoring_2022") == "13 April 2022"
    with pytest.raises(KeyError):
        allies.event_date("no_such_event")
