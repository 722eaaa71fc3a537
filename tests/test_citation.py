"""The book as a citable work: one version, one pair of addresses, a valid CITATION.cff,
Google Scholar tags, the version and licence on every page, "Cite this report", the PDF
link and the Figures page, checked on the real rendered book."""
from __future__ import annotations

import html as _html
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from analysis import paths

ROOT = paths.ROOT
CFFCONVERT = ROOT / ".venv" / "tools" / "cffconvert" / "bin" / "cffconvert"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
QUARTO = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
SITE_URL = QUARTO["book"]["site-url"]
REPO_URL = QUARTO["book"]["repo-url"]


def _cffconvert(path: Path) -> subprocess.CompletedProcess:
    assert CFFCONVERT.exists(), "cffconvert is installed by `make test` (.venv/tools/cffconvert)"
    return subprocess.run([str(CFFCONVERT), "--validate", "-i", str(path)], capture_output=True, text=True)


def test_version_is_semantic():
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION), VERSION


def test_citation_cff_validates_with_cffconvert(tmp_path):
    ok = _cffconvert(ROOT / "CITATION.cff")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # the validator does reject a broken file (so the check above means something)
    broken = tmp_path / "CITATION.cff"
    broken.write_text((ROOT / "CITATION.cff").read_text(encoding="utf-8").replace("cff-version: 1.2.0", "cff-version: 9"),
                      encoding="utf-8")
    assert _cffconvert(broken).returncode != 0


def test_citation_cff_agrees_with_the_one_setting_of_each_fact():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == VERSION == str(cff["preferred-citation"]["version"])
    assert cff["title"] == QUARTO["book"]["title"]
    assert cff["repository-code"] == REPO_URL == cff["preferred-citation"]["repository-code"]
    assert cff["url"] == SITE_URL == cff["preferred-citation"]["url"]
    assert {a["name"] for a in cff["authors"]} == {a["name"] for a in QUARTO["book"]["author"]}


def test_readme_states_the_licences_and_how_to_cite():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needle in ("CC BY 4.0", "MIT", "CITATION.cff", "public domain", "British Geological Survey", "UN Comtrade"):
        assert needle in readme, needle


def _pages(book: Path) -> list[Path]:
    return sorted(p for p in book.rglob("*.html"))


def _meta(doc: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, content in re.findall(r'<meta name="([^"]+)" content="([^"]*)">', doc):
        out.setdefault(name, []).append(_html.unescape(content))
    return out


@pytest.mark.slow
def test_every_page_has_scholar_tags_version_licence_and_pdf_link(rendered_book):
    pdf = next(rendered_book.glob("*.pdf"))
    pages = _pages(rendered_book)
    assert len(pages) >= 10
    for page in pages:
        doc = page.read_text(encoding="utf-8")
        tags = _meta(doc.split("</head>", 1)[0])
        for name in ("citation_title", "citation_author", "citation_publication_date", "citation_pdf_url",
                     "citation_public_url", "citation_language"):
            assert tags.get(name), f"{page.name}: no {name}"
        assert tags["citation_pdf_url"] == [SITE_URL + pdf.name], tags["citation_pdf_url"]
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", tags["citation_publication_date"][0])
        if page.name != "index.html":
            assert tags.get("citation_inbook_title") == [QUARTO["book"]["title"]], page.name
        footer = re.search(r'<footer class="book-footer">(.*?)</footer>', doc, re.S)
        assert footer, f"{page.name}: no footer"
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", footer.group(1)))
        assert f"version {VERSION}" in text and "CC BY 4.0" in text, text
        links = [h for h in re.findall(r'href="([^"]+\.pdf)"', doc) if not re.match(r"https?:", h)]
        assert links and all((page.parent / h).resolve() == pdf.resolve() for h in links), (page.name, links)


@pytest.mark.slow
def test_preface_has_cite_this_report_with_bibtex_and_licence(rendered_book):
    from pybtex.database import parse_string

    doc = (rendered_book / "index.html").read_text(encoding="utf-8")
    assert 'id="cite-this-report"' in doc and 'id="licence"' in doc
    bib = _html.unescape(re.search(r'<pre class="cite-bibtex"><code>(.*?)</code></pre>', doc, re.S).group(1))
    entry = parse_string(bib, "bibtex").entries["minerals-report"]
    assert entry.fields["version"] == VERSION and entry.fields["url"] == SITE_URL
    assert QUARTO["book"]["title"] in entry.fields["title"]
    licence = re.search(r'id="licence".*?<p>(.*?)</p>', doc, re.S).group(1)
    for needle in ("CC BY 4.0", "MIT", "public domain", "British Geological Survey", "UN Comtrade"):
        assert needle in _html.unescape(licence), needle


@pytest.mark.slow
def test_pdf_first_page_shows_version_address_and_licence(rendered_book):
    first = PdfReader(next(rendered_book.glob("*.pdf"))).pages[0].extract_text()
    first = re.sub(r"\s+", " ", first)
    assert f"Version {VERSION}" in first and SITE_URL in first and "CC BY 4.0" in first, first


@pytest.mark.slow
def test_figures_page_lists_every_figure_and_table(rendered_book):
    doc = (rendered_book / "figures.html").read_text(encoding="utf-8")
    bundles = sorted(p.name[: -len(".bib")] for p in (rendered_book / "figures").glob("*.bib"))
    assert len(bundles) >= 20
    for label in bundles:
        entry = re.search(rf'<section class="figure-entry" id="entry-{label}">(.*?)</section>', doc, re.S)
        assert entry, f"{label} missing from the Figures page"
        body = entry.group(1)
        number = re.search(r'<h3><a href="([^"#]+)#([^"]+)">((?:Figure|Table) [A-Z0-9]+\.\d+)</a>', body)
        assert number and number.group(2) == label, label
        target = (rendered_book / number.group(1)).read_text(encoding="utf-8")
        assert f'id="{label}"' in target and number.group(3) in target.replace("\u00a0", " ")
        if label.startswith("fig-"):
            thumb = re.search(r'<img src="([^"]+)"', body).group(1)
            assert (rendered_book / thumb).is_file()
        assert 'class="figure-entry-caption"' in body and "<summary>Cite</summary>" in body
    # linked from every page's sidebar
    for page in _pages(rendered_book):
        assert re.search(r'<a href="(\.\./)?figures\.html"', page.read_text(encoding="utf-8")), page.name


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_cite_this_report_copies_in_headless_chromium(rendered_book):
    from chromium_tabs import Browser
    from helpers import click_as_reader as _click, copying_tab as _copying_tab

    browser = Browser()
    try:
        tab = _copying_tab(browser, (rendered_book / "index.html").as_uri(), 390)
        box = "document.querySelector('.cite-this-report')"
        assert tab.eval(f"{box}.getBoundingClientRect().right") <= 390
        _click(tab, f"{box}.querySelector('button[data-copy=cite-bibtex]')")
        assert tab.wait_for(f"{box}.querySelector('button[data-copy=cite-bibtex]').getAttribute('data-copied')") == "true"
        assert tab.eval("navigator.clipboard.readText()").startswith("@book{minerals-report,")
    finally:
        browser.close()


def test_release_checksums_recompute_from_the_manifest():
    """Appendix A's checksum of a release is the SHA-256 of its files' values, sorted:
    recomputed here from data/sources.csv with the standard library alone."""
    import csv
    import hashlib

    from analysis.chapters import data_sources

    shas: dict[str, list[str]] = {}
    titles = {}
    with (ROOT / "data" / "sources.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            shas.setdefault(row["source_id"], []).append(row["sha256"])
            titles[row["source_id"]] = row["title"]
    table = data_sources.provenance_table()
    printed = dict(zip(table["Release (edition)"], table["SHA-256 of the files' SHA-256 values"]))
    assert len(printed) == len(shas)
    for source_id, values in shas.items():
        want = hashlib.sha256("\n".join(sorted(values)).encode()).hexdigest()
        assert printed[titles[source_id]].replace(" ", "") == want, source_id


@pytest.mark.slow
def test_appendix_a_states_version_build_date_and_release_checksums(rendered_book):
    doc = (rendered_book / "chapters" / "a-data-sources.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", "", doc)))
    date = _meta(doc)["citation_publication_date"][0].replace("/", "-")
    assert f"This is version {VERSION} of the book, built on {date}." in text
    assert 'id="tbl-provenance"' in doc
    from analysis.chapters import data_sources

    for digest in data_sources.provenance_table()["SHA-256 of the files' SHA-256 values"]:
        assert digest in text
