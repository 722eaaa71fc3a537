"""Every claim marked testable against primary data has a query file that runs on the real
extracts, on the read-only connection, and returns one row whose first column is the
comparable value; every curated claim points to rows that exist."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import curated, verdicts
from analysis.errors import PipelineError

CLAIMS = curated.load_table("claims")
PRIMARY = CLAIMS[CLAIMS["check_kind"] == "primary"]
CURATED = CLAIMS[CLAIMS["check_kind"] == "curated"]
FACTS = {t: curated.load_table(t) for t in curated.FACT_TABLES}


@pytest.fixture(scope="module")
def ro(extracts):
    con, cleanup = verdicts.read_only_database(extracts)
    yield con
    cleanup()


def _claim(claim_id: str) -> pd.Series:
    return CLAIMS.loc[CLAIMS["claim_id"] == claim_id].iloc[0]


def test_no_sql_left_in_the_csvs():
    """The queries are files under analysis/sql/claims/, reviewed like every other query."""
    assert not CLAIMS["check"].str.contains(r"\bSELECT\b", case=False).any()
    assert (PRIMARY["check"] == "claims/" + PRIMARY["claim_id"] + ".sql").all()
    files = {p.stem for p in verdicts.CLAIM_SQL_DIR.glob("*.sql")}
    assert files == set(PRIMARY["claim_id"]), files ^ set(PRIMARY["claim_id"])


@pytest.mark.parametrize("claim_id, check", list(zip(PRIMARY["claim_id"], PRIMARY["check"])), ids=list(PRIMARY["claim_id"]))
def test_claim_query_returns_one_comparable_value(ro, claim_id, check):
    primary = verdicts.run_query(ro, claim_id, check)
    assert primary.release, f"{claim_id}: the query names no release"
    assert primary.data_year, f"{claim_id}: the query names no data year"


@pytest.mark.parametrize("sql", [
    "COPY (SELECT 1) TO '{tmp}/leak.csv'",
    "SELECT * FROM read_csv('/etc/hostname')",
    "SET enable_external_access = true",
    "CREATE TABLE x AS SELECT 1",
    "ATTACH '{tmp}/other.duckdb'",
])
def test_claim_queries_cannot_touch_files_or_change_settings(ro, tmp_path, monkeypatch, sql):
    """A query named in a CSV can read the extracts and nothing else, and write nothing; a
    failure names the claim and the file."""
    monkeypatch.setattr(verdicts, "SQL_DIR", tmp_path)
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "x-001.sql").write_text(sql.format(tmp=tmp_path))
    with pytest.raises(PipelineError, match=r"claim x-001: query analysis/sql/claims/x-001\.sql failed"):
        verdicts.run_query(ro, "x-001", "claims/x-001.sql")
    assert not (tmp_path / "leak.csv").exists()


def test_a_missing_or_malformed_query_names_claim_and_file(ro, tmp_path, monkeypatch):
    monkeypatch.setattr(verdicts, "SQL_DIR", tmp_path)
    with pytest.raises(PipelineError, match=r"claim x-002: query file analysis/sql/claims/x-002\.sql does not exist"):
        verdicts.run_query(ro, "x-002", "claims/x-002.sql")
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "x-003.sql").write_text("SELECT 1 AS v UNION ALL SELECT 2")
    with pytest.raises(PipelineError, match=r"claim x-003: query analysis/sql/claims/x-003\.sql returned 2 rows"):
        verdicts.run_query(ro, "x-003", "claims/x-003.sql")


def test_a_known_result(ro):
    """The 2022 list has 50 minerals (Sun, citing the final list): the check must say 50."""
    assert verdicts.run_query(ro, "sun2024battery-003", "claims/sun2024battery-003.sql").value == 50


# --------------------------------------------------------------------------- curated claims

@pytest.mark.parametrize("claim_id, ref", list(zip(CURATED["claim_id"], CURATED["check"])), ids=list(CURATED["claim_id"]))
def test_curated_reference_resolves(claim_id, ref):
    rows = curated.resolve_ref(curated.parse_curated_ref(ref), FACTS)
    assert not rows.empty, claim_id


def test_msp_founding_lines_up_with_its_event():
    """Cheng dates the MSP's founding to June 2022 (section 2.2); the State Department
    launched it on 2022-06-14, so the event must carry that day and the claim's month."""
    claim = _claim("cheng2024friendshoring-046")
    fact = verdicts.curated_fact(claim, FACTS)
    assert (fact.value, fact.precision) == ("2022-06-14", "day")
    assert verdicts.curated_verdict(verdicts.as_claim(claim), fact).code == "confirmed"


def test_msp_founding_count_is_counted_as_of_2022():
    """'10 countries and organisations' with the US make 11 founding members in 2022; the
    four later joiners must not be counted for 2022, but are counted today."""
    assert verdicts.curated_fact(_claim("cheng2024friendshoring-050"), FACTS).value == 11
    assert verdicts.curated_fact(_claim("cheng2024friendshoring-048"), FACTS).value == 10
    assert verdicts.curated_fact(_claim("cheng2024friendshoring-051"), FACTS).value == 15


def test_a_funding_claim_shows_amount_and_qualifier():
    fact = verdicts.curated_fact(_claim("sun2024battery-087"), FACTS)
    assert (fact.value, fact.qualifier) == (3.5e9, "up_to")
    assert fact.text.endswith(": up to 3,500,000,000 USD")
