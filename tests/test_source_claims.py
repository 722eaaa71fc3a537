"""The sources' own figures reach the prose from the claims table, with their qualifiers.

A bound must stay a bound ("more than 75%"), a Chinese number word must arrive scaled
("1.1万亿美元" -> "USD 1.1 trillion"), and an unknown id must fail rather than print a guess.
"""
from __future__ import annotations

import pytest

from analysis import source_claims


@pytest.mark.parametrize(("claim_id", "expected"), [
    ("sun2024battery-026", "more than 75%"),        # 75% 以上
    ("sun2024battery-041", "nearly 37%"),           # 近 37%
    ("sun2024battery-017", "USD 1.1 trillion"),     # 1.1 万亿美元
    ("ipp2025dependency-016", "nearly USD 42 billion"),
    ("sun2024battery-021", "more than 240,000"),    # 24 万以上
    ("ciaps2022biden-045", "more than 3 billion tonnes"),
])
def test_figure_keeps_the_sources_qualifier_and_scale(claim_id, expected):
    assert source_claims.figure(claim_id) == expected


def test_figure_without_qualifier_for_prose_that_supplies_its_own():
    assert source_claims.figure("ipp2025dependency-011", qualifier=False) == "90%"


def test_unknown_claim_fails():
    with pytest.raises(KeyError):
        source_claims.claim("ciaps2022biden-999")


def test_compare_words_follow_the_numbers():
    assert source_claims.compare(71, 78) == "lower than"
    assert source_claims.compare(46, 35) == "higher than"
    assert source_claims.compare(12.2, 12) == "the same as"
