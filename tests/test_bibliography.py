"""One bibliography for the whole book: a work has the same label on every page and in
the PDF, the PDF's citations link to their entries, and the entries a reader flagged
print correctly (title case, quotes, journal and pages, Chinese titles and names)."""
from __future__ import annotations

import collections
import html as _html
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis.render import render_book

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", "", fragment))).replace("\u00a0", " ").strip()


def _labels(pages: list[Path]) -> dict[str, set[str]]:
    """key -> every in-text label a reader sees for it (the year part, with its letter)."""
    out: dict[str, set[str]] = collections.defaultdict(set)
    for page in pages:
        doc = page.read_text(encoding="utf-8")
        for body in re.findall(r'<span class="citation" data-cites="[^"]+">(.*?)</span>', doc, re.S):
            for key, text in re.findall(r'<a href="#ref-([^"]+)" role="doc-biblioref">(.*?)</a>', body, re.S):
                m = re.search(r"(\d{4}[a-z]?|n\.d\.[a-z]?)$", _text(text))
                out[key].add(m.group(1) if m else _text(text))
    return out


def _squash(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


def _full_forms(pages: list[Path]) -> set[str]:
    """In-text citations that carry the author as well as the year ("USGS 2025b")."""
    forms = set()
    for page in pages:
        for text in re.findall(r'<a href="#ref-[^"]+" role="doc-biblioref">(.*?)</a>', page.read_text(encoding="utf-8"), re.S):
            t = _text(text)
            if re.search(r"\D\s\d{4}[a-z]?$", t):
                forms.add(t)
    return forms


# --- a small book: two works by one author in one year, cited on different pages ----

BOOK = {
    "_quarto.yml": """\
project:
  type: book
book:
  title: "Bib Book"
  date: "2026-01-01"
  chapters:
    - index.qmd
    - chapters/01-a.qmd
    - chapters/02-b.qmd
bibliography: refs.bib
lang: en
""",
    "refs.bib": """\
@book{usgsA, author = {{U.S. Geological Survey}}, title = {First Report}, year = {2025}}
@book{usgsB, author = {{U.S. Geological Survey}}, title = {Second Report}, year = {2025}}
@article{zh, author = {Sun, Haiyong (孙海泳)}, title = {拜登政府电池矿产战略论析},
  journal = {国际关系研究}, year = {2024}, number = {4}, pages = {3--21}}
@misc{act, author = {{U.S. Congress}}, title = {An Act pursuant to title {II} of {H. Con. Res.} 14}, year = {2025}}
""",
    "index.qmd": "# Preface {.unnumbered}\n\nNothing cited here.\n",
    "chapters/01-a.qmd": "# A {#sec-a}\n\nOnly the first report [@usgsA].\n",
    "chapters/02-b.qmd": "# B {#sec-b}\n\nBoth [@usgsA; @usgsB], and *中文 emphasis* [@zh; @act].\n",
}


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    root = tmp_path_factory.mktemp("bibbook")
    for rel, text in BOOK.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    out = root / "_book"
    render_book(root, out)
    return out


def test_a_work_has_one_label_on_every_page_and_in_the_pdf(small_book):
    pages = sorted(small_book.rglob("*.html"))
    labels = _labels(pages)
    # page by page, citeproc would call the first report "2025" in chapter A
    assert labels["usgsA"] == {"2025a"} and labels["usgsB"] == {"2025b"}, labels
    a = (small_book / "chapters" / "01-a.html").read_text(encoding="utf-8")
    assert 'id="ref-usgsA"' in a and 'id="ref-usgsB"' not in a  # each page lists what it cites
    pdf = _squash(" ".join(p.extract_text() for p in PdfReader(next(small_book.glob("*.pdf"))).pages))
    assert _squash("U.S. Geological Survey 2025a") in pdf
    assert _squash("U.S. Geological Survey. 2025a. First Report") in pdf
    assert _squash("U.S. Geological Survey. 2025b. Second Report") in pdf


def test_pdf_citations_link_to_their_entries(small_book):
    reader = PdfReader(next(small_book.glob("*.pdf")))
    refs_page = max(i for i, p in enumerate(reader.pages) if "Second Report" in (p.extract_text() or ""))
    targets = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            dest = annot.get("/Dest") or (annot.get("/A") or {}).get("/D")
            if annot.get("/Subtype") == "/Link" and dest is not None:
                if isinstance(dest, str):
                    dest = reader.named_destinations[dest]
                    targets.append(reader.get_destination_page_number(dest))
                else:
                    targets.append(reader.get_page_number(dest[0].get_object()))
    assert targets.count(refs_page) >= 4, targets  # usgsA twice, usgsB, zh, act


def test_chinese_is_never_set_in_fake_italics_and_titles_keep_their_case(small_book):
    b = (small_book / "chapters" / "02-b.html").read_text(encoding="utf-8")
    for em in re.findall(r"<em>(.*?)</em>", b, re.S):
        assert not CJK.search(em), em
    assert re.search(r'<span class="cjk" lang="zh">(<span lang="zh">)?国际关系研究', b)
    assert "H. Con. Res." in _text(b) and "h. Con." not in _text(b)
    assert "3–21" in _text(b)


# --- the real book --------------------------------------------------------------------

@pytest.mark.slow
def test_real_book_labels_agree_across_pages_and_pdf(rendered_book):
    pages = sorted(rendered_book.rglob("*.html"))
    labels = _labels(pages)
    assert len(labels) >= 30
    assert {k: v for k, v in labels.items() if len(v) > 1} == {}
    # the case a reader reported: MOFCOM No. 18 was "2025" in chapter 4 and "2025b" in chapter 6
    assert len(labels["mofcom2025no18"]) == 1 and re.fullmatch(r"2025[a-z]", next(iter(labels["mofcom2025no18"])))
    pdf = _squash(" ".join(p.extract_text() or "" for p in PdfReader(next(rendered_book.glob("*.pdf"))).pages))
    missing = [form for form in _full_forms(pages) if _squash(form) not in pdf]
    assert not missing, missing[:5]


@pytest.mark.slow
def test_real_book_flagged_entries(rendered_book):
    entries = {}
    for page in rendered_book.rglob("*.html"):
        for key, body in re.findall(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>',
                                    page.read_text(encoding="utf-8"), re.S):
            entries[key] = body
    text = {k: _text(v) for k, v in entries.items()}
    assert "H. Con. Res. 14" in text["pl11921"]
    assert "‘America’s Most Dangerous Dependency’" in text["ipp2025dependency"]
    assert "国际关系研究" in text["sun2024battery"] and "no. 4: 3–21" in text["sun2024battery"]
    for key, name in {"cheng2024friendshoring": "程萍", "sun2024battery": "孙海泳",
                      "ipp2025dependency": "张乐词", "ciaps2022biden": "中国化学与物理电源行业协会"}.items():
        assert name in text.get(key, ""), (key, text.get(key))
    for key, body in entries.items():
        for em in re.findall(r"<em>(.*?)</em>", body, re.S):
            assert not CJK.search(em), (key, em)
