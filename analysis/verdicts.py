"""Verdicts: which of the four sources' claims hold, by rules a reader can check.

Every claim in ``data/curated/claims/`` gets one verdict at build time, computed here and
nowhere else, so that Appendix B, the findings chapter, the caveats in the chapters and
``claims-verification.csv`` can never disagree. The rules are deliberately few and are
printed in Appendix B (``RULES``, ``TOLERANCES``):

- a claim tested against a primary release is ``consistent`` when the release's value
  satisfies the claim's qualifier within the tolerance of its unit, ``differs`` when it does
  not on the same basis, ``different basis`` when it does not and the release measures
  another year, edition or definition than the claim (the gap may be a vintage or a
  definition effect), and ``not checkable`` when the release withholds the value or
  publishes only a bound that cannot decide the claim;
- a claim tested against a curated fact (an event's date or signer, a membership count, a
  funding amount) is ``confirmed`` or ``contradicted`` by it, but only when the fact rests on
  a primary document: a row that records an act only as a source reports it cannot confirm
  a source;
- claims that nothing can test are ``not checkable``, with the reason;
- a claim that contradicts another claim (the ``contradicts`` column) and that the data
  cannot settle is a ``contradiction in the sources``.

Primary checks are SQL files, ``analysis/sql/claims/<claim_id>.sql``, run on a read-only
DuckDB database with external access disabled and the configuration locked, so no query
named in a CSV can read or write a file.
"""
from __future__ import annotations

import math
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from analysis import curated, editions
from analysis.errors import PipelineError
from analysis.paths import SQL_DIR, extracts_dir

# --------------------------------------------------------------------------- vocabulary

#: verdict code -> label printed for readers, in the order tables and charts list them
VERDICTS: dict[str, str] = {
    "consistent": "Consistent",
    "confirmed": "Confirmed",
    "differs": "Differs",
    "contradicted": "Contradicted",
    "different_basis": "Different basis",
    "contradiction": "Contradiction in the sources",
    "not_checkable": "Not checkable",
}
#: what each verdict means, printed in Appendix B
RULES: dict[str, str] = {
    "consistent": "the primary release's value satisfies the claim (its qualifier, within the tolerance "
                  "of its unit), on the same basis or on a later one",
    "confirmed": "a curated fact resting on a primary document (a law, an order, a notice, an official "
                 "list) fixes the same date, signer, count or amount",
    "differs": "the primary value does not satisfy the claim, on the same measure and a comparable year "
               "and edition",
    "contradicted": "a curated fact resting on a primary document fixes another date, signer, count or "
                    "amount",
    "different_basis": "the primary value does not satisfy the claim, but it is for another year, edition "
                       "or definition than the claim's, so the gap may be a vintage or definition effect",
    "contradiction": "the claim disagrees with another claim of the same or another source, and the data "
                     "cannot settle which is right",
    "not_checkable": "nothing in the releases or curated tables can test the claim (a forecast, a company "
                     "figure, a statistic with no series here), or the release withholds the value or "
                     "publishes only a bound that cannot decide it",
}
#: the tolerance of each comparison, printed in Appendix B
TOLERANCES: dict[str, str] = {
    "pct, =": "the rounding of the stated figure: half a unit of its last digit (74% accepts 73.5–74.5%)",
    "pct, about": "1 percentage point or 5% of the stated figure, whichever is wider (about 50% accepts "
                  "47.5–52.5%)",
    "pct, nearly": "at most the stated figure plus its rounding, and no further below it than 'about' allows",
    "any unit, >, <": "strict, no tolerance; ≥ and ≤ add the rounding of the stated figure",
    "any unit, range": "the low and high ends, each with its rounding",
    "count, rank": "exact (whole numbers)",
    "USD": "the rounding of the stated figure (1.33 hundred million USD accepts 132.5–133.5 million)",
    "date": "compared at the coarser of the two precisions (a claim of June 2021 agrees with an act "
            "dated 8 June 2021; a claim of 2021 agrees with any date in 2021); 'about' allows one unit "
            "either side",
    "bounds": "a published bound stays a bound: '>50' is 'more than 50%', and decides a claim only when "
              "every value it allows satisfies the claim, or none does",
}

#: the sources as a reader cites them, and the year each was written (the latest release it
#: could have used is the edition of that year)
SOURCES: dict[str, dict] = {
    "ciaps2022biden": {"label": "CIAPS (2022)", "year": 2022},
    "cheng2024friendshoring": {"label": "Cheng (2024)", "year": 2024},
    "sun2024battery": {"label": "Sun (2024)", "year": 2024},
    "ipp2025dependency": {"label": "Crebo-Rediker (2025)", "year": 2025},
}
#: the parts of the argument (the chapters), in the book's order
PARTS: dict[str, str] = {
    "drivers": "Drivers of US strategy",
    "instruments": "Domestic instruments",
    "allies": "Allies and friend-shoring",
    "constraints": "Constraints",
    "china_responses": "China's responses",
    "update_2025": "What changed in 2025",
    "about_sources": "About the sources themselves",
}
CLAIM_SQL_DIR = SQL_DIR / "claims"
QUALIFIER_WORDS = {"=": "", ">": "more than ", ">=": "at least ", "<": "less than ", "<=": "at most ",
                   "about": "about ", "nearly": "nearly ", "range": ""}
#: administrations as a reader names them
ADMINISTRATION_WORDS = {"Obama": "Obama", "Trump I": "first Trump", "Biden": "Biden", "Trump II": "second Trump"}
DATE_QUALIFIER_WORDS = {"=": "", ">": "after ", ">=": "from ", "<": "before ", "<=": "by ", "about": "about ",
                        "nearly": "nearly ", "range": ""}


# --------------------------------------------------------------------------- inputs

@dataclass(frozen=True)
class Claim:
    """What a source states, as the verdict rules need it."""
    claim_id: str
    value: str
    unit: str
    qualifier: str
    value_high: str = ""
    source_key: str = ""
    reference_year: int | None = None
    metric: str = ""
    basis: str = ""  # how the check's measure differs from the claim's (empty: same measure)
    contradicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Primary:
    """What a claim's query returned: the value in the claim's unit and its provenance."""
    value: float | None
    flag: str | None = None  # lower_bound, upper_bound, withheld, ...
    original: str | None = None
    release: str = ""
    edition: int | None = None
    data_year: str = ""
    detail: str = ""  # which series the value comes from, when the query picks one (e.g. 'primary gallium')


@dataclass(frozen=True)
class Fact:
    """A curated fact reduced to what the claim can be compared with."""
    kind: str  # date | count | amount | administration | days | none
    value: object
    precision: str = ""  # for dates: day | month | year
    qualifier: str = "="  # for amounts: = | up_to | about | >
    documented: bool = True  # rests on a primary document, not only on a source
    text: str = ""


@dataclass(frozen=True)
class Verdict:
    code: str
    reason: str

    @property
    def label(self) -> str:
        return VERDICTS[self.code]


# --------------------------------------------------------------------------- numbers

def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def rounding(value_text: str, unit: str) -> float:
    """Half a unit of the last stated digit: what rounding the published figure can hide."""
    if unit in ("count", "rank"):
        return 0.0
    text = value_text.strip()
    if unit == "USD" and "." not in text:
        digits = text.rstrip("0")
        return 0.5 * 10 ** (len(text) - len(digits)) if digits else 0.5
    return 0.5 * 10 ** -_decimals(text)


def about_tolerance(value: float, unit: str) -> float:
    if unit in ("count", "rank"):
        return max(1.0, 0.05 * abs(value))
    return max(1.0 if unit == "pct" else 0.0, 0.05 * abs(value))


def accepted(claim: Claim) -> tuple[float, float, bool, bool]:
    """The set of values that satisfy the claim: (low, high, low_open, high_open)."""
    v = float(claim.value)
    r = rounding(claim.value, claim.unit)
    q = claim.qualifier
    if q == "=":
        return v - r, v + r, False, False
    if q == "about":
        t = max(about_tolerance(v, claim.unit), r)
        return v - t, v + t, False, False
    if q == "nearly":
        return v - max(about_tolerance(v, claim.unit), r), v + r, False, False
    if q == ">":
        return v, math.inf, True, False
    if q == ">=":
        return v - r, math.inf, False, False
    if q == "<":
        return -math.inf, v, False, True
    if q == "<=":
        return -math.inf, v + r, False, False
    if q == "range":
        hi = float(claim.value_high)
        return v - r, hi + rounding(claim.value_high, claim.unit), False, False
    raise ValueError(f"{claim.claim_id}: qualifier {q!r} has no rule")


def primary_interval(p: Primary) -> tuple[float, float, bool, bool]:
    """A published bound stays a bound: '>50' allows every value above 50."""
    if p.flag == "lower_bound":
        return p.value, math.inf, True, False
    if p.flag == "upper_bound":
        return -math.inf, p.value, False, True
    return p.value, p.value, False, False


def _inside(x: float, lo: float, hi: float, lo_open: bool, hi_open: bool) -> bool:
    return (x > lo if lo_open else x >= lo) and (x < hi if hi_open else x <= hi)


def satisfies(claim: Claim, p: Primary) -> bool | None:
    """True if every value the release allows satisfies the claim, False if none does,
    None if a published bound leaves both possible."""
    lo, hi, lo_open, hi_open = accepted(claim)
    plo, phi, plo_open, phi_open = primary_interval(p)
    if plo == phi:
        return _inside(plo, lo, hi, lo_open, hi_open)
    # subset: the primary interval lies inside the accepted one
    lower_ok = plo > lo or (plo == lo and (lo_open <= plo_open))
    upper_ok = phi < hi or (phi == hi and (hi_open <= phi_open))
    if lower_ok and upper_ok:
        return True
    # disjoint: the intervals do not meet
    if phi < lo or (phi == lo and (phi_open or lo_open)) or plo > hi or (plo == hi and (plo_open or hi_open)):
        return False
    return None


# --------------------------------------------------------------------------- text

def number_text(value: float, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    if unit in ("count", "rank") or float(value).is_integer() and abs(value) < 1e15:
        if float(value).is_integer():
            return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"


UNIT_SUFFIX = {"pct": "%", "count": "", "rank": "", "t": " t", "USD": " USD", "day": " days", "year": " years",
               "times": " times", "degC": " °C", "administration": ""}


def claim_value_text(row) -> str:
    """The claimed value in words: 'more than 80 %', 'June 2021', 'rank 2', 'Biden'."""
    unit, q, v, hi = row["unit"], row["qualifier"], str(row["value"]), str(row.get("value_high", "") or "")
    if unit == "date":
        text = DATE_QUALIFIER_WORDS.get(q, "") + date_text(v)
        return text + ("–" + date_text(hi) if q == "range" and hi else "")
    if unit == "administration":
        return f"the {ADMINISTRATION_WORDS.get(v, v)} administration"
    if unit == "rank":
        return QUALIFIER_WORDS.get(q, "") + f"rank {v}"
    text = QUALIFIER_WORDS.get(q, "") + number_text(float(v), unit)
    if q == "range" and hi:
        text += "–" + number_text(float(hi), unit)
    return text + UNIT_SUFFIX.get(unit, " " + unit)


def date_text(value: str) -> str:
    parsed = curated.parse_partial_date(value)
    if parsed is None:
        return value
    d, precision = parsed
    if precision == "day":
        return f"{d.day} {d:%B %Y}"
    return f"{d:%B %Y}" if precision == "month" else str(d.year)


def primary_value_text(p: Primary, unit: str) -> str:
    if p.value is None or (isinstance(p.value, float) and math.isnan(p.value)):
        return "withheld" if p.flag == "withheld" else "not available"
    shown = (f"rank {number_text(p.value, unit)}" if unit == "rank"
             else number_text(p.value, unit) + UNIT_SUFFIX.get(unit, " " + unit))
    if p.flag == "lower_bound":
        return "more than " + shown
    if p.flag == "upper_bound":
        return "less than " + shown
    return shown


def provenance_text(p: Primary) -> str:
    """'USGS Mineral Commodity Summaries 2023 (Fig. 3), data for 2022': the edition follows the
    release's name, before any table it names."""
    base, _, table = p.release.partition(" (")
    release = base + (f" {p.edition}" if p.edition else "") + (f" ({table}" if table else "")
    release = f"{p.detail}; {release}" if p.detail else release
    return f"{release}, data for {p.data_year}" if p.data_year else release


# --------------------------------------------------------------------------- rules

def _years(text: str) -> tuple[int, int] | None:
    found = [int(y) for y in re.findall(r"\d{4}", text or "")]
    if not found:
        m = re.match(r"(\d{4})\D+(\d{2})$", text or "")
        return (int(m.group(1)), int(m.group(1)[:2] + m.group(2))) if m else None
    if len(found) == 1:
        tail = re.search(r"\d{4}\D+(\d{2})$", text)
        if tail:
            return found[0], int(str(found[0])[:2] + tail.group(1))
        return found[0], found[0]
    return min(found), max(found)


def basis_gaps(claim: Claim, p: Primary) -> list[str]:
    """How the release's figure differs in year, edition or definition from the claim's."""
    gaps = []
    years = _years(p.data_year)
    source = SOURCES.get(claim.source_key, {})
    if claim.reference_year and years and not (years[0] <= claim.reference_year <= years[1]):
        gaps.append(f"the source's figure is for {claim.reference_year}, the release's for {p.data_year}")
    elif p.edition and source and p.edition > source["year"]:
        gaps.append(f"the {p.edition} edition appeared after the source was written ({source['year']})")
    if claim.basis:
        gaps.append(claim.basis)
    return gaps


def primary_verdict(claim: Claim, p: Primary) -> Verdict:
    """The verdict on a claim tested against a primary release; the reason does not repeat
    the value, which the tables print beside it."""
    if p.value is None or (isinstance(p.value, float) and math.isnan(p.value)):
        why = {"withheld": "The release withholds the figure",
               "later_edition": "The release is later than the edition this book is built as of"}.get(
            p.flag, "The release gives no figure")
        return Verdict("not_checkable", why + (f"; {claim.basis}." if claim.basis else "."))
    ok = satisfies(claim, p)
    gaps = basis_gaps(claim, p)
    tail = f"; {'; '.join(gaps)}." if gaps else "."
    if ok is None:
        return Verdict("not_checkable", "The release publishes only a bound, which neither confirms nor rules "
                                        "out the claim" + tail)
    if ok:
        return Verdict("consistent", "Within the claim's tolerance" + tail)
    if gaps:
        return Verdict("different_basis", "Outside the claim's tolerance" + tail)
    return Verdict("differs", "Outside the claim's tolerance, on the same basis.")


def _date_key(value: str, precision: str) -> tuple:
    d, _ = curated.parse_partial_date(value)
    return {"year": (d.year,), "month": (d.year, d.month), "day": (d.year, d.month, d.day)}[precision]


_ORDER = ("year", "month", "day")


def _coarser(a: str, b: str) -> str:
    return a if _ORDER.index(a) < _ORDER.index(b) else b


def _shift(key: tuple, n: int) -> tuple:
    if len(key) == 1:
        return (key[0] + n,)
    if len(key) == 2:
        months = key[0] * 12 + key[1] - 1 + n
        return months // 12, months % 12 + 1
    d = date(*key).toordinal() + n
    d = date.fromordinal(d)
    return d.year, d.month, d.day


def date_agrees(claim: Claim, fact: Fact) -> bool:
    """Compare a claimed (partial) date with a fact's at the coarser of the two precisions."""
    q = claim.qualifier
    claim_prec = curated.parse_partial_date(claim.value)[1]
    prec = _coarser(claim_prec, fact.precision)
    f = _date_key(str(fact.value), prec)
    c = _date_key(claim.value, prec)
    if q == "=":
        return f == c
    if q == "about":
        return _shift(c, -1) <= f <= _shift(c, 1)
    if q == ">":
        return f > c
    if q == ">=":
        return f >= c
    if q == "<":
        return f < c
    if q == "<=":
        return f <= c
    if q == "range":
        hi_prec = _coarser(curated.parse_partial_date(claim.value_high)[1], fact.precision)
        return c <= f and _date_key(str(fact.value), hi_prec) <= _date_key(claim.value_high, hi_prec)
    raise ValueError(f"{claim.claim_id}: qualifier {q!r} has no date rule")


def amount_agrees(claim: Claim, fact: Fact) -> bool | None:
    """The claim's amount against a funding row's, both with their qualifiers."""
    value = float(fact.value)
    if fact.qualifier in ("=", "about", "up_to") and abs(value - float(claim.value)) <= rounding(claim.value, claim.unit):
        return True  # the same sum as announced ('up to' is how awards are announced)
    as_primary = Primary(value, "lower_bound" if fact.qualifier == ">" else None)
    return satisfies(claim, as_primary)


def curated_verdict(claim: Claim, fact: Fact) -> Verdict:
    """The verdict on a claim tested against a curated fact (the fact's text is printed
    beside it, so the reason says only how the two compare)."""
    if fact.kind == "none":
        return Verdict("not_checkable", fact.text)
    if not fact.documented:
        return Verdict("not_checkable", "The tables hold this only as the sources report it; no primary "
                                        "document is recorded.")
    if fact.kind == "date":
        if date_agrees(claim, fact):
            finer = _ORDER.index(curated.parse_partial_date(claim.value)[1]) > _ORDER.index(fact.precision)
            return Verdict("confirmed", f"Same date, to the {fact.precision} the record gives." if finer
                           else "The primary record agrees.")
        return Verdict("contradicted", "The primary record gives another date.")
    if fact.kind == "administration":
        if str(fact.value) == claim.value:
            return Verdict("confirmed", "The primary record names the same administration.")
        return Verdict("contradicted", f"Signed under the {ADMINISTRATION_WORDS.get(str(fact.value))} "
                                       f"administration, not the {ADMINISTRATION_WORDS.get(claim.value)} one.")
    if fact.kind in ("count", "days"):
        if satisfies(claim, Primary(float(fact.value))):
            return Verdict("confirmed", "The primary record agrees.")
        return Verdict("contradicted", "The primary record gives another number.")
    if fact.kind == "amount":
        ok = amount_agrees(claim, fact)
        if ok is None:
            return Verdict("not_checkable", "The recorded amount is a bound that neither confirms nor rules out the claim.")
        return (Verdict("confirmed", "The primary record gives the same sum.") if ok
                else Verdict("contradicted", "The primary record gives another sum."))
    raise ValueError(f"{claim.claim_id}: fact kind {fact.kind!r} has no rule")


def with_contradictions(verdict: Verdict, claim: Claim, others: dict[str, str]) -> Verdict:
    """A claim the data cannot settle but another claim contradicts is a contradiction in
    the sources; ``others`` maps each contradicting claim id to a phrase naming it."""
    if not claim.contradicts or verdict.code not in ("not_checkable", "different_basis"):
        return verdict
    against = "; ".join(others[c] for c in claim.contradicts)
    return Verdict("contradiction", f"Contradicted by {against}. {verdict.reason}")


# --------------------------------------------------------------------------- claims table

def load_claims() -> pd.DataFrame:
    return curated.load_table("claims")


def as_claim(row) -> Claim:
    ref = str(row.get("reference_year") or "")
    return Claim(
        claim_id=row["claim_id"], value=str(row["value"]), unit=row["unit"], qualifier=row["qualifier"],
        value_high=str(row.get("value_high") or ""), source_key=row["source_key"],
        reference_year=int(ref) if ref else None, metric=row["metric"], basis=str(row.get("basis") or ""),
        contradicts=tuple(c.strip() for c in str(row.get("contradicts") or "").split(";") if c.strip()),
    )


def sql_path(check: str) -> Path:
    """The query file a primary claim names in ``check`` (relative to analysis/sql/)."""
    return SQL_DIR / check


# --------------------------------------------------------------------------- running the queries

def read_only_database(extracts: Path | None = None, tables: list[str] | None = None):
    """Copy the extract tables into a temporary DuckDB file and open it read-only with
    external access disabled and the configuration locked: the claim queries can read
    those tables and nothing else, and can write nothing. Returns (connection, cleanup)."""
    folder = Path(extracts) if extracts is not None else extracts_dir()
    if not folder.is_dir():
        raise PipelineError(f"extracts directory {folder} does not exist; run `python -m analysis extract`")
    vintage = editions.mcs_vintage()
    tmp = Path(tempfile.mkdtemp(prefix="claims-"))
    path = tmp / "claims.duckdb"
    build = duckdb.connect(str(path))
    try:
        for parquet in sorted(folder.glob("*.parquet")):
            if tables is not None and parquet.stem not in tables:
                continue
            # announced as an input, as analysis.db does, so a chapter that shows verdicts
            # re-runs when an extract changes
            sys.audit("render.input.file", str(parquet.resolve()))
            literal = str(parquet.resolve()).replace("'", "''")
            column = editions.edition_column(parquet.stem)
            cut = f" WHERE {column} <= {vintage}" if column and vintage is not None else ""
            build.execute(f'CREATE TABLE "{parquet.stem}" AS SELECT * FROM read_parquet(\'{literal}\'){cut}')
    finally:
        build.close()
    con = duckdb.connect(str(path), read_only=True,
                         config={"enable_external_access": False, "lock_configuration": True})

    def cleanup():
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return con, cleanup


def _optional(row: pd.Series, name: str):
    if name not in row.index:
        return None
    v = row[name]
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v


def run_query(con, claim_id: str, check: str) -> Primary:
    """Run one claim's query; a failure names the claim and the file."""
    path = sql_path(check)
    rel = f"analysis/sql/{check}"
    if not path.is_file():
        raise PipelineError(f"claim {claim_id}: query file {rel} does not exist")
    try:
        result = con.execute(path.read_text(encoding="utf-8")).df()
    except duckdb.Error as exc:
        raise PipelineError(f"claim {claim_id}: query {rel} failed: {exc}") from None
    if len(result) == 0 and editions.mcs_vintage() is not None:
        # a build made as of an earlier edition does not have the release the claim is tested on
        return Primary(value=None, flag="later_edition", release="USGS Mineral Commodity Summaries")
    if len(result) != 1:
        raise PipelineError(f"claim {claim_id}: query {rel} returned {len(result)} rows, not one")
    row = result.iloc[0]
    first = row.iloc[0]
    if not pd.api.types.is_numeric_dtype(result.dtypes.iloc[0]):
        raise PipelineError(f"claim {claim_id}: query {rel} returns {first!r} first, not a number")
    value = None if pd.isna(first) else float(first)
    flag = _optional(row, "value_flag") or _optional(row, "us_value_flag")
    edition = _optional(row, "edition")
    return Primary(value=value, flag=flag, original=_optional(row, "value_original"),
                   release=str(_optional(row, "release") or ""), edition=int(edition) if edition else None,
                   data_year=str(_optional(row, "data_year") or ""), detail=str(_optional(row, "detail") or ""))


def primary_results(claims: pd.DataFrame, extracts: Path | None = None) -> dict[str, Primary]:
    rows = claims[claims["check_kind"] == "primary"]
    con, cleanup = read_only_database(extracts)
    try:
        return {r["claim_id"]: run_query(con, r["claim_id"], r["check"]) for _, r in rows.iterrows()}
    finally:
        cleanup()


# --------------------------------------------------------------------------- curated facts

def _documented(rows: pd.DataFrame) -> bool:
    return bool((~rows["source_key"].isin(curated.SEED_KEYS) | rows["primary_source"].fillna("").ne("")).all())


def _member_count(rows: pd.DataFrame, reference_year: int | None) -> tuple[pd.DataFrame, str]:
    dated = rows["date_joined"].fillna("").str[:4]
    if reference_year and (dated.ne("") & dated.le(str(reference_year))).any():
        return rows[dated.ne("") & dated.le(str(reference_year))], f"by {reference_year}"
    return rows, "recorded today"


def curated_fact(row, facts: dict[str, pd.DataFrame]) -> Fact:
    """The fact a curated claim's reference points to, reduced for comparison."""
    ref = curated.parse_curated_ref(row["check"])
    rows = curated.resolve_ref(ref, facts)
    documented = _documented(rows)
    unit = row["unit"]
    if ref.table == "events":
        first = rows.iloc[0]
        title = first["title_en"]
        if unit == "date":
            return Fact("date", first["date"], first["date_precision"], documented=documented,
                        text=f"{title}: {date_text(first['date'])}")
        if unit == "administration":
            return Fact("administration", first["administration"], documented=documented,
                        text=f"{title.split(',')[0]}: signed under the {ADMINISTRATION_WORDS.get(first['administration'])} administration "
                             f"({date_text(first['date'])})")
        if unit == "count":
            return Fact("count", len(rows), documented=documented,
                        text=f"{len(rows)} acts recorded: " + "; ".join(
                            f"{r.title_en.split(',')[0]} ({date_text(r.date)})" for r in rows.itertuples()))
        if unit == "day":
            d, prec = curated.parse_partial_date(first["date"])
            start = max(s for s, _ in curated.ADMIN_STARTS if s <= d)
            days = (d - start).days + 1
            return Fact("days", days, documented=documented and prec == "day",
                        text=f"{title}: {date_text(first['date'])}, day {days} of the administration")
        return Fact("none", None, documented=documented,
                    text="The tables record the act, not its rank among acts.")
    if ref.table == "memberships":
        if unit != "count":
            return Fact("none", None, text="The tables record the member, not this figure.")
        kept, when = _member_count(rows, int(row["reference_year"]) if row["reference_year"] else None)
        documented = _documented(kept)  # only the members counted need a primary document
        without_us = "excluding_us" in row["metric"] or "other" in row["metric"]
        n = int(kept["member_iso3"].ne("USA").sum()) if without_us else len(kept)
        noun = "signatories" if rows["role"].eq("signatory").all() else "members"
        besides = " besides the United States" if without_us else ""
        return Fact("count", n, documented=documented,
                    text=f"{rows['initiative'].iloc[0]}: {n} {noun}{besides} {when}")
    first = rows.iloc[0]
    if unit == "USD":
        amount = float(first["amount_usd"]) if first["amount_usd"] else float("nan")
        words = {"=": "", "up_to": "up to ", "about": "about ", ">": "more than "}[first["amount_qualifier"] or "="]
        return Fact("amount", amount, qualifier=first["amount_qualifier"] or "=", documented=documented,
                    text=f"{first['programme']}: {words}{number_text(amount)} USD")
    if unit == "date":
        when = first["date"] or first["year"]
        return Fact("date", when, curated.parse_partial_date(when)[1], documented=documented,
                    text=f"{first['programme']}: {date_text(when)}")
    return Fact("none", None, documented=documented, text="The funding row records the sum, not this figure.")


# --------------------------------------------------------------------------- all verdicts

#: maintainers' words in the ``check`` texts and what a reader is told instead
READER_WORDS = [
    (r"\bthe mirror's\b", "the releases'"), (r"\bmirrored release\b", "release this book reads"),
    (r"\bno primary release in the mirror\b", "no primary release this book reads"),
    (r"\bin the mirror\b", "in the releases this book reads"), (r"\bthe mirror\b", "the releases this book reads"),
    (r"\b(?:an? |the )?curated (?:tables?|files)\b", "the book's tables"), (r"\bextract tables\b", "data tables"),
    (r"\bprimary tables\b", "releases"), (r"\bseed\b", "source"),
]


def reader_words(text: str) -> str:
    for pattern, words in READER_WORDS:
        text = re.sub(pattern, words, text)
    return text


def untestable_reason(check: str) -> str:
    """The reason a claim cannot be tested, in a reader's words (no file or table names)."""
    text = reader_words(re.sub(r"^untestable:\s*", "", check or "").strip())
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else "No release or table can test it."


def claim_phrase(claims: pd.DataFrame, claim_id: str, source_key: str = "") -> str:
    """'Sun (2024): about 70 %' or 'the same source elsewhere: 80 %' — how a contradiction
    names the other claim."""
    row = claims.loc[claims["claim_id"] == claim_id].iloc[0]
    who = "the same source elsewhere" if row["source_key"] == source_key else SOURCES[row["source_key"]]["label"]
    return f"{who}: {claim_value_text(row)}"


def verdicts(claims: pd.DataFrame | None = None, extracts: Path | None = None) -> pd.DataFrame:
    """One row per claim: the claim, the primary value or curated fact it is tested
    against, the verdict and its one-line reason. Everything the book says about the
    claims is computed from this table."""
    claims = load_claims() if claims is None else claims
    results = primary_results(claims, extracts)
    facts = {t: curated.load_table(t) for t in curated.FACT_TABLES}
    out = []
    for _, row in claims.iterrows():
        claim = as_claim(row)
        evidence = {"evidence": "", "release": "", "edition": pd.NA, "data_year": "", "evidence_value": float("nan"),
                    "evidence_flag": ""}
        if row["check_kind"] == "primary":
            p = results[claim.claim_id]
            verdict = primary_verdict(claim, p)
            shown = primary_value_text(p, claim.unit) + (f" ({p.detail})" if p.detail else "")
            evidence = {"evidence": shown, "release": p.release, "edition": p.edition if p.edition else pd.NA,
                        "data_year": p.data_year, "evidence_value": p.value if p.value is not None else float("nan"),
                        "evidence_flag": p.flag or ""}
        elif row["check_kind"] == "curated":
            fact = curated_fact(row, facts)
            verdict = curated_verdict(claim, fact)
            evidence["evidence"] = reader_words(fact.text) if fact.kind != "none" else ""
            evidence["release"] = "curated record, primary document" if fact.documented else "curated record, from the sources"
        else:
            verdict = Verdict("not_checkable", untestable_reason(row["check"]))
        verdict = with_contradictions(verdict, claim, {c: claim_phrase(claims, c, claim.source_key)
                                                       for c in claim.contradicts})
        out.append({
            "claim_id": claim.claim_id,
            "part": row["part"],
            "source": SOURCES[row["source_key"]]["label"],
            "claim": row["claim_en"],
            "claimed_value": claim_value_text(row),
            "unit": claim.unit,
            "qualifier": claim.qualifier,
            "claimed_number": float(claim.value) if claim.unit not in ("date", "administration") else float("nan"),
            "quote_zh": row["quote_zh"],
            "tested_against": {"primary": "primary release", "curated": "curated fact"}.get(row["check_kind"], "nothing"),
            **evidence,
            "verdict": verdict.code,
            "verdict_label": verdict.label,
            "reason": verdict.reason,
            "contradicts": ";".join(claim.contradicts),
        })
    return pd.DataFrame(out)


def contradiction_pairs(table: pd.DataFrame) -> list[tuple[pd.Series, pd.Series]]:
    """Each pair of claims that contradict each other, once, as rows of the verdict table."""
    by_id = table.set_index("claim_id")
    seen, out = set(), []
    for _, r in table[table["contradicts"] != ""].iterrows():
        for other in r["contradicts"].split(";"):
            pair = tuple(sorted((r["claim_id"], other)))
            if pair not in seen:
                seen.add(pair)
                out.append((by_id.loc[pair[0]], by_id.loc[pair[1]]))
    return out


#: columns of claims-verification.csv, in order (one row per claim)
CSV_COLUMNS = ["claim_id", "part", "source", "claim", "claimed_value", "quote_zh", "tested_against", "evidence",
               "release", "edition", "data_year", "verdict", "verdict_label", "reason", "contradicts"]


def write_csv(path: Path, table: pd.DataFrame | None = None) -> Path:
    """Write ``claims-verification.csv`` (UTF-8 with a BOM so that spreadsheet programs read
    the Chinese passages): the table behind Appendix B, for readers to sort and filter."""
    table = verdicts() if table is None else table
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = table[CSV_COLUMNS].copy()
    out["part"] = out["part"].map(PARTS)
    out.to_csv(path, index=False, encoding="utf-8-sig")
    return path
