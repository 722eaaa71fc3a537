"""Chapter 2, domestic policy instruments: the laws, orders, lists and money the sources name.

The sources argue that the US toolbox grew from stockpiling law to executive orders,
critical-mineral lists and, under Biden, spending. The curated tables `events.csv` and
`funding.csv` hold each act and each commitment with its source, so the timeline, the
table of money and the counts in the prose all change when a row is added.

Dates in `events.csv` are partial (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`): a year-only date is
drawn as a span over that year, never as a point on 1 January. Amounts in `funding.csv`
are of different kinds (tax credit per vehicle, grant lines, loan ceilings, lower bounds)
and overlap (award rounds draw on appropriations), so nothing here adds them up.
"""
from __future__ import annotations

import math
import re

import altair as alt
import pandas as pd

from analysis import charts, db, prose, theme
from analysis.prose import PRECISION_LABELS, abbreviate, period, source_label

# ----------------------------------------------------------------------------- events

#: kinds of US act the timeline shows, in lane order (bills that never became law,
#: initiatives abroad and single investments are told elsewhere)
TIMELINE_KINDS = {
    "law": "Law",
    "executive_order": "Executive order",
    "strategy": "Strategy",
    "list": "Critical-minerals list",
    "report": "Report",
}

ADMIN_ORDER = ["Before 2009", "Obama", "Trump I", "Biden", "Trump II"]
# Okabe-Ito colours other than the report's China colour, so no administration reads as China.
ADMIN_COLOURS = [theme.MUTED, theme.PALETTE[2], theme.PALETTE[3], theme.PALETTE[0], theme.PALETTE[1]]


def events() -> pd.DataFrame:
    return db.query("curated_events")


def us_acts(ev: pd.DataFrame) -> pd.DataFrame:
    """US laws, executive orders, strategies, lists and reports, with each partial date
    turned into a period (start, end, midpoint) and a lane offset for crowded years."""
    data = ev.loc[ev["country"].eq("USA") & ev["kind"].isin(list(TIMELINE_KINDS))].copy()
    spans = data["date"].map(period)
    data["start"] = pd.to_datetime([s for s, _, _ in spans])
    data["end"] = pd.to_datetime([e for _, e, _ in spans])
    data["mid"] = data["start"] + (data["end"] - data["start"]) / 2
    data["precision"] = [PRECISION_LABELS[p] for _, _, p in spans]
    data["year"] = data["start"].dt.year
    data["kind_label"] = data["kind"].map(TIMELINE_KINDS)
    data["administration_label"] = data["administration"].replace("", "Before 2009")
    data["source"] = data["source_key"].map(source_label)
    data["summary_en"] = [theme.for_readers(t, s) for t, s in zip(data["summary_en"], data["source"])]
    data = data.sort_values(["start", "event_id"]).reset_index(drop=True)
    # acts of one kind in one year are stacked on separate rows so that none hides another
    data["stack"] = data.groupby(["kind", "year"]).cumcount()
    return data


def count_kind(ev: pd.DataFrame, kind: str, since: int | None = None, administration: str | None = None,
               country: str = "USA") -> int:
    """Acts of one kind (e.g. executive orders) by the US, optionally from a year onwards."""
    sel = ev["country"].eq(country) & ev["kind"].eq(kind)
    if since is not None:
        sel &= ev["date"].str[:4].astype(int).ge(since)
    if administration is not None:
        sel &= ev["administration"].eq(administration)
    return int(sel.sum())


def first_year(acts: pd.DataFrame) -> int:
    return int(acts["year"].min())


def last_year(acts: pd.DataFrame) -> int:
    return int(acts["year"].max())


def count_acts(acts: pd.DataFrame) -> int:
    return int(len(acts))


def count_partial(acts: pd.DataFrame, precision: str) -> int:
    """Acts dated only to the month or year, so the chapter can say how many."""
    return int(acts["precision"].eq(PRECISION_LABELS[precision]).sum())


def eo_numbers(ev: pd.DataFrame, administration: str) -> str:
    """'13817 and 13953': the executive-order numbers of one administration, in date order,
    read from the titles so that the prose names them without typing them."""
    rows = ev.loc[ev["country"].eq("USA") & ev["kind"].eq("executive_order") & ev["administration"].eq(administration)]
    nums = [m.group(1) for t in rows.sort_values("date")["title_en"] if (m := re.search(r"\b(1\d{4})\b", t))]
    return prose.and_list(nums)


_EARLY_END = 1960  # the broken axis: acts before this year go in the narrow left panel
_LATE_START = 2009


def early_acts(acts: pd.DataFrame) -> pd.DataFrame:
    """The acts of the figure's narrow left panel (before the broken axis)."""
    return acts.loc[acts["year"].lt(_EARLY_END)]


def early_acts_text(acts: pd.DataFrame) -> str:
    """'Two statutes stand' (capitalised, for the start of a sentence): counted, not typed."""
    early = early_acts(acts)
    noun = "statute" if early["kind"].eq("law").all() else "act"
    n = len(early)
    return f"{prose.number_word(n).capitalize()} {noun}{' stands' if n == 1 else 's stand'}"


def timeline_chart(acts: pd.DataFrame) -> alt.HConcatChart:
    """Two panels on one lane scale: 1939-1950 (the stockpiling and Defense Production
    Acts) and 2009 onwards, because a single axis would crush the two decades in which
    nearly all the acts fall into a few pixels."""
    data = acts.assign(date_as_given=acts["date"], start_iso=acts["start"].dt.strftime("%Y-%m-%d"))
    late_end = pd.Timestamp(year=int(data["year"].max()) + 1, month=1, day=1)
    # One band per (kind, stack) row, lanes as tall as their most crowded year, a blank
    # band between lanes; only each lane's first row carries the label.
    data["row"] = data["kind"] + ":" + data["stack"].astype(str)
    rows, labels = [], {}
    for i, (kind, label) in enumerate(TIMELINE_KINDS.items()):
        depth = int(data.loc[data["kind"].eq(kind), "stack"].max()) + 1 if data["kind"].eq(kind).any() else 1
        if i:
            rows.append(f"{kind}:gap")
        rows += [f"{kind}:{k}" for k in range(depth)]
        labels[f"{kind}:0"] = label
    label_expr = "{" + ", ".join(f"'{k}': '{v}'" for k, v in labels.items()) + "}[datum.value] || ''"
    y = alt.Y("row:N", title=None, sort=rows, scale=alt.Scale(domain=rows),
              axis=alt.Axis(labelExpr=label_expr, ticks=False, domain=False, labelPadding=4))
    colour = alt.Color("administration_label:N", title="Administration",
                       scale=alt.Scale(domain=ADMIN_ORDER, range=ADMIN_COLOURS),
                       legend=alt.Legend(orient="top", columns=5, symbolType="circle"))
    shape = alt.Shape("precision:N", title="Date known to",
                      scale=alt.Scale(domain=list(PRECISION_LABELS.values()),
                                      range=["circle", "square", "diamond"]),
                      legend=alt.Legend(orient="bottom"))
    tooltip = charts.tooltips(
        ("title_en:N", "Title"),
        ("date_as_given:N", "Date (as precise as known)"),
        ("precision:N", "Date known to"),
        ("kind_label:N", "Kind"),
        ("administration_label:N", "Administration"),
        ("summary_en:N", "Summary"),
        ("source:N", "Source"),
    )

    def panel(sel: pd.DataFrame, domain: list, width: int, tick_count, show_y: bool) -> alt.LayerChart:
        x = alt.X("mid:T", title=None, scale=alt.Scale(domain=domain),
                  axis=alt.Axis(format="%Y", tickCount=tick_count, labelAngle=0))
        base = alt.Chart(sel).encode(y=y if show_y else y.axis(None))
        span = charts.partial_date_bars(base, 0.45, x=alt.X("start:T", scale=alt.Scale(domain=domain), title=None),
                                        color=colour, tooltip=tooltip)
        dots = base.mark_point(filled=True, size=55, opacity=1, stroke="white", strokeWidth=0.5).encode(
            x=x, color=colour, shape=shape, tooltip=tooltip)
        return alt.layer(span, dots).properties(width=width, height=alt.Step(13))

    early = data.loc[data["year"] < _EARLY_END]
    late = data.loc[data["year"] >= _LATE_START]
    if len(early) + len(late) != len(data):
        raise ValueError("a US act falls between the two timeline panels "
                         f"({_EARLY_END}-{_LATE_START - 1}); widen a panel")
    early_domain = [f"{int(early['year'].min()) - 2}-01-01", f"{int(early['year'].max()) + 3}-01-01"] \
        if len(early) else ["1938-01-01", "1952-01-01"]
    left = panel(early, early_domain, 55, 2, True)
    right = panel(late, [f"{_LATE_START}-01-01", late_end.strftime("%Y-%m-%d")], 300, 9, False)
    title = alt.Title(
        f"US critical-minerals laws, orders, strategies, lists and reports, {first_year(acts)}–{last_year(acts)}",
        subtitle=["Axis broken between the two panels; squares and diamonds mark dates known only to the month or year",
                  "Sources: the four Chinese-language texts and the primary documents"])
    return (alt.hconcat(left, right, spacing=6, title=title)
            .resolve_scale(color="shared", shape="shared", y="shared"))


# ----------------------------------------------------------------------------- funding

INSTRUMENT_LABELS = {
    "grant": "Grant",
    "loan": "Loan",
    "loan_guarantee": "Loan guarantee",
    "tax_credit": "Tax credit",
    "dpa_award": "Defense Production Act award",
    "stockpile_purchase": "Stockpile purchase",
    "equity": "Equity",
    "appropriation": "Appropriation",
    "other": "Other (contract, aid, cumulative)",
}
#: the same, short enough for a table column
SHORT_INSTRUMENT_LABELS = {**INSTRUMENT_LABELS, "dpa_award": "DPA award", "other": "Other"}


def funding() -> pd.DataFrame:
    return db.query("curated_funding")


def _is_per_vehicle(purpose: str) -> bool:
    return str(purpose).strip().lower().startswith("per vehicle")


def format_amount(amount_usd: float, qualifier: str, per_vehicle: bool = False) -> str:
    """'more than 60 million', '3,750 per vehicle': prose.amount, per vehicle where it is a rate."""
    return prose.amount(amount_usd, qualifier) + (" per vehicle" if per_vehicle else "")


def funding_table(fund: pd.DataFrame) -> pd.DataFrame:
    """One row per commitment, in date order, formatted for display. No total row: the
    lines overlap (the infrastructure law's battery total contains its two grant lines,
    and the award rounds draw on them) and mix ceilings, lower bounds and a per-vehicle
    credit."""
    f = fund.copy()
    f["_start"] = f["date"].map(lambda d: period(d)[0])
    f = f.sort_values(["_start", "funding_id"])
    recipient = f["recipient"].replace("", pd.NA).fillna("not stated")
    amount = [format_amount(a, q, _is_per_vehicle(p))
              for a, q, p in zip(f["amount_usd"], f["amount_qualifier"], f["purpose"])]
    return pd.DataFrame({
        "Year": f["year"].astype(int).astype(str).values,
        "Programme": f["programme"].map(lambda p: abbreviate(p, drop_us=False)).values,
        "Instrument": f["instrument"].map(SHORT_INSTRUMENT_LABELS).values,
        "Agency": f["agency"].map(abbreviate).values,
        "Recipient": recipient.values,
        "Amount (USD)": amount,
        "Source": f["source_key"].map(source_label).values,
    })


def count_commitments(fund: pd.DataFrame) -> int:
    return int(len(fund))


def count_instruments(fund: pd.DataFrame) -> int:
    return int(fund["instrument"].nunique())


def count_qualified(fund: pd.DataFrame) -> int:
    """Rows whose amount is a ceiling, a lower bound or an approximation."""
    return int(fund["amount_qualifier"].ne("=").sum())


def funding_years(fund: pd.DataFrame) -> str:
    years = fund["year"].astype(int)
    return f"{years.min()} to {years.max()}"


def amount_of(fund: pd.DataFrame, funding_id: str) -> str:
    """One commitment's amount as the prose should quote it, qualifier included."""
    row = fund.loc[fund["funding_id"].eq(funding_id)]
    if len(row) != 1:
        raise KeyError(f"funding.csv: no row {funding_id!r}")
    return describe(row.iloc[0])


def describe(row: pd.Series) -> str:
    """'more than 7 billion USD', 'up to 3,750 USD per vehicle'."""
    per_vehicle = _is_per_vehicle(row["purpose"])
    text = format_amount(row["amount_usd"], row["amount_qualifier"])
    return text + (" USD per vehicle" if per_vehicle else " USD")


def _lanes(f: pd.DataFrame, min_gap_decades: float = 0.12) -> list[int]:
    """A lane per commitment within its instrument, so that dots closer than `min_gap_decades`
    on the log axis sit one above the other instead of drawing as one dot."""
    lanes = pd.Series(0, index=f.index)
    for _, group in f.groupby("instrument"):
        last_x: list[float] = []  # rightmost position taken in each lane
        for i, x in sorted(((i, math.log10(v)) for i, v in group["amount_usd"].items()), key=lambda t: t[1]):
            lane = next((k for k, right in enumerate(last_x) if x - right >= min_gap_decades), len(last_x))
            if lane == len(last_x):
                last_x.append(x)
            last_x[lane] = x
            lanes[i] = lane
    return lanes.tolist()


def funding_chart(fund: pd.DataFrame) -> alt.Chart:
    """Each commitment as a dot on a log scale, by instrument: sizes compare across four
    orders of magnitude without adding anything up. The per-vehicle credit is left out:
    it is a rate, not a sum committed."""
    f = fund.loc[~fund["purpose"].map(_is_per_vehicle)].copy()
    f["instrument_label"] = f["instrument"].map(INSTRUMENT_LABELS)
    f["amount_text"] = [format_amount(a, q) for a, q in zip(f["amount_usd"], f["amount_qualifier"])]
    f["kind_of_amount"] = f["amount_qualifier"].map(
        {"=": "Stated exactly", "about": "About", "up_to": "Ceiling (up to)", ">": "Lower bound (more than)"})
    f["recipient_text"] = f["recipient"].replace("", "not stated")
    f["source"] = f["source_key"].map(source_label)
    f["purpose"] = [theme.for_readers(t, s) for t, s in zip(f["purpose"], f["source"])]
    f["amount_usd"] = f["amount_usd"].astype(float)
    f["year"] = f["year"].astype(int)
    order = [INSTRUMENT_LABELS[k] for k in INSTRUMENT_LABELS if k in set(f["instrument"])]
    f["lane"] = _lanes(f)
    # whole powers of ten around the data, so a new small or large commitment is never clipped
    low = 10 ** math.floor(math.log10(f["amount_usd"].min()))
    high = 10 ** math.ceil(math.log10(f["amount_usd"].max()))
    ticks = [10.0 ** k for k in range(int(math.log10(low)), int(math.log10(high)) + 1)]
    return (
        alt.Chart(f, title=alt.Title("US commitments for critical minerals and batteries, by instrument",
                                     subtitle="Each dot one commitment; amounts overlap and are not summed"))
        .mark_point(filled=True, size=70, opacity=1)
        .encode(
            x=alt.X("amount_usd:Q", title="Amount committed (USD, log scale)",
                    scale=alt.Scale(type="log", domain=[low, high]),
                    axis=alt.Axis(values=ticks, grid=True,
                                  labelExpr="datum.value >= 1e9 ? format(datum.value / 1e9, '~') + ' bn'"
                                            " : format(datum.value / 1e6, '~') + ' m'")),
            y=alt.Y("instrument_label:N", title=None, sort=order, axis=alt.Axis()),
            yOffset=alt.YOffset("lane:N", scale=alt.Scale(paddingOuter=0.5)),
            shape=alt.Shape("kind_of_amount:N", title="Amount",
                            scale=alt.Scale(domain=["Stated exactly", "About", "Ceiling (up to)",
                                                    "Lower bound (more than)"],
                                            range=["circle", "diamond", "triangle-down", "triangle-up"]),
                            legend=alt.Legend(orient="top", columns=2)),
            color=alt.value(theme.OTHER),
            tooltip=charts.tooltips(
                ("programme:N", "Programme"),
                ("amount_text:N", "Amount (USD)"),
                ("recipient_text:N", "Recipient"),
                ("year:Q", "Year", "d"),
                ("purpose:N", "Purpose"),
                ("source:N", "Source"),
            ),
        )
        .properties(width=330, height={"step": 12, "for": "offset"})
    )
