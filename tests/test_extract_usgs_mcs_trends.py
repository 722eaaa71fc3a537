"""USGS MCS salient statistics and industry-trends tables, tested on the real releases.

Every expected value below was read off the mirror file named in the test; a change in
the extract that breaks one of them is a change in what the report says.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis.errors import ExtractError
from helpers import mirror_copy, one_row, mirror
from analysis.extract import corrections
from analysis.extract import usgs_mcs_salient as salient
from analysis.extract import usgs_mcs_trends as trends
from analysis.paths import SQL_DIR

MIRROR = mirror(trends.LONG_FILE)
CHECKS = sorted((SQL_DIR / "validate").glob("usgs_mcs_trends__*.sql"))


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {**salient.extract(MIRROR), **trends.extract(MIRROR)}




def _run_checks(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    con = duckdb.connect()
    for name, frame in tables.items():
        con.register(name, frame)
    return {p.stem: len(con.execute(p.read_text()).df()) for p in CHECKS}


# ---------------------------------------------------------------- net import reliance first

def test_nir_one_row_per_commodity_and_edition(tables):
    nir = tables["core_usgs_mcs__net_import_reliance"]
    assert not nir.duplicated(["edition", "commodity_id", "form", "year"]).any()
    assert (nir["year"] == nir["edition"] - 1).all()
    # Fig. 2 of MCS 2025 prints 64 commodities (lines 2-65 of the file).
    assert (nir["edition"] == 2025).sum() == 64


def test_nir_net_exporter_E(tables):
    # MCS 2026, Beryllium, 2025: "E" (line 907 of the long file).
    row = one_row(tables["core_usgs_mcs__net_import_reliance"], edition=2026, commodity_id="beryllium")
    assert row["value_original"] == "E"
    assert row["value_flag"] == "net_exporter"
    assert pd.isna(row["net_import_reliance_pct"])
    assert row["source_row"] == 907


def test_nir_lower_and_upper_bounds(tables):
    nir = tables["core_usgs_mcs__net_import_reliance"]
    # MCS 2025 Fig. 2 line 19: NEPHELINE SYENITE, ">95".
    row = one_row(nir, edition=2025, commodity_id="nepheline_syenite")
    assert (row["value_original"], row["value_flag"], row["value_low"]) == (">95", "lower_bound", 95.0)
    assert pd.isna(row["net_import_reliance_pct"]) and row["source_row"] == 19
    # MCS 2023 Fig. 2 line 53: "ZIRCONIUM, ores and concentrates", "<50".
    row = one_row(nir, edition=2023, commodity_id="zirconium")
    assert (row["value_flag"], row["value_high"]) == ("upper_bound", 50.0)


def test_nir_china_leading_with_hong_kong_note(tables):
    nir = tables["core_usgs_mcs__net_import_reliance"]
    # MCS 2025 Fig. 2 line 7: GRAPHITE (NATURAL), 100, "China, Canada, Mexico, Mozambique".
    row = one_row(nir, edition=2025, commodity_id="graphite_natural")
    assert row["net_import_reliance_pct"] == 100.0
    assert row["major_import_sources"] == "China, Canada, Mexico, Mozambique"
    assert row["import_sources_period"] == "2020–2023"
    assert (row["leading_import_source_iso3"], row["china_is_leading"], row["china_among_sources"]) == ("CHN", True, True)
    assert row["hong_kong_included_with_china"]
    # ... and a row where China is listed but not first: ALUMINUM "Canada, ..., China3" (footnote digit).
    row = one_row(nir, edition=2025, commodity_id="aluminum")
    assert (row["china_among_sources"], row["china_is_leading"], row["leading_import_source_iso3"]) == (True, False, "CAN")


def test_nir_2026_sources_from_share_rows(tables):
    nir = tables["core_usgs_mcs__net_import_reliance"]
    row = one_row(nir, edition=2026, commodity_id="graphite_natural")
    assert row["net_import_reliance_pct"] == 100.0 and row["china_is_leading"]
    assert row["import_sources_period"] == "2021–24"
    # Mica is printed as two blocks with the same labels: scrap and flake, then sheet.
    assert one_row(nir, edition=2026, commodity_id="mica_natural_sheet")["form"] == "Sheet"


# ---------------------------------------------------------------- salient statistics

def test_salient_withheld_W(tables):
    # mcs2025-lithium_salient.csv line 6: US production 2024 "W".
    row = one_row(tables["core_usgs_mcs__us_salient"], edition=2025, commodity_id="lithium", statistic_detail="USprod_t", year=2024)
    assert (row["value_original"], row["value_flag"], row["statistic"]) == ("W", "withheld", "production")
    assert pd.isna(row["value"])


def test_salient_e_estimate_and_kt_to_t(tables):
    # mcs2024-coppe_salient.csv line 5: post-consumer scrap 2022 "e150" in kt.
    row = one_row(tables["core_usgs_mcs__us_salient"], edition=2024, commodity_id="copper",
               statistic_detail="USprod_Post-consumer_kt", year=2022)
    assert row["is_estimate"] and row["value"] == 150_000.0
    assert (row["unit"], row["unit_original"], row["value_original"]) == ("t", "kt", "e150")


def test_salient_2026_lost_minus_sign(tables):
    # MCS 2026 line 5086 prints "?1" where MCS 2025 prints "−1" (niobium stockpile, 2021).
    row = one_row(tables["core_usgs_mcs__us_salient"], edition=2026, source_row=5086)
    assert (row["value_original"], row["value"]) == ("?1", -1.0)


def test_2026_cp1252_decoding(tables):
    sal = tables["core_usgs_mcs__us_salient"]
    # Line 5168: chapter "Nitrogen (Fixed)—Ammonia" with an em dash (0x97 in cp1252).
    assert one_row(sal, edition=2026, source_row=5168)["commodity_name"] == "Nitrogen (Fixed)\u2014Ammonia"
    assert "Exports: Fuller\u2019s earth" in set(sal.loc[sal["edition"] == 2026, "statistic_detail"])
    assert set(tables["core_usgs_mcs__import_sources"].query("edition == 2026")["period"]) == {"2021\u201324"}


def test_misfiled_salient_files_are_not_read(tables):
    files = set(tables["core_usgs_mcs__us_salient"]["source_file"])
    assert not files & (set(salient.NOT_SALIENT_FILES) | set(salient.MISALIGNED_FILES))


# ---------------------------------------------------------------- unit corrections

def test_gallium_2024_grams_are_kilograms(tables):
    # mcs2024-galli_salient.csv line 2: Consump_g 14900 for 2019; its _meta.xml says Consump_kg,
    # and MCS 2023 Consump_kg prints 14900 for 2019 too.
    sal = tables["core_usgs_mcs__us_salient"]
    row = one_row(sal, edition=2024, commodity_id="gallium", statistic_detail="Consump_g", year=2019)
    assert (row["value"], row["unit"], row["unit_original"], row["unit_correction_id"]) == \
        (14.9, "t", "g", "usgs_mcs_2024_galli_salient_consump_g")
    assert pd.isna(row["quality_flag"])
    assert one_row(sal, edition=2023, commodity_id="gallium", statistic_detail="Consump_kg", year=2019)["value"] == 14.9


def test_lead_2023_consumption_is_thousand_tons(tables):
    # mcs2023-lead_salient.csv line 3: Consump_t 1550 for 2019; metadata Consump_kt.
    row = one_row(tables["core_usgs_mcs__us_salient"], edition=2023, commodity_id="lead", statistic_detail="Consump_t", year=2019)
    assert (row["value"], row["unit_original"], row["unit_correction_id"]) == \
        (1_550_000.0, "t", "usgs_mcs_2023_lead_salient_consump_t")


def test_price_columns_labelled_as_masses(tables):
    sal = tables["core_usgs_mcs__us_salient"]
    # mcs2024-bauxi_salient.csv: Alumina_Price_kt 462 for 2021 is $/t (metadata Alumina_Price_dt).
    row = one_row(sal, edition=2024, commodity_id="bauxite_and_alumina", statistic_detail="Alumina_Price_kt", year=2021)
    assert (row["value"], row["unit"], row["unit_original"]) == (462.0, "usd_per_t", "kt")
    # mcs2024-mercu_salient.csv: Price_Imports_df 29 for 2021 is $/kg, not $/flask.
    row = one_row(sal, edition=2024, commodity_id="mercury", statistic_detail="Price_Imports_df", year=2021)
    assert (row["value"], row["unit"]) == (29_000.0, "usd_per_t")
    # MCS 2026 manganese: Unit 'dollars per metric ton', label '... dollars per metric ton unit'.
    row = one_row(sal, edition=2026, commodity_id="manganese", statistic="price", year=2022)
    assert (row["value"], row["unit"], row["unit_original"]) == (5.97, "usd_per_mtu", "dollars per metric ton")


def test_repeated_column_corrected_by_position(tables):
    # mcs2024-nicke_salient.csv has two columns "Price_dt dlb (both used)": $/t then $/lb.
    sal = tables["core_usgs_mcs__us_salient"]
    hit = sal[(sal["edition"] == 2024) & (sal["commodity_id"] == "nickel") & (sal["year"] == 2021)
              & (sal["statistic_detail"] == "Price_dt dlb (both used)")].sort_values("occurrence")
    assert hit["value"].round(0).tolist() == [18476.0, round(8.38 * salient.LB_PER_T)]


def test_glued_unit_reads_as_mass_outside_prices(tables):
    # mcs2024-tungs_salient.csv "Consump_Reportedt": metric tons (metadata Consump_Reported_t), not $/t.
    row = one_row(tables["core_usgs_mcs__us_salient"], edition=2024, commodity_id="tungsten", statistic_detail="Consump_Reportedt", year=2019)
    assert (row["unit"], row["unit_original"]) == ("t", "t") and pd.isna(row["unit_correction_id"])


def test_lead_2024_misaligned_labels_flagged(tables):
    sal = tables["core_usgs_mcs__us_salient"]
    lead = sal[sal["source_file"].isin(list(salient.LABELS_MISALIGNED))]
    assert len(lead) and (lead["quality_flag"] == "labels_misaligned").all()
    # "Price_LME_ctslb" holds 99.9 for 2019: the North American price of MCS 2023, not its LME 90.6.
    assert one_row(sal, edition=2024, commodity_id="lead", statistic_detail="Price_LME_ctslb", year=2019)["value_original"] == "99.9"


def _corrections_with(tmp_path: Path, row: str) -> Path:
    path = tmp_path / "unit_corrections.csv"
    path.write_text(",".join(corrections.HEADER) + "\n" + row + "\n", encoding="utf-8")
    return path


def test_correction_contradicting_metadata_stops_extract(tmp_path, monkeypatch):
    # mcs2024-galli_meta.xml says Consump_kg is kilograms; a correction to metric tons must fail.
    path = _corrections_with(tmp_path, "x,2024,usgs-mcs-2024/salient/mcs2024-galli_salient.csv,Consump_g,consumption,"
                                       "gallium,grams,metric tons,metadata: wrong on purpose")
    monkeypatch.setattr(corrections, "UNIT_CORRECTIONS_CSV", path)
    with pytest.raises(ExtractError) as err:
        salient.extract(MIRROR)
    assert err.value.row == 2 and "kilograms" in str(err.value)


def test_stale_correction_stops_extract(tmp_path, monkeypatch):
    path = _corrections_with(tmp_path, "x,2024,usgs-mcs-2024/salient/mcs2024-galli_salient.csv,Consump_mg,consumption,"
                                       "gallium,grams,kilograms,values checked by hand")
    monkeypatch.setattr(corrections, "UNIT_CORRECTIONS_CSV", path)
    with pytest.raises(ExtractError) as err:
        salient.extract(MIRROR)
    assert err.value.row == 2 and "matches no value" in str(err.value)


def test_unit_jump_check_catches_injected_unit_error(tables):
    bad = dict(tables)
    sal = tables["core_usgs_mcs__us_salient"].copy()
    # Read MCS 2025 gallium consumption (Consump_kg) as if its column said g, the MCS 2024 slip.
    hit = (sal["edition"] == 2025) & (sal["commodity_id"] == "gallium") & (sal["statistic_detail"] == "Consump_kg")
    assert hit.sum() == 5
    sal.loc[hit, "value"] = sal.loc[hit, "value"] / 1000
    bad["core_usgs_mcs__us_salient"] = sal
    failing = _run_checks(bad)
    assert failing["usgs_mcs_trends__salient_unit_jumps"] >= 2  # 2024->2025 and 2025->2026
    assert sum(failing.values()) == failing["usgs_mcs_trends__salient_unit_jumps"] + PUBLISHED_NEGATIVES


# ---------------------------------------------------------------- critical minerals

def test_critical_list_counts(tables):
    crit = tables["core_usgs_mcs__critical_minerals"]
    counts = crit[crit["counts_toward_list"].fillna(False)].groupby("list_year").size().to_dict()
    assert counts == {2018: 35, 2022: 50}
    groups_2018 = set(crit.query("list_year == 2018 and is_group")["commodity_id"])
    assert groups_2018 == {"rare_earths", "platinum_group_metals"}
    assert (crit.query("list_year == 2022")["group_id"] == "rare_earths").sum() == 14
    assert crit.query("list_year == 2025")["counts_toward_list"].isna().all()


def test_import_sources_shares(tables):
    src = tables["core_usgs_mcs__import_sources"]
    # MCS 2026 line 102: fused aluminum oxide (crude), China 92 %, "Includes Hong Kong.".
    row = one_row(src, edition=2026, source_row=102)
    assert (row["country_iso3"], row["share_pct"], row["rank"], row["notes"]) == ("CHN", 92.0, 1, "Includes Hong Kong.")
    other = one_row(src, edition=2026, source_row=103)
    assert other["aggregate_kind"] == "other_countries" and pd.isna(other["rank"])


# ---------------------------------------------------------------- malformed input

def _mirror_copy(tmp_path: Path, replace: str) -> Path:
    return mirror_copy(MIRROR, tmp_path, replace, prefix="usgs-mcs-")


def test_malformed_fig2_value_names_file_column_row(tmp_path):
    rel = "usgs-mcs-2025/industry-trends/MCS2025_Fig2_Net_Import_Reliance.csv"
    raw = _mirror_copy(tmp_path, rel)
    path = raw / rel
    text = path.read_text(encoding="utf-8-sig").replace('"ARSENIC, all forms",100,', '"ARSENIC, all forms",about 100,')
    path.write_text(text, encoding="utf-8-sig")
    with pytest.raises(ExtractError) as err:
        trends.extract(raw)
    assert (err.value.file, err.value.column, err.value.row) == (rel, "Net_Import_Reliance_pct_2024", 2)


def test_malformed_2026_encoding_names_row(tmp_path):
    rel = trends.LONG_FILE
    raw = _mirror_copy(tmp_path, rel)
    path = raw / rel
    lines = path.read_bytes().split(b"\n")
    lines[9] = lines[9].replace(b",metric tons,", b",metric tons\x81,", 1)  # 0x81 is undefined in cp1252
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ExtractError) as err:
        trends.extract(raw)
    assert err.value.file == rel and err.value.row == 10


def test_malformed_salient_unnamed_column(tmp_path):
    rel = "usgs-mcs-2025/salient/mcs2025-cobal_salient.csv"
    raw = _mirror_copy(tmp_path, rel)
    path = raw / rel
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[3] += ",123"  # a value beyond the last column name, line 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    with pytest.raises(ExtractError) as err:
        salient.extract(raw)
    assert (err.value.file, err.value.row) == (rel, 4) and "no name" in err.value.column


# ---------------------------------------------------------------- validation SQL

#: negative salient values MCS publishes outside stockpile shipments (asbestos imports,
#: tellurium and industrial-diamond exports), each a reviewed exception in
#: data/reference/validation_exceptions.csv
PUBLISHED_NEGATIVES = 4


def test_validations_pass_on_real_data(tables):
    assert len(CHECKS) == 6
    assert _run_checks(tables) == {p.stem: 0 for p in CHECKS} | {"usgs_mcs_trends__salient_non_negative": PUBLISHED_NEGATIVES}


def test_negative_salient_statistic_is_caught(tables):
    bad = dict(tables)
    sal = tables["core_usgs_mcs__us_salient"].copy()
    hit = (sal["edition"] == 2025) & (sal["commodity_id"] == "lithium") & (sal["statistic"] == "consumption")
    sal.loc[hit.idxmax(), "value"] = -1.0
    bad["core_usgs_mcs__us_salient"] = sal
    assert _run_checks(bad)["usgs_mcs_trends__salient_non_negative"] == PUBLISHED_NEGATIVES + 1


def test_validations_catch_injected_rows(tables):
    bad = dict(tables)
    nir = tables["core_usgs_mcs__net_import_reliance"].copy()
    nir.loc[0, "net_import_reliance_pct"] = 120.0
    bad["core_usgs_mcs__net_import_reliance"] = pd.concat([nir, nir.iloc[[1]]], ignore_index=True)
    src = tables["core_usgs_mcs__import_sources"].copy()
    src.loc[src["source_row"] == 102, "share_pct"] = 99.0  # China 99 % + Other countries 8 %
    bad["core_usgs_mcs__import_sources"] = src
    crit = tables["core_usgs_mcs__critical_minerals"]
    bad["core_usgs_mcs__critical_minerals"] = crit[crit["commodity_id"] != "uranium"]
    failing = _run_checks(bad)
    assert failing["usgs_mcs_trends__shares_within_0_100"] == 1
    assert failing["usgs_mcs_trends__unique_keys"] == 1
    assert failing["usgs_mcs_trends__import_shares_sum_to_100"] == 1
    assert failing["usgs_mcs_trends__critical_list_counts"] == 1
