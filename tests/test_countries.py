"""Country names are matched exactly (after whitespace, case and footnote normalisation),
never by country_converter's substring regexes."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import ExtractError
from analysis.extract import countries


def _one(name: str) -> pd.Series:
    return countries.harmonise(pd.Series([name]), file="x.csv", column="Country", rows=pd.Series([7])).iloc[0]


@pytest.mark.parametrize("name", [
    "Southern Africa", "Belgiumm", "Dominica Republic", "Niger Delta", "Northern Ireland", "Congo Brazzaville",
    "Chinaa", "Untied States", "South Korea Rep", "Guinea Bissau", "Greater China", "Republic of Kongo",
    "Other countries and regions", "World totals", "Europe and Asia",
])
def test_a_name_not_known_exactly_stops_naming_file_column_row_and_the_overrides_file(name):
    with pytest.raises(ExtractError) as err:
        _one(name)
    message = str(err.value)
    assert "file x.csv" in message and "column 'Country'" in message and "row 7" in message
    assert repr(name) in message and "data/reference/country_overrides.csv" in message


def test_the_fuzzy_guess_is_shown_to_the_reviewer_but_not_used():
    with pytest.raises(ExtractError) as err:
        _one("Belgiumm")
    assert "fuzzy match would say 'Belgium'" in str(err.value)


@pytest.mark.parametrize("published, iso3, name", [
    ("Belgium", "BEL", "Belgium"),
    ("  BELGIUM ", "BEL", "Belgium"),
    ("Belgium12", "BEL", "Belgium"),
    ("Côte d’Ivoire", "CIV", "Côte d'Ivoire"),
    ("Congo (Kinshasa)", "COD", "DR Congo"),
    ("Korea, Republic of", "KOR", "South Korea"),
    ("Kingdom of Belgium", "BEL", "Belgium"),  # country_converter's official name
])
def test_known_names_after_normalisation(published, iso3, name):
    row = _one(published)
    assert (row["country_iso3"], row["country_name"], bool(row["is_aggregate"])) == (iso3, name, False)


def test_aggregates_are_exact_names_too():
    row = _one("Other countries6")
    assert row["is_aggregate"] and row["aggregate_kind"] == "other_countries" and pd.isna(row["country_iso3"])
    with pytest.raises(ExtractError):
        _one("Other Asia")


def test_not_available_symbol_gives_no_country_instead_of_namibia():
    out = countries.harmonise(pd.Series(["NA", "Canada"]), file="t5.csv", column="Leading_source_country",
                              rows=pd.Series([2, 3]), not_available=frozenset({"NA"}))
    assert out["country_iso3"].isna().iloc[0] and out["country_iso3"].iloc[1] == "CAN"
    with pytest.raises(ExtractError, match="'NA'"):
        _one("NA")


def test_file_may_be_given_per_row():
    names = pd.Series(["Canada", "Belgiumm"], index=[10, 11])
    files = pd.Series(["a/1993.json", "a/2004.json"], index=[10, 11])
    with pytest.raises(ExtractError) as err:
        countries.harmonise(names, file=files, column="partnerDesc", rows=pd.Series([1, 5], index=[10, 11]))
    assert err.value.file == "a/2004.json" and err.value.row == 5


def test_reviewed_files_list_no_name_twice():
    for path, cols in ((countries.OVERRIDES_CSV, ("country_iso3", "country_name")),
                       (countries.AGGREGATES_CSV, ("aggregate_kind",))):
        assert countries._reference(path, cols)
