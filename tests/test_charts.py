"""Every chart of the book keeps the rules written in analysis/theme.py: checked on the
specs the pages embed and on the SVGs the PDF and the fallback images are drawn from."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analysis import theme
from analysis.render import pdf as render_pdf

pytestmark = pytest.mark.slow

SPEC = re.compile(r'<script type="application/json" class="vega-spec" data-target="chart-([^"]+)">(.*?)</script>', re.S)
FALLBACK = re.compile(r'<div class="vega-chart" id="chart-([^"]+)"[^>]*><img class="vega-fallback" src="([^"]+)"')


def _charts(book: Path) -> list[tuple[str, dict, Path]]:
    out = []
    for page in sorted(book.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        svgs = dict(FALLBACK.findall(html))
        for name, text in SPEC.findall(html):
            out.append((name, json.loads(text.replace("<\\/", "</")), (page.parent / svgs[name]).resolve()))
    return out


@pytest.fixture(scope="module")
def charts(rendered_book):
    found = _charts(rendered_book)
    assert len(found) >= 10, f"only {len(found)} charts found in the book"
    return found


def test_palette_is_legible_and_keeps_china_apart():
    assert theme.palette_problems() == []
    assert theme.contrast_ratio(theme.MUTED) >= theme.MIN_CONTRAST
    assert theme.TEXT_WIDTH_PT == render_pdf.TEXT_WIDTH_PT


def test_rule_checks_catch_what_they_are_for():
    """The checks fail on the faults the issue found, so a passing book means something."""
    bad = {
        "encoding": {
            "x": {"field": "v", "type": "quantitative"},
            "y": {"field": "label", "type": "nominal", "axis": {"labelLimit": 220, "labelFontSize": 8}},
            "color": {"field": "who", "type": "nominal",
                      "scale": {"domain": ["Magnets", "Other", "Absent"], "range": [theme.CHINA, "#E69F00", "#888888"]}},
            "tooltip": [{"field": "id", "type": "nominal"}, {"field": "v", "type": "quantitative", "title": "V"}],
        },
        "datasets": {"d": [{"label": "a", "who": "Magnets", "id": "rare_earths", "v": 1.0},
                           {"label": "b", "who": "Other", "id": "lithium", "v": 2.0}]},
        "resolve": {"scale": {"x": "independent"}},
    }
    text = "\n".join(theme.chart_problems(bad, "bad"))
    for rule in ("labelLimit=220", "labelFontSize 8", "China's colour for 'Magnets'", "contrast 2.25",
                 "legend entries without marks: ['Absent']", "has no title", "has no format",
                 "internal ids ['rare_earths']", "independent ['x']"):
        assert rule in text, f"check misses: {rule}\n{text}"
    svg = '<svg width="800" height="100"><text font-size="9px">Lithium carbonate…</text></svg>'
    text = "\n".join(theme.svg_problems(svg, "bad"))
    assert "truncated" in text and "prints at 4.7 pt" in text


def test_every_chart_spec_keeps_the_rules(charts):
    problems = [p for name, spec, _ in charts for p in theme.chart_problems(spec, name)]
    assert not problems, "\n".join(problems)


def test_every_drawn_chart_has_whole_labels_and_legible_print_size(charts):
    problems = [p for name, _, svg in charts for p in theme.svg_problems(svg.read_text(encoding="utf-8"), name)]
    assert not problems, "\n".join(problems)
