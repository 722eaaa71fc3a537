"""analysis.db: every read is SQL over views of the extracts, the curated tables and the
reference mappings; curated tables load only when a statement names them."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import curated, db
from analysis.errors import PipelineError


def test_curated_tables_read_through_sql_match_the_checked_csv(extracts):
    for name in ("events", "memberships", "funding", "responses"):
        via_sql = db.query(f"curated_{name}")
        direct = curated.load_table(name)
        assert len(via_sql) == len(direct) and "_file" not in via_sql  # no machine path in published data
        assert via_sql[direct.columns[2]].tolist() == direct[direct.columns[2]].tolist()
    funding = db.query("curated_funding")
    assert pd.api.types.is_float_dtype(funding["amount_usd"])


def test_curated_tables_load_only_when_named(extracts):
    con = db.connect(extracts)
    try:
        con.execute("SELECT count(*) FROM core_reference__battery_minerals").fetchall()
        assert con._curated == set()
        con.execute("SELECT count(*) FROM core_curated__events").fetchall()
        assert con._curated == {"events"}
        with pytest.raises(PipelineError, match="no curated table"):
            con.execute("SELECT * FROM core_curated__nonsense")
    finally:
        con.close()


def test_battery_minerals_are_listed_once_and_joined_in_sql(extracts):
    minerals = db.query("world_battery_mineral_shares_latest")
    reference = pd.read_csv(db.REFERENCE_DIR / "battery_minerals.csv")
    assert set(minerals["commodity_id"]) == set(reference["commodity_id"])
    assert set(db.query("revisions_battery_minerals", limit=1000)["mineral"]) <= set(reference["mineral"])
    for sql in (db.SQL_DIR / "world_battery_mineral_shares_latest.sql", db.SQL_DIR / "revisions_battery_minerals.sql"):
        assert "'graphite_natural'" not in sql.read_text(encoding="utf-8")


def test_hts_crosswalk_names_only_recorded_events(extracts):
    from analysis.chapters import update_2025

    rules = update_2025.controlled_headings()
    assert rules["date_str"].notna().all()
    assert rules.groupby("hts_heading")["covers"].nunique().eq(1).all()
