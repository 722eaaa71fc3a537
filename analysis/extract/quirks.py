"""Turn a published cell into a number and a flag, never a guess.

USGS (and the other releases) write more than numbers in their value cells: "W"
(withheld), "E" (net exporter), "NA", "XX" (not applicable), "—" (zero), "s" (less than
half a unit), "e5,000" (estimate), ">50" / "<1,000" (bounds), "50–300" or "3 to 5"
(ranges), "Large" (qualitative reserves), a Unicode minus "−5", and thousands separators.
Every one of these becomes a value plus a flag so that no row is dropped and no number
is invented; a cell that matches none of them is an error for the caller to locate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Flags, in the vocabulary documented in data/README.md.
WITHHELD = "withheld"
NET_EXPORTER = "net_exporter"
NOT_AVAILABLE = "not_available"
NOT_APPLICABLE = "not_applicable"
LOWER_BOUND = "lower_bound"
UPPER_BOUND = "upper_bound"
RANGE = "range"
QUALITATIVE = "qualitative"
INCLUDED_ELSEWHERE = "included_elsewhere"
ZERO = "zero"
LESS_THAN_HALF_UNIT = "less_than_half_unit"
FLAGS = (WITHHELD, NET_EXPORTER, NOT_AVAILABLE, NOT_APPLICABLE, LOWER_BOUND, UPPER_BOUND,
         RANGE, QUALITATIVE, ZERO, LESS_THAN_HALF_UNIT, INCLUDED_ELSEWHERE)

# Symbols as the MCS "Explanation of abbreviations and symbols" defines them.
SYMBOLS = {
    "W": WITHHELD,
    "E": NET_EXPORTER,
    "NA": NOT_AVAILABLE,
    "na": NOT_AVAILABLE,
    "XX": NOT_APPLICABLE,
    "—": ZERO,
    "--": ZERO,
    "s": LESS_THAN_HALF_UNIT,
}
QUALITATIVE_WORDS = re.compile(r"^(categorized as \W?)?(large|small|moderate|variable|very large|very small|adequate|insignificant|negligible)\b", re.I)
# Spelled-out symbols in the MCS 2023-2024 world files and the salient files ("Less than ½
# unit.", "less than a half unit", "Included with ilmenite", "Included in World total.",
# "Included with “Other countries.”", "Less than 1,000 tons."): one rule set for every
# release, so that no two extracts read the same words differently.
_HALF_UNIT_WORDS = re.compile(r"^less than (?:½|1/2|a half|one-half|half a) unit\.?$", re.I)
_LESS_THAN_WORDS = re.compile(r"^less than ([\d,]+(?:\.\d+)?)\s*(?:tons|carats)?\.?$", re.I)
_INCLUDED_WORDS = re.compile(r"^included (in|with)\b", re.I)
_NUMBER = r"[−-]?\d[\d,]*(?:\.\d+)?|[−-]?\.\d+"
_NUM_RE = re.compile(rf"^(?:{_NUMBER})$")
_RANGE_RE = re.compile(rf"^({_NUMBER})\s*(?:–|—|-|to)\s*({_NUMBER})$")
_BOUND_RE = re.compile(rf"^([<>]=?|≥|≤)\s*({_NUMBER})$")
_WITHHELD_FOR = re.compile(r"^W\s+for\b", re.I)


@dataclass(frozen=True)
class Parsed:
    value: float | None
    flag: str | None = None
    is_estimate: bool = False
    low: float | None = None
    high: float | None = None


class UnparseableValue(ValueError):
    """The cell is neither a number nor a documented symbol."""


def to_float(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def parse_value(raw: object) -> Parsed:
    """Parse one published cell. Blank cells are `not_available` (the 2025 world file
    leaves withheld and missing values blank; callers that know better override)."""
    if raw is None:
        return Parsed(None, NOT_AVAILABLE)
    if isinstance(raw, (int, float)):
        if raw != raw:  # NaN
            return Parsed(None, NOT_AVAILABLE)
        return Parsed(float(raw))
    text = str(raw).strip().replace("\u00a0", " ")
    if text == "":
        return Parsed(None, NOT_AVAILABLE)
    if text in SYMBOLS:
        flag = SYMBOLS[text]
        return Parsed(0.0 if flag == ZERO else None, flag)
    if _WITHHELD_FOR.match(text):
        return Parsed(None, WITHHELD)
    if _HALF_UNIT_WORDS.match(text):
        return Parsed(None, LESS_THAN_HALF_UNIT)
    if _INCLUDED_WORDS.match(text):
        return Parsed(None, INCLUDED_ELSEWHERE)
    m = _LESS_THAN_WORDS.match(text)
    if m:
        return Parsed(None, UPPER_BOUND, high=to_float(m.group(1)))
    estimate = False
    if text[0] == "e" and len(text) > 1 and (text[1].isdigit() or text[1] in "<>"):
        estimate, text = True, text[1:].strip()
    if _NUM_RE.match(text):
        return Parsed(to_float(text), None, estimate)
    m = _BOUND_RE.match(text)
    if m:
        bound = to_float(m.group(2))
        if m.group(1) in (">", ">=", "≥"):
            return Parsed(None, LOWER_BOUND, estimate, low=bound)
        return Parsed(None, UPPER_BOUND, estimate, high=bound)
    m = _RANGE_RE.match(text)
    if m:
        low, high = to_float(m.group(1)), to_float(m.group(2))
        if low <= high:
            return Parsed(None, RANGE, estimate, low=low, high=high)
    if QUALITATIVE_WORDS.match(text):
        return Parsed(None, QUALITATIVE)
    raise UnparseableValue(f"cannot read value {raw!r}")
