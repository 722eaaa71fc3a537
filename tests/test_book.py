"""End to end: the real book, rendered from the real extracts into a temporary folder,
checked as a reader meets it (pages, chart, offline, PDF text and fonts, page images)."""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis import paths

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EXTERNAL = re.compile(r"""<(script|link|img|source|iframe)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", re.I)


@pytest.fixture(scope="module")
def book(rendered_book) -> Path:
    return rendered_book


@pytest.fixture(scope="module")
def pdf(book) -> Path:
    pdfs = list(book.glob("*.pdf"))
    assert len(pdfs) == 1, f"expected exactly one PDF, found {pdfs}"
    return pdfs[0]


def _html_pages(book: Path) -> list[Path]:
    return sorted(p for p in book.rglob("*.html"))


def test_one_html_page_per_chapter(book):
    import yaml

    config = yaml.safe_load((paths.ROOT / "_quarto.yml").read_text())
    sources = config["book"]["chapters"] + config["book"]["appendices"]
    for qmd in sources:
        page = book / Path(qmd).with_suffix(".html")
        assert page.is_file(), f"no page for {qmd}"
    assert (book / "index.html").is_file()


def test_no_external_urls_in_scripts_styles_or_fonts(book):
    for page in _html_pages(book):
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(html), f"{page.name} loads something from the network"
    for css in book.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?https?:", css.read_text(encoding="utf-8")), css


def test_drivers_page_has_interactive_chart_with_local_bundle_and_svg_fallback(book):
    page = (book / "chapters" / "01-drivers.html").read_text(encoding="utf-8")
    assert "vegaEmbed" in page or "vega-embed" in page
    fallbacks = re.findall(r'<img class="vega-fallback" src="([^"]+\.svg)"', page)
    assert fallbacks, "static SVG fallback missing"
    for src in fallbacks:
        assert (book / "chapters" / src).resolve().read_text(encoding="utf-8").lstrip().startswith("<svg")
    scripts = re.findall(r"<script[^>]+src=\"([^\"]+)\"", page)
    assert scripts and all((book / "chapters" / s).resolve().is_file() for s in scripts), scripts
    assert re.search(r"Figure\s*1\.1", page), "the figure reference is not numbered 1.1"


def test_prose_numbers_are_computed(book):
    """The inline count of 100% reliant minerals appears as a number, not as code."""
    text = (book / "chapters" / "01-drivers.html").read_text(encoding="utf-8")
    assert "{python}" not in text and "drivers.count_fully_reliant" not in text
    assert re.search(r"all of its supply of\s+\d+\s+nonfuel", re.sub(r"<[^>]+>", "", text))


def test_pdf_has_pages_figure_reference_and_embedded_cjk_font(pdf):
    import yaml

    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert re.search(r"Figure\s*1\.1", text)
    # every chapter of the book is in the one PDF, by its title (not a page-count threshold)
    book = yaml.safe_load((paths.ROOT / "_quarto.yml").read_text())["book"]
    flat = re.sub(r"\s+", "", text).replace("\u2019", "'")
    for qmd in book["chapters"] + book["appendices"]:
        title = re.search(r"^#\s+(.+?)(\s+\{.*\})?$", (paths.ROOT / qmd).read_text(encoding="utf-8"), re.M).group(1)
        assert re.sub(r"\s+", "", title.replace("*", "")) in flat, f"{qmd}: title {title!r} not in the PDF"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts


def test_pdf_figure_is_vector(pdf):
    """Figures are drawn as paths, not pasted as bitmaps: no image XObject on the figure page."""
    reader = PdfReader(pdf)
    for page in reader.pages:
        text = page.extract_text() or ""
        # the figure's own page, not its entry in the List of Figures
        if re.search(r"Figure\s+1\.1:\s*US net import reliance", text) and "List of Figures" not in text:
            resources = page.get("/Resources") or {}
            xobjects = resources.get("/XObject") or {}
            images = [k for k, v in xobjects.items() if v.get_object().get("/Subtype") == "/Image"]
            assert not images
            return
    pytest.fail("no page carries the caption of Figure 1.1")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_pages_render_as_a_reader_sees_them(pdf, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 3
    for png in pngs:
        assert png.stat().st_size > 2_000, f"{png.name} looks blank"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_every_chart_draws_in_headless_chromium(book, tmp_path):
    """Run each page's JavaScript offline: vega-embed must replace every SVG fallback."""
    pages = [p for p in _html_pages(book) if 'class="vega-chart"' in p.read_text(encoding="utf-8")]
    # exactly the pages of the chapters that draw a chart (the ledger lists them)
    with (book / "data" / "index.csv").open(encoding="utf-8") as f:
        drawn = {Path(r["chapter"]).with_suffix(".html").as_posix() for r in csv.DictReader(f) if r["kind"] == "figure"}
    assert {p.relative_to(book).as_posix() for p in pages} == drawn
    for i, page in enumerate(pages):
        charts = page.read_text(encoding="utf-8").count('class="vega-chart"')
        dom = subprocess.run(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / f'profile{i}'}", "--virtual-time-budget=10000",
             "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120,
        ).stdout
        drawn = len(re.findall(r'class="vega-chart[^"]*vega-embedded', dom))
        assert drawn == charts, f"{page.name}: {drawn} of {charts} charts drawn"
        assert '<img class="vega-fallback"' not in dom, f"{page.name}: a fallback image was left in place"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_drivers_page_screenshot_is_not_blank(book, tmp_path):
    page = book / "chapters" / "01-drivers.html"
    shot = tmp_path / "drivers.png"
    subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600",
         "--virtual-time-budget=10000", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )
    assert shot.stat().st_size > 20_000


def _ppm_pixels(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    magic, width, height, maxval, rest = data.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return int(width), int(height), rest


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_figure_page_shows_the_chart_in_colour(pdf, tmp_path):
    """On the page image a reader sees, Figure 1.1's bars are there in the China colour."""
    reader = PdfReader(pdf)
    number = next(i + 1 for i, page in enumerate(reader.pages)
                  if re.search(r"Figure\s+1\.1:", page.extract_text() or "")
                  and "List of Figures" not in (page.extract_text() or ""))
    subprocess.run(["pdftoppm", "-r", "50", "-f", str(number), "-l", str(number), str(pdf), str(tmp_path / "fig")],
                   check=True)
    width, height, pixels = _ppm_pixels(next(tmp_path.glob("fig*.ppm")))
    china = sum(1 for i in range(0, len(pixels) - 2, 3)
                if abs(pixels[i] - 0xD5) < 25 and abs(pixels[i + 1] - 0x5E) < 25 and pixels[i + 2] < 40)
    assert china > 200, f"only {china} pixels in the China colour on page {number}"


def test_build_record_lists_what_each_chapter_read(book):
    """A chapter depends on the edition switch exactly when it reads an MCS table the
    switch cuts (so only those re-run when MCS_VINTAGE changes), and a curated file is
    an input of the chapters that read it only."""
    import json

    from analysis.editions import edition_column

    record = {c["chapter"]: c for c in json.loads((book / "build.json").read_text(encoding="utf-8"))["chapters"]}
    assert {c["status"] for c in record.values()} <= {"executed", "reused"}
    for chapter, c in record.items():
        tables = [Path(k).stem for k in c["inputs"] if k.startswith("file:data/extracts/")]
        reads_mcs = any(edition_column(t) for t in tables)
        assert ("env:MCS_VINTAGE" in c["inputs"]) == reads_mcs, chapter
    assert "env:MCS_VINTAGE" in record["chapters/01-drivers.qmd"]["inputs"]
    assert record["index.qmd"]["inputs"] == []
    readers = {ch for ch, c in record.items() if "file:data/curated/responses.csv" in c["inputs"]}
    assert readers and readers < set(record)
