"""End-to-end tests of analysis.render on small fixture books written into tmp dirs.

Kernels are slow (~2 s each), so one fixture book with code is rendered once per
module; the failure cases use books without code cells (no kernel needed).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from analysis.render import RenderError, render_book

QUARTO_YML = """\
project:
  type: book
book:
  title: "Fixture Book"
  author:
    - name: "Tester"
  date: "2026-01-01"
  chapters:
{chapters}
{appendices}
bibliography: refs.bib
lang: en
execute:
  echo: false
  warning: false
format:
  html:
    toc: true
  typst:
    toc: true
    papersize: a4
    mainfont: "Noto Serif CJK SC"
"""

BIB = """\
@book{usgs2025,
  title = {Mineral Commodity Summaries 2025},
  author = {{U.S. Geological Survey}},
  year = {2025},
  publisher = {USGS}
}
"""


def write_book(root: Path, files: dict[str, str], chapters: list[str], appendices: list[str] = ()) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    chs = "\n".join(f"    - {c}" for c in chapters)
    apps = ("  appendices:\n" + "\n".join(f"    - {a}" for a in appendices)) if appendices else ""
    (root / "_quarto.yml").write_text(QUARTO_YML.format(chapters=chs, appendices=apps), encoding="utf-8")
    (root / "refs.bib").write_text(BIB, encoding="utf-8")
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


BOOK_FILES = {
    "index.qmd": """\
        # Preface {.unnumbered}

        See @sec-one, @fig-chart and @fig-app.
        """,
    "chapters/01-one.qmd": """\
        # First chapter {#sec-one}

        ```{python}
        import pandas as pd
        import altair as alt
        df = pd.DataFrame({"mineral": ["锂 lithium", "cobalt"], "production_t": [1200, 300]})
        ```

        The total is `{python} int(df.production_t.sum())` tonnes [@usgs2025].

        ## Background {#sec-bg}

        中文测试：美国关键矿产战略。

        ```{python}
        #| label: fig-chart
        #| fig-cap: "Production by mineral"
        #| fig-alt: "Bar chart of production"
        alt.Chart(df).mark_bar(tooltip=True).encode(x="mineral", y="production_t")
        ```

        ```{python}
        #| label: tbl-prod
        #| tbl-cap: "Production table"
        df
        ```

        ```{python}
        #| include: false
        print("SHOULD-NOT-APPEAR")
        ```

        ::: {.callout-note}
        ## Read this
        A callout body referencing @tbl-prod.
        :::
        """,
    "chapters/02-two.qmd": """\
        # Second chapter {#sec-two}

        As @fig-chart in @sec-one shows, and @sec-bg explains; see @fig-two.

        ```{python}
        #| label: fig-two
        #| fig-cap: "Second chart"
        import altair as alt, pandas as pd
        alt.Chart(pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})).mark_line().encode(x="x", y="y")
        ```
        """,
    "chapters/a-app.qmd": """\
        # Data sources {#sec-app}

        ## Details {#sec-app-details}

        ![Appendix chart](app.svg){#fig-app}

        Refer to @sec-app-details and @sec-app.
        """,
    "chapters/app.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">'
                        '<rect width="100" height="40" fill="#4c78a8"/></svg>\n',
}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = write_book(tmp_path_factory.mktemp("book"), BOOK_FILES,
                      ["index.qmd", "chapters/01-one.qmd", "chapters/02-two.qmd"], ["chapters/a-app.qmd"])
    out = root / "_book"
    report = render_book(root, out)
    return root, out, report


def html(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).replace("\u00a0", " ")


def test_pages_and_single_pdf(book):
    root, out, report = book
    for rel in ["index.html", "chapters/01-one.html", "chapters/02-two.html", "chapters/a-app.html"]:
        assert (out / rel).is_file(), rel
    assert [p.name for p in out.glob("*.pdf")] == ["fixture-book.pdf"]
    assert sorted(report.executed) == ["chapters/01-one.qmd", "chapters/02-two.qmd",
                                       "chapters/a-app.qmd", "index.qmd"]


def test_numbering_and_cross_chapter_links(book):
    _, out, _ = book
    one, two, app, idx = (html(out, p) for p in ["chapters/01-one.html", "chapters/02-two.html",
                                                  "chapters/a-app.html", "index.html"])
    assert "Figure 1.1: Production by mineral" in text_of(one)
    assert "Table 1.1: Production table" in text_of(one)
    assert "Figure 2.1: Second chart" in text_of(two)
    assert "Figure A.1: Appendix chart" in text_of(app)
    # cross-chapter references link to the right page
    assert re.search(r'<a href="01-one\.html#fig-chart"[^>]*>Figure\u00a01\.1</a>', two)
    assert re.search(r'<a href="01-one\.html#sec-one"[^>]*>Chapter\u00a01</a>', two)
    assert re.search(r'<a href="01-one\.html#sec-bg"[^>]*>Section\u00a01\.1</a>', two)
    assert re.search(r'<a href="chapters/a-app\.html#fig-app"[^>]*>Figure\u00a0A\.1</a>', idx)
    assert "Section A.1" in text_of(app) and "Appendix A" in text_of(app)
    assert re.search(r'<a href="#tbl-prod"[^>]*>Table\u00a01\.1</a>', one)
    # preface is unnumbered, headings carry Quarto numbers
    assert 'header-section-number">1.1<' in one
    assert "header-section-number" not in idx.split("<main", 1)[1].split("</main>")[0]


def test_inline_value_callout_table_and_citation(book):
    _, out, _ = book
    one = html(out, "chapters/01-one.html")
    assert "The total is 1500 tonnes" in text_of(one)
    assert re.search(r'<div class="callout callout-note">\s*<div class="callout-title">\s*Read this', one)
    assert re.search(r'<td[^>]*><span lang="zh">锂</span> lithium</td>', one)
    assert "SHOULD-NOT-APPEAR" not in one
    assert 'id="ref-usgs2025"' in one and "Mineral Commodity Summaries 2025" in one


def test_chart_is_vega_embed_with_local_bundle_and_svg_fallback(book):
    _, out, _ = book
    one = html(out, "chapters/01-one.html")
    m = re.search(r'<div class="vega-chart" id="([^"]+)"[^>]*>\s*<img class="vega-fallback" src="([^"]+)"', one)
    assert m, "chart div with fallback image missing"
    assert re.search(rf'<script type="application/json" class="vega-spec" data-target="{m.group(1)}">\{{', one)
    fallback = (out / "chapters" / m.group(2)).resolve()
    assert fallback.read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert '<script src="../site_libs/vega-bundle.js"></script>' in one
    bundle = (out / "site_libs" / "vega-bundle.js").read_text(encoding="utf-8")
    assert bundle.startswith("(function(){") and bundle.rstrip().endswith("})();")
    assert "window.vegaEmbed=" in bundle
    assert "window.vegaEmbed(" in one  # the page actually embeds


def test_no_remote_scripts_styles_or_fonts(book):
    _, out, _ = book
    pages = list(out.rglob("*.html"))
    assert len(pages) == 5  # four chapters and the Figures and tables page
    for page in pages:
        doc = page.read_text(encoding="utf-8")
        refs = re.findall(r"<script[^>]*\ssrc=\"([^\"]*)\"", doc) + re.findall(r"<link[^>]*\shref=\"([^\"]*)\"", doc)
        assert refs, page
        assert not [r for r in refs if re.match(r"(?i)(https?:)?//", r)], page
    css = (out / "site_libs" / "book.css").read_text(encoding="utf-8")
    assert "http" not in css and "@import" not in css and "@font-face" not in css


def test_pdf_numbers_cjk_and_fonts(book):
    from pypdf import PdfReader

    _, out, _ = book
    pdf = out / "fixture-book.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\u00a0", " ")
    for needle in ["Figure 1.1", "Figure 2.1", "Figure A.1", "Table 1.1", "中文测试", "Contents",
                   "Section A.1", "Mineral Commodity Summaries 2025", "Read this", "锂 lithium"]:
        assert needle in text, needle
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"NotoSerifCJK\S*\s.*\byes\b", fonts), fonts


def test_second_render_uses_cache_and_edit_reexecutes_one_chapter(book, tmp_path):
    root, _, _ = book
    out = tmp_path / "out"
    rep = render_book(root, out, formats=("html",))
    assert rep.executed == [] and len(rep.cached) == 4
    assert not list(out.glob("*.pdf"))
    ch2 = root / "chapters/02-two.qmd"
    original = ch2.read_text(encoding="utf-8")
    try:
        ch2.write_text(original + "\nOne more sentence.\n", encoding="utf-8")
        rep = render_book(root, out, formats=("html",))
        assert rep.executed == ["chapters/02-two.qmd"]
        assert "One more sentence." in html(out, "chapters/02-two.html")
    finally:
        ch2.write_text(original, encoding="utf-8")


PLAIN = {
    "index.qmd": "# Preface {.unnumbered}\n\nHello.\n",
    "chapters/01-x.qmd": "# One {#sec-x}\n\nText.\n",
}


def test_unresolved_reference_fails_naming_chapter_and_key(tmp_path):
    files = dict(PLAIN, **{"chapters/02-y.qmd": "# Two\n\nSee @fig-nowhere and @sec-x.\n"})
    root = write_book(tmp_path / "b", files, ["index.qmd", "chapters/01-x.qmd", "chapters/02-y.qmd"])
    with pytest.raises(RenderError) as exc:
        render_book(root, tmp_path / "out", formats=("html",))
    assert "chapters/02-y.qmd" in str(exc.value) and "@fig-nowhere" in str(exc.value)
    assert "sec-x" not in str(exc.value)


def test_missing_citation_fails_and_keeps_last_good_output(tmp_path):
    root = write_book(tmp_path / "b", PLAIN, ["index.qmd", "chapters/01-x.qmd"])
    out = tmp_path / "out"
    render_book(root, out, formats=("html",))
    good = (out / "chapters/01-x.html").read_text(encoding="utf-8")
    (root / "chapters/01-x.qmd").write_text("# One\n\nAs shown [@nosuchkey2020].\n", encoding="utf-8")
    with pytest.raises(RenderError) as exc:
        render_book(root, out, formats=("html",))
    assert "chapters/01-x.qmd" in str(exc.value) and "nosuchkey2020" in str(exc.value)
    assert (out / "chapters/01-x.html").read_text(encoding="utf-8") == good
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_failing_cell_names_chapter_and_label(tmp_path):
    files = dict(PLAIN, **{"chapters/02-y.qmd": textwrap.dedent("""\
        # Two

        ```{python}
        #| label: fig-broken
        1 / 0
        ```
        """)})
    root = write_book(tmp_path / "b", files, ["index.qmd", "chapters/01-x.qmd", "chapters/02-y.qmd"])
    with pytest.raises(RenderError) as exc:
        render_book(root, tmp_path / "out", formats=("html",))
    msg = str(exc.value)
    assert "chapters/02-y.qmd" in msg and "fig-broken" in msg and "line 3" in msg and "ZeroDivisionError" in msg


def test_pdf_is_byte_stable_across_renders(book, tmp_path):
    """Same sources, same PDF: a reader can verify a copy of the book by its checksum."""
    root, _, _ = book
    first = render_book(root, tmp_path / "a", formats=("pdf",)).pdf.read_bytes()
    second = render_book(root, tmp_path / "b", formats=("pdf",)).pdf.read_bytes()
    assert first == second


def test_table_columns_never_narrower_than_their_longest_word():
    """A short column beside a long one must still fit its longest word (ids, amounts)."""
    from analysis.render.execute import CHAR_SHARE, column_shares

    columns = ["Programme", "Instrument", "Year", "Amount"]
    rows = [["A very long description of a programme " * 3, "Appropriation", "2022", "3,500,000,000"]]
    shares = column_shares(columns, rows)
    assert abs(sum(shares) - 1) < 1e-9
    for share, word in zip(shares, ["description", "Appropriation", "2022", "3,500,000,000"]):
        assert share >= len(word) * CHAR_SHARE
    assert shares[0] == max(shares)  # the long text still gets the most room


def test_bundles_name_each_figure_and_table_by_label_and_are_byte_stable(book, tmp_path):
    """A citing reader's download address is the label, and a rebuild of the same sources
    gives the same bytes (so a cited file can be checked by checksum)."""
    root, out, _ = book
    names = {p.name for p in (out / "figures").iterdir()}
    for ext in ("svg", "png", "csv", "vl.json", "bib", "json"):
        assert f"fig-chart.{ext}" in names and f"fig-two.{ext}" in names
    assert {"tbl-prod.csv", "tbl-prod.bib", "tbl-prod.json", "fig-app.svg", "fig-app.bib"} <= names
    assert (out / "figures" / "fig-chart.csv").read_text(encoding="utf-8") == "mineral,production_t\n锂 lithium,1200\ncobalt,300\n"
    assert (out / "figures" / "tbl-prod.csv").read_text(encoding="utf-8") == "mineral,production_t\n锂 lithium,1200\ncobalt,300\n"
    assert "Figure 1.1: Production by mineral" in (out / "figures" / "fig-chart.bib").read_text(encoding="utf-8")
    again = render_book(root, tmp_path / "again", formats=("html",))
    for path in sorted((out / "figures").iterdir()):
        assert path.read_bytes() == (again.out_dir / "figures" / path.name).read_bytes(), path.name


# ------------------------------------------------------------------ issue 9: cache key and ledger

def test_ledger_of_the_fixture_book(book):
    """Every inline value, with its chapter, section, line and expression; every figure's
    drawn fields and every table, exactly as printed."""
    import csv

    _, out, _ = book
    data = out / "data"
    with (data / "inline_values.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows == [{"chapter": "chapters/01-one.qmd", "section": "sec-one", "line": "9",
                     "expression": "int(df.production_t.sum())", "text": "1500"}]
    assert (data / "figures/01-one__fig-chart.csv").read_text(encoding="utf-8") == (
        "mineral,production_t\n锂 lithium,1200\ncobalt,300\n")
    assert (data / "tables/01-one__tbl-prod.csv").read_text(encoding="utf-8") == (
        "mineral,production_t\n锂 lithium,1200\ncobalt,300\n")
    index = (data / "index.csv").read_text(encoding="utf-8").splitlines()
    assert index[0] == "chapter,kind,name,file,rows" and len(index) == 4  # fig-chart, tbl-prod, fig-two


def test_ledger_writes_floats_to_ten_significant_digits():
    from analysis.render.ledger import cell_text, figure_table

    assert cell_text(44.285714285714285) == "44.28571429"
    assert cell_text(float("nan")) == "" and cell_text(None) == "" and cell_text(True) == "true"
    spec = {"datasets": {"d": [{"a": 1.0 / 3, "unused": 5}]}, "encoding": {"x": {"field": "a"}}}
    assert figure_table(spec) == (["a"], [[1.0 / 3]])


def test_a_single_author_string_is_one_author():
    from analysis.render.config import _authors

    assert _authors("Jane Doe") == ["Jane Doe"]
    assert _authors({"name": "Jane Doe"}) == ["Jane Doe"]
    assert _authors(["A", {"name": "B"}]) == ["A", "B"]
    assert _authors(None) == []
