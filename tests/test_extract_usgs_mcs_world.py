"""USGS MCS world production and reserves (editions 2023-2026), tested on the real releases.

Every expected value was read off the mirror file (and line) named in the test.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis.errors import ExtractError
from helpers import mirror_copy
from analysis.extract import usgs_mcs_world as world
from analysis.extract.commodities import commodity_id, known_names
from analysis.paths import REFERENCE_DIR, ROOT, SQL_DIR

MIRROR = Path(os.environ.get("DATA_MIRROR", ROOT.parent / "shared" / "data"))
pytestmark = pytest.mark.skipif(not (MIRROR / "usgs-mcs-2026").is_dir(), reason=f"no MCS mirror at {MIRROR}")
CHECKS = sorted((SQL_DIR / "validate").glob("usgs_mcs_world__*.sql"))
PROD, RES = world.PRODUCTION, world.RESERVES


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return world.extract(MIRROR)


def _one(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, val in where.items():
        mask &= (frame[col] == val).fillna(False)
    hit = frame[mask]
    assert len(hit) == 1, f"{len(hit)} rows for {where}"
    return hit.iloc[0]


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
    row = _one(tables[PROD], edition=2023, commodity_id="barite", country_name="United States", year=2021)
    assert row.value_original == "W" and row.value_flag == "withheld" and pd.isna(row.value)


def test_estimate_prefix_and_kt_to_t(tables):
    # mcs2024-sandi_world.csv line 4: Australia, Prod_kt_2022 = e5,000 (thousand metric tons)
    row = _one(tables[PROD], edition=2024, commodity_id="sand_and_gravel_industrial", country_name="Australia", year=2022)
    assert row.value_original == "e5,000" and row.is_estimate
    assert row.value == 5_000_000 and row.unit == "t" and row.unit_original == "thousand metric tons"


def test_kt_to_t_2026_long_file(tables):
    # usgs_mcs2026_commodities_data.csv line 635: barite, China, 2024, "2,100" thousand metric tons
    row = _one(tables[PROD], edition=2026, commodity_id="barite", country_name="China", year=2024)
    assert (row.value, row.unit, row.value_original, row.source_row) == (2_100_000, "t", "2,100", 635)


def test_lower_bound(tables):
    # mcs2023-nicke_world.csv line 12: World total (rounded), Reserves_t = >100,000,000
    row = _one(tables[RES], edition=2023, commodity_id="nickel", country_name="World")
    assert row.value_flag == "lower_bound" and row.value_low == 100_000_000 and pd.isna(row.value)


def test_range(tables):
    # The world files hold no en-dash range; the 2026 file writes ranges with a hyphen:
    # line 8533, yttrium world total 2025 = "10,000 - 15,000" metric tons.
    row = _one(tables[PROD], edition=2026, commodity_id="yttrium", country_name="World", year=2025)
    assert row.value_flag == "range" and (row.value_low, row.value_high) == (10_000, 15_000)


def test_footnote_aggregate_never_a_country(tables):
    # mcs2023-pumic_world.csv line 20: "Other countries6"
    row = _one(tables[PROD], edition=2023, commodity_id="pumice_and_pumicite", country_name_source="Other countries6", year=2021)
    assert row.is_aggregate and row.aggregate_kind == "other_countries" and pd.isna(row.country_iso3)
    assert row.country_name == "Other countries" and row.value == 710_000
    aggregates = pd.concat([tables[PROD], tables[RES]])
    assert aggregates.loc[aggregates["is_aggregate"], "country_iso3"].isna().all()


def test_gemanium_typo_is_germanium(tables):
    assert commodity_id("Gemanium", file="t") == "germanium"
    row = _one(tables[PROD], edition=2025, commodity_name="Gemanium", country_name="China", year=2024)
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
    row = _one(tables[RES], edition=2026, commodity_id="rare_earths", country_name="Brazil")
    assert row.value == 11_000_000 and row.value_original == "21,000,000"
    assert row.errata_id == "usgs_mcs_2026_v1.3_raree_brazil"
    total = _one(tables[RES], edition=2026, commodity_id="rare_earths", country_name="World")
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
    row = _one(tables[PROD], edition=2025, commodity_id="titanium_mineral_concentrates", country_name="China", year=2023)
    assert row.value == 3_250_000 and row.unit_original == "metric tons"


def test_revisions_rare_earth_reserves(tables):
    rev = tables[world.REVISIONS]
    brazil = _one(rev, commodity_id="rare_earths", table="world_reserves", country_name="Brazil", edition_to=2026)
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
