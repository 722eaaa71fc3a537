"""The reviewed unit-corrections file: read once (analysis.extract.corrections), every row
given to exactly one extract, malformed rows reported by file, column and row."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import ExtractError
from analysis.extract import corrections
from analysis.extract import usgs_mcs_salient as salient
from analysis.extract import usgs_mcs_world as world
from analysis.extract import usgs_mcs_world_files as world_files
from analysis.paths import ROOT
from helpers import mirror

MIRROR = Path(os.environ.get("DATA_MIRROR", ROOT.parent / "shared" / "data"))


@pytest.fixture
def release_mirror():
    """Fails, never skips, without the mirror (helpers.mirror says why)."""
    return mirror(corrections.BOOK_FILE_2026)


needs_mirror = pytest.mark.usefixtures("release_mirror")

HEADER = ",".join(corrections.HEADER)
# Two real rows of data/reference/unit_corrections.csv (evidence shortened): one per extract.
WORLD_ROW = ("usgs_mcs_2024_selen_reserves_t,2024,usgs-mcs-2024/world/mcs2024-selen_world.csv,Reserves_kt,reserves,"
             "selenium,thousand metric tons,metric tons,metadata names the column Reserves_t")
SALIENT_ROW = ("usgs_mcs_2024_galli_salient_consump_g,2024,usgs-mcs-2024/salient/mcs2024-galli_salient.csv,Consump_g,"
               "consumption,gallium,grams,kilograms,metadata: mcs2024-galli_meta.xml names the column Consump_kg")


def _file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "unit_corrections.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _error(path: Path) -> ExtractError:
    with pytest.raises(ExtractError) as err:
        corrections.load(path)
    assert err.value.file == corrections.display_path(path) and str(path.name) in str(err.value)
    return err.value


# ------------------------------------------------------------------ the real file

def test_real_file_every_row_has_exactly_one_extract():
    rows = corrections.load()
    assert len(rows) == len(pd.read_csv(corrections.UNIT_CORRECTIONS_CSV, dtype=str))
    by_id = {c.correction_id: c for c in rows}
    assert len(by_id) == len(rows)
    # The scope rule on the rows that test it: world files, salient files, both kinds in the 2026 book.
    assert by_id["usgs_mcs_2025_timin_blank_kt"].scope == corrections.WORLD          # world/, no measure
    assert by_id["usgs_mcs_2026_vanad_reserves_kt"].scope == corrections.WORLD       # book file, Unit column, reserves
    assert by_id["usgs_mcs_2026_manga_salient_price_mtu"].scope == corrections.SALIENT  # book file, Statistics_detail
    assert by_id["usgs_mcs_2024_galli_salient_consump_g"].scope == corrections.SALIENT
    world_ids = {c.correction_id for c in corrections.for_scope(corrections.WORLD)}
    salient_ids = {c.correction_id for c in corrections.for_scope(corrections.SALIENT)}
    assert world_ids and salient_ids and not world_ids & salient_ids and world_ids | salient_ids == set(by_id)
    # The errors name the row: the line of the galli consumption row in the file itself.
    lines = corrections.UNIT_CORRECTIONS_CSV.read_text(encoding="utf-8").splitlines()
    assert lines[by_id["usgs_mcs_2024_galli_salient_consump_g"].line - 1].startswith("usgs_mcs_2024_galli_salient_consump_g,")


def test_one_unit_vocabulary_for_both_extracts():
    assert world_files.UNIT_STRINGS == {u: corrections.UNITS[u] for u in corrections.WORLD_UNITS}
    assert salient.LONG_UNITS == {u: corrections.UNITS[u] for u in corrections.SALIENT_UNITS}
    shared = set(world_files.UNIT_STRINGS) & set(salient.LONG_UNITS)
    assert {"thousand metric tons", "kilograms", "million carats"} <= shared
    assert all(world_files.UNIT_STRINGS[u] == salient.LONG_UNITS[u] for u in shared)


# ------------------------------------------------------------------ malformed files

def test_wrong_header(tmp_path):
    err = _error(_file(tmp_path, HEADER.replace("unit_corrected", "unit_fixed"), SALIENT_ROW))
    assert err.row == 1 and "unit_fixed" in err.detail


@pytest.mark.parametrize("field", ["correction_id", "column", "commodity_id", "unit_corrected", "evidence"])
def test_empty_required_field(tmp_path, field):
    cells = SALIENT_ROW.split(",")
    cells[corrections.HEADER.index(field)] = ""
    err = _error(_file(tmp_path, HEADER, WORLD_ROW, ",".join(cells)))
    assert (err.column, err.row) == (field, 3) and "empty" in err.detail


def test_duplicate_correction_id(tmp_path):
    other = SALIENT_ROW.replace("Consump_g,consumption", "Stocks_g,stocks")  # same id, other column
    err = _error(_file(tmp_path, HEADER, SALIENT_ROW, WORLD_ROW, other))
    assert (err.column, err.row) == ("correction_id", 4) and "repeats row 2" in err.detail


def test_second_correction_for_the_same_cells(tmp_path):
    err = _error(_file(tmp_path, HEADER, SALIENT_ROW, SALIENT_ROW.replace("consump_g,", "consump_g_again,", 1)))
    assert (err.column, err.row) == ("column", 3)


def test_edition_must_match_the_file(tmp_path):
    err = _error(_file(tmp_path, HEADER, SALIENT_ROW.replace(",2024,", ",2025,", 1)))
    assert (err.column, err.row) == ("edition", 2)


def test_wrong_number_of_fields(tmp_path):
    err = _error(_file(tmp_path, HEADER, WORLD_ROW, SALIENT_ROW.rsplit(",", 1)[0]))
    assert err.row == 3 and "8 fields" in err.detail


def test_unit_must_be_one_its_extract_reads(tmp_path):
    # A price unit is a salient unit, never a world-table one; thousand carats the reverse.
    err = _error(_file(tmp_path, HEADER, WORLD_ROW.replace(",metric tons,metadata", ",dollars per kilogram,metadata")))
    assert (err.column, err.row) == ("unit_corrected", 2) and "world" in err.detail
    err = _error(_file(tmp_path, HEADER, SALIENT_ROW.replace(",kilograms,", ",thousand carats,")))
    assert (err.column, err.row) == ("unit_corrected", 2) and "salient" in err.detail


# ------------------------------------------------------------------ scope

def test_row_for_a_file_no_extract_reads_is_rejected(tmp_path):
    fig2 = SALIENT_ROW.replace("usgs-mcs-2024/salient/mcs2024-galli_salient.csv", "usgs-mcs-2024/industry_trends/mcs2024-fig2.csv")
    err = _error(_file(tmp_path, HEADER, WORLD_ROW, fig2))
    assert (err.column, err.row) == ("source_file", 3) and "read by no extract" in err.detail


def test_book_unit_column_with_a_salient_measure_is_rejected(tmp_path):
    # The 2026 `Unit` column is the world tables' key; a price there belongs to no extract.
    row = (f"x,2026,{corrections.BOOK_FILE_2026},Unit,price,manganese,dollars per metric ton,"
           "dollars per metric ton unit,checked by hand against MCS 2025")
    err = _error(_file(tmp_path, HEADER, row))
    assert (err.column, err.row) == ("measure", 2)


def test_world_file_with_a_salient_measure_is_rejected(tmp_path):
    err = _error(_file(tmp_path, HEADER, WORLD_ROW.replace(",reserves,", ",consumption,")))
    assert (err.column, err.row) == ("measure", 2)


def test_unused_correction_is_named_by_its_row():
    rows = corrections.for_scope(corrections.SALIENT)
    stale = rows[3]
    with pytest.raises(ExtractError, match="matches no value") as err:
        corrections.require_all_used(rows, {c.correction_id for c in rows} - {stale.correction_id})
    assert (err.value.file, err.value.column, err.value.row) == \
        ("data/reference/unit_corrections.csv", "correction_id", stale.line)
    corrections.require_all_used(rows, {c.correction_id for c in rows})  # all used: no error


@needs_mirror
@pytest.mark.parametrize("module", [world, salient], ids=["world", "salient"])
def test_both_extracts_read_the_file_through_the_shared_loader(tmp_path, monkeypatch, module):
    # One malformed row stops either extract with the same error, though it is the other's row.
    other = SALIENT_ROW if module is world else WORLD_ROW
    bad = other.replace("usgs_mcs_2024_", "copy_of_", 1).replace(",2024,", ",2023,", 1)
    monkeypatch.setattr(corrections, "UNIT_CORRECTIONS_CSV", _file(tmp_path, HEADER, WORLD_ROW, SALIENT_ROW, bad))
    with pytest.raises(ExtractError) as err:
        module.extract(MIRROR)
    assert (err.value.column, err.value.row) == ("edition", 4)


# ------------------------------------------------------------------ salient rows carry the id

def test_salient_gallium_2024_consumption_carries_its_correction_id(extracts):
    sal = pd.read_parquet(extracts / "core_usgs_mcs__us_salient.parquet")
    rows = sal[(sal["edition"] == 2024) & (sal["commodity_id"] == "gallium") & (sal["statistic_detail"] == "Consump_g")]
    assert len(rows) == 5  # 2019-2023
    assert (rows["unit_correction_id"] == "usgs_mcs_2024_galli_salient_consump_g").all()
    assert rows["quality_flag"].isna().all() and (rows["unit_original"] == "g").all()
    # mcs2024-galli_salient.csv: Consump_g 14900 for 2019 is kilograms (14.9 t).
    assert rows.loc[rows["year"] == 2019, "value"].tolist() == [14.9]
    # Every salient correction is used, and `quality_flag` now only says labels_misaligned.
    assert set(sal["unit_correction_id"].dropna()) == {c.correction_id for c in corrections.for_scope(corrections.SALIENT)}
    assert set(sal["quality_flag"].dropna()) == {"labels_misaligned"}
    uncorrected = sal[sal["unit_correction_id"].isna()]
    assert not uncorrected.empty and "Consump_kg" in set(uncorrected["statistic_detail"])
