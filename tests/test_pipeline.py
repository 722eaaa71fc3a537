"""The extract pipeline: atomic replacement, row counts, SQL validations and exceptions.

Builds use a small raw directory (copies of the Comtrade and BGS releases), a registry
subset, and their own reference and SQL directories in tmp_path, so each test is fast and
leaves the project's files alone.
"""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from analysis import db, paths
from analysis.errors import ExtractError, PipelineError, ValidationError
from analysis.extract import bgs, comtrade
from analysis.extract.pipeline import build_extracts, load_registry
from helpers import mirror

MIRROR = mirror()
REGISTRY = ["comtrade", "bgs"]
ROWS = {"core_comtrade__china_hs2846_imports": 726, "core_bgs__world_production": 40012}


@pytest.fixture
def env(tmp_path):
    raw = tmp_path / "raw"
    for folder in (comtrade.FOLDER, bgs.FOLDER):
        shutil.copytree(MIRROR / folder, raw / folder)
        for p in (raw / folder).iterdir():
            p.chmod(0o644)
    ref = tmp_path / "reference"
    ref.mkdir()
    (ref / "row_counts.csv").write_text("table,edition,rows\n" + "".join(f"{t},,{n}\n" for t, n in ROWS.items()))
    (ref / "validation_exceptions.csv").write_text("# test exceptions\ncheck,key,reason\n")
    sql = tmp_path / "sql"
    (sql / "validate").mkdir(parents=True)
    for p in (paths.SQL_DIR / "validate").glob("*.sql"):
        if p.stem.startswith(("comtrade_", "bgs_")):
            shutil.copy(p, sql / "validate" / p.name)
    out = tmp_path / "data" / "extracts"

    def build(**kw):
        return build_extracts(raw, out, progress=False, registry=REGISTRY, reference_dir=ref, sql_dir=sql, **kw)

    return {"raw": raw, "ref": ref, "sql": sql, "out": out, "build": build}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _no_leftovers(out: Path) -> None:
    assert [p.name for p in out.parent.iterdir()] == [out.name], "staging or old directory left behind"


def test_build_writes_tables_and_manifest(env):
    manifest = env["build"]()
    out = env["out"]
    assert {p.name for p in out.iterdir()} == {"_manifest.json", *(f"{t}.parquet" for t in ROWS)}
    written = json.loads((out / "_manifest.json").read_text())
    assert written["tables"]["core_bgs__world_production"]["rows"] == 40012
    assert written["inputs"][f"{bgs.FOLDER}/{bgs.FILE}"] == "2c918afed706fd80352242fb7a700a1d83cb42ec71765337ba6fd5ec95ed4c55"
    assert set(written["validation"]["checks"]) >= {"comtrade_partners_sum_to_world", "bgs_key_unique"}
    assert manifest["code"]["code_sha256"] == written["code"]["code_sha256"]
    _no_leftovers(out)
    # The views are queryable through analysis.db, with named parameters.
    con = db.connect(out)
    n = con.execute("SELECT count(*) FROM core_comtrade__china_hs2846_imports WHERE year = $y", {"y": 2024}).fetchone()[0]
    assert n == 34
    assert db.query("validate/comtrade_partners_sum_to_world", con).empty


def test_malformed_input_leaves_previous_extracts_intact(env):
    env["build"]()
    before = _snapshot(env["out"])
    path = env["raw"] / bgs.FOLDER / bgs.FILE
    text = gzip.decompress(path.read_bytes()).decode().replace("Bahrain;3;aluminium primary;;2012;890217",
                                                                "Bahrain;3;aluminium primary;;2012;89O217", 1)
    path.write_bytes(gzip.compress(text.encode()))
    with pytest.raises(ExtractError) as err:
        env["build"]()
    assert (err.value.column, err.value.row) == ("value", 5)
    assert _snapshot(env["out"]) == before
    _no_leftovers(env["out"])


def test_row_count_mismatch_fails_naming_table_and_counts(env):
    env["build"]()
    before = _snapshot(env["out"])
    (env["ref"] / "row_counts.csv").write_text(
        "table,edition,rows\ncore_comtrade__china_hs2846_imports,,725\ncore_bgs__world_production,,40012\n")
    with pytest.raises(ValidationError, match=r"core_comtrade__china_hs2846_imports edition \(none\): expected 725 rows, built 726"):
        env["build"]()
    assert _snapshot(env["out"]) == before
    _no_leftovers(env["out"])


def test_missing_row_count_fails(env):
    (env["ref"] / "row_counts.csv").write_text("table,edition,rows\ncore_bgs__world_production,,40012\n")
    with pytest.raises(ValidationError, match="core_comtrade__china_hs2846_imports.*no expected row count"):
        env["build"]()
    assert not env["out"].exists()


FAILING_CHECK = """-- test: two real rows that this check declares failing
SELECT year, partner_code, partner_name FROM core_comtrade__china_hs2846_imports
WHERE year = 2024 AND partner_code IN (40, 56) ORDER BY partner_code
"""


def test_failing_validation_names_check_and_rows(env):
    env["build"]()
    before = _snapshot(env["out"])
    (env["sql"] / "validate" / "zz_test_failing.sql").write_text(FAILING_CHECK)
    with pytest.raises(ValidationError) as err:
        env["build"]()
    msg = str(err.value)
    assert "check zz_test_failing: 2 failing row(s)" in msg
    assert "'partner_name': 'Austria'" in msg and "'partner_name': 'Belgium'" in msg
    assert _snapshot(env["out"]) == before
    _no_leftovers(env["out"])


def test_exception_suppresses_exactly_its_row(env):
    (env["sql"] / "validate" / "zz_test_failing.sql").write_text(FAILING_CHECK)
    exceptions = env["ref"] / "validation_exceptions.csv"
    exceptions.write_text('check,key,reason\nzz_test_failing,"{""year"": 2024, ""partner_code"": 40}",test: Austria accepted\n'
                          'zz_test_failing,"{""no_such_column"": 1}",test: names a column the check does not return\n')
    with pytest.raises(ValidationError) as err:
        env["build"]()
    msg = str(err.value)
    # an exception naming a column the failing rows lack matches none of them, never all
    assert "1 failing row(s)" in msg and "Belgium" in msg and "Austria" not in msg

    exceptions.write_text('check,key,reason\n'
                          'zz_test_failing,"{""year"": 2024, ""partner_code"": 40}",test: Austria accepted\n'
                          'zz_test_failing,"{""partner_code"": 56, ""year"": ""2024""}",test: Belgium accepted\n'
                          'zz_test_failing,"{""partner_code"": 999}",test: matches nothing\n')
    manifest = env["build"]()
    suppressed = manifest["validation"]["suppressed"]
    assert sorted(s["row"]["partner_name"] for s in suppressed) == ["Austria", "Belgium"]
    assert manifest["validation"]["stale_exceptions"] == [{"check": "zz_test_failing", "key": {"partner_code": 999}, "reason": "test: matches nothing"}]


def test_broken_exception_key_is_an_error(env):
    (env["ref"] / "validation_exceptions.csv").write_text("check,key,reason\ncomtrade_key_unique,year=2024,bad\n")
    with pytest.raises(PipelineError, match="key is not JSON"):
        env["build"]()
    assert not env["out"].exists()
    _no_leftovers_parent = [p.name for p in env["out"].parent.iterdir()] if env["out"].parent.exists() else []
    assert _no_leftovers_parent == []


def test_registry_requires_every_module():
    with pytest.raises(PipelineError, match="analysis/extract/no_such_source.py is missing"):
        load_registry(["comtrade", "no_such_source"])
    assert set(load_registry()) == {"usgs_mcs_world", "usgs_mcs_salient", "usgs_mcs_trends", "usitc", "comtrade", "bgs", "usgs_ree"}


def test_up_to_date_only_while_inputs_are_unchanged(extracts, tmp_path, monkeypatch):
    """An unchanged rebuild may skip the extract; a changed release file, or changed
    extract code, may not."""
    import shutil

    from analysis import paths
    from analysis.extract import pipeline
    from analysis.extract.pipeline import up_to_date

    assert up_to_date(paths.raw_dir(), extracts)
    real = pipeline._code_version()
    with monkeypatch.context() as m:
        m.setattr(pipeline, "_code_version", lambda: {**real, "code_sha256": "0" * 64})
        assert not up_to_date(paths.raw_dir(), extracts)
    raw = tmp_path / "raw"
    shutil.copytree(paths.raw_dir(), raw)
    assert up_to_date(raw, extracts)
    changed = raw / "usgs-mcs-2026" / "usgs_mcs2026_version_history.txt"
    changed.write_bytes(changed.read_bytes() + b"\n")
    assert not up_to_date(raw, extracts)
    assert not up_to_date(raw, tmp_path / "no-extracts-here")


def test_check_table_refuses_a_column_of_the_wrong_type():
    """A year read as text (or a share as text) is a build error naming table and column."""
    import pandas as pd

    from analysis.extract.pipeline import check_table

    resource = {"primary_key": ["year"], "fields": {"year": {"type": "integer"}, "share_pct": {"type": "number"}}}
    check_table("core_x__y", pd.DataFrame({"year": [2024, 2025], "share_pct": [1.5, 2.0]}), resource)
    for bad in (pd.DataFrame({"year": ["2024", "2025"], "share_pct": [1.5, 2.0]}),
                pd.DataFrame({"year": [2024, 2025], "share_pct": ["1.5", "2.0"]})):
        with pytest.raises(ValidationError, match=r"table core_x__y: column '(year|share_pct)' has dtype"):
            check_table("core_x__y", bad, resource)
    with pytest.raises(ValidationError, match="not unique"):
        check_table("core_x__y", pd.DataFrame({"year": [2024, 2024], "share_pct": [1.5, 2.0]}), resource)
    with pytest.raises(ValidationError, match="not documented"):
        check_table("core_x__y", pd.DataFrame({"year": [2024], "share_pct": [1.5], "extra": [1]}), resource)
