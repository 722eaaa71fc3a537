"""Every claim marked testable against primary data carries a query that runs on the real
extracts and returns one row whose first column is the comparable value."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import curated

CLAIMS = curated.load_table("claims")
PRIMARY = CLAIMS[CLAIMS["check_kind"] == "primary"]



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
