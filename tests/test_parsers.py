"""Table-driven tests of every cell rule: the shared quirks parser, the release-specific
rules of the trends extract, wide column names, and the country-name cleaning.

Why tables: each row is one rule with its exact expected value and flag, so a changed
rule fails on the row it broke, and a new quirk is one new row. The real-data tests
(test_release_quirks.py) show the rules are applied; these show each rule is right.
"""
from __future__ import annotations

import math

import pytest

from analysis.errors import ExtractError
from analysis.extract import quirks
from analysis.extract import usgs_mcs_files as mcs_files
from analysis.extract import usgs_mcs_salient as salient
from analysis.extract.countries import clean_name, name_key
from analysis.extract.quirks import Parsed, parse_value

NAN = float("nan")

# raw cell -> (value, flag, is_estimate, low, high)
CELLS = [
    # plain numbers, separators, signs, decimals
    ("5000", (5000.0, None, False, None, None)),
    ("5,000", (5000.0, None, False, None, None)),
    ("1,234,567.5", (1234567.5, None, False, None, None)),
    (".5", (0.5, None, False, None, None)),
    ("-12", (-12.0, None, False, None, None)),
    ("−12", (-12.0, None, False, None, None)),  # Unicode minus
    (" 42 ", (42.0, None, False, None, None)),
    ("7\u00a0", (7.0, None, False, None, None)),  # no-break space
    (0, (0.0, None, False, None, None)),
    (3.5, (3.5, None, False, None, None)),
    # the symbols of the MCS "Explanation of abbreviations and symbols"
    ("W", (None, quirks.WITHHELD, False, None, None)),
    ("W for 23-24", (None, quirks.WITHHELD, False, None, None)),
    ("E", (None, quirks.NET_EXPORTER, False, None, None)),
    ("NA", (None, quirks.NOT_AVAILABLE, False, None, None)),
    ("na", (None, quirks.NOT_AVAILABLE, False, None, None)),
    ("XX", (None, quirks.NOT_APPLICABLE, False, None, None)),
    ("—", (0.0, quirks.ZERO, False, None, None)),  # em dash is zero, not missing
    ("--", (0.0, quirks.ZERO, False, None, None)),
    ("s", (None, quirks.LESS_THAN_HALF_UNIT, False, None, None)),
    # blanks are not available, never zero
    ("", (None, quirks.NOT_AVAILABLE, False, None, None)),
    ("   ", (None, quirks.NOT_AVAILABLE, False, None, None)),
    (None, (None, quirks.NOT_AVAILABLE, False, None, None)),
    (NAN, (None, quirks.NOT_AVAILABLE, False, None, None)),
    # spelled-out symbols (MCS 2023-2024 world files)
    ("Less than ½ unit.", (None, quirks.LESS_THAN_HALF_UNIT, False, None, None)),
    ("less than 1/2 unit", (None, quirks.LESS_THAN_HALF_UNIT, False, None, None)),
    ("Less than one-half unit", (None, quirks.LESS_THAN_HALF_UNIT, False, None, None)),
    ("Included with ilmenite", (None, quirks.INCLUDED_ELSEWHERE, False, None, None)),
    ("Included in World total.", (None, quirks.INCLUDED_ELSEWHERE, False, None, None)),
    ("Included with “Other countries.”", (None, quirks.INCLUDED_ELSEWHERE, False, None, None)),
    # estimates: the e prefix, on numbers and bounds
    ("e5,000", (5000.0, None, True, None, None)),
    ("e>50", (None, quirks.LOWER_BOUND, True, 50.0, None)),
    # bounds stay bounds: no value, the bound on the right side
    (">50", (None, quirks.LOWER_BOUND, False, 50.0, None)),
    (">=50", (None, quirks.LOWER_BOUND, False, 50.0, None)),
    ("≥ 50", (None, quirks.LOWER_BOUND, False, 50.0, None)),
    (">90,000,000", (None, quirks.LOWER_BOUND, False, 90_000_000.0, None)),
    ("<1,000", (None, quirks.UPPER_BOUND, False, None, 1000.0)),
    ("<=25", (None, quirks.UPPER_BOUND, False, None, 25.0)),
    ("≤ 25", (None, quirks.UPPER_BOUND, False, None, 25.0)),
    # ranges: en dash, em dash, hyphen, "to"
    ("50–300", (None, quirks.RANGE, False, 50.0, 300.0)),
    ("50—300", (None, quirks.RANGE, False, 50.0, 300.0)),
    ("3-5", (None, quirks.RANGE, False, 3.0, 5.0)),
    ("3 to 5", (None, quirks.RANGE, False, 3.0, 5.0)),
    ("1,000 – 2,500", (None, quirks.RANGE, False, 1000.0, 2500.0)),
    # qualitative reserves
    ("Large", (None, quirks.QUALITATIVE, False, None, None)),
    ("Very large", (None, quirks.QUALITATIVE, False, None, None)),
    ("Categorized as “large”", (None, quirks.QUALITATIVE, False, None, None)),
    ("Moderate to large", (None, quirks.QUALITATIVE, False, None, None)),
    ("Insignificant", (None, quirks.QUALITATIVE, False, None, None)),
]


@pytest.mark.parametrize("raw, expected", CELLS, ids=[repr(c[0]) for c in CELLS])
def test_quirks_cell_rules(raw, expected):
    got = parse_value(raw)
    assert (got.value, got.flag, got.is_estimate, got.low, got.high) == expected


@pytest.mark.parametrize("raw", ["abc", "5,000 t", "50–", "300–50", "e", "> fifty", "W5", "1.2.3", "?"])
def test_quirks_refuses_what_no_rule_reads(raw):
    with pytest.raises(quirks.UnparseableValue, match="cannot read value"):
        parse_value(raw)


def test_every_flag_is_produced_by_some_rule():
    """A flag in the vocabulary that no table row produces is untested."""
    produced = {flag for _, (_, flag, *_) in CELLS}
    assert set(quirks.FLAGS) <= produced


def test_a_range_never_reads_as_a_negative_number():
    assert parse_value("3-5") != Parsed(-2.0)
    assert parse_value("-5").value == -5.0


# ------------------------------------------------------------------ trends extract: release-specific cells

TREND_CELLS = [
    # the same words the shared parser reads: one rule set, the same answer
    ("Less than ½ unit.", Parsed(None, quirks.LESS_THAN_HALF_UNIT)),
    ("less than 1/2 unit", Parsed(None, quirks.LESS_THAN_HALF_UNIT)),
    ("Less than one-half unit.", Parsed(None, quirks.LESS_THAN_HALF_UNIT)),
    ("Less than a half unit", Parsed(None, quirks.LESS_THAN_HALF_UNIT)),
    ("less than half a unit", Parsed(None, quirks.LESS_THAN_HALF_UNIT)),
    # salient-only words
    ("Less than 1,000 tons.", Parsed(None, quirks.UPPER_BOUND, high=1000.0)),
    ("less than 50 carats", Parsed(None, quirks.UPPER_BOUND, high=50.0)),
    ("Variable, depending on grade", Parsed(None, quirks.QUALITATIVE)),
    # the symbols, through the shared parser
    ("—", Parsed(0.0, quirks.ZERO)),
    ("W", Parsed(None, quirks.WITHHELD)),
    ("e12,500", Parsed(12500.0, None, True)),
    (">95", Parsed(None, quirks.LOWER_BOUND, low=95.0)),
    ("<25", Parsed(None, quirks.UPPER_BOUND, high=25.0)),
]


@pytest.mark.parametrize("raw, expected", TREND_CELLS, ids=[c[0] for c in TREND_CELLS])
def test_trends_cell_rules(raw, expected):
    assert mcs_files.parse_cell(raw, file="f.csv", column="Value", row=7) == expected


@pytest.mark.parametrize("raw, half", [(c, p) for c, p in TREND_CELLS if p.flag == quirks.LESS_THAN_HALF_UNIT])
def test_half_unit_words_mean_the_same_in_both_parsers(raw, half):
    """The world extract (quirks) and the trends extract read every spelling of 'less than
    half a unit' alike: never zero, never an error in one and a flag in the other."""
    assert parse_value(raw) == half == mcs_files.parse_cell(raw, file="f.csv", column="Value", row=1)


def test_question_mark_minus_only_where_the_file_needs_it():
    """One MCS file prints a minus as '?': read as negative only when the caller says so."""
    assert mcs_files.parse_cell("?1,250", file="f.csv", column="Value", row=3, qmark_minus=True) == Parsed(-1250.0)
    with pytest.raises(ExtractError) as err:
        mcs_files.parse_cell("?1,250", file="f.csv", column="Value", row=3)
    assert "f.csv" in str(err.value) and "Value" in str(err.value) and "3" in str(err.value)


def test_unreadable_trend_cell_names_file_column_and_row():
    with pytest.raises(ExtractError) as err:
        mcs_files.parse_cell("about five", file="usgs-mcs-2024/salient/x.csv", column="Prod_t_2022", row=12)
    msg = str(err.value)
    assert "usgs-mcs-2024/salient/x.csv" in msg and "Prod_t_2022" in msg and "12" in msg


@pytest.mark.parametrize("column, expected", [
    ("Prod_t", ("production", "t")),
    ("Consump_Apparent_kt", ("consumption", "kt")),
    ("Imports_mmt", ("imports", "mmt")),
    ("Price_dt", ("price", "dt")),
    ("Price_dlb", ("price", "dlb")),
    ("NIR_pct", ("net_import_reliance", "pct")),
    ("Employment_num", ("employment", "num")),
    ("Consump_Apparentt", ("consumption", "t")),      # unit glued to the label
    ("Consump_Reportedt", ("consumption", "t")),      # ends in 'dt' but is not a price
    ("Price_WO3dt", ("price", "dt")),                 # price token glued
])
def test_wide_column_names_give_statistic_and_unit(column, expected):
    assert salient._split_column(column) == expected


@pytest.mark.parametrize("token, unit, factor", [
    ("t", "t", 1.0), ("kt", "t", 1e3), ("mmt", "t", 1e6), ("kg", "t", 1e-3), ("g", "t", 1e-6),
    ("mct", "carat", 1e6), ("pct", "pct", 1.0), ("dkg", "usd_per_t", 1e3),
])
def test_unit_tokens_normalise_with_the_right_factor(token, unit, factor):
    assert salient.WIDE_UNITS[token][0] == unit
    assert math.isclose(salient.WIDE_UNITS[token][1], factor)


# ------------------------------------------------------------------ country names

@pytest.mark.parametrize("raw, cleaned", [
    ("Other countries6", "Other countries"),
    ("Australia12", "Australia"),
    ("Canada ", "Canada"),
    ("  Korea,  Republic of ", "Korea, Republic of"),
    ("Burma,", "Burma"),
    ("Congo (Kinshasa)3", "Congo (Kinshasa)"),
    ("United States4,5", "United States"),
])
def test_clean_name_strips_footnotes_spaces_and_trailing_commas(raw, cleaned):
    assert clean_name(raw) == cleaned


def test_name_key_forgives_case_quotes_and_composition_only():
    assert name_key("Côte d’Ivoire") == name_key("CÔTE D'IVOIRE") == name_key("Co\u0302te d'Ivoire")
    assert name_key("Niger") != name_key("Nigeria")
    assert name_key("South Africa") != name_key("Southern Africa")
