"""Chapter 4: China's share among the 18 USITC DataWeb partners, on the real extract."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis import db
from analysis.chapters import constraints
from analysis.paths import ROOT



@pytest.fixture(scope="module")
def shares(extracts):
    return constraints.china_share()


@pytest.fixture(scope="module")
def shares_ytd(extracts):
    return constraints.china_share(partial=True)


@pytest.fixture(scope="module")
def partners(extracts):
    return constraints.partner_values()


def _direct(con, heading: str, year: int, partial: bool) -> tuple[float, float]:
    """China's and the 18 partners' customs value, written independently of the .sql file."""
    china, total = con.execute(
        """SELECT sum(value) FILTER (WHERE partner_name = 'China'), sum(value)
           FROM core_usitc__trade
           WHERE flow = 'imports_for_consumption' AND measure = 'value_usd'
             AND hts_heading = ? AND year = ? AND is_partial_year = ?""",
        [heading, year, partial]).fetchone()
    return china, total


@pytest.mark.parametrize("heading, year", [("2846", 2024), ("2846", 2011), ("8505", 2025), ("2504", 2022)])
def test_share_equals_a_direct_query(con, shares, heading, year):
    china, total = _direct(con, heading, year, False)
    row = shares[(shares["hts_heading"] == heading) & (shares["year"] == year)].iloc[0]
    assert row["china_value_usd"] == china
    assert row["partners_18_value_usd"] == total
    assert row["china_share_of_18_pct"] == pytest.approx(100 * china / total)


def test_known_value_from_the_release(shares):
    """DataWeb: 2024 rare-earth compounds, China 112,644,992 USD of 150,800,998 from the 18."""
    assert constraints.china_value_musd(shares, "2846", 2024) == 112.6
    assert constraints.share_pct(shares, "2846", 2024) == 74.7


def test_heading_value_is_summed_over_quantity_bases(con, shares):
    """HTS 8505 is split into 'number' and 'kilograms' lines; both belong to China's total."""
    parts = con.execute(
        """SELECT quantity_basis, value FROM core_usitc__trade
           WHERE flow = 'imports_for_consumption' AND measure = 'value_usd' AND NOT is_partial_year
             AND hts_heading = '8505' AND year = 2024 AND partner_name = 'China' AND value > 0""").df()
    assert set(parts["quantity_basis"]) == {"number", "kilograms"}
    row = shares[(shares["hts_heading"] == "8505") & (shares["year"] == 2024)].iloc[0]
    assert row["china_value_usd"] == parts["value"].sum()
    assert row["china_value_usd"] > parts["value"].max()


def test_full_and_partial_years_are_never_mixed(shares, shares_ytd):
    assert set(shares["period"]) == {"annual"}
    assert "annual" not in set(shares_ytd["period"])
    assert constraints.latest_full_year(shares) == 2025  # 2026 was incomplete at download
    assert constraints.latest_partial_year(shares_ytd) == 2026
    assert constraints.partial_period_label(shares_ytd) == "January–April"
    assert constraints.rest_of_year_label(shares_ytd) == "May–December"
    with pytest.raises(ValueError):
        constraints.latest_full_year(shares_ytd)


def test_partial_share_and_rest_of_year_equal_direct_queries(con, shares, shares_ytd):
    china_y, total_y = _direct(con, "2846", 2025, True)
    china_f, total_f = _direct(con, "2846", 2025, False)
    assert constraints.share_pct(shares_ytd, "2846", 2025) == round(100 * china_y / total_y, 1)
    assert constraints.rest_of_year_share_pct(shares, shares_ytd, "2846", 2025) == round(
        100 * (china_f - china_y) / (total_f - total_y), 1)


def test_partner_count_comes_from_the_query_and_labels_follow_it(partners, monkeypatch):
    """The prose, captions, table and chart say how many partners from the data (the
    chapter once typed '18' five times); a different query changes every label."""
    assert partners["partner_name"].nunique() == constraints.partner_count() == 18
    monkeypatch.setattr(constraints, "partner_count", lambda: 17)
    shares = constraints.china_share()
    assert "17 selected partners" in constraints.share_chart(shares).to_dict()["title"]["text"]
    assert all("17" in c for c in constraints.latest_table(shares, partners).columns[1:3])
    text = (ROOT / "chapters" / "04-constraints.qmd").read_text(encoding="utf-8")
    assert not re.search(r"\b18 (selected|partners)|the 18\b|among the 18\b", text)


def test_ranks_and_latest_table(partners, shares):
    assert constraints.count_china_first(partners, year=2025) == 3
    assert constraints.leading_other_partner(partners, "2846", 2025) == ("Japan", 17.9)
    table = constraints.latest_table(shares, partners)
    assert len(table) == len(constraints.TABLE_HEADINGS)
    row = table.iloc[0]
    assert row["HTS heading"] == "Rare-earth compounds (HTS 2846)"
    assert row["China's share among the 18, 2025 (%)"] == "64.6"
    assert row["China's rank among the 18"] == "1"
    assert all("18" in c for c in table.columns[1:3])


def test_sharpest_fall_is_2012(shares):
    fall = constraints.sharpest_fall(shares, "2846")
    assert fall["year"] == 2012
    assert fall["share_pct"] < 40 < fall["share_before_pct"]
    assert fall["value_before_musd"] > 4 * fall["value_two_before_musd"]


def test_chart_names_the_18_partners_and_encodes_full_years(shares):
    spec = constraints.share_chart(shares).to_dict()
    assert "18 selected partners" in spec["title"]["text"]
    assert "not a share of all US imports" in spec["title"]["subtitle"]
    enc = spec["encoding"]
    assert enc["y"]["field"] == "china_share_of_18_pct"
    assert "18 partners" in enc["y"]["title"]
    assert enc["color"]["field"] == "heading"
    rows = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert set(rows["hts_heading"]) == set(constraints.CHART_HEADINGS)
    assert set(rows["period"]) == {"annual"}
    assert (rows["year"].min(), rows["year"].max()) == (1993, 2025)
    json.dumps(spec)


def test_china_first_phrase(partners):
    assert constraints.china_first_phrase(partners, year=2025) == "all three"
    assert constraints.china_first_phrase(partners, ("2846", "8105"), year=2025) == "one of the two"
