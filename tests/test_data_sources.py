"""Appendix A's tables come from the metadata, the manifest and the reference files."""
from __future__ import annotations

import csv

from analysis import paths
from analysis.chapters import data_sources


def test_every_extract_table_is_listed_with_its_rows(extracts):
    listed = data_sources.extract_tables()
    on_disk = sorted(p.stem for p in extracts.glob("*.parquet"))
    assert sorted(listed["Table"]) == on_disk
    assert all(int(r.replace(",", "")) > 0 for r in listed["Rows"])


def test_every_erratum_is_shown_as_applied(extracts):
    errata = data_sources.errata_table()
    with open(paths.REFERENCE_DIR / "errata.csv", newline="", encoding="utf-8") as fh:
        assert len(errata) == sum(1 for _ in csv.DictReader(fh))
    assert (errata["Rows corrected"] >= 1).all()


def test_sources_table_counts_every_manifest_file():
    with open(paths.SOURCES_CSV, newline="", encoding="utf-8") as fh:
        files = sum(1 for _ in csv.DictReader(fh))
    assert int(data_sources.sources_table()["Files"].sum()) == files
