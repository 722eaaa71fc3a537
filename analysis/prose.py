"""Words the data decides: lists, counts, ordinals, dates, periods, shares, bounds, amounts
and source names, written once for every chapter.

Why one module: the book states no number and no data-dependent word by hand, so each
chapter turns values into words; when two chapters did it separately they drifted (one
said "Cheng (2024)", another "Cheng Ping (2024)" for no reason, one printed an empty list
as "none", another as ""). Every rule for turning a value into prose lives here, with the
exact output the book prints.

    >>> and_list(["India", "Italy", "Estonia"])
    'India, Italy and Estonia'
    >>> ordinal(3), number_word(2), of_phrase(2, 3)
    ('third', 'two', 'two of the three')
    >>> pct(45.04, "at_most"), partial_period_label(["2026-01..04"])
    ('at most 45.1%', 'January–April')
"""
from __future__ import annotations

import calendar
import functools
import math
import re
from datetime import date
from typing import Iterable

from analysis import bibliography, curated
from analysis.curated import parse_partial_date

# ----------------------------------------------------------------------------- lists and counts


def and_list(items: Iterable[str], empty: str = "none", sep: str = ", ", last: str = " and ") -> str:
    """'A', 'A and B', 'A, B and C'; `empty` when there is nothing to list. Items that hold
    commas of their own are listed with sep='; ', last='; and '."""
    items = [str(i) for i in items]
    if not items:
        return empty
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + last + items[-1]


def lower_list(items: Iterable[str]) -> str:
    """The same in lower case, and '' for no items (for lists inside a sentence)."""
    return and_list([str(i).lower() for i in items], empty="")


_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
             8: "eighth", 9: "ninth", 10: "tenth"}
_NUMBER_WORDS = {0: "none", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                 8: "eight", 9: "nine", 10: "ten"}


def ordinal(n: int) -> str:
    """'first' ... 'tenth', then '11th' (no rank the book prints goes past ten in words)."""
    return _ORDINALS.get(int(n), f"{int(n)}th")


def number_word(n: int) -> str:
    """'none', 'one' ... 'ten', then digits."""
    return _NUMBER_WORDS.get(int(n), str(int(n)))


def of_phrase(k: int, n: int, noun: str = "") -> str:
    """How many of a set: 'all three', 'two of the three'; with a noun, 'all three of the
    largest', 'one of the three largest'."""
    if k == n:
        return f"all {number_word(n)}" + (f" of the {noun}" if noun else "")
    return f"{number_word(k)} of the {number_word(n)}" + (f" {noun}" if noun else "")


def span(values: Iterable) -> str:
    """'2023–2026' for several values, '2026' for one: editions, data years, periods."""
    values = sorted({int(v) for v in values})
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


# ----------------------------------------------------------------------------- dates and periods

MONTHS = tuple(calendar.month_name[1:])  # English whatever the locale: calendar's are C-locale names
PRECISION_LABELS = {"day": "Exact day", "month": "Month only", "year": "Year only"}


def period(value: str) -> tuple[date, date, str]:
    """First and last day of a partial ISO date ('2019', '2019-06', '2019-06-11'), and its
    precision: a year-only date is a span over the year, never 1 January."""
    parsed = parse_partial_date(value)
    if parsed is None:
        raise ValueError(f"not an ISO partial date: {value!r}")
    start, precision = parsed
    if precision == "day":
        end = start
    elif precision == "month":
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    else:
        end = date(start.year, 12, 31)
    return start, end, precision


def format_date(value: str) -> str:
    """'1 July 2025', 'June 2019' or '2019', as precise as the record and no more."""
    start, _, precision = period(value)
    if precision == "day":
        return f"{start.day} {MONTHS[start.month - 1]} {start.year}"
    return f"{MONTHS[start.month - 1]} {start.year}" if precision == "month" else str(start.year)


_PARTIAL_CODE = re.compile(r"-(\d{2})\.\.(\d{2})$")


def _month_span(codes: Iterable[str]) -> tuple[int, int]:
    """(first, last) month of year-to-date period codes such as '2026-01..04'; all the codes
    must cover the same months, or the comparison across years would not be like for like."""
    spans = {m.groups() for m in (_PARTIAL_CODE.search(str(c)) for c in codes) if m}
    if len(spans) != 1:
        raise ValueError(f"partial-year rows cover different months: {sorted(spans)}")
    first, last = spans.pop()
    return int(first), int(last)


def partial_period_label(codes: Iterable[str], abbreviated: bool = False) -> str:
    """'January–April' (or 'Jan–Apr') from year-to-date period codes ('2026-01..04')."""
    first, last = _month_span(codes)
    names = [MONTHS[first - 1], MONTHS[last - 1]]
    return "–".join(n[:3] if abbreviated else n for n in names)


def rest_of_year_label(codes: Iterable[str]) -> str:
    """'May–December': the months of a year after its year-to-date rows."""
    _, last = _month_span(codes)
    return f"{MONTHS[last]}–December"


# ----------------------------------------------------------------------------- shares and bounds


def pct(value: float, kind: str = "exact") -> str:
    """A share in whole percent (one decimal below 10%). An upper bound ('at_most': the
    world total was published as a lower bound) is rounded up, so it stays a bound."""
    digits = 1 if value < 10 else 0
    if kind == "at_most":
        scale = 10 ** digits
        value = math.ceil(value * scale - 1e-9) / scale
        return f"at most {value:.{digits}f}%"
    return f"{value:.{digits}f}%"


def pct_range(low: float, high: float) -> str:
    """'69%' when both round alike, else 'between 60 and 70%'."""
    a, b = pct(low), pct(high)
    return a if a == b else f"between {a.rstrip('%')} and {b}"


#: the words of a qualifier a source puts on a figure: a bound stays a bound
CLAIM_QUALIFIERS = {"=": "", ">": "more than ", ">=": "at least ", "<": "less than ", "<=": "at most ",
                    "about": "about ", "nearly": "nearly ", "range": ""}
#: the words of a funding amount's qualifier: a ceiling or a lower bound is not a sum spent
AMOUNT_QUALIFIERS = {"=": "", "up_to": "up to ", "about": "about ", ">": "more than "}


def amount(value_usd: float, qualifier: str = "=") -> str:
    """'more than 60 million', 'up to 3.5 billion', '3,750': the qualifier is part of it."""
    a = float(value_usd)
    if a >= 1e9:
        text = f"{a / 1e9:,.2f}".rstrip("0").rstrip(".") + " billion"
    elif a >= 1e6:
        text = f"{a / 1e6:,.1f}".rstrip("0").rstrip(".") + " million"
    else:
        text = f"{a:,.0f}"
    if qualifier not in AMOUNT_QUALIFIERS:
        raise ValueError(f"unknown amount_qualifier {qualifier!r}")
    return AMOUNT_QUALIFIERS[qualifier] + text


def musd(value: float) -> str:
    """Million USD with one decimal and thousands separators: '1,234.5'."""
    return f"{value:,.1f}"


# ----------------------------------------------------------------------------- names


@functools.cache
def commodity_labels() -> dict[str, str]:
    """English display label per commodity_id (data/reference/commodity_labels.csv):
    'Talc and pyrophyllite', not USGS's 'Talc And Pyrophyllite'."""
    from analysis import db

    labels = db.query("commodity_labels")
    return dict(zip(labels["commodity_id"], labels["label_en"]))


def commodity_label(commodity_id: str) -> str:
    """The label, or the id spelled out ('phosphate_rock' -> 'Phosphate rock') if none is reviewed."""
    return commodity_labels().get(commodity_id, commodity_id.replace("_", " ").capitalize())


# ----------------------------------------------------------------------------- sources

#: US agencies and programmes as narrow table cells abbreviate them (captions spell them out)
ABBREVIATIONS = {
    "Department of Defense": "DoD",
    "Department of Energy": "DOE",
    "Department of State": "State Department",
    "Department of the Treasury": "Treasury",
    "Internal Revenue Service": "IRS",
    "International Development Finance Corporation": "DFC",
    "Defense Production Act": "DPA",
    "Bipartisan Infrastructure Law": "BIL",
}


def abbreviate(name: str, drop_us: bool = True) -> str:
    """'U.S. Department of Defense' -> 'DoD', so a narrow table column stays readable.
    `drop_us=False` keeps 'U.S.' where it is part of a name ('U.S. assistance for ...')."""
    out = re.sub(r"\bU\.S\. ", "", str(name)) if drop_us else str(name)
    for long, short in ABBREVIATIONS.items():
        out = out.replace(long, short)
    return out.replace(" / ", "/")


def seed_labels(style: str = "label") -> dict[str, str]:
    """source_key -> label of the four seeds, in the book's order (data/reference/seeds.csv):
    `label` ('Cheng (2024)'), `label_full` ('Cheng Ping (2024)', where the prose names
    authors in full) or `label_compact` ('Cheng 2024', for narrow table columns)."""
    return {row["source_key"]: row[style] for row in curated.seeds()}


def source_label(key: str, style: str = "label") -> str:
    """A short author-year label for a cell where a citation cannot be rendered: a seed by
    its usual name, any other document by author or issuing body and year, as pandoc reads
    references.bib. An unknown key raises: the curated checks should have caught it."""
    labels = seed_labels(style)
    if key in labels:
        return labels[key]
    item = bibliography.entries().get(key)
    if item is None:
        raise KeyError(f"source_key {key!r} is not in {bibliography.BIB_PATH}")
    names = item.get("author") or [{"literal": item.get("publisher", key)}]
    if names[0].get("family"):  # a person: the first author's family name
        who = names[0]["family"]
    else:  # issuing bodies, without their sub-units ('European Commission, Directorate-General ...')
        who = " and ".join(n.get("literal", "").split(",")[0].strip() for n in names)
    who = abbreviate(who)
    year = bibliography.year(item)
    return f"{who} ({year})" if year else who
