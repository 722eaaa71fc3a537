"""Appendix B: every claim of the four sources and how it can be tested.

The claims are curated by hand (data/curated/claims/); this module only counts and
lays them out, so the appendix changes whenever a claim is added or reclassified.
"""
from __future__ import annotations

import pandas as pd

from analysis import curated

SOURCES = {
    "ciaps2022biden": "CIAPS commentary (2022)",
    "cheng2024friendshoring": "Cheng (2024)",
    "sun2024battery": "Sun (2024)",
    "ipp2025dependency": "IPP / Crebo-Rediker (2025)",
}
KINDS = {"primary": "Testable against a primary release", "curated": "Testable against a curated fact",
         "untestable": "Not testable with these releases"}


def claims() -> pd.DataFrame:
    return curated.load_table("claims")


def claims_by_source(table: pd.DataFrame) -> pd.DataFrame:
    """Claims per source and by how they can be checked, in the sources' order."""
    counts = pd.crosstab(table["source_key"], table["check_kind"]).reindex(index=list(SOURCES), columns=list(KINDS),
                                                                           fill_value=0)
    counts["Claims"] = counts.sum(axis=1)
    counts.loc["Total"] = counts.sum()
    counts.index = [SOURCES.get(k, k) for k in counts.index]
    counts = counts.rename(columns=KINDS)[["Claims", *KINDS.values()]]
    counts.columns.name = None
    return counts.rename_axis("Source").reset_index()


def count(table: pd.DataFrame, kind: str | None = None) -> int:
    return int(len(table) if kind is None else (table["check_kind"] == kind).sum())


QUALIFIER_TEXT = {"=": "", ">": "more than ", ">=": "at least ", "<": "less than ", "<=": "at most ",
                  "about": "about ", "nearly": "nearly ", "range": ""}
DATE_QUALIFIER_TEXT = {"=": "", ">": "after ", ">=": "from ", "<": "before ", "<=": "by ", "about": "about ",
                       "nearly": "nearly ", "range": ""}
UNIT_TEXT = {"pct": "%", "count": "", "rank": " (rank)", "t": " t", "USD": " USD", "day": " days", "year": " years"}


def _number(value: float) -> str:
    if value != value:  # NaN
        return "not available"
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"


def _claim_text(row: pd.Series) -> str:
    if row["unit"] == "date":  # ISO (partial) dates, kept as written
        text = DATE_QUALIFIER_TEXT.get(row["qualifier"], "") + row["value"]
        return text + ("–" + row["value_high"] if row["qualifier"] == "range" and row["value_high"] else "")
    value = float(row["value"])
    text = QUALIFIER_TEXT.get(row["qualifier"], "") + _number(value)
    if row["qualifier"] == "range" and row["value_high"]:
        text += "–" + _number(float(row["value_high"]))
    text += UNIT_TEXT.get(row["unit"], " " + row["unit"])
    return text


def primary_results(table: pd.DataFrame) -> pd.DataFrame:
    """Each claim testable against a release, beside what its query returns from the extracts.

    The comparison is shown, not judged: reference years, coverage and definitions differ
    (the notes in data/curated/claims/ say how), and a reader should see both numbers.
    """
    from analysis import db

    primary = table[table["check_kind"] == "primary"]
    con = db.connect()
    try:
        results = [con.execute(q).df().iloc[0] for q in primary["check"]]
    finally:
        con.close()
    shown = []
    for result, unit in zip(results, primary["unit"]):
        value = result.iloc[0]
        if value is None or value != value:
            shown.append("withheld or not available")
            continue
        text = _number(float(value)) + UNIT_TEXT.get(unit, " " + unit)
        published = result.get("value_original")
        if isinstance(published, str) and published.strip() and not published.strip()[0].isdigit():
            text += f" (published as “{published.strip()}”)"
        shown.append(text)
    return pd.DataFrame({
        "Claim": primary["claim_id"].values,
        "What": (primary["subject"] + ": " + primary["metric"].str.replace("_", " ")).values,
        "The source says": primary.apply(_claim_text, axis=1).values,
        "Primary data": shown,
    })


# --------------------------------------------------------------------------- curated claims

AMOUNT_QUALIFIER_TEXT = {"=": "", "up_to": "up to ", "about": "about ", ">": "more than "}


def fact_tables() -> dict[str, pd.DataFrame]:
    return {t: curated.load_table(t) for t in curated.FACT_TABLES}


def _member_count(rows: pd.DataFrame, reference_year: str) -> dict:
    """Members of an initiative as of the claim's reference year, when the table can say
    so (a reference year is given and some member had joined by then); otherwise all the
    members recorded today. Members without a joining date cannot be placed in time, so
    an as-of count leaves them out and says how many."""
    dated = rows["date_joined"].fillna("").str[:4]
    year = int(reference_year) if reference_year else None
    if year is not None and (dated.ne("") & dated.le(str(year))).any():
        kept = rows[dated.ne("") & dated.le(str(year))]
        return {"count": len(kept), "as_of": year, "undated": int(dated.eq("").sum()),
                "count_without_usa": int(kept["member_iso3"].ne("USA").sum()), "has_usa": kept["member_iso3"].eq("USA").any()}
    return {"count": len(rows), "as_of": None, "undated": 0,
            "count_without_usa": int(rows["member_iso3"].ne("USA").sum()), "has_usa": rows["member_iso3"].eq("USA").any()}


def curated_fact(claim: pd.Series, facts: dict[str, pd.DataFrame]) -> dict:
    """The curated row(s) a claim's reference points to, reduced to what the claim can be
    compared with: an event's date and precision, an initiative's member count, or a
    funding row's amount and qualifier. ``text`` is the cell Appendix B prints: the value
    first, for comparing down the column, then the row's title (not its id, which the
    claims CSV holds) so that a reader can judge whether the row really is the act, group
    or sum the source means."""
    ref = curated.parse_curated_ref(claim["check"])
    rows = curated.resolve_ref(ref, facts)
    fact: dict = {"table": ref.table, "keys": ref.keys, "note": ref.note}
    if ref.table == "events":
        fact["dates"] = list(zip(rows["date"], rows["date_precision"]))
        fact["date"], fact["precision"] = fact["dates"][0]
        fact["text"] = "; ".join(f"{r.date} ({r.date_precision}) — {r.title_en}" for r in rows.itertuples())
    elif ref.table == "memberships" and all("/" not in k for k in ref.keys):
        fact.update(_member_count(rows, claim["reference_year"] or ""))
        noun = "signatories" if rows["role"].eq("signatory").all() else "members"
        when = f"by {fact['as_of']}" if fact["as_of"] else "recorded today"
        aside = [f"{fact['count_without_usa']} besides the United States"] if fact["has_usa"] else []
        aside += [f"{fact['undated']} with no joining date not counted"] if fact["undated"] else []
        fact["text"] = (f"{fact['count']} {noun} {when}" + (f" ({'; '.join(aside)})" if aside else "")
                        + f" — {rows['initiative'].iloc[0]}")
    elif ref.table == "memberships":
        fact["text"] = "; ".join(f"{r.member}: {r.role.replace('_', ' ')}" + (f" since {r.date_joined}" if r.date_joined else "")
                                 + f" — {r.initiative}" for r in rows.itertuples())
    else:
        r = rows.iloc[0]
        fact.update(amount_usd=float(r["amount_usd"]) if r["amount_usd"] else float("nan"),
                    qualifier=r["amount_qualifier"], date=r["date"] or r["year"], recipient=r["recipient"])
        text = AMOUNT_QUALIFIER_TEXT.get(r["amount_qualifier"], "") + _number(fact["amount_usd"]) + " USD"
        text += f" ({fact['date']})" if fact["date"] else ""
        if claim["unit"] == "count" and r["recipient"]:
            text += f" to {r['recipient']}"
        fact["text"] = text + " — " + r["programme"]
    return fact


def curated_ref_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many curated claims point into each fact table."""
    cur = table[table["check_kind"] == "curated"]
    refs = cur["check"].map(lambda c: curated.parse_curated_ref(c).table)
    return {t: int((refs == t).sum()) for t in curated.FACT_TABLES}


def curated_results(table: pd.DataFrame) -> pd.DataFrame:
    """Each claim testable against a curated table, beside the fact its reference points to.

    As for the primary checks, nothing is scored: a seed may round a date to the year, count
    the United States or not, or describe an announcement where the table records the act,
    and the reader should see both sides. The build has already checked that every
    reference resolves (analysis.curated.check_curated_refs).
    """
    facts = fact_tables()
    cur = table[table["check_kind"] == "curated"]
    shown = [curated_fact(r, facts) for _, r in cur.iterrows()]
    # The claim's id and what it is about share one column: with four columns the id and
    # the longest hyphenated words could not all fit their columns of an A4 page.
    return pd.DataFrame({
        "Claim": (cur["claim_id"] + ": " + cur["subject"] + ", " + cur["metric"].str.replace("_", " ")).values,
        "The source says": cur.apply(_claim_text, axis=1).values,
        "Curated fact": [f["text"] + (f". {f['note'][0].upper()}{f['note'][1:]}." if f["note"] else "") for f in shown],
    })
