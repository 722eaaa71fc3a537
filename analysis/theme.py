"""One look for every chart, in the HTML and in the PDF, and the rules every chart keeps.

The font must cover Chinese (figure labels may quote the sources), or vl-convert falls
back to a serif face without CJK glyphs; Noto Sans CJK SC comes with fonts-noto-cjk.

The rules (checked on every chart of the book by tests/test_charts.py, with
`chart_problems` on the spec and `svg_problems` on the drawing):

1. No label is cut: Vega shortens a label that is longer than its limit with "…", so
   every limit is off (0) and no chart may set one; a long label wraps or the chart
   grows instead.
2. Text is at least 7 pt in print. The PDF scales a chart wider than the text column
   (TEXT_WIDTH_PT) down to it, so text of `MIN_FONT_PX` stays legible only in a chart at
   most `MAX_WIDTH_PX` wide; `print_font_pt` gives the printed size.
3. China's colour (CHINA) is for China alone: a scale may map it only to a value that
   names China, and no other chart may use it.
4. Colours are told apart: every colour of the palette has at least 3:1 contrast with
   the white page, and the United States (US) against grey (MUTED) stays apart for
   red-green colour-blind readers (blue against grey, never pink against grey).
5. A legend entry only for marks drawn: every value in a scale's domain occurs in the
   data of the field it encodes.
6. Panels that are compared share their scales. A chart that gives its panels
   independent quantitative scales must say why in `usermeta["independent_scales"]`.
7. Tooltips say what the text says: every tooltip field has a title a reader can read,
   numbers carry a format, and no value is an internal id (`rare_earths`), a file path
   or the project's word for its sources ("the seed"); `for_readers` rewrites the last.
"""
from __future__ import annotations

import re

import altair as alt

FONT = "Noto Sans CJK SC"

# Colours. China's is reserved for China. The others are the Okabe-Ito hues that keep
# 3:1 contrast on white, darkened where the original is too pale (orange, sky blue,
# yellow, reddish purple); the orange is dropped, being too near China's vermillion.
CHINA = "#D55E00"
US = "#0072B2"
OTHER = US  # "another country" where China is the contrast
MUTED = "#888888"  # "all others", context marks
PALETTE = [US, "#009E73", "#AA4499", "#8C6D00", "#332288", "#882255", "#444444", "#000000"]
MIN_CONTRAST = 3.0

# Print size: the PDF's text column and the smallest text a chart may carry.
TEXT_WIDTH_PT = 415  # A4 minus 1.25 in margins on both sides
PX_TO_PT = 0.75
MIN_PRINT_PT = 7.0
MIN_FONT_PX = 10
MAX_WIDTH_PX = int(TEXT_WIDTH_PT / PX_TO_PT * MIN_FONT_PX * PX_TO_PT / MIN_PRINT_PT)  # 592


@alt.theme.register("minerals_report", enable=True)
def minerals_report() -> alt.theme.ThemeConfig:
    label = {"labelFont": FONT, "labelFontSize": MIN_FONT_PX, "labelLimit": 0}
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "background": "white",
            "title": {"font": FONT, "fontSize": 13, "anchor": "start", "fontWeight": "normal", "limit": 0,
                      "subtitleFont": FONT, "subtitleFontSize": 11, "subtitleColor": "#444444"},
            "axis": {**label, "titleFont": FONT, "titleFontSize": 11, "titleLimit": 0,
                     "grid": False, "domainColor": "#666", "tickColor": "#666"},
            "axisX": {"grid": True, "gridColor": "#e5e5e5"},
            # swatches as saturated as the marks they stand for
            "legend": {**label, "titleFont": FONT, "titleFontSize": 11, "titleLimit": 0, "orient": "top",
                       "symbolOpacity": 1},
            "header": {**label, "titleFont": FONT, "titleFontSize": 11, "titleLimit": 0, "labelFontSize": 11},
            "range": {"category": PALETTE},
            "text": {"font": FONT, "fontSize": MIN_FONT_PX, "limit": 0},
        }
    }


def _without_internal_columns(data, **kwargs):
    """Charts carry only reader-facing columns: the curated tables' bookkeeping (`_file`,
    `_row`: a path on the build machine) would otherwise ride along in every spec and
    downloadable spec, and make them differ from one machine to the next."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        data = data[[c for c in data.columns if not str(c).startswith("_")]]
    return alt.default_data_transformer(data, **kwargs)


alt.data_transformers.register("minerals_report", _without_internal_columns)
alt.data_transformers.enable("minerals_report")


def enable() -> None:
    """Importing the module registers and enables the theme; call for clarity in chapters."""
    alt.theme.enable("minerals_report")


# ---------------------------------------------------------------------------------------
# Checks (used by the tests; cheap enough to run on every chart of every build)

def contrast_ratio(hex_colour: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio of two sRGB colours."""
    def lum(h: str) -> float:
        h = h.lstrip("#")
        r, g, b = (int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))
        f = (lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)

    a, b = sorted((lum(hex_colour), lum(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def print_font_pt(font_px: float, chart_width_px: float) -> float:
    """The printed size of chart text: the PDF draws a chart at 0.75 pt per px, scaled
    down to the text column when it is wider."""
    scale = min(1.0, TEXT_WIDTH_PT / (chart_width_px * PX_TO_PT))
    return font_px * PX_TO_PT * scale


_RAW_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
_INTERNAL = re.compile(r"\bseeds?\b|data/curated|\.csv\b|\bclaim_id\b", re.I)


def for_readers(text: str, source: str) -> str:
    """Curated notes call the text they come from "the seed"; a reader knows it by author
    and year ("Cheng (2024)")."""
    text = re.sub(r"\(seeds?\)", f"(according to {source})", str(text))
    text = re.sub(r"\bthe seeds?\b", source, text)
    text = re.sub(r"\b[Ss]eeds?:\s*", f"{source}: ", text)
    return re.sub(r"\bseeds?\b", source, text)
_COLOUR_CHANNELS = ("color", "fill", "stroke")


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, path + (i,))


def _datasets(spec: dict) -> list[list[dict]]:
    sets = list((spec.get("datasets") or {}).values())
    sets += [d["values"] for _, d in _walk(spec) if isinstance(d.get("values"), list)
             and d["values"] and isinstance(d["values"][0], dict)]
    return sets


def _field_values(spec: dict, field: str) -> set:
    out = set()
    for rows in _datasets(spec):
        for row in rows:
            if field in row and row[field] is not None:
                out.add(row[field])
    return out


def chart_problems(spec: dict, name: str = "chart") -> list[str]:
    """Rules 1, 3, 4, 5, 6 and 7 on a Vega-Lite spec (as `chart.to_dict()` gives it)."""
    problems = []
    titles = " ".join(str(t) for _, n in _walk(spec) for k, t in n.items() if k in ("title", "text", "subtitle"))
    for path, node in _walk(spec):
        where = f"{name} {'/'.join(map(str, path))}"
        for key in ("labelLimit", "titleLimit", "limit"):
            if isinstance(node.get(key), (int, float)) and node[key] > 0:
                problems.append(f"{where}: {key}={node[key]} cuts long labels with '…' (rule 1)")
        if isinstance(node.get("labelFontSize"), (int, float)) and node["labelFontSize"] < MIN_FONT_PX:
            problems.append(f"{where}: labelFontSize {node['labelFontSize']} < {MIN_FONT_PX} px (rule 2)")
        if isinstance(node.get("fontSize"), (int, float)) and node["fontSize"] < MIN_FONT_PX:
            problems.append(f"{where}: fontSize {node['fontSize']} < {MIN_FONT_PX} px (rule 2)")
        # colour scales: China's colour only for a China value, every colour legible
        scale = node.get("scale") if isinstance(node.get("scale"), dict) else None
        if scale and isinstance(scale.get("range"), list) and isinstance(scale.get("domain"), list) \
                and path and path[-1] in _COLOUR_CHANNELS:
            for value, colour in zip(scale["domain"], scale["range"]):
                if isinstance(colour, str) and colour.upper() == CHINA.upper() and "China" not in str(value):
                    problems.append(f"{where}: China's colour for {value!r} (rule 3)")
                if isinstance(colour, str) and colour.startswith("#") and contrast_ratio(colour) < MIN_CONTRAST:
                    problems.append(f"{where}: {colour} for {value!r} has contrast "
                                    f"{contrast_ratio(colour):.2f} < {MIN_CONTRAST} on white (rule 4)")
        # a legend entry only for values that are in the data
        if scale and isinstance(scale.get("domain"), list) and isinstance(node.get("field"), str) \
                and node.get("type") in ("nominal", "ordinal") and path and path[-1] in (
                    *_COLOUR_CHANNELS, "shape", "opacity", "strokeDash", "size"):
            present = _field_values(spec, node["field"])
            missing = [v for v in scale["domain"] if v not in present]
            if present and missing:
                problems.append(f"{where}: legend entries without marks: {missing} (rule 5)")
        # mark-level colour: China's only in a chart about China
        for key in ("color", "fill", "stroke"):
            v = node.get(key)
            if isinstance(v, str) and v.upper() == CHINA.upper() and "China" not in titles:
                problems.append(f"{where}: China's colour in a chart that is not about China (rule 3)")
            if isinstance(v, dict) and isinstance(v.get("value"), str) and v["value"].upper() == CHINA.upper() \
                    and "China" not in titles:
                problems.append(f"{where}: China's colour in a chart that is not about China (rule 3)")
        # tooltips
        tips = node.get("tooltip")
        if isinstance(tips, (list, dict)) and path and path[-1] == "encoding":
            for tip in tips if isinstance(tips, list) else [tips]:
                if not isinstance(tip, dict) or "field" not in tip:
                    continue
                if not tip.get("title"):
                    problems.append(f"{where}: tooltip field {tip['field']!r} has no title (rule 7)")
                if tip.get("type") == "quantitative" and not tip.get("format"):
                    problems.append(f"{where}: tooltip number {tip['field']!r} has no format (rule 7)")
                values = [v for v in _field_values(spec, tip["field"]) if isinstance(v, str)]
                raw = sorted(v for v in values if _RAW_ID.match(v))
                if raw:
                    problems.append(f"{where}: tooltip {tip['field']!r} shows internal ids {raw[:3]} (rule 7)")
                internal = sorted(v for v in values if _INTERNAL.search(v))
                if internal:
                    problems.append(f"{where}: tooltip {tip['field']!r} shows the project's internals: "
                                    f"{internal[0][:80]!r} (rule 7)")
    resolve = (spec.get("resolve") or {}).get("scale") or {}
    quantitative = {path[-1] for path, node in _walk(spec) if path and path[-1] in ("x", "y")
                    and node.get("type") == "quantitative"}
    # an independent nominal axis only lists each panel's own categories: nothing to compare
    independent = sorted(ch for ch, how in resolve.items() if how == "independent" and ch in quantitative)
    if independent and not (spec.get("usermeta") or {}).get("independent_scales"):
        problems.append(f"{name}: independent {independent} scales across panels without a reason "
                        "in usermeta['independent_scales'] (rule 6)")
    return problems


def palette_problems() -> list[str]:
    out = [f"palette colour {c}: contrast {contrast_ratio(c):.2f} < {MIN_CONTRAST}"
           for c in PALETTE + [CHINA, MUTED] if contrast_ratio(c) < MIN_CONTRAST]
    out += [f"palette colour {c} is China's" for c in PALETTE if c.upper() == CHINA.upper()]
    return out


_FONT_SIZE = re.compile(r'font-size(?:="|:\s*)([\d.]+)px')
_SVG_WIDTH = re.compile(r'<svg[^>]*\swidth="([\d.]+)')


def svg_problems(svg: str, name: str = "chart") -> list[str]:
    """Rules 1 and 2 on a drawn chart: no "…" and text of at least 7 pt in print."""
    problems = []
    if "…" in svg:
        cut = re.findall(r">([^<]*…[^<]*)<", svg)
        problems.append(f"{name}: truncated label(s) {cut[:5]} (rule 1)")
    m = _SVG_WIDTH.search(svg[:3000])
    sizes = [float(s) for s in _FONT_SIZE.findall(svg)]
    if m and sizes:
        width = float(m.group(1))
        smallest = print_font_pt(min(sizes), width)
        if smallest < MIN_PRINT_PT - 1e-6:
            problems.append(f"{name}: {min(sizes):g} px text in a {width:g} px wide chart prints at "
                            f"{smallest:.1f} pt < {MIN_PRINT_PT} pt (rule 2)")
    return problems


# ---------------------------------------------------------------------------------------
# Helpers for the rules

#: an axis's or header's labelExpr that draws "\n" in a label as a line break
MULTILINE = "split(datum.label, '\\n')"


def wrap_label(text: str, width: int = 36) -> str:
    """A long label broken into lines of at most `width` characters (drawn by MULTILINE),
    so that it is shown whole instead of cut with "…"."""
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=False)) or str(text)


LINE_HEIGHT_PX = 11


def multiline_axis(**kwargs) -> alt.Axis:
    """A band axis whose labels may hold "\n" (see wrap_label): drawn as lines and centred
    on their band (Vega puts a label's first line on the band's centre). Its step must be at
    least LINE_HEIGHT_PX times the most lines a label has, plus about five pixels."""
    return alt.Axis(labelExpr=MULTILINE, labelLineHeight=LINE_HEIGHT_PX,
                    labelOffset={"expr": f"-{LINE_HEIGHT_PX / 2} * (length(split(datum.label, '\\n')) - 1)"},
                    **kwargs)


def domain_of(values, order) -> list:
    """The entries of `order` that occur in `values`: a legend lists only marks drawn."""
    present = set(values)
    return [v for v in order if v in present]
