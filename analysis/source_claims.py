"""The sources' own figures, for prose that restates their argument.

Why: the chapters retell what each source argues, with the numbers it gives (a forecast
it cites, a market share, a count of minerals). Those numbers are recorded once, with
the passage that holds them, in the curated claims table; reading them from there keeps
the prose and Appendix B in step and means no figure of a source is retyped by hand.
A source's figure printed this way is the source's (or the publisher it cites), not a
value this report has verified; the chapters say so where they use it.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from analysis import db, prose

QUALIFIER_WORDS = prose.CLAIM_QUALIFIERS


@lru_cache(maxsize=1)
def _claims() -> pd.DataFrame:
    return db.query("curated_claims")


def claim(claim_id: str) -> pd.Series:
    """One claim row; an error, never a guess, if the id is unknown."""
    rows = _claims().loc[lambda d: d["claim_id"].eq(claim_id)]
    if len(rows) != 1:
        raise KeyError(f"claims: no single claim {claim_id!r}")
    return rows.iloc[0]


def value(claim_id: str) -> float:
    return float(claim(claim_id)["value"])


def _scaled(number: float) -> str:
    """1.1e12 -> '1.1 trillion', 4.2e10 -> '42 billion', 5.6e7 -> '56 million', 240000 -> '240,000'."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(number) >= size:
            return f"{number / size:g} {word}"
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:g}"


def figure(claim_id: str, qualifier: bool = True) -> str:
    """A source's figure as prose: 'more than 80%', 'nearly USD 42 billion', 'about 10 million',
    'sixfold' ... with the qualifier the source used (a bound stays a bound)."""
    row = claim(claim_id)
    unit, number = row["unit"], float(row["value"])
    if unit == "pct":
        body = f"{number:g}%"
    elif unit == "USD":
        body = f"USD {_scaled(number)}"
    elif unit == "t":
        body = f"{_scaled(number)} tonnes"
    elif unit == "times":
        body = f"{number:g}-fold"
    elif unit == "year":
        body = f"{number:g} years"
    else:
        body = _scaled(number)
    if row["qualifier"] == "range" and row["value_high"]:
        high = float(row["value_high"])
        body = f"{number:g}–{high:g}%" if unit == "pct" else f"{_scaled(number)}–{_scaled(high)}"
    return (QUALIFIER_WORDS.get(row["qualifier"], "") if qualifier else "") + body


def year(claim_id: str) -> int:
    """The year a claim refers to (its reference year)."""
    return int(float(claim(claim_id)["reference_year"]))


def compare(mine: float, theirs: float, tolerance: float = 0.5) -> str:
    """'higher than', 'lower than' or 'the same as': a data-dependent word computed, not typed."""
    if abs(mine - theirs) <= tolerance:
        return "the same as"
    return "higher than" if mine > theirs else "lower than"
