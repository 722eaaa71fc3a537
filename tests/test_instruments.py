"""Chapter 2 on the real curated tables: the timeline, the funding table and the counts."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from analysis.chapters import instruments
from analysis.paths import CURATED_DIR


def _raw(name: str) -> list[dict]:
    """The CSV read independently of analysis.curated, to check the module against."""
    with open(CURATED_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def ev():
    return instruments.events()


@pytest.fixture(scope="module")
def acts(ev):
    return instruments.us_acts(ev)


@pytest.fixture(scope="module")
def fund():
    return instruments.funding()


def test_timeline_holds_exactly_the_us_acts_of_the_chosen_kinds(acts):
    expected = {r["event_id"] for r in _raw("events.csv")
                if r["country"] == "USA" and r["kind"] in instruments.TIMELINE_KINDS}
    assert set(acts["event_id"]) == expected
    assert "bill" not in set(acts["kind"]) and set(acts["country"]) == {"USA"}
    # the earliest act the sources name is the 1939 stockpiling act; the table runs to 2026
    assert instruments.first_year(acts) == 1939
    assert acts.loc[acts["year"].idxmin(), "event_id"] == "us_stockpiling_act_1939"
    assert instruments.last_year(acts) == 2026


def test_partial_dates_become_periods_not_points(acts):
    mcs = acts.set_index("event_id").loc["usgs_mcs_2026"]
    assert mcs["precision"] == "Year only"
    assert mcs["start"] == pd.Timestamp("2026-01-01") and mcs["end"] == pd.Timestamp("2026-12-31")
    doe = acts.set_index("event_id").loc["doe_critical_materials_strategy_2011"]
    assert doe["precision"] == "Month only" and doe["end"] == pd.Timestamp("2011-12-31")
    day = acts.set_index("event_id").loc["eo_13817_2017"]
    assert day["start"] == day["end"] == day["mid"] == pd.Timestamp("2017-12-20")
    n_year = sum(1 for r in _raw("events.csv") if r["country"] == "USA"
                 and r["kind"] in instruments.TIMELINE_KINDS and r["date_precision"] == "year")
    assert instruments.count_partial(acts, "year") == n_year >= 1


def test_acts_of_one_kind_in_one_year_never_share_a_row(acts):
    assert not acts.duplicated(["kind", "year", "stack"]).any()
    eos_2025 = acts.loc[acts["kind"].eq("executive_order") & acts["year"].eq(2025)]
    assert sorted(eos_2025["stack"]) == list(range(len(eos_2025)))


def test_executive_order_counts(ev):
    raw = [r for r in _raw("events.csv") if r["country"] == "USA" and r["kind"] == "executive_order"]
    since_2017 = [r for r in raw if int(r["date"][:4]) >= 2017]
    assert instruments.count_kind(ev, "executive_order", since=2017) == len(since_2017)
    by_admin = sum(instruments.count_kind(ev, "executive_order", administration=a)
                   for a in ("Trump I", "Biden", "Trump II"))
    assert by_admin == len(since_2017)
    assert instruments.eo_numbers(ev, "Trump I") == "13817 and 13953"
    assert instruments.eo_numbers(ev, "Biden") == "14017"
    assert instruments.eo_numbers(ev, "Trump II").startswith("14154, 14213")


def test_timeline_spec_encodes_date_administration_and_precision(acts):
    spec = instruments.timeline_chart(acts).to_dict()
    assert len(spec["hconcat"]) == 2  # broken axis: 1939-1950 and 2009 onwards
    layers = [layer for panel in spec["hconcat"] for layer in panel["layer"]]
    dots = [l for l in layers if l["mark"]["type"] == "point"]
    assert dots and all(l["encoding"]["x"]["field"] == "mid" and l["encoding"]["x"]["type"] == "temporal"
                        for l in dots)
    assert all(l["encoding"]["color"]["field"] == "administration_label" for l in layers)
    assert all(l["encoding"]["shape"]["field"] == "precision" for l in dots)
    spans = [l for l in layers if l["mark"]["type"] == "rule"]
    assert all(l["encoding"]["x2"]["field"] == "end" for l in spans)
    fields = {t["field"] for t in dots[0]["encoding"]["tooltip"]}
    assert {"title_en", "date_as_given", "summary_en", "precision"} <= fields
    colour = dots[0]["encoding"]["color"]["scale"]
    assert colour["domain"] == instruments.ADMIN_ORDER
    # every act is drawn in one panel or the other
    n_drawn = sum(len(spec["datasets"][(p["layer"][1].get("data") or p["data"])["name"]]) for p in spec["hconcat"])
    assert n_drawn == len(acts)


def test_funding_table_keeps_every_row_and_every_qualifier(fund):
    table = instruments.funding_table(fund)
    raw = _raw("funding.csv")
    assert len(table) == len(raw)
    assert not table.apply(lambda c: c.astype(str).str.contains("total", case=False)).any().any()
    amounts = set(table["Amount (USD)"])
    assert {"more than 60 million", "about 133 million", "up to 3.5 billion", "about 2.8 billion",
            "up to 3,750 per vehicle", "9.6 million"} <= amounts
    # a qualifier is never dropped: the number of qualified amounts matches the CSV
    n_qualified = sum(1 for r in raw if r["amount_qualifier"] != "=")
    assert instruments.count_qualified(fund) == n_qualified
    assert sum(a.startswith(("more than", "about", "up to")) for a in table["Amount (USD)"]) == n_qualified
    assert list(table.columns) == ["Year", "Programme", "Instrument", "Agency", "Recipient", "Amount (USD)", "Source"]


def test_amount_formatting():
    assert instruments.format_amount(3750, "up_to", per_vehicle=True) == "up to 3,750 per vehicle"


def test_funding_chart_leaves_out_the_per_vehicle_credit(fund):
    spec = instruments.funding_chart(fund).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == len(fund) - 1
    assert all(r["instrument"] != "tax_credit" for r in rows)
    assert spec["encoding"]["x"]["scale"]["type"] == "log"
    low, high = spec["encoding"]["x"]["scale"]["domain"]
    assert low <= min(r["amount_usd"] for r in rows) and high >= max(r["amount_usd"] for r in rows)


def test_the_early_statutes_are_counted_not_typed(acts):
    """'Two statutes stand far apart' was typed; the count is of the acts the figure puts
    in its narrow left panel, read from the events table."""
    early = [r for r in _raw("events.csv") if r["country"] == "USA" and int(r["date"][:4]) < 1960
             and r["kind"] in set(acts["kind"])]
    assert len(instruments.early_acts(acts)) == len(early) == 2
    assert instruments.early_acts_text(acts) == "Two statutes stand"
    assert instruments.early_acts_text(acts.iloc[1:]) == "One statute stands"
    from analysis.paths import ROOT
    text = (ROOT / "chapters" / "02-instruments.qmd").read_text(encoding="utf-8")
    assert "Two statutes" not in text and "five executive orders" not in text
