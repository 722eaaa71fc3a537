"""Chapter 7, Findings: what holds in the four sources, what does not, and what changed.

Why: the appendix lists every verdict; this chapter reads them. Every count, value and
list here comes from ``analysis.verdicts.verdicts()``, so when a new edition of the
Mineral Commodity Summaries moves a figure, the findings move with it. The same module
gives the chapters the short notes they print where they rely on a claim that does not
hold (``verdict_phrase``, ``mismatches``).
"""
from __future__ import annotations

from functools import lru_cache

import altair as alt
import pandas as pd

from analysis import charts, prose, theme, verdicts

HOLD = ("consistent", "confirmed")
FAIL = ("differs", "contradicted")
#: how a verdict reads inside a sentence about one claim
PHRASES = {
    "consistent": "consistent with the release",
    "confirmed": "confirmed by the primary record",
    "differs": "not borne out by the release on the same basis",
    "contradicted": "contradicted by the primary record",
    "different_basis": "not matched by the release, which measures another year, edition or definition",
    "contradiction": "contradicted by another of the sources' claims",
    "not_checkable": "not checkable with the releases this book reads",
}
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@lru_cache(maxsize=1)
def table() -> pd.DataFrame:
    return verdicts.verdicts()


def _row(claim_id: str) -> pd.Series:
    v = table()
    rows = v[v["claim_id"] == claim_id]
    if len(rows) != 1:
        raise KeyError(f"no verdict for claim {claim_id!r}")
    return rows.iloc[0]


def _lower_first(text: str) -> str:
    """'Other critical minerals' -> 'other critical minerals'; 'US share', 'DR Congo' stay."""
    return text[:1].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def number(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"


def count(v: pd.DataFrame, *codes: str, source: str | None = None) -> int:
    rows = v if source is None else v[v["source"] == source]
    return int(len(rows) if not codes else rows["verdict"].isin(codes).sum())


def share(v: pd.DataFrame, source: str | None = None) -> str:
    """Share of the decided claims that hold."""
    decided = count(v, *HOLD, *FAIL, source=source)
    return f"{100 * count(v, *HOLD, source=source) / decided:.0f}%" if decided else "none"


def _where(r: pd.Series) -> str:
    base, _, table_name = str(r["release"]).partition(" (")
    parts = [base + (f" {int(r['edition'])}" if pd.notna(r["edition"]) and r["edition"] != "" else "")
             + (f" ({table_name}" if table_name else "")]
    if r["data_year"]:
        parts.append(f"data for {r['data_year']}")
    return ", ".join(p for p in parts if p)


def _release_phrase(r: pd.Series) -> str:
    """'USGS Mineral Commodity Summaries 2024 (data for 2023)', for use inside a sentence."""
    base, _, table_name = str(r["release"]).partition(" (")
    edition = f" {int(r['edition'])}" if pd.notna(r["edition"]) and r["edition"] != "" else ""
    extra = [f"({table_name}"[:-1]] if table_name else []
    extra += [f"data for {r['data_year']}"] if r["data_year"] else []
    return base + edition + (f" ({', '.join(extra).lstrip('(')})" if extra else "")


def verdict_phrase(claim_id: str) -> str:
    """'not borne out by the release on the same basis: 98.7 % (primary gallium) in USGS
    Mineral Commodity Summaries 2025, data for 2024' — for a chapter that relies on a claim."""
    r = _row(claim_id)
    text = PHRASES[r["verdict"]]
    if r["tested_against"] == "primary release" and r["evidence"]:
        return f"{text}: {r['evidence']} in the {_release_phrase(r)}"
    if r["tested_against"] == "curated fact" and r["evidence"]:
        return f"{text}: {r['evidence']}"
    return text


def mismatches(claim_ids: list[str]) -> str:
    """Among the given claims, those that do not hold on the same basis, as one sentence
    ('' when all hold): 'Cheng (2024) gives 24 ..., where the USGS Mineral Commodity
    Summaries 2024 give 34; ...'."""
    parts = []
    for cid in claim_ids:
        r = _row(cid)
        if r["verdict"] in FAIL:
            parts.append(f"{r['source']} gives {r['claimed_value']} ({_lower_first(r['claim'])}), where the "
                         f"{_release_phrase(r)} gives {r['evidence']}")
    if not parts:
        return ""
    return "Not every count matches the edition its source cites: " + "; ".join(parts) + "."


def by_source(v: pd.DataFrame) -> pd.DataFrame:
    """One row per source: what could be decided and how much of it holds."""
    rows = []
    for meta in verdicts.SOURCES.values():
        s = meta["label"]
        rows.append({
            "Source": s,
            "Claims": count(v, source=s),
            "Decided": count(v, *HOLD, *FAIL, source=s),
            "Hold": count(v, *HOLD, source=s),
            "Do not hold": count(v, *FAIL, source=s),
            "Share that holds": share(v, s),
            "Different basis": count(v, "different_basis", source=s),
            "Contradiction in the sources": count(v, "contradiction", source=s),
            "Not checkable": count(v, "not_checkable", source=s),
        })
    return pd.DataFrame(rows)


def _listing(rows: pd.DataFrame, found: str) -> pd.DataFrame:
    return pd.DataFrame({
        "Claim": (rows["source"] + ": " + rows["claim"]).values,
        "Claimed": rows["claimed_value"].values,
        found: [e + (f" ({_where(r)})" if r["tested_against"] == "primary release" else "")
                for e, (_, r) in zip(rows["evidence"], rows.iterrows())],
        "Verdict": rows["verdict_label"].values,
    })


def wrong(v: pd.DataFrame) -> pd.DataFrame:
    """The claims that a release or a primary document shows to be wrong."""
    return _listing(v[v["verdict"].isin(FAIL)], "What the release or record says")


def changed(v: pd.DataFrame) -> pd.DataFrame:
    """Claims the data no longer match on another basis, with the reason the basis differs."""
    rows = v[v["verdict"] == "different_basis"]
    out = _listing(rows, "What the release says")
    out["Why the basis differs"] = rows["reason"].str.replace("Outside the claim's tolerance; ", "", regex=False) \
        .str.rstrip(".").map(lambda t: t[:1].upper() + t[1:]).values
    return out.drop(columns="Verdict")


def n_later_edition(v: pd.DataFrame) -> int:
    """Different-basis claims whose gap comes (at least) from a later edition or year."""
    rows = v[v["verdict"] == "different_basis"]
    return int(rows["reason"].str.contains("appeared after the source|the release's for").sum())


NOT_CHECKABLE_KINDS = {
    "known only from the sources": r"only as the sources report it",
    "forecasts, projections and expectations": r"(?i)forecast|projection|expect",
    "company and market figures": r"(?i)compan|corporate|market share|facility|mine-level",
    "bounds or withheld values": r"(?i)withholds|only a bound",
}


def not_checkable_kinds(v: pd.DataFrame) -> dict[str, int]:
    """The unchecked claims by why (first matching kind; the rest are 'other')."""
    rows = v[v["verdict"] == "not_checkable"]
    left = rows["reason"]
    out = {}
    for kind, pattern in NOT_CHECKABLE_KINDS.items():
        hit = left.str.contains(pattern, regex=True)
        out[kind] = int(hit.sum())
        left = left[~hit]
    out["other statistics and characterisations with no series or record here"] = len(left)
    return out


def not_checkable_text(v: pd.DataFrame) -> str:
    kinds = [f"{n} {kind}" for kind, n in not_checkable_kinds(v).items() if n]
    return prose.and_list(kinds, empty="")


def gap_data(v: pd.DataFrame) -> pd.DataFrame:
    """Percentage claims tested against a release that gives an exact value: the claimed
    and the found value of each, for the chart."""
    rows = v[(v["unit"] == "pct") & (v["tested_against"] == "primary release") & (v["evidence_flag"] == "")
             & v["evidence_value"].notna() & v["qualifier"].isin(["=", "about", "nearly"])].copy()
    rows["label"] = (rows["source"] + ": " + rows["claim"]).map(wrap)
    rows["where"] = rows.apply(_where, axis=1)
    return rows


def wrap(text: str, width: int = 52) -> str:
    """Break a label into lines of at most ``width`` characters, joined by '|' (the chart
    splits on it), so that long claims are shown whole rather than cut off."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "|".join(lines + [line])


def gap_chart(v: pd.DataFrame) -> alt.Chart:
    """Each share a source states beside the value the release gives: the distance between
    the two dots is the gap, the colour of the found dot its verdict."""
    data = gap_data(v)
    order = data.sort_values("claimed_number")["label"].tolist()
    long = pd.concat([
        data.assign(kind="Claimed by the source", value=data["claimed_number"], shown=data["claimed_value"]),
        data.assign(kind="Found in the release", value=data["evidence_value"], shown=data["evidence"]),
    ])
    long["verdict_shown"] = long["kind"].where(long["kind"] == "Claimed by the source", long["verdict_label"])
    present = [verdicts.VERDICTS[k] for k in verdicts.VERDICTS if verdicts.VERDICTS[k] in set(long["verdict_shown"])]
    colour = {verdicts.VERDICTS[k]: c for k, c in charts.VERDICT_COLOURS.items()}
    domain = ["Claimed by the source"] + present
    rng = ["#000000"] + [colour[k] for k in present]
    y = alt.Y("label:N", sort=order, title=None,
              axis=alt.Axis(labelExpr="split(datum.label, '|')", labelFontSize=10))
    data["claim_shown"] = data["source"] + ": " + data["claim"]
    long["claim_shown"] = long["source"] + ": " + long["claim"]
    tooltip = [alt.Tooltip("claim_shown:N", title="Claim"), alt.Tooltip("claimed_value:N", title="Claimed"),
               alt.Tooltip("evidence:N", title="Found"), alt.Tooltip("where:N", title="Release"),
               alt.Tooltip("verdict_label:N", title="Verdict")]
    rule = alt.Chart(data).mark_rule(color=theme.MUTED).encode(
        y=y, x=alt.X("claimed_number:Q", title="Percent", scale=alt.Scale(domain=[0, 100])), x2="evidence_value:Q")
    dots = alt.Chart(long).mark_point(filled=True, size=55).encode(
        y=y, x="value:Q",
        shape=alt.Shape("verdict_shown:N", title=None,
                        scale=alt.Scale(domain=domain, range=["diamond"] + ["circle"] * len(present))),
        color=alt.Color("verdict_shown:N", title=None, scale=alt.Scale(domain=domain, range=rng),
                        legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=tooltip,
    )
    return alt.layer(rule, dots).properties(width=230, height=alt.Step(25),
                                            title="Shares the sources state, and what the releases give")


def _pairs(v: pd.DataFrame) -> list[tuple[pd.Series, pd.Series]]:
    return verdicts.contradiction_pairs(v)


def n_pairs(v: pd.DataFrame) -> int:
    return len(_pairs(v))


def contradictions_markdown(v: pd.DataFrame) -> str:
    """Each pair once, as a list item naming what the claims are about and both values."""
    items = []
    for a, b in _pairs(v):
        if a["claim"].split(" (")[0] != b["claim"].split(" (")[0]:
            items.append(f"- {a['source']}: {a['claim']}, {a['claimed_value']}; {b['source']}: {b['claim']}, "
                         f"{b['claimed_value']}.")
            continue
        who = (f"{a['source']} gives {a['claimed_value']} in one place and {b['claimed_value']} in another"
               if a["source"] == b["source"]
               else f"{a['source']} gives {a['claimed_value']}, {b['source']} {b['claimed_value']}")
        items.append(f"- {a['claim'].split(' (')[0]}: {who}.")
    return "\n".join(items)
