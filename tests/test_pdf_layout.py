"""The book PDF as a reader turns its pages: no page left nearly empty inside a chapter,
running headers, Lists of Figures and of Tables, and citations and cross-references that
are links.

`make look` runs this module with READER_ARTIFACTS=1, which also saves every PDF page as a
PNG under tests/artifacts/pdf/ for a person to look at.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis import paths

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")]

ARTIFACTS = Path(__file__).parent / "artifacts"
MARGIN_IN, PAGE_HEIGHT_IN = 1.25, 11.69  # A4, the template's margins
CITATION = re.compile(r"\((?:see )?[A-Z\u201c][^()]{0,80}? (?:19|20)\d\d[a-z]?(?:, [^()]*)?\)")


@pytest.fixture(scope="module")
def pdf(rendered_book) -> Path:
    (path,) = rendered_book.glob("*.pdf")
    return path


@pytest.fixture(scope="module")
def reader(pdf) -> PdfReader:
    return PdfReader(pdf)


@pytest.fixture(scope="module")
def starts(reader) -> dict[int, str]:
    """0-based page -> title of each top-level bookmark (chapters, appendices, the lists)."""
    out = {}
    for item in reader.outline:
        if not isinstance(item, list):
            out.setdefault(reader.get_destination_page_number(item), item.title)
    return out


def _fill(pgm: Path) -> float:
    """How far down the text area the lowest ink reaches (0 = empty, 1 = full)."""
    data = pgm.read_bytes()
    _, w, h, _, pixels = data.split(maxsplit=4)
    w, h = int(w), int(h)
    top = round(h * MARGIN_IN / PAGE_HEIGHT_IN)
    bottom = h - top
    ink = [y for y in range(top, bottom) if min(pixels[y * w:(y + 1) * w]) < 160]
    return (ink[-1] - top + 1) / (bottom - top) if ink else 0.0


def test_no_page_is_less_than_a_quarter_full_except_chapter_ends(pdf, reader, starts, tmp_path):
    subprocess.run(["pdftoppm", "-gray", "-r", "20", str(pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.pgm"))
    assert len(pages) == len(reader.pages)
    if os.environ.get("READER_ARTIFACTS"):
        out = ARTIFACTS / "pdf"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / "page")], check=True)
    sparse = []
    for i, pgm in enumerate(pages):
        chapter_end = (i + 1) in starts or i == len(pages) - 1
        fill = _fill(pgm)
        if fill < 0.25 and not chapter_end:
            sparse.append(f"page {i + 1}: {fill:.0%} full")
    assert not sparse, sparse


def _link_targets(reader: PdfReader) -> list[list[int]]:
    """Per page, the 0-based pages its internal links point to."""
    number = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    out = []
    for page in reader.pages:
        targets = []
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") != "/Link" or "/Dest" not in a:
                continue
            dest = a["/Dest"]
            if isinstance(dest, str):  # a named destination
                named = reader.named_destinations.get(dest)
                targets.append(reader.get_destination_page_number(named) if named else -1)
            else:
                targets.append(number.get(dest.get_object()[0].idnum, -1))
        out.append(targets)
    return out


def test_citations_and_cross_references_are_links(reader, starts):
    """Every citation the Typst source makes a link lands as a link annotation on a page of
    the bibliography, and every cross-reference as one into the book's own pages."""
    from analysis.render import default_cache_dir

    typ = (default_cache_dir(paths.ROOT) / "typst" / "book.typ").read_text(encoding="utf-8")
    citations = len(re.findall(r"#link\(<ref-", typ))
    xrefs = len(re.findall(r"#link\(<(?:fig|tbl|sec)-", typ))
    assert citations >= 50 and xrefs >= 50, (citations, xrefs)
    references = max(p for p, title in starts.items() if title.startswith("References"))
    targets = [t for page in _link_targets(reader) for t in page]
    # a link broken across two lines is two annotations, so "at least"
    assert sum(t >= references for t in targets) >= citations
    assert sum(0 <= t < references for t in targets) >= xrefs
    # and the citations are in the text as a reader sees it, not only in the source
    body = "\n".join(p.extract_text() or "" for p in reader.pages[references // 2:references])
    assert CITATION.search(body)


def test_running_headers_name_the_chapter(reader, starts):
    chapter_pages = sorted(starts)
    checked = 0
    for first, nxt in zip(chapter_pages, chapter_pages[1:]):
        title = starts[first]
        for i in range(first + 1, nxt):
            head = (reader.pages[i].extract_text() or "").strip().splitlines()[0]
            same = head.replace("\u2019", "'").startswith(title.replace("\u2019", "'")[:30])
            assert same, f"page {i + 1}: header {head!r}, chapter {title!r}"
            checked += 1
    assert checked >= 30


def test_lists_of_figures_and_tables_with_short_titles(reader, starts):
    titles = set(starts.values())
    assert {"List of Figures", "List of Tables"} <= titles, titles
    lof = next(p for p, t in starts.items() if t == "List of Figures")
    text = reader.pages[lof].extract_text() or ""
    assert re.search(r"Figure\s1\.1:\s*US net import reliance", text)
    # the lists give each caption's first sentence, not its sources and notes
    assert "Source:" not in text
