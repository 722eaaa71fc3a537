"""USGS MCS world production and reserves (editions 2023-2026), tested on the real releases.

Every expected value was read off the mirror file (and line) named in the test.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis.errors import ExtractError
from helpers import mirror_copy, one_row, mirror
from analysis.extract import corrections
from analysis.extract import usgs_mcs_world as world
from analysis.extract import usgs_mcs_world_files as world_files
from analysis.extract.commodities import commodity_id, known_names
from analysis.paths import REFERENCE_DIR, SQL_DIR

MIRROR = mirror("usgs-mcs-2026")
CHECKS = sorted((SQL_DIR / "validate").glob("usgs_mcs_world__*.sql"))
PROD, RES = world.PRODUCTION, world.RESERVES


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return world.extract(MIRROR)




def _checks(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    con = duckdb.connect()
    for name, frame in tables.items():
        con.register(name, frame)
    return {p.stem: con.execute(p.read_text()).df() for p in CHECKS}


# ------------------------------------------------------------------------ shape and metadata

def test_columns_and_keys_match_resources(tables):
    for name in (PROD, RES, world.REVISIONS):
        frame = tables[name]
        assert list(frame.columns) == list(world.RESOURCES[name]["fields"]), name
        assert not frame.duplicated(world.RESOURCES[name]["primary_key"]).any(), name
    assert set(tables[PROD]["edition"]) == {2023, 2024, 2025, 2026}


def test_row_counts_match_reviewed_file(tables):
    expected = pd.read_csv(REFERENCE_DIR / "row_counts.csv", dtype=str)
    for name, col in ((PROD, "edition"), (RES, "edition"), (world.REVISIONS, "edition_to")):
        got = tables[name].groupby(col).size()
        exp = expected[expected["table"] == name].set_index("edition")["rows"].astype(int)
        assert {int(k): int(v) for k, v in got.items()} == {int(k): int(v) for k, v in exp.items()}, name


# ------------------------------------------------------------------------ one real row per quirk

def test_withheld_W(tables):
    # mcs2023-barit_world.csv line 2: United States, Prod_kt_2021 = W
    row = one_row(tables[PROD], edition=2023, commodity_id="barite", country_name="United States", year=2021)
    assert row.value_original == "W" and row.value_flag == "withheld" and pd.isna(row.value)


def test_estimate_prefix_and_kt_to_t(tables):
    # mcs2024-sandi_world.csv line 4: Australia, Prod_kt_2022 = e5,000 (thousand metric tons)
    row = one_row(tables[PROD], edition=2024, commodity_id="sand_and_gravel_industrial", country_name="Australia", year=2022)
    assert row.value_original == "e5,000" and row.is_estimate
    assert row.value == 5_000_000 and row.unit == "t" and row.unit_original == "thousand metric tons"


def test_kt_to_t_2026_long_file(tables):
    # usgs_mcs2026_commodities_data.csv line 635: barite, China, 2024, "2,100" thousand metric tons
    row = one_row(tables[PROD], edition=2026, commodity_id="barite", country_name="China", year=2024)
    assert (row.value, row.unit, row.value_original, row.source_row) == (2_100_000, "t", "2,100", 635)


def test_lower_bound(tables):
    # mcs2023-nicke_world.csv line 12: World total (rounded), Reserves_t = >100,000,000
    row = one_row(tables[RES], edition=2023, commodity_id="nickel", country_name="World")
    assert row.value_flag == "lower_bound" and row.value_low == 100_000_000 and pd.isna(row.value)


def test_range(tables):
    # The world files hold no en-dash range; the 2026 file writes ranges with a hyphen:
    # line 8533, yttrium world total 2025 = "10,000 - 15,000" metric tons.
    row = one_row(tables[PROD], edition=2026, commodity_id="yttrium", country_name="World", year=2025)
    assert row.value_flag == "range" and (row.value_low, row.value_high) == (10_000, 15_000)


def test_footnote_aggregate_never_a_country(tables):
    # mcs2023-pumic_world.csv line 20: "Other countries6"
    row = one_row(tables[PROD], edition=2023, commodity_id="pumice_and_pumicite", country_name_source="Other countries6", year=2021)
    assert row.is_aggregate and row.aggregate_kind == "other_countries" and pd.isna(row.country_iso3)
    assert row.country_name == "Other countries" and row.value == 710_000
    aggregates = pd.concat([tables[PROD], tables[RES]])
    assert aggregates.loc[aggregates["is_aggregate"], "country_iso3"].isna().all()


def test_gemanium_typo_is_germanium(tables):
    assert commodity_id("Gemanium", file="t") == "germanium"
    row = one_row(tables[PROD], edition=2025, commodity_name="Gemanium", country_name="China", year=2024)
    assert row.commodity_id == "germanium" and row.value_flag == "not_available"


def test_rare_earths_spellings_one_id(tables):
    for name in ("Rare earths", "RARE EARTHS", "Rare Earths", "RARE EARTHS, compounds and metals"):
        assert commodity_id(name, file="t") == "rare_earths"
    names = tables[PROD].loc[tables[PROD]["commodity_id"] == "rare_earths", "commodity_name"]
    assert {"Rare earths", "RARE EARTHS"} <= set(names)


def test_unknown_commodity_is_an_error():
    with pytest.raises(ExtractError) as err:
        commodity_id("Unobtainium", file="f.csv", column="Commodity", row=7)
    assert (err.value.file, err.value.column, err.value.row) == ("f.csv", "Commodity", 7)
    assert "Gemanium" in known_names() and "ARSENIC, all forms" in known_names()


def test_2026_brazil_rare_earth_erratum(tables):
    row = one_row(tables[RES], edition=2026, commodity_id="rare_earths", country_name="Brazil")
    assert row.value == 11_000_000 and row.value_original == "21,000,000"
    assert row.errata_id == "usgs_mcs_2026_v1.3_raree_brazil"
    total = one_row(tables[RES], edition=2026, commodity_id="rare_earths", country_name="World")
    assert total.value_low == 75_000_000 and total.value_original == ">85,000,000" and total.errata_id is not pd.NA
    assert tables[RES]["errata_id"].notna().sum() == 2


def test_erratum_matching_no_row_is_an_error(tables, monkeypatch):
    errata = world.load_errata().copy()
    errata.loc[0, "value_published"] = "22,000,000"
    frames = {k: v.copy() for k, v in tables.items()}
    with pytest.raises(ExtractError, match="matches no row"):
        world.apply_errata(frames, errata)


def test_2025_unit_fix_titanium_concentrates(tables):
    # MCS2025_World_Data.csv line 1124: China ilmenite 3250 labelled "metric tons" (thousand in fact)
    row = one_row(tables[PROD], edition=2025, commodity_id="titanium_mineral_concentrates", country_name="China", year=2023)
    assert row.value == 3_250_000 and row.unit_original == "metric tons"
    assert (row.unit_read, row.unit_correction_id) == ("thousand metric tons", "usgs_mcs_2025_timin_kt")


# ------------------------------------------------------------------------ units: notes and reviewed corrections

def _res(tables, edition, commodity, country, **more):
    return one_row(tables[RES], edition=edition, commodity_id=commodity, country_name=country, **more)


def test_note_unit_reads_only_unit_statements():
    assert world_files.note_unit(" (Reserve data is thousand metric tons).") == "thousand metric tons"
    assert world_files.note_unit("NA (Reserve data is thousand metric tons).") == "thousand metric tons"
    assert world_files.note_unit("Crude Ore, million metric tons") == "million metric tons"
    assert world_files.note_unit("Units are thousand metric tons, gross weight, of marketable chromite ore.") == "thousand metric tons"
    # a quantity, not the table's unit
    assert world_files.note_unit("For Australia, Joint Ore Reserves Committee-compliant or equivalent reserves were 27 million tons.") is None
    assert world_files.note_unit("Shipping grade") is None and world_files.note_unit("") is None


def test_2023_chromium_production_unit_from_note(tables):
    # mcs2023-chrom_world.csv line 6: South Africa, Prod_t_2021 = 18600, Prod_notes "Units are thousand
    # metric tons, gross weight, ..." (the metadata names the column Prod_kt_2021; MCS 2024 Prod_kt 19,100 for 2022)
    row = one_row(tables[PROD], edition=2023, commodity_id="chromium", country_name="South Africa", year=2021)
    assert (row.value, row.source_row, row.value_original) == (18_600_000, 6, "18600")
    assert (row.unit_original, row.unit_read, row.unit_correction_id) == ("metric tons", "thousand metric tons", "note:Prod_notes")


def test_2025_molybdenum_reserves_unit_from_note_on_other_rows(tables):
    # MCS2025_World_Data.csv line 712: Chile, UNIT_MEAS "metric tons", RESERVES_2024 = 1400, no note on the
    # row; lines 707/716/719/723 say "(Reserve data is thousand metric tons)." MCS 2024: Reserves_kt 1400.
    row = _res(tables, 2025, "molybdenum", "Chile")
    assert (row.value, row.source_row, row.value_original) == (1_400_000, 712, "1400")
    assert (row.unit_original, row.unit_read, row.unit_correction_id) == ("metric tons", "thousand metric tons", "note:RESERVE_NOTES")
    assert _res(tables, 2024, "molybdenum", "Chile").value == row.value
    prod = one_row(tables[PROD], edition=2025, commodity_id="molybdenum", country_name="Chile", year=2024)
    assert prod.value == 38_000 and pd.isna(prod.unit_correction_id)  # production stays in metric tons


def test_2025_vanadium_reserves_unit_from_world_total_note(tables):
    # line 1192: World total RESERVES_2024 = 18000 " (Reserve data is thousand metric tons)."; line 1187:
    # Australia 8500 with no unit note (its JORC note says "reserves were 3 million tons").
    assert _res(tables, 2025, "vanadium", "World").value == 18_000_000
    row = _res(tables, 2025, "vanadium", "Australia")
    assert (row.value, row.source_row, row.unit_correction_id) == (8_500_000, 1187, "note:RESERVE_NOTES")


def test_2025_iron_ore_reserves_in_million_tons_from_note(tables):
    # line 537: Australia, UNIT_MEAS "thousand metric tons", RESERVES_2024 = 58000, "Crude Ore, million metric tons";
    # MCS 2026 line 3821: 59,000 million metric tons for 2025.
    row = _res(tables, 2025, "iron_ore", "Australia", source_row=537)
    assert row.value == 58_000_000_000 and row.unit_read == "million metric tons"
    assert _res(tables, 2026, "iron_ore", "Australia", source_row=3821).value == 59_000_000_000


def test_2024_selenium_reserves_reviewed_correction(tables):
    # mcs2024-selen_world.csv line 2: United States, Reserves_kt = 11000; the metadata names the column
    # Reserves_t, MCS 2023 Reserves_t has 10000 and MCS 2025 10000 metric tons.
    row = _res(tables, 2024, "selenium", "United States")
    assert (row.value, row.value_original, row.source_row) == (11_000, "11000", 2)
    assert (row.unit_original, row.unit_read, row.unit_correction_id) == \
        ("thousand metric tons", "metric tons", "usgs_mcs_2024_selen_reserves_t")
    assert _res(tables, 2023, "selenium", "United States").value == 10_000
    assert _res(tables, 2025, "selenium", "United States").value == 10_000


def test_2023_rhenium_reserves_reviewed_correction(tables):
    # mcs2023-rheni_world.csv line 2: United States, Reserves_kt = 400000; metadata Reserves_kg; 400,000 kg in 2024-2026.
    row = _res(tables, 2023, "rhenium", "United States")
    assert row.value == 400 and row.unit_correction_id == "usgs_mcs_2023_rheni_reserves_kg"
    assert [_res(tables, e, "rhenium", "United States").value for e in (2024, 2025, 2026)] == [400, 400, 400]


def test_talc_and_vanadium_reserves_reviewed_corrections(tables):
    # mcs2024-talc_world.csv line 2: United States (crude), Reserves_t = 140000 (metadata: Reserves_kt)
    talc = _res(tables, 2024, "talc_and_pyrophyllite", "United States")
    assert talc.value == 140_000_000 and talc.unit_correction_id == "usgs_mcs_2024_talc_reserves_kt"
    assert _res(tables, 2023, "talc_and_pyrophyllite", "United States").value == talc.value
    # mcs2023-vanad_world.csv line 8: World total, Reserves_t = 26000; usgs_mcs2026 line 8392: 21,000 "metric tons"
    v23 = _res(tables, 2023, "vanadium", "World")
    v26 = _res(tables, 2026, "vanadium", "World")
    assert (v23.value, v23.source_row, v23.unit_correction_id) == (26_000_000, 8, "usgs_mcs_2023_vanad_reserves_kt")
    assert (v26.value, v26.source_row, v26.unit_correction_id) == (21_000_000, 8392, "usgs_mcs_2026_vanad_reserves_kt")
    assert _res(tables, 2024, "vanadium", "World").value == 19_000_000 and \
        pd.isna(_res(tables, 2024, "vanadium", "World").unit_correction_id)


def test_2025_industrial_sand_production_reviewed_correction(tables):
    # MCS2025_World_Data.csv line 933: United States, "metric tons", PROD_2023 = 133000 (the 2025 salient file:
    # Sold_kt 133,000 for 2023); MCS 2024 Prod_kt_est_2023 = 130,000.
    row = one_row(tables[PROD], edition=2025, commodity_id="sand_and_gravel_industrial", country_name="United States", year=2023)
    assert (row.value, row.source_row) == (133_000_000, 933)
    assert row.unit_correction_id == "usgs_mcs_2025_sandi_production_kt" and row.unit_original == "metric tons"
    prev = one_row(tables[PROD], edition=2024, commodity_id="sand_and_gravel_industrial", country_name="United States", year=2023)
    assert prev.value == 130_000_000


def test_every_unit_correction_is_applied(tables):
    rows = corrections.for_scope(corrections.WORLD)  # the world rows of the shared file
    ids = {c.correction_id for c in rows}
    assert {"usgs_mcs_2023_rheni_reserves_kg", "usgs_mcs_2024_selen_reserves_t", "usgs_mcs_2026_vanad_reserves_kt"} <= ids
    assert not any("/salient/" in c.source_file for c in rows)
    assert len(ids) == len(rows) and all(len(c.evidence) > 80 for c in rows)
    applied = set(pd.concat([tables[PROD], tables[RES]])["unit_correction_id"].dropna())
    assert ids <= applied


def test_unit_correction_matching_no_row_is_an_error(tables):
    rows = [dataclasses.replace(c, unit_published="metric tons") if c.correction_id == "usgs_mcs_2024_selen_reserves_t" else c
            for c in corrections.for_scope(corrections.WORLD)]
    long = world_files._extract_percommodity(MIRROR, 2024)
    long["commodity_id"] = long["commodity_id"].astype(str)
    with pytest.raises(ExtractError, match="usgs_mcs_2024_selen_reserves_t matches no row") as err:
        world_files.apply_unit_corrections(long, 2024, tuple(rows))
    selen = next(c for c in rows if c.correction_id == "usgs_mcs_2024_selen_reserves_t")
    assert (err.value.file, err.value.column, err.value.row) == ("data/reference/unit_corrections.csv", "correction_id", selen.line)


def test_revisions_rare_earth_reserves(tables):
    rev = tables[world.REVISIONS]
    brazil = one_row(rev, commodity_id="rare_earths", table="world_reserves", country_name="Brazil", edition_to=2026)
    assert brazil.value_to == 11_000_000 and brazil.change_pct == pytest.approx(100 * (11 - 21) / 21)


# ------------------------------------------------------------------------ malformed inputs

def _mirror_copy(tmp_path: Path, replace: str) -> Path:
    return mirror_copy(MIRROR, tmp_path, replace, prefix="usgs-mcs-")


def test_malformed_value_names_file_column_row(tmp_path):
    rel = "usgs-mcs-2023/world/mcs2023-cobal_world.csv"
    raw = _mirror_copy(tmp_path, rel)
    path = raw / rel
    text = path.read_text(encoding="utf-8-sig").replace("Canada,\"Mine production, metric tons of contained cobalt\",4361,",
                                                        "Canada,\"Mine production, metric tons of contained cobalt\",about 4361,")
    path.write_text(text, encoding="utf-8-sig")
    with pytest.raises(ExtractError) as err:
        world.extract(raw)
    assert (err.value.file, err.value.column, err.value.row) == (rel, "Prod_t_2021", 4)


def test_unknown_commodity_in_2025_file(tmp_path):
    rel = "usgs-mcs-2025/world/MCS2025_World_Data.csv"
    raw = _mirror_copy(tmp_path, rel)
    path = raw / rel
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    lines[2] = lines[2].replace("MCS2025,Abrasives,", "MCS2025,Abrasivez,", 1)
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    with pytest.raises(ExtractError) as err:
        world.extract(raw)
    assert (err.value.file, err.value.column, err.value.row) == (rel, "COMMODITY", 3)


def test_missing_column_2026(tmp_path):
    rel = "usgs-mcs-2026/usgs_mcs2026_commodities_data.csv"
    raw = _mirror_copy(tmp_path, rel)
    path = raw / rel
    data = path.read_bytes().replace(b"Statistics_detail", b"Statistic_detail", 1)
    path.write_bytes(data)
    with pytest.raises(ExtractError) as err:
        world.extract(raw)
    assert err.value.file == rel and err.value.column == "Statistics_detail"


# ------------------------------------------------------------------------ validation SQL

def test_validation_sql_passes_on_real_data(tables):
    exceptions = pd.read_csv(REFERENCE_DIR / "validation_exceptions.csv", comment="#", dtype=str)
    for stem, failing in _checks(tables).items():
        keys = [json.loads(k) for k in exceptions.loc[exceptions["check"] == stem, "key"]]
        for _, row in failing.iterrows():
            ok = any(all(str(row[c]) == str(v) or str(row[c]) == f"{v}.0" for c, v in key.items()) for key in keys)
            assert ok, f"{stem}: unexplained failing row {row.to_dict()}"


def test_validation_sql_catches_injected_rows(tables):
    prod = tables[PROD].copy()
    congo = (prod["edition"] == 2026) & (prod["commodity_id"] == "cobalt") & (prod["country_name"] == "DR Congo") \
        & (prod["year"] == 2025)
    assert congo.sum() == 1
    prod.loc[congo, "value"] = prod.loc[congo, "value"] * 2  # breaks the world total
    dup = prod[congo]
    negative = dup.iloc[[0]].assign(year=1999, value=-1.0)
    bad = pd.concat([prod, dup.iloc[[0]], negative], ignore_index=True)  # a duplicate key, a negative value
    frames = {**tables, PROD: bad}
    got = _checks(frames)
    assert len(got["usgs_mcs_world__unique_key"]) == 1
    assert len(got["usgs_mcs_world__values_valid"]) == 1
    sums = got["usgs_mcs_world__countries_sum_to_world"]
    assert ((sums["commodity_id"] == "cobalt") & (sums["edition"] == 2026) & (sums["year"] == 2025)).any()


def test_unit_jump_validation_catches_injected_unit_error(tables):
    # Copper reserves of MCS 2025 read in metric tons instead of thousand metric tons: every country
    # drops by 1000 against 2024 and rises by 1000 into 2026.
    res = tables[RES].copy()
    copper = (res["edition"] == 2025) & (res["commodity_id"] == "copper")
    assert copper.sum() > 10
    res.loc[copper, ["value", "value_low", "value_high"]] /= 1000
    frames = {**tables, RES: res, world.REVISIONS: world.revisions(tables[PROD], res)}
    got = _checks(frames)["usgs_mcs_world__unit_jumps_between_editions"]
    hits = got[got["commodity_id"] == "copper"].set_index("edition_to")["median_ratio"]
    assert hits[2025] == pytest.approx(0.001) and hits[2026] == pytest.approx(1000, rel=0.2)
    assert set(got["commodity_id"]) == {"copper", "gypsum"}  # gypsum: the reviewed exception


def test_unit_jump_validation_fails_without_the_release_note(tmp_path):
    # Without its "(Reserve data is thousand metric tons)." notes the 2025 molybdenum reserves would be
    # read as metric tons; the validation must then name molybdenum 2024->2025 and 2025->2026.
    rel = "usgs-mcs-2025/world/MCS2025_World_Data.csv"
    raw = _mirror_copy(tmp_path, rel)
    path = raw / rel
    text = path.read_text(encoding="utf-8-sig")
    assert text.count("(Reserve data is thousand metric tons).") == 5
    lines = [ln.replace("(Reserve data is thousand metric tons).", "") if ",Molybdenum ," in ln else ln
             for ln in text.split("\n")]
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    got = _checks(world.extract(raw))["usgs_mcs_world__unit_jumps_between_editions"]
    moly = got[got["commodity_id"] == "molybdenum"]
    assert list(moly["edition_to"]) == [2025, 2026] and set(moly["table"]) == {"world_reserves"}
