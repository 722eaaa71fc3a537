"""Chart pieces every chapter draws the same way, beside the look in `analysis.theme`.

Why here: a tooltip list, a legend that shows every label in full, and the way a partial
date (a year, a month) is drawn as a span rather than a point were written into each
chapter's chart; one definition keeps the charts alike and each chart function short.
"""
from __future__ import annotations

from typing import Iterable

import altair as alt
import pandas as pd

from analysis import prose, theme

#: verdict colours (Appendix B and the findings chapter): agreement in greens, disagreement
#: in warm tones that are not China's orange (China's colour is kept for China), the
#: undecided in greys. Darker and lighter of one hue for the two that hold and the two that
#: fail; every colour with 3:1 contrast on white (the theme's rule 4), none China's or the US blue.
VERDICT_COLOURS = {
    "consistent": "#005F46", "confirmed": "#009E73", "differs": "#AA4499", "contradicted": "#6A1B4D",
    "different_basis": "#8C6D00", "contradiction": "#332288", "not_checkable": theme.MUTED,
}


def tooltips(*fields: tuple[str, ...]) -> list[alt.Tooltip]:
    """`("share_pct:Q", "Share (%)", ".1f")` -> alt.Tooltip("share_pct:Q", title=..., format=...)."""
    out = []
    for field, title, *fmt in fields:
        out.append(alt.Tooltip(field, title=title, format=fmt[0]) if fmt else alt.Tooltip(field, title=title))
    return out


def full_legend(**kwargs) -> alt.Legend:
    """A legend above the chart, one entry per line, no label cut short."""
    return alt.Legend(orient="top", direction="vertical", labelLimit=0, **kwargs)


def date_spans(values: Iterable[str]) -> pd.DataFrame:
    """`start`, `end` (timestamps) and `precision` (a PRECISION_LABELS text) for partial ISO
    dates; an empty value gives empty dates and 'Not known', never a guessed date."""
    spans = [prose.period(v) if v else (None, None, None) for v in values]
    return pd.DataFrame({
        "start": pd.to_datetime([s for s, _, _ in spans]),
        "end": pd.to_datetime([e for _, e, _ in spans]),
        "precision": [prose.PRECISION_LABELS.get(p, "Not known") for _, _, p in spans],
    })


def partial_date_bars(base: alt.Chart, opacity: float, **encoding) -> alt.Chart:
    """A bar from the first to the last day of each date known only to the month or year
    (the dots sit at the start or the middle): the chart never draws more precision than
    the record holds."""
    return (base.transform_filter("datum.precision != 'Exact day'")
            .mark_rule(strokeWidth=3, opacity=opacity).encode(x2="end:T", **encoding))
