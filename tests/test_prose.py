"""The words the data decides (analysis.prose), with the exact text the book prints."""
from __future__ import annotations

from datetime import date

import pytest

from analysis import bibliography, curated, prose


def test_and_list():
    assert prose.and_list(["India"]) == "India"
    assert prose.and_list(["India", "Italy"]) == "India and Italy"
    assert prose.and_list(["India", "Italy", "Estonia"]) == "India, Italy and Estonia"
    assert prose.and_list([]) == "none"
    assert prose.lower_list(["Tin", "Zinc"]) == "tin and zinc"
    assert prose.lower_list([]) == ""


def test_counts_in_words():
    assert [prose.ordinal(n) for n in (1, 2, 3, 11)] == ["first", "second", "third", "11th"]
    assert [prose.number_word(n) for n in (0, 3, 12)] == ["none", "three", "12"]
    assert prose.of_phrase(3, 3) == "all three"
    assert prose.of_phrase(2, 3) == "two of the three"
    assert prose.of_phrase(0, 3, "largest") == "none of the three largest"
    assert prose.of_phrase(3, 3, "largest") == "all three of the largest"
    assert prose.span([2023, 2026, 2024]) == "2023–2026"
    assert prose.span([2025, 2025]) == "2025"


def test_dates_as_precise_as_the_record():
    assert prose.period("2019") == (date(2019, 1, 1), date(2019, 12, 31), "year")
    assert prose.period("2024-02") == (date(2024, 2, 1), date(2024, 2, 29), "month")
    assert prose.format_date("2025-07-01") == "1 July 2025"
    assert prose.format_date("2019-06") == "June 2019"
    assert prose.format_date("2019") == "2019"
    with pytest.raises(ValueError):
        prose.period("June 2019")


def test_partial_periods():
    assert prose.partial_period_label(["2026-01..04", "2025-01..04"]) == "January–April"
    assert prose.partial_period_label(["2026-01..04"], abbreviated=True) == "Jan–Apr"
    assert prose.rest_of_year_label(["2026-01..04"]) == "May–December"
    with pytest.raises(ValueError, match="different months"):
        prose.partial_period_label(["2026-01..04", "2025-01..03"])


def test_upper_bound_is_rounded_up():
    assert prose.pct(44.2857, "at_most") == "at most 45%"
    assert prose.pct(3.1428, "at_most") == "at most 3.2%"
    assert prose.pct(44.2857) == "44%"
    assert prose.pct(0.645) == "0.6%"
    assert prose.pct_range(68.6, 69.4) == "69%"
    assert prose.pct_range(60.2, 70.1) == "between 60 and 70%"


def test_amounts_keep_their_qualifier():
    assert prose.amount(7e9, ">") == "more than 7 billion"
    assert prose.amount(30_400_000) == "30.4 million"
    assert prose.amount(3750, "up_to") == "up to 3,750"
    with pytest.raises(ValueError):
        prose.amount(1, "roughly")


def test_source_labels_from_the_bibliography():
    assert prose.source_label("cheng2024friendshoring") == "Cheng (2024)"
    assert prose.source_label("cheng2024friendshoring", "label_full") == "Cheng Ping (2024)"
    assert prose.source_label("doe2022batteryawards") == "DOE (2022)"
    assert prose.source_label("ec2024mspforum") == "European Commission (2024)"
    assert prose.abbreviate("U.S. Department of the Treasury / Internal Revenue Service") == "Treasury/IRS"
    with pytest.raises(KeyError):
        prose.source_label("no_such_key_1999")


def test_every_curated_source_has_a_label():
    keys = set()
    for name in curated.TABLES:
        keys |= set(curated.load_table(name)["source_key"])
    assert keys <= bibliography.keys()
    assert all(prose.source_label(k) for k in sorted(keys))
