"""Every HTML page as a reader meets it, in headless Chromium at a desktop width (1400 px)
and a phone width (390 px): the page never scrolls sideways, every chart is drawn whole,
search finds a known phrase, and the reader aids work from the keyboard.

`make look` runs this module with READER_ARTIFACTS=1, which also saves every page at both
widths as PNG tiles under tests/artifacts/html/ for a person to look at.
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest

from analysis.render.html import CJK
from chromium_tabs import CHROMIUM, Browser

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")]

WIDTHS = (1400, 390)
ARTIFACTS = Path(__file__).parent / "artifacts"

# What each page reports about itself once its charts are drawn.
PAGE_STATE = """(() => {
  const vw = document.documentElement.clientWidth;
  const charts = [...document.querySelectorAll('.vega-chart')];
  const cut = [];
  const outside = [];
  charts.forEach(c => {
    c.querySelectorAll('svg text').forEach(t => { if (t.textContent.includes('\u2026')) cut.push(c.id + ': ' + t.textContent); });
    const svg = c.querySelector('svg');
    if (svg) { const r = svg.getBoundingClientRect(); if (r.right > vw + 0.5 || r.left < -0.5) outside.push(c.id + ' ' + Math.round(r.left) + '..' + Math.round(r.right)); }
  });
  const wide = [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > vw + 0.5
      && !e.closest('.table-scroll')).map(e => e.tagName + '.' + e.className).slice(0, 5);
  return {scrollWidth: document.documentElement.scrollWidth, viewport: vw, charts: charts.length,
          drawn: document.querySelectorAll('.vega-chart.vega-embedded').length, cut, outside, wide,
          tables: document.querySelectorAll('main table').length,
          scrollingTables: document.querySelectorAll('main .table-scroll > table').length,
          tocOpen: document.querySelector('.toc-details') ? document.querySelector('.toc-details').open : null};
})()"""


def _pages(book: Path) -> list[Path]:
    return sorted(book.rglob("*.html"), key=lambda p: (p.parent != book, p.name))


@pytest.fixture(scope="session")
def server(rendered_book):
    """The book served over HTTP on the loopback interface, as a reader would host it
    (browsers let a page opened from disk load neither modules nor search indexes)."""
    book = rendered_book
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(book)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.fixture(scope="session")
def page_states(rendered_book, server, browser):
    """Each page at each width, loaded once: its state, and its screenshots when asked for."""
    book = rendered_book
    states = {}
    save = os.environ.get("READER_ARTIFACTS")
    for page in _pages(book):
        rel = page.relative_to(book).as_posix()
        for width in WIDTHS:
            tab = browser.open(f"{server}/{rel}", width, mobile=width < 500)
            try:
                n = tab.eval("document.querySelectorAll('.vega-chart').length")
                if n:
                    tab.wait_for(f"document.querySelectorAll('.vega-chart.vega-embedded').length == {n}")
                states[rel, width] = tab.eval(PAGE_STATE)
                if save:
                    tab.screenshots(ARTIFACTS / "html" / f"{page.stem}-{width}")
            finally:
                tab.close()
    return states


def test_every_page_fits_the_screen_at_both_widths(page_states):
    bad = {k: (v["scrollWidth"], v["wide"]) for k, v in page_states.items() if v["scrollWidth"] > v["viewport"]}
    assert not bad, f"pages wider than the screen (scrollWidth, widest elements): {bad}"


def test_every_chart_is_drawn_whole_at_both_widths(page_states):
    assert sum(v["charts"] for (_, w), v in page_states.items() if w == 1400) >= 10
    for key, v in page_states.items():
        assert v["drawn"] == v["charts"], f"{key}: {v['drawn']} of {v['charts']} charts drawn"
        assert not v["cut"], f"{key}: truncated chart labels {v['cut']}"
        assert not v["outside"], f"{key}: charts reaching past the screen {v['outside']}"


def test_tables_scroll_in_their_own_box(page_states):
    for key, v in page_states.items():
        assert v["scrollingTables"] == v["tables"], f"{key}: a table outside a scrolling box"


def test_chapter_list_collapses_on_a_phone(page_states):
    for (rel, width), v in page_states.items():
        assert v["tocOpen"] is (width > 700), f"{rel} at {width} px: chapter list open={v['tocOpen']}"


def test_search_returns_a_known_phrase(server, browser):
    tab = browser.open(f"{server}/index.html", 1400)
    try:
        tab.wait_for("document.querySelector('#search input') !== null")
        found = tab.eval("""(async () => {
            const pf = await import('./pagefind/pagefind.js');
            const r = await pf.search('net import reliance');
            const first = await Promise.all(r.results.map(x => x.data()));
            return {n: r.results.length, urls: first.map(d => d.url), excerpt: first.map(d => d.excerpt).join(' ')};
        })()""")
        assert found["n"] >= 1 and any("01-drivers" in u for u in found["urls"]), found
        assert "import" in found["excerpt"].lower()
        # and through the search box a reader types into
        tab.eval("""(() => { const i = document.querySelector('#search input');
                     i.value = 'Minerals Security Partnership'; i.dispatchEvent(new Event('input', {bubbles: true})); })()""")
        links = tab.wait_for("(() => { const l = [...document.querySelectorAll('.pagefind-ui__result-link')]"
                             ".map(a => a.href); return l.length ? l : null; })()", timeout_s=20)
        assert all(h.startswith(server) for h in links), links
    finally:
        tab.close()


def test_reader_aids_skip_link_anchors_dates_and_chinese_passages(rendered_book):
    book = rendered_book
    for page in _pages(book):
        html = page.read_text(encoding="utf-8")
        body = html.split("<body>", 1)[1].lstrip()
        assert body.startswith('<a class="skip-link" href="#content"'), f"{page.name}: no skip link first"
        assert 'class="last-modified"' in html and "<time datetime=" in html, f"{page.name}: no last-modified date"
        for heading in re.findall(r'<h[2-4] id="[^"]+".*?</h[2-4]>', html, flags=re.S):
            assert 'class="anchor" href="#' in heading, f"{page.name}: heading without an anchor link: {heading[:80]}"
    marked = 0
    for page in _pages(book):
        main = page.read_text(encoding="utf-8").split('<main id="content"', 1)[1].split("</main>", 1)[0]
        main = re.sub(r"<script\b.*?</script>", "", main, flags=re.S)
        marked += main.count('<span lang="zh">')
        unmarked = CJK.findall(re.sub(r'<span lang="zh">[^<]*</span>', "", main))
        assert not unmarked, f"{page.name}: Chinese text outside lang=zh: {unmarked[:5]}"
    assert marked, "no Chinese passage marked lang=zh anywhere in the book"


def test_hover_previews_of_references_and_citations(server, browser):
    tab = browser.open(f"{server}/chapters/01-drivers.html", 1400)
    try:
        xref = tab.eval("(() => { const a = document.querySelector('main a.quarto-xref[data-preview]');"
                        " a.dispatchEvent(new Event('mouseenter')); return a.textContent; })()")
        tip = tab.eval("document.querySelector('.preview-tip').textContent")
        assert xref and tip.startswith(xref.replace("\u00a0", " ").split()[0]), (xref, tip)
        tab.eval("document.querySelector('main a[role=doc-biblioref]').focus()")
        tip = tab.eval("(() => { const t = document.querySelector('.preview-tip'); return t.hidden ? '' : t.textContent; })()")
        assert len(tip) > 20, f"citation preview empty: {tip!r}"
    finally:
        tab.close()


def test_chart_tooltips_from_the_keyboard(server, browser):
    tab = browser.open(f"{server}/chapters/01-drivers.html", 1400)
    try:
        tab.wait_for("document.querySelectorAll('.vega-chart.vega-embedded').length >= 1")
        chart = tab.eval("document.querySelector('.vega-chart.vega-embedded').tabIndex")
        assert chart == 0, "the chart cannot take keyboard focus"
        tab.eval("document.querySelector('.vega-chart.vega-embedded').focus()")
        tab.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "ArrowRight", "code": "ArrowRight",
                                            "windowsVirtualKeyCode": 39})
        tip = tab.eval("(() => { const t = document.querySelector('.preview-tip'); return t && !t.hidden ? t.textContent : ''; })()")
        assert "Commodity" in tip, f"no tooltip text from the keyboard: {tip!r}"
    finally:
        tab.close()
