"""Chapter 5: the sources' recommendations (responses.csv) and China's HS 2846 imports (Comtrade)."""
from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from analysis import paths
from analysis.chapters import china_responses as responses



def _csv_rows() -> list[dict]:
    from analysis.curated import table_files
    rows = []
    for path in table_files("responses"):
        with open(path, newline="", encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


@pytest.fixture(scope="module")
def recs():
    return responses.recommendations()


@pytest.fixture(scope="module")
def imports(extracts):
    return responses.china_imports()



# ------------------------------------------------------------------ recommendations

def test_theme_counts_match_the_csv(recs):
    rows = _csv_rows()
    assert rows, "responses.csv is empty"
    expected = Counter((r["addressee"], r["source_key"], r["theme"]) for r in rows)
    counts = responses.theme_counts(recs)
    got = {(r.addressee, r.source_key, r.theme): r.recommendations for r in counts.itertuples()}
    assert got == dict(expected)
    assert counts["recommendations"].sum() == len(rows)


def test_addressees_kept_apart(recs):
    rows = _csv_rows()
    us = [r for r in rows if r["addressee"] == "United States"]
    assert {r["source_key"] for r in us} == {"ipp2025dependency"}
    assert responses.count(recs, "United States") == len(us)
    assert responses.count(recs, "China") == len(rows) - len(us)
    assert responses.top_theme(recs, "China") == ("overseas investment", Counter(
        r["theme"] for r in rows if r["addressee"] == "China")["overseas_investment"])
    assert responses.top_theme(recs, "United States")[0] == "stockpiling"


def test_themes_chart_has_one_panel_per_addressee(recs):
    spec = responses.themes_chart(recs).to_dict()
    assert spec["facet"]["column"]["field"] == "audience"
    assert spec["spec"]["encoding"]["color"]["field"] == "source"
    assert spec["spec"]["encoding"]["y"]["field"] == "theme_label"
    data = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert set(data["audience"]) == {"Advice to China", "Advice to the United States"}
    assert set(data.loc[data["audience"] == "Advice to the United States", "source_key"]) == {"ipp2025dependency"}
    assert data["recommendations"].sum() == len(_csv_rows())


def test_recommendations_table(recs):
    table = responses.recommendations_table(recs)
    assert list(table.columns) == ["Source", "Theme", "Recommendation (one-line summary)"]
    assert len(table) == len(_csv_rows())
    assert set(table["Recommendation (one-line summary)"]) == {r["summary_en"] for r in _csv_rows()}
    # China's recommendations come first, then Washington's, whose label says so.
    to_us = table["Source"].str.contains("to the US")
    assert to_us.sum() == sum(r["addressee"] == "United States" for r in _csv_rows())
    assert to_us.iloc[to_us.idxmax():].all()


def test_unlabelled_theme_is_an_error(monkeypatch):
    real = responses.db.query
    monkeypatch.setattr(responses.db, "query",
                        lambda name, *a, **k: real(name, *a, **k).assign(theme="new_theme"))
    with pytest.raises(ValueError, match="new_theme"):
        responses.recommendations()


# ------------------------------------------------------------------ China's HS 2846 imports

def test_shares_are_against_the_world_row(con, imports):
    world = con.execute("SELECT year, value_usd FROM core_comtrade__china_hs2846_imports WHERE partner_code = 0").df()
    assert sorted(world["year"]) == list(range(1993, 2025))
    merged = imports.groupby("year")[["world_value_usd", "partners_sum_value_usd"]].first()
    assert (merged["world_value_usd"] - merged["partners_sum_value_usd"]).abs().max() <= 1
    assert imports.groupby("year")["share_of_world_pct"].sum().sub(100).abs().max() < 1e-6
    assert 0 not in set(imports["partner_code"])


def test_top_partner_2024_is_myanmar(con, imports):
    top, value, world = con.execute(
        """SELECT p.partner_name, p.value_usd, w.value_usd
           FROM core_comtrade__china_hs2846_imports p
           JOIN core_comtrade__china_hs2846_imports w ON w.year = p.year AND w.partner_code = 0
           WHERE p.year = 2024 AND p.partner_code <> 0
           ORDER BY p.value_usd DESC LIMIT 1""").fetchone()
    assert top == "Myanmar" == responses.top_partner(imports, 2024)
    assert responses.partner_share_pct(imports, "MMR", 2024) == round(100 * value / world, 1)
    assert responses.latest_year(imports) == 2024
    assert responses.world_value_musd(imports) == round(world / 1e6, 1)
    assert responses.top_partner(imports, 2024, rank=2) == "Laos"


def test_history_of_leading_partners(imports):
    assert responses.first_year_leading(imports, "MMR") == 2019
    assert responses.years_leading(imports, "MMR") == 6
    assert responses.first_year_leading(imports, "MYS") == 2014
    assert responses.last_year_leading(imports, "JPN") == 2008
    assert responses.top_partner(imports, 2013) == "China (re-imports)"


def test_msp_members_among_top_partners(imports):
    assert responses.msp_members_among_top(imports, 3, 2024) == 0  # Myanmar, Laos, Malaysia
    assert responses.msp_members_among_top(imports, 3, 2013) == 2  # re-imports, Japan, United States


def test_partner_chart(imports):
    spec = responses.partner_share_chart(imports).to_dict()
    enc = spec["encoding"]
    assert enc["y"]["field"] == "share_of_world_pct"
    domain = enc["color"]["scale"]["domain"]
    assert domain[:3] == ["Myanmar", "Laos", "Malaysia"]
    assert "China (re-imports)" in domain and domain[-1] == responses.OTHERS
    data = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert data.groupby("year")["share_of_world_pct"].sum().sub(100).abs().max() < 1e-6
    assert (data["year"].min(), data["year"].max()) == (1993, 2024)


def test_msp_phrase(imports):
    assert responses.msp_members_phrase(imports, 3, 2024) == "none of the three largest"
    assert responses.msp_members_phrase(imports, 3, 2013) == "two of the three largest"


def test_comtrade_years_in_the_caption_come_from_the_data(imports):
    """One JSON response per year: the caption's span is the files' span, not typed."""
    years = sorted(int(p.stem) for p in (paths.raw_dir() / "un-comtrade-china-hs2846").glob("[12][0-9][0-9][0-9].json"))
    assert len(years) > 20
    assert responses.years_text(imports) == f"{years[0]}–{years[-1]}"
    text = (paths.ROOT / "chapters" / "05-china-responses.qmd").read_text(encoding="utf-8")
    assert "1993–2024" not in text and "retrieved 2026" not in text
