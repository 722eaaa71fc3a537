"""The edition changelog: what a data update moved, between builds and between editions,
on the real extracts; and an update whose validation fails changes nothing."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import changelog


def test_a_moved_value_and_a_new_row_are_named_by_commodity_and_country(extracts, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(extracts, old)
    shutil.copytree(extracts, new)
    path = new / "core_usgs_mcs__world_production.parquet"
    df = pd.read_parquet(path)
    hit = df.index[(df["commodity_id"] == "lithium") & (df["country_iso3"] == "CHL") & df["value"].notna()][0]
    before = df.loc[hit, "value"]
    df.loc[hit, "value"] = before * 2
    df = pd.concat([df, df.loc[[hit]].assign(country_name="Atlantis", country_iso3="ATL")], ignore_index=True)
    df.to_parquet(path, index=False)

    changes = changelog.diff_extracts(old, new)
    moved = changes.loc[changes["change"].eq("value changed")]
    assert len(moved) == 1
    row = moved.iloc[0]
    assert (row.table_name, row.commodity_id, row.country, row.column_name) == \
        ("core_usgs_mcs__world_production", "lithium", "Chile", "value")
    assert float(row.old_value) == before and float(row.new_value) == before * 2
    added = changes.loc[changes["change"].eq("row added")]
    assert added["country"].tolist() == ["Atlantis"]
    assert set(changes["table_name"]) == {"core_usgs_mcs__world_production"}  # nothing else moved


def test_identical_extracts_record_no_change_and_a_first_build_says_so(extracts, tmp_path):
    staging = tmp_path / "staging"
    shutil.copytree(extracts, staging)
    assert changelog.write_build_changes(extracts, staging)["change"].tolist() == ["no change"]
    assert changelog.write_build_changes(tmp_path / "none", staging)["change"].tolist() == ["first build"]


def test_edition_changes_compare_the_two_latest_editions_of_the_build(extracts, monkeypatch):
    monkeypatch.delenv("MCS_VINTAGE", raising=False)
    latest = changelog.edition_changes()
    monkeypatch.setenv("MCS_VINTAGE", "2025")
    as_of_2025 = changelog.edition_changes()
    assert latest["detail"].str.contains("MCS 2025 .* → MCS 2026", regex=True).all()
    assert as_of_2025["detail"].str.contains("MCS 2024 .* → MCS 2025", regex=True).all()
    moved = latest.loc[latest["change"].eq("moved")]
    assert (moved["old_value"] != moved["new_value"]).all()
    assert {"core_usgs_mcs__world_production", "core_usgs_mcs__world_reserves",
            "core_usgs_mcs__net_import_reliance"} <= set(latest["table_name"])


def test_failed_validation_in_update_leaves_extracts_and_book_untouched(extracts, tmp_path, monkeypatch, capsys):
    from analysis import cli
    from analysis.errors import ValidationError
    from analysis.extract import pipeline

    book = tmp_path / "_book"
    book.mkdir()
    (book / "index.html").write_text("the last good book")
    before = {p.name: p.read_bytes() for p in extracts.iterdir() if p.is_file()}

    def failing(*args, **kwargs):
        raise ValidationError("extracts failed validation; previous extracts left in place\n  check x: 1 failing row")

    monkeypatch.setattr(pipeline, "up_to_date", lambda *a, **k: False)
    monkeypatch.setattr(pipeline, "build_extracts", failing)
    assert cli.main(["update", "--out", str(book)]) == 1
    err = capsys.readouterr().err
    assert "update failed" in err and "check x" in err
    assert (book / "index.html").read_text() == "the last good book"
    assert {p.name: p.read_bytes() for p in extracts.iterdir() if p.is_file()} == before
