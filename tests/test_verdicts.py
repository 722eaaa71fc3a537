"""The verdict rules, on constructed cases (each qualifier, the tolerance edges, bounds,
a vintage mismatch, curated facts) and on real claims whose verdict is known."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import verdicts
from analysis.verdicts import Claim, Fact, Primary


def claim(value, qualifier="=", unit="pct", **kw) -> Claim:
    return Claim(claim_id="t-001", value=str(value), unit=unit, qualifier=qualifier, **kw)


def verdict(c: Claim, value, flag=None, **kw) -> str:
    return verdicts.primary_verdict(c, Primary(value, flag, release="R", **kw)).code


# --------------------------------------------------------------------------- qualifiers and tolerances

@pytest.mark.parametrize("stated, qualifier, found, expected", [
    # '=': the rounding of the stated figure
    ("74", "=", 73.5, "consistent"), ("74", "=", 74.5, "consistent"), ("74", "=", 74.51, "differs"),
    ("74", "=", 73.49, "differs"), ("3.5", "=", 3.55, "consistent"), ("3.5", "=", 3.56, "differs"),
    # 'about': 1 point or 5 % of the figure, whichever is wider
    ("50", "about", 52.5, "consistent"), ("50", "about", 52.6, "differs"), ("50", "about", 47.5, "consistent"),
    ("10", "about", 11.0, "consistent"), ("10", "about", 11.1, "differs"),
    # 'nearly': at most the figure (plus its rounding), not further below than 'about'
    ("20", "nearly", 19.0, "consistent"), ("20", "nearly", 20.5, "consistent"), ("20", "nearly", 20.6, "differs"),
    ("20", "nearly", 18.1, "differs"),
    # bounds of the claim: strict for > and <, with the rounding for >= and <=
    ("50", ">", 50.01, "consistent"), ("50", ">", 50.0, "differs"), ("1", "<", 0.99, "consistent"),
    ("1", "<", 1.0, "differs"), ("90", "<=", 90.5, "consistent"), ("90", "<=", 90.6, "differs"),
    ("50", ">=", 49.5, "consistent"), ("50", ">=", 49.4, "differs"),
])
def test_each_qualifier_at_its_tolerance_edges(stated, qualifier, found, expected):
    assert verdict(claim(stated, qualifier), found) == expected


def test_range_includes_both_ends_with_rounding():
    c = claim("10", "range", value_high="15")
    assert [verdict(c, x) for x in (9.5, 15.5, 15.6, 9.4)] == ["consistent", "consistent", "differs", "differs"]


def test_counts_and_ranks_are_exact():
    assert verdict(claim("20", unit="count"), 21.0) == "differs"
    assert verdict(claim("20", unit="count"), 20.0) == "consistent"
    assert verdict(claim("2", unit="rank"), 2.0) == "consistent"


def test_usd_rounding_follows_the_stated_digits():
    c = claim("133000000", "=", unit="USD")
    assert verdicts.rounding("133000000", "USD") == 500_000
    assert verdict(c, 133_400_000.0) == "consistent" and verdict(c, 133_600_000.0) == "differs"


# --------------------------------------------------------------------------- bounds stay bounds

def test_a_published_lower_bound_decides_only_when_it_can():
    assert verdict(claim("80", ">"), 95.0, "lower_bound") == "consistent"        # '>95' is more than 80
    assert verdict(claim("80", ">"), 50.0, "lower_bound") == "not_checkable"     # '>50' may or may not be
    assert verdict(claim("50", ">"), 50.0, "lower_bound") == "consistent"        # '>50' is more than 50
    assert verdict(claim("40", "="), 50.0, "lower_bound") == "differs"           # '>50' rules out 40


def test_a_published_upper_bound_rules_out_a_larger_claim():
    assert verdict(claim("25"), 21.0, "upper_bound") == "differs"
    assert verdict(claim("20", "<"), 21.0, "upper_bound") == "not_checkable"


def test_a_withheld_value_is_not_checkable():
    assert verdict(claim("1", "<"), None, "withheld") == "not_checkable"


def test_bound_text_keeps_the_bound():
    assert verdicts.primary_value_text(Primary(50.0, "lower_bound"), "pct") == "more than 50%"
    assert verdicts.claim_value_text({"unit": "pct", "qualifier": ">", "value": "50", "value_high": ""}) == "more than 50%"


# --------------------------------------------------------------------------- vintage and definition

def test_a_gap_on_another_vintage_is_a_different_basis():
    c = claim("25", reference_year=2020, source_key="sun2024battery")
    assert verdict(c, 21.0, data_year="2022") == "different_basis"
    assert verdict(c, 21.0, data_year="2020") == "differs"
    assert verdict(c, 25.0, data_year="2022") == "consistent"   # agreement on a later vintage still agrees


def test_an_edition_later_than_the_source_is_a_different_basis():
    c = claim("74", source_key="ciaps2022biden")
    assert verdict(c, 37.6, edition=2023, data_year="2022") == "different_basis"
    assert verdict(c, 37.6, edition=2022, data_year="2021") == "differs"


def test_a_different_definition_is_a_different_basis():
    c = claim("72", basis="refined output, not capacity")
    assert verdict(c, 68.0) == "different_basis"
    assert "refined output, not capacity" in verdicts.primary_verdict(c, Primary(68.0)).reason


# --------------------------------------------------------------------------- curated facts

def fact(kind, value, precision="", documented=True, **kw) -> Fact:
    return Fact(kind, value, precision, documented=documented, text="t", **kw)


@pytest.mark.parametrize("stated, qualifier, recorded, precision, expected", [
    ("2021-06", "=", "2021-06-08", "day", "confirmed"),       # compared at the claim's month
    ("2021-04", "=", "2021-06-08", "day", "contradicted"),    # USICA: April vs June
    ("2021", "=", "2021-06-08", "day", "confirmed"),
    ("2021-06-08", "=", "2021-06", "month", "confirmed"),      # the record is only as precise as a month
    ("2023-11", "about", "2023-12-01", "day", "confirmed"),
    ("2023-11", "about", "2024-01-01", "day", "contradicted"),
    ("2020", ">=", "2020-09-30", "day", "confirmed"),
    ("2020", ">", "2020-09-30", "day", "contradicted"),
])
def test_dates_compare_at_the_coarser_precision(stated, qualifier, recorded, precision, expected):
    c = claim(stated, qualifier, unit="date")
    assert verdicts.curated_verdict(c, fact("date", recorded, precision)).code == expected


def test_a_date_range():
    c = claim("2010", "range", unit="date", value_high="2019")
    assert verdicts.curated_verdict(c, fact("date", "2017-12-18", "day")).code == "confirmed"
    assert verdicts.curated_verdict(c, fact("date", "2020-01-01", "day")).code == "contradicted"


def test_a_signer_contradicted_by_the_record():
    c = claim("Biden", unit="administration")
    assert verdicts.curated_verdict(c, fact("administration", "Trump I")).code == "contradicted"
    assert verdicts.curated_verdict(claim("Trump I", unit="administration"), fact("administration", "Trump I")).code == "confirmed"


def test_a_fact_known_only_from_the_sources_confirms_nothing():
    c = claim("2010", unit="date")
    assert verdicts.curated_verdict(c, fact("date", "2010", "year", documented=False)).code == "not_checkable"


def test_amounts_with_their_qualifiers():
    c = claim("3500000000", unit="USD")
    assert verdicts.curated_verdict(c, fact("amount", 3.5e9, qualifier="up_to")).code == "confirmed"
    assert verdicts.curated_verdict(c, fact("amount", 2.8e9, qualifier="about")).code == "contradicted"
    assert verdicts.curated_verdict(claim("60000000", ">", unit="USD"), fact("amount", 65e6)).code == "confirmed"


def test_an_unsettled_claim_that_another_contradicts_is_a_contradiction():
    c = claim("78", contradicts=("t-002",))
    base = verdicts.Verdict("different_basis", "x")
    assert verdicts.with_contradictions(base, c, {"t-002": "the same source elsewhere: 80%"}).code == "contradiction"
    settled = verdicts.Verdict("differs", "x")
    assert verdicts.with_contradictions(settled, c, {"t-002": "y"}).code == "differs"


# --------------------------------------------------------------------------- the real claims

@pytest.fixture(scope="module")
def table(extracts) -> pd.DataFrame:
    return verdicts.verdicts(extracts=extracts).set_index("claim_id")


def test_every_claim_has_a_verdict_and_a_reason(table):
    claims = verdicts.load_claims()
    assert list(table.index) == list(claims["claim_id"])
    assert table["verdict"].isin(list(verdicts.VERDICTS)).all()
    assert table["reason"].str.len().gt(5).all()
    assert not table["reason"].str.contains(r"mirror|\.csv|\.sql|seed|\w_\w", regex=True).any()


@pytest.mark.parametrize("claim_id, code, evidence", [
    # 'up to 90 %' of processing: primary gallium is 750 of 760 t in MCS 2025 (98.7 %)
    ("ipp2025dependency-011", "differs", "98.7% (primary gallium)"),
    # Canada: USGS's own Fig. 3 count in MCS 2023 is 21, not a recount of Fig. 2 (22)
    ("sun2024battery-033", "differs", "21"),
    ("sun2024battery-032", "consistent", "26"),
    # African reserves: an African country ranks first for at least one battery mineral
    ("sun2024battery-109", "consistent", "rank 1"),
    # no median printed as a share: counted per mineral, and said so
    ("ipp2025dependency-009", "different_basis", "31.2%"),
    # Cheng's count of commodities above 50 % reliance matches neither reading of MCS 2024
    ("cheng2024friendshoring-016", "differs", "34"),
    ("cheng2024friendshoring-013", "consistent", "49"),
    # EO 13953 was signed by Trump, not under Biden
    ("cheng2024friendshoring-059", "contradicted", None),
    ("sun2024battery-132", "confirmed", None),
    # USICA passed the Senate on 8 June 2021: June holds, April does not
    ("ciaps2022biden-013", "confirmed", None),
    ("ciaps2022biden-070", "contradicted", None),
    # the US declared war in December 1941, not 'a year after' 1939
    ("ipp2025dependency-006", "contradicted", None),
    # DR Congo cobalt: about 70 % holds on the review's vintage; 'about half' contradicts it
    ("sun2024battery-058", "consistent", None),
    ("ciaps2022biden-048", "contradiction", None),
    # the 2022 list had 50 entries when the commentary said 35
    ("ciaps2022biden-072", "differs", "50"),
    # a lower bound decides a weaker claim: rare earths '>95' is more than 80 %
    ("ciaps2022biden-010", "consistent", "more than 95%"),
    ("ciaps2022biden-011", "not_checkable", "more than 50%"),
])
def test_known_verdicts(table, claim_id, code, evidence):
    row = table.loc[claim_id]
    assert row["verdict"] == code, row["reason"]
    if evidence is not None:
        assert row["evidence"] == evidence


def test_the_claims_file_has_one_row_per_claim(table, tmp_path):
    path = verdicts.write_csv(tmp_path / "claims-verification.csv", table.reset_index())
    written = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert list(written.columns) == verdicts.CSV_COLUMNS
    assert written["claim_id"].tolist() == table.index.tolist()
    assert written["verdict"].value_counts().to_dict() == table["verdict"].value_counts().to_dict()
