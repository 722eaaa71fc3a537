"""One look for every chart, in the HTML and in the PDF.

The font must cover Chinese (figure labels may quote the sources), or vl-convert falls
back to a serif face without CJK glyphs; Noto Sans CJK SC comes with fonts-noto-cjk.
"""
from __future__ import annotations

import altair as alt

FONT = "Noto Sans CJK SC"
# Okabe-Ito: distinguishable for colour-blind readers and in greyscale print.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
CHINA = "#D55E00"
OTHER = "#0072B2"
MUTED = "#9a9a9a"


@alt.theme.register("minerals_report", enable=True)
def minerals_report() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "background": "white",
            "title": {"font": FONT, "fontSize": 13, "anchor": "start", "fontWeight": "normal"},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 10, "titleFontSize": 11,
                     "grid": False, "domainColor": "#666", "tickColor": "#666"},
            "axisX": {"grid": True, "gridColor": "#e5e5e5"},
            "legend": {"labelFont": FONT, "titleFont": FONT, "orient": "top"},
            "range": {"category": PALETTE},
            "text": {"font": FONT},
        }
    }


def enable() -> None:
    """Importing the module registers and enables the theme; call for clarity in chapters."""
    alt.theme.enable("minerals_report")
