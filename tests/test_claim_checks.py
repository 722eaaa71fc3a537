"""Every claim marked testable against primary data carries a query that runs on the real
extracts and returns one row whose first column is the comparable value."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import curated
from analysis.chapters import verification

CLAIMS = curated.load_table("claims")
PRIMARY = CLAIMS[CLAIMS["check_kind"] == "primary"]
CURATED = CLAIMS[CLAIMS["check_kind"] == "curated"]
FACTS = {t: curated.load_table(t) for t in curated.FACT_TABLES}



def test_there_are_primary_checks():
    assert len(PRIMARY) >= 50


@pytest.mark.parametrize("claim_id, query", list(zip(PRIMARY["claim_id"], PRIMARY["check"])), ids=list(PRIMARY["claim_id"]))
def test_check_query_returns_one_comparable_value(con, claim_id, query):
    result = con.execute(query).df()
    assert len(result) == 1, f"{claim_id}: {len(result)} rows"
    assert pd.api.types.is_numeric_dtype(result.dtypes.iloc[0]), f"{claim_id}: first column is {result.iloc[0, 0]!r}"


def test_a_known_result(con):
    """The 2022 list has 50 minerals (Sun, citing the final list): the check must say 50."""
    row = PRIMARY[PRIMARY["claim_id"] == "sun2024battery-003"].iloc[0]
    assert con.execute(row["check"]).fetchone()[0] == 50


# --------------------------------------------------------------------------- curated claims

def _claim(claim_id: str) -> pd.Series:
    return CLAIMS.loc[CLAIMS["claim_id"] == claim_id].iloc[0]


def test_there_are_curated_checks():
    assert len(CURATED) >= 100


@pytest.mark.parametrize("claim_id, ref", list(zip(CURATED["claim_id"], CURATED["check"])), ids=list(CURATED["claim_id"]))
def test_curated_reference_resolves(claim_id, ref):
    rows = curated.resolve_ref(curated.parse_curated_ref(ref), FACTS)
    assert len(rows) >= 1, claim_id


def test_msp_founding_lines_up_with_its_event():
    """Cheng dates the MSP's founding to June 2022 (section 2.2); the State Department
    launched it on 2022-06-14, so the event must carry that day and the claim's month."""
    claim = _claim("cheng2024friendshoring-046")
    assert claim["value"] == "2022-06" and claim["check"].startswith("events:msp_launch_2022")
    fact = verification.curated_fact(claim, FACTS)
    assert (fact["date"], fact["precision"]) == ("2022-06-14", "day")
    assert fact["date"].startswith(claim["value"])


def test_msp_founding_count_is_counted_as_of_2022():
    """'10 countries and organisations' with the US make 11 founding members in 2022; the
    four later joiners (one undated) must not be counted for 2022, but are counted today."""
    founding = verification.curated_fact(_claim("cheng2024friendshoring-050"), FACTS)
    assert (founding["count"], founding["as_of"], founding["count_without_usa"]) == (11, 2022, 10)
    assert founding["undated"] == 1
    today = verification.curated_fact(_claim("cheng2024friendshoring-051"), FACTS)
    assert (today["count"], today["as_of"]) == (15, None)


def test_a_funding_claim_shows_amount_and_qualifier():
    fact = verification.curated_fact(_claim("sun2024battery-087"), FACTS)
    assert (fact["amount_usd"], fact["qualifier"]) == (3.5e9, "up_to")
    assert fact["text"].startswith("up to 3,500,000,000 USD (2023-11-15) — ")


def test_curated_results_table_has_one_row_per_curated_claim():
    table = verification.curated_results(CLAIMS)
    assert table["Claim"].str.split(":").str[0].tolist() == CURATED["claim_id"].tolist()
    row = table.loc[table["Claim"].str.startswith("sun2024battery-006:")].iloc[0]
    assert row["Curated fact"] == ("2017-12-20 (day) — Executive Order 13817, A Federal Strategy to Ensure Secure and "
                                   "Reliable Supplies of Critical Minerals; 2020-09-30 (day) — Executive Order 13953, "
                                   "Addressing the Threat to the Domestic Supply Chain from Reliance on Critical Minerals "
                                   "from Foreign Adversaries")
    assert sum(verification.curated_ref_counts(CLAIMS).values()) == len(CURATED)
