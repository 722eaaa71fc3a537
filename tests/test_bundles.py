"""Every figure and table of the real book can be downloaded and cited on its own: its
bundle in `_book/figures/`, checked file by file against what the page shows, and the
download and Cite controls under it, used in headless Chromium as a reader uses them."""
from __future__ import annotations

import csv
import html as _html
import io
import json
import math
import re
import struct
import subprocess
from pathlib import Path

import pytest
import yaml

from analysis import paths

pytestmark = pytest.mark.slow

FIGURE_FILES = ("svg", "png", "csv", "vl.json", "bib", "json")
TABLE_FILES = ("csv", "bib", "json")


def _labels() -> dict[str, str]:
    """label -> chapter html page, read from the chapter sources (not from the renderer)."""
    config = yaml.safe_load((paths.ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    out = {}
    for qmd in config["book"]["chapters"] + config["book"]["appendices"]:
        text = (paths.ROOT / qmd).read_text(encoding="utf-8")
        for label in re.findall(r"^#\|\s*label:\s*((?:fig|tbl)-[\w-]+)", text, re.M):
            out[label] = str(Path(qmd).with_suffix(".html"))
        for label in re.findall(r"\{#((?:fig|tbl)-[\w-]+)", text):
            out[label] = str(Path(qmd).with_suffix(".html"))
    return out


LABELS = _labels()
FIGURES = sorted(k for k in LABELS if k.startswith("fig-"))
TABLES = sorted(k for k in LABELS if k.startswith("tbl-"))


def test_the_book_has_figures_and_tables_to_bundle():
    assert len(FIGURES) >= 10 and len(TABLES) >= 10


@pytest.mark.parametrize("label", FIGURES + TABLES)
def test_every_figure_and_table_has_its_bundle(rendered_book, label):
    files = FIGURE_FILES if label.startswith("fig-") else TABLE_FILES
    for ext in files:
        path = rendered_book / "figures" / f"{label}.{ext}"
        assert path.is_file() and path.stat().st_size > 0, f"missing {path.name}"


def _page_specs(book: Path) -> dict[str, dict]:
    """label -> the Vega-Lite spec the HTML page embeds inside that figure."""
    specs = {}
    for page in book.rglob("*.html"):
        for label, body in re.findall(r'<figure[^>]*\bid="(fig-[^"]+)"(.*?)</figure>', page.read_text(encoding="utf-8"), re.S):
            m = re.search(r'<script type="application/json" class="vega-spec"[^>]*>(.*?)</script>', body, re.S)
            if m:
                specs[label] = json.loads(m.group(1).replace("<\\/", "</"))
    return specs


def _same(cell: str, value) -> bool:
    if value is None:
        return cell == ""
    if isinstance(value, bool):
        return cell == str(value).lower()
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return cell == ""
        return cell != "" and math.isclose(float(cell), value, rel_tol=1e-9, abs_tol=1e-12)
    return cell == str(value)


def test_figure_csv_is_exactly_the_data_the_page_draws(rendered_book):
    specs = _page_specs(rendered_book)
    assert set(FIGURES) <= set(specs), set(FIGURES) - set(specs)
    for label in FIGURES:
        spec = specs[label]
        rows = [r for ds in spec["datasets"].values() for r in ds]
        with (rendered_book / "figures" / f"{label}.csv").open(encoding="utf-8", newline="") as fh:
            table = list(csv.DictReader(fh))
        assert len(table) == len(rows), f"{label}: {len(table)} CSV rows for {len(rows)} rows drawn"
        columns = {k for r in rows for k in r if not k.startswith("_")}
        assert set(table[0]) == columns, f"{label}: columns differ: {set(table[0]) ^ columns}"
        for i, (got, want) in enumerate(zip(table, rows)):
            for col in columns:
                assert _same(got[col], want.get(col)), f"{label} row {i + 1} {col}: {got[col]!r} != {want.get(col)!r}"


def _html_table(page_html: str, label: str) -> tuple[list[str], list[list[str]]]:
    m = re.search(rf'<figure[^>]*id="{label}".*?<table[^>]*>(.*?)</table>', page_html, re.S)
    assert m, f"no table under {label}"
    text = lambda c: re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", "", c))).strip()
    head = [text(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", m.group(1), re.S)]
    body = m.group(1).split("</thead>", 1)[-1]
    rows = [[text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
    return head, [r for r in rows if r]


def test_table_csv_is_the_table_as_printed(rendered_book):
    for label in TABLES:
        page = (rendered_book / LABELS[label]).read_text(encoding="utf-8")
        head, rows = _html_table(page, label)
        with (rendered_book / "figures" / f"{label}.csv").open(encoding="utf-8", newline="") as fh:
            table = list(csv.reader(fh))
        norm = lambda r: [re.sub(r"\s+", " ", c).strip() for c in r]
        assert norm(table[0]) == head, label
        assert [norm(r) for r in table[1:]] == rows, label


def test_bibtex_entries_parse_and_point_at_the_figure(rendered_book):
    from pybtex.database import parse_string

    for label in FIGURES + TABLES:
        bib = parse_string((rendered_book / "figures" / f"{label}.bib").read_text(encoding="utf-8"), "bibtex")
        assert list(bib.entries) == [f"minerals-report:{label}"], label
        entry = bib.entries[f"minerals-report:{label}"]
        for field in ("title", "year", "url", "version", "urldate", "license"):
            assert entry.fields.get(field), f"{label}: no {field}"
        assert entry.fields["url"].endswith(f"/{LABELS[label]}#{label}"), entry.fields["url"]
        assert re.match(r"\{?(Figure|Table) [A-Z0-9]+\.\d+: ", entry.fields["title"]), entry.fields["title"]
        page = (rendered_book / LABELS[label]).read_text(encoding="utf-8")
        assert f'id="{label}"' in page, f"{label}: the cited anchor is not on its page"


def test_csl_json_renders_through_citeproc(rendered_book, tmp_path):
    """All bundles' CSL-JSON as one bibliography, every item cited: pandoc's citeproc
    formats each with its number, title, version and address."""
    from analysis.render.pandoc import pandoc_path

    items = []
    for label in FIGURES + TABLES:
        items += json.loads((rendered_book / "figures" / f"{label}.json").read_text(encoding="utf-8"))
    bib = tmp_path / "figures.json"
    bib.write_text(json.dumps(items), encoding="utf-8")
    out = subprocess.run([pandoc_path(), "--citeproc", f"--bibliography={bib}", "-f", "markdown", "-t", "plain",
                          "--wrap=none"], input="---\nnocite: '@*'\n---\n", capture_output=True, text=True, check=True)
    assert not out.stderr.strip(), out.stderr
    text = out.stdout
    for item in items:
        assert item["title"].split(":")[0] in text, item["title"]
        assert item["URL"] in text, item["URL"]


def test_png_is_300_dpi_and_the_printed_size(rendered_book):
    for label in FIGURES:
        png = (rendered_book / "figures" / f"{label}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        i = png.index(b"pHYs")
        x, y, unit = struct.unpack(">IIB", png[i + 4:i + 13])
        assert unit == 1 and x == y == round(300 / 0.0254), f"{label}: {x} px/m is not 300 dpi"
        svg = (rendered_book / "figures" / f"{label}.svg").read_text(encoding="utf-8")
        svg_width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))
        # CSS pixels (96 per inch) at 300 dpi: the PNG prints at the size the chart has on screen
        assert abs(width - svg_width * 300 / 96) <= 3, f"{label}: {width} px for {svg_width} CSS px"


def test_each_figure_states_its_data_and_their_publishers_terms(rendered_book):
    def csl(label):
        return json.loads((rendered_book / "figures" / f"{label}.json").read_text(encoding="utf-8"))[0]

    expected = {
        "fig-nir-latest": ("U.S. Geological Survey", "public domain"),
        "fig-refined-china-share": ("British Geological Survey", "Contains British Geological Survey materials"),
        "fig-china-hs2846-partners": ("United Nations", "UN Comtrade terms of use"),
        "fig-usitc-china-share": ("International Trade Commission", "public domain"),
    }
    for label, (publisher, terms) in expected.items():
        item = csl(label)
        assert publisher in item["note"], item["note"]
        assert terms in item["license"] and "CC BY 4.0" in item["license"], item["license"]
    for label in FIGURES:
        assert csl(label)["license"].startswith("CC BY 4.0"), label
    # the chart's edition is the edition cited: the latest MCS edition the chart is titled with
    title = csl("fig-nir-latest")["title"]
    edition = re.search(r"Summaries (\d{4})", title).group(1)
    assert f"Mineral Commodity Summaries {edition} Data Release" in csl("fig-nir-latest")["note"]


def test_bundle_files_carry_the_citation_and_licence(rendered_book):
    spec = json.loads((rendered_book / "figures" / "fig-nir-latest.vl.json").read_text(encoding="utf-8"))
    assert "Figure 1.1" in spec["usermeta"]["citation"] and "CC BY 4.0" in spec["usermeta"]["license"]
    png = (rendered_book / "figures" / "fig-nir-latest.png").read_bytes()
    assert b"iTXt" in png and b"CC BY 4.0" in png
    svg = (rendered_book / "figures" / "fig-nir-latest.svg").read_text(encoding="utf-8")
    assert "<title>Figure 1.1:" in svg and "CC BY 4.0" in svg


def test_every_figure_and_table_has_download_links_and_a_cite_box(rendered_book):
    for label, page in LABELS.items():
        doc = (rendered_book / page).read_text(encoding="utf-8")
        m = re.search(rf'<div class="figure-tools" data-label="{label}">(.*?)</details></div>', doc, re.S)
        assert m, f"{page}: no download/cite controls under {label}"
        hrefs = re.findall(r'<a href="([^"]+)" download>', m.group(1))
        expected = FIGURE_FILES if label.startswith("fig-") else TABLE_FILES
        assert len(hrefs) == len(expected), (label, hrefs)
        for href in hrefs:
            assert (rendered_book / Path(page).parent / href).resolve().is_file(), href
        assert f'href="#{label}"' in m.group(1)
        assert "@misc{minerals-report:" + label in _html.unescape(m.group(1))


@pytest.mark.skipif(__import__("shutil").which("chromium") is None, reason="chromium not installed")
def test_cite_box_opens_and_copies_in_headless_chromium(rendered_book):
    from chromium_tabs import Browser
    from helpers import click_as_reader as _click, copying_tab as _copying_tab

    browser = Browser()
    try:
        for width in (1400, 390):
            tab = _copying_tab(browser, (rendered_book / "chapters" / "01-drivers.html").as_uri(), width)
            tools = 'document.querySelector(\'.figure-tools[data-label="fig-nir-latest"]\')'
            assert tab.eval(f"{tools}.querySelector('a[download]').getBoundingClientRect().width > 0")
            assert not tab.eval(f"{tools}.querySelector('.cite-text').checkVisibility()")
            _click(tab, f"{tools}.querySelector('summary')")
            assert tab.eval(f"{tools}.querySelector('details').open")
            box = tab.eval(f"{tools}.querySelector('.cite-text').getBoundingClientRect().toJSON()")
            assert tab.eval(f"{tools}.querySelector('.cite-text').checkVisibility()")
            assert box["height"] > 0 and box["right"] <= width, box
            assert tab.eval(f"{tools}.getBoundingClientRect().right") <= width
            _click(tab, f"{tools}.querySelector('button[data-copy=cite-bibtex]')")
            assert tab.wait_for(f"{tools}.querySelector('button[data-copy=cite-bibtex]').getAttribute('data-copied')") == "true"
            copied = tab.eval("navigator.clipboard.readText()")
            assert copied.startswith("@misc{minerals-report:fig-nir-latest,") and "Figure 1.1" in copied
            _click(tab, f"{tools}.querySelector('button[data-copy=cite-text]')")
            tab.wait_for(f"{tools}.querySelector('button[data-copy=cite-text]').getAttribute('data-copied') == 'true'")
            copied = tab.eval("navigator.clipboard.readText()")
            assert copied.startswith("Minerals Report contributors. (") and "#fig-nir-latest" in copied
            tab.close()
    finally:
        browser.close()
