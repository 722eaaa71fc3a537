"""Appendix B: every claim of the four sources with its verdict.

Why: the appendix answers the book's own question, which of the sources' figures hold.
It only lays out ``analysis.verdicts.verdicts()``: counts, the summary figure, the rules
and the claims part by part all come from that one table, so the prose, the figure and
``claims-verification.csv`` cannot disagree.
"""
from __future__ import annotations

from functools import lru_cache

import altair as alt
import pandas as pd

from analysis import charts, prose, theme, verdicts  # noqa: F401  (theme: registers the book's chart theme)

COLOURS = charts.VERDICT_COLOURS
HOLD = ("consistent", "confirmed")
FAIL = ("differs", "contradicted")


@lru_cache(maxsize=1)
def table() -> pd.DataFrame:
    """The verdict table, computed once per chapter run."""
    return verdicts.verdicts()


def count(v: pd.DataFrame, *codes: str, source: str | None = None) -> int:
    rows = v if source is None else v[v["source"] == source]
    return int(len(rows) if not codes else rows["verdict"].isin(codes).sum())


def n_sources(v: pd.DataFrame) -> str:
    return prose.number_word(v["source"].nunique())


def n_decided(v: pd.DataFrame) -> int:
    """Claims a release or a primary document decides on the same basis, one way or the other."""
    return count(v, *HOLD, *FAIL)


def share_text(v: pd.DataFrame, *codes: str) -> str:
    """Share of the decided claims with one of these verdicts."""
    decided = v[v["verdict"].isin(HOLD + FAIL)]
    return f"{100 * decided['verdict'].isin(codes).mean():.0f}%"


def summary(v: pd.DataFrame) -> pd.DataFrame:
    """Verdicts (rows) by source (columns), with totals: four narrow source columns fit a
    phone, where seven verdict columns would not."""
    counts = pd.crosstab(v["verdict"], v["source"]).reindex(
        index=list(verdicts.VERDICTS), columns=[s["label"] for s in verdicts.SOURCES.values()], fill_value=0)
    counts["All sources"] = counts.sum(axis=1)
    counts.loc["All claims"] = counts.sum()
    counts.index = [verdicts.VERDICTS.get(k, k) for k in counts.index]
    counts.columns.name = None
    return counts.rename_axis("Verdict").reset_index()


def status_chart(v: pd.DataFrame) -> alt.Chart:
    """Stacked bars, one per source: how many of its claims received each verdict."""
    data = v.groupby(["source", "verdict"]).size().rename("claims").reset_index()
    data["verdict_label"] = data["verdict"].map(verdicts.VERDICTS)
    data["order"] = data["verdict"].map({k: i for i, k in enumerate(verdicts.VERDICTS)})
    totals = v.groupby("source").size()
    data["total"] = data["source"].map(totals)
    sources = [s["label"] for s in verdicts.SOURCES.values()]
    present = [k for k in verdicts.VERDICTS if k in set(data["verdict"])]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("source:N", title=None, sort=sources, axis=alt.Axis()),
        x=alt.X("claims:Q", title="Claims", stack="zero"),
        color=alt.Color("verdict_label:N", title=None,
                        scale=alt.Scale(domain=[verdicts.VERDICTS[k] for k in present],
                                        range=[COLOURS[k] for k in present]),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("source:N", title="Source"), alt.Tooltip("verdict_label:N", title="Verdict"),
                 alt.Tooltip("claims:Q", title="Claims", format="d"),
                 alt.Tooltip("total:Q", title="All claims of the source", format="d")],
    ).properties(width=250, height=170, title="Verdicts on the sources' claims")


def rules_markdown() -> str:
    """The verdict rules as a list a reader can check any row against."""
    return "\n".join(f"- **{verdicts.VERDICTS[k]}**: {text}." for k, text in verdicts.RULES.items())


def tolerances() -> pd.DataFrame:
    return pd.DataFrame({"Comparison": list(verdicts.TOLERANCES), "Tolerance": list(verdicts.TOLERANCES.values())})


def _claim_cell(r) -> str:
    return f"{r['source']}: {r['claim']}"


def contradictions(v: pd.DataFrame) -> pd.DataFrame:
    """Each pair of claims that contradict each other, once, with both verdicts."""
    return pd.DataFrame([{
        "One claim": f"{a['source']}: {a['claim'].split(' (')[0]}, {a['claimed_value']}",
        "Its verdict": a["verdict_label"],
        "The other": f"{b['source']}: {b['claim'].split(' (')[0]}, {b['claimed_value']}",
        "Verdict on the other": b["verdict_label"],
    } for a, b in verdicts.contradiction_pairs(v)])


def n_contradiction_pairs(v: pd.DataFrame) -> int:
    return len(contradictions(v))


def part_table(v: pd.DataFrame, part: str) -> pd.DataFrame:
    """The claims a part of the argument rests on, in the sources' order."""
    rows = v[v["part"] == part]
    evidence = rows["evidence"].where(rows["evidence"] != "", "—")
    where = rows.apply(lambda r: ", ".join(x for x in (r["release"] if r["tested_against"] == "primary release"
                                                        else "", _edition(r)) if x), axis=1)
    return pd.DataFrame({
        "Claim": rows.apply(_claim_cell, axis=1).values,
        "Claimed": rows["claimed_value"].values,
        "Primary value or fact": [e + (f" ({w})" if w else "") for e, w in zip(evidence, where)],
        "Verdict": rows["verdict_label"].values,
        "Reason": rows["reason"].values,
    })


def _edition(r) -> str:
    parts = []
    if pd.notna(r["edition"]) and r["edition"] != "":
        parts.append(f"edition {int(r['edition'])}")
    if r["data_year"]:
        parts.append(f"data for {r['data_year']}")
    return ", ".join(parts)
