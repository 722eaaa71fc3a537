"""USITC, UN Comtrade, BGS and USGS rare-earth history: real rows, and located errors.

Each extractor runs on the real mirror; the malformed-file tests copy one release file into
a temporary raw directory, break one cell, and check that the error names file, column and
row.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import warnings
from pathlib import Path

import pytest

from analysis.errors import ExtractError
from analysis.extract import bgs, comtrade, usgs_ree, usitc
from helpers import mirror

MIRROR = mirror()


@pytest.fixture(scope="module")
def trade():
    return usitc.extract(MIRROR)["core_usitc__trade"]


@pytest.fixture(scope="module")
def china_imports():
    return comtrade.extract(MIRROR)["core_comtrade__china_hs2846_imports"]


@pytest.fixture(scope="module")
def bgs_production():
    return bgs.extract(MIRROR)["core_bgs__world_production"]


@pytest.fixture(scope="module")
def ree():
    return usgs_ree.extract(MIRROR)


def _copy(folder: str, tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(MIRROR / folder, raw / folder)
    return raw


def _edit_xlsx(path: Path, sheet: str | None, cell: str, value) -> None:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    ws[cell] = value
    path.chmod(0o644)
    wb.save(path)


# ------------------------------------------------------------------------------ USITC

def test_usitc_real_row(trade):
    # Customs Value sheet, line 5: Australia, 7202 ferroalloys, value for kilograms, 1993.
    row = trade[(trade.flow == "imports_for_consumption") & (trade.hts_heading == "7202") & (trade.partner_iso3 == "AUS")
                & (trade.measure == "value_usd") & (trade.quantity_basis == "kilograms") & (trade.year == 1993)
                & (trade.period == "annual")]
    assert row["value"].tolist() == [19269344.0]
    assert row["source_row"].tolist() == [5] and row["unit"].tolist() == ["usd"]


def test_usitc_eighteen_partners_no_world_and_partial_year_flagged(trade):
    assert trade["partner_iso3"].nunique() == 18
    assert trade["partner_iso3"].notna().all()
    assert "World" not in set(trade["partner_name"])
    assert set(trade["flow"]) == {"imports_for_consumption", "domestic_exports"}
    # 2026 is only January-April: no annual rows, and its rows say they are partial.
    y2026 = trade[trade.year == 2026]
    assert set(y2026["period"]) == {"2026-01..04"} and y2026["is_partial_year"].all()
    assert trade.loc[trade.period == "annual", "year"].max() == 2025
    assert "18 SELECTED partner" in usitc.RESOURCES["core_usitc__trade"]["description"]


def test_usitc_malformed_cell_is_located(tmp_path):
    raw = _copy("usitc-dataweb", tmp_path)
    _edit_xlsx(raw / "usitc-dataweb" / "us_imports_for_consumption_1993-2026.xlsx", "Customs Value", "G6", "n/a")
    with pytest.raises(ExtractError) as err:
        usitc.extract(raw)
    e = err.value
    assert e.file.endswith("us_imports_for_consumption_1993-2026.xlsx")
    assert (e.column, e.row) == ("1994", 6)


# ------------------------------------------------------------------------------ Comtrade

def test_comtrade_world_and_partners(china_imports):
    y = china_imports[china_imports.year == 2024]
    world = y[y.aggregate_kind == "world_total"]
    assert world["value_usd"].tolist() == [1386613152.0]
    assert abs(y.loc[~(y.aggregate_kind == "world_total").fillna(False), "value_usd"].sum() - 1386613152.0) <= 1
    mmr = y[y.partner_iso3 == "MMR"]
    assert mmr["partner_code"].tolist() == [104] and mmr["value_usd"].iat[0] > 8e8
    assert set(china_imports["year"]) == set(range(1993, 2025))
    # Comtrade's non-country partners are flagged aggregates with no ISO code.
    nes = china_imports[china_imports.partner_code == 899]
    assert nes["is_aggregate"].all() and nes["partner_iso3"].isna().all()


def _rewrite_comtrade(raw: Path, year: int, mutate) -> None:
    folder = raw / comtrade.FOLDER
    path = folder / f"{year}.json"
    doc = json.loads(path.read_bytes())
    mutate(doc)
    blob = json.dumps(doc).encode()
    path.chmod(0o644)
    path.write_bytes(blob)
    manifest = json.loads((folder / "manifest.json").read_bytes())
    for f in manifest["files"]:
        if f["year"] == year:
            f["sha256"] = hashlib.sha256(blob).hexdigest()
    (folder / "manifest.json").chmod(0o644)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_comtrade_malformed_record_is_located(tmp_path):
    raw = _copy(comtrade.FOLDER, tmp_path)
    _rewrite_comtrade(raw, 2024, lambda d: d["data"][2].__setitem__("primaryValue", "8450"))
    with pytest.raises(ExtractError) as err:
        comtrade.extract(raw)
    assert err.value.file.endswith("2024.json")
    assert (err.value.column, err.value.row) == ("primaryValue", 3)


def test_comtrade_checksum_mismatch_is_an_error(tmp_path):
    raw = _copy(comtrade.FOLDER, tmp_path)
    path = raw / comtrade.FOLDER / "2010.json"
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"\n")  # same JSON, different bytes
    with pytest.raises(ExtractError, match="sha256"):
        comtrade.extract(raw)


# ------------------------------------------------------------------------------ BGS

def test_bgs_refined_cobalt_by_country(bgs_production):
    co = bgs_production[(bgs_production.commodity == "cobalt refined") & (bgs_production.value > 0)]
    assert {"COD", "CHN", "FIN"} <= set(co["country_iso3"])
    assert (co["commodity_id"] == "cobalt").all() and (co["stage"] == "refinery").all() and (co["unit"] == "t").all()
    china_2019 = co[(co.country_iso3 == "CHN") & (co.year == 2019)]
    assert china_2019["value"].tolist() == [86000.0]


def test_bgs_blank_cells_kept_and_flagged(bgs_production):
    blank = bgs_production[bgs_production.value_original == ""]
    assert len(blank) == 4208
    assert blank["value"].isna().all() and (blank["value_flag"] == "not_available").all()
    gas = bgs_production[bgs_production.commodity == "natural gas"]
    assert set(gas["unit"]) == {"million_m3"} and gas["commodity_id"].isna().all()
    # Dissolved states keep their own identity.
    assert set(bgs_production.loc[bgs_production.country_name_source == "Soviet Union", "country_iso3"]) == {"SUN"}


def test_bgs_malformed_value_is_located(tmp_path):
    raw = tmp_path / "raw" / bgs.FOLDER
    raw.mkdir(parents=True)
    lines = gzip.decompress((MIRROR / bgs.FOLDER / bgs.FILE).read_bytes()).decode().splitlines(keepends=True)
    assert lines[3].startswith("Azerbaijan;3;aluminium primary;;2012;")
    lines[3] = "Azerbaijan;3;aluminium primary;;2012;54,89O\n"
    (raw / bgs.FILE).write_bytes(gzip.compress("".join(lines).encode()))
    with pytest.raises(ExtractError) as err:
        bgs.extract(tmp_path / "raw")
    assert err.value.file.endswith("df_ukgs.csv.gz")
    assert (err.value.column, err.value.row) == ("value", 4)


def test_bgs_unknown_commodity_is_located(tmp_path):
    raw = tmp_path / "raw" / bgs.FOLDER
    raw.mkdir(parents=True)
    text = gzip.decompress((MIRROR / bgs.FOLDER / bgs.FILE).read_bytes()).decode()
    text += "Chile;999;unobtainium mine;;2021;5\n"
    (raw / bgs.FILE).write_bytes(gzip.compress(text.encode()))
    with pytest.raises(ExtractError, match="unobtainium") as err:
        bgs.extract(tmp_path / "raw")
    assert (err.value.column, err.value.row) == ("commodity_desc", text.count("\n"))


# ------------------------------------------------------------------------------ USGS rare earths

def test_ree_us_history_real_rows(ree):
    h = ree["core_usgs__rare_earths_us_history"].set_index(["statistic", "year"])
    assert h.loc[("production", 1900), "value"] == 227.0
    assert h.loc[("world_production", 2020), "value"] == 243000.0
    assert h.loc[("production", 1956), "value_flag"] == "withheld"
    assert h.loc[("imports", 1900), "value_flag"] == "not_available"
    # 2001-2006 apparent consumption are formulas in the workbook: value kept, flagged.
    assert h.loc[("apparent_consumption", 2001), "value"] == 10100.0
    assert h.loc[("apparent_consumption", 2001), "is_computed"]
    assert h["is_computed"].sum() == 6


def test_ree_myb2022_world_production(ree):
    w = ree["core_usgs__rare_earths_world_production_myb2022"].set_index(["country_name", "year"])
    assert w.loc[("China", 2022), "value"] == 210000.0 and w.loc[("China", 2022), "is_estimate"]
    assert not w.loc[("China", 2021), "is_estimate"]
    assert w.loc[("Australia", 2019), "is_estimate"]  # "Australiae": every year estimated
    assert w.loc[("Myanmar", 2022), "country_name_source"] == "Burmae"
    assert w.loc[("Burundi", 2022), "value_flag"] == "zero"
    assert w.loc[("Madagascar", 2021), "is_revised"]
    assert "Official production quota" in w.loc[("China", 2020), "footnotes"]
    assert w.loc[("Total", 2022), "aggregate_kind"] == "world_total"


def test_ree_malformed_cell_is_located(tmp_path):
    raw = _copy(usgs_ree.FOLDER, tmp_path)
    _edit_xlsx(raw / usgs_ree.FOLDER / usgs_ree.DS140, None, "B10", "about 186")
    with pytest.raises(ExtractError) as err:
        usgs_ree.extract(raw)
    assert err.value.file.endswith(usgs_ree.DS140)
    assert (err.value.column, err.value.row) == ("Production", 10)
