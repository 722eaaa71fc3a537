"""The book as a citable work: its version, addresses, licence and the citations built
from them (for the whole book and for each figure and table).

Every fact lives in one place and is read from there: the version is `project.version`
in `pyproject.toml` (what packaging, CITATION.cff's test and the book all show); the
repository and site addresses are `book.repo-url` and `book.site-url` in `_quarto.yml`
(Quarto's own keys); the licence is `license` in `_quarto.yml`.  Citations are written
as data (CSL-JSON) first; the APA-like text and the BibTeX entry are views of it.
"""
from __future__ import annotations

import datetime as _dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .config import BookConfig
from .errors import RenderError

# What the report's own text, code and figures are licensed under, when _quarto.yml
# does not say otherwise (`license:` there is what Quarto shows as "Reuse").
DEFAULT_LICENCE = "CC BY 4.0"
LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "MIT": "https://opensource.org/license/mit",
}


@dataclass(frozen=True)
class BookMeta:
    title: str
    subtitle: str | None
    authors: list[str]
    version: str | None
    date: str  # the build date (ISO), from _quarto.yml's book.date
    repo_url: str | None
    site_url: str | None
    licence: str  # text and figures
    code_licence: str | None
    pdf_name: str
    lang: str = "en"
    extra: dict = field(default_factory=dict)

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def licence_url(self) -> str | None:
        return LICENCE_URLS.get(self.licence)

    def url(self, page: str = "", anchor: str = "") -> str:
        """The absolute address of a page (and anchor) of the published book, or the
        page's path inside the book when no site address is set."""
        base = (self.site_url or "").rstrip("/")
        out = f"{base}/{page}" if base else page
        return f"{out}#{anchor}" if anchor else out


def project_version(project_dir: Path) -> str | None:
    """`project.version` of pyproject.toml: the one place the report's version is set
    (a book without a pyproject.toml has no version)."""
    path = Path(project_dir) / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        version = tomllib.loads(path.read_text(encoding="utf-8"))["project"]["version"]
    except (KeyError, tomllib.TOMLDecodeError) as exc:
        raise RenderError(f"{path}: cannot read project.version: {exc}") from exc
    if not re.fullmatch(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?", str(version)):
        raise RenderError(f"{path}: project.version {version!r} is not a semantic version (MAJOR.MINOR.PATCH)")
    return str(version)


def book_meta(config: BookConfig) -> BookMeta:
    raw = config.raw or {}
    book = raw.get("book") or {}
    pyproject = config.project_dir / "pyproject.toml"
    code_licence = None
    if pyproject.is_file():
        lic = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("license")
        code_licence = lic.get("text") if isinstance(lic, dict) else lic
    return BookMeta(
        title=config.title,
        subtitle=config.subtitle,
        authors=list(config.authors),
        version=project_version(config.project_dir),
        date=str(config.date or _dt.date.today().isoformat()),
        repo_url=book.get("repo-url"),
        site_url=book.get("site-url"),
        licence=str(raw.get("license") or DEFAULT_LICENCE),
        code_licence=code_licence,
        pdf_name=f"{config.slug}.pdf",
        lang=config.lang,
    )


# --- citations as data --------------------------------------------------------

def _csl_date(iso: str) -> dict:
    return {"date-parts": [[int(x) for x in iso.split("-")]]}


def _csl_authors(authors: list[str]) -> list[dict]:
    # Group authors ("Minerals Report contributors") are literal names, never split.
    return [{"literal": a} for a in authors]


def book_csl(meta: BookMeta) -> dict:
    item = {
        "id": "minerals-report",
        "type": "book",
        "title": meta.title + (f": {meta.subtitle}" if meta.subtitle else ""),
        "author": _csl_authors(meta.authors),
        "issued": _csl_date(meta.date),
        "language": meta.lang,
        "license": meta.licence,
    }
    if meta.version:
        item["version"] = meta.version
    if meta.site_url:
        item["URL"] = meta.site_url
    return item


def part_csl(meta: BookMeta, *, key: str, kind: str, label: str, title: str, page: str, anchor: str,
             note: str, licence: str) -> dict:
    """A figure or table of the book as a CSL-JSON item (type `figure` or `dataset`)."""
    item = {
        "id": key,
        "type": "figure" if kind == "fig" else "dataset",
        "title": f"{label}: {title}",
        "container-title": meta.title,
        "author": _csl_authors(meta.authors),
        "issued": _csl_date(meta.date),
        "accessed": _csl_date(meta.date),
        "URL": meta.url(page, anchor),
        "license": licence,
        "language": meta.lang,
    }
    if note:
        item["note"] = note
    if meta.version:
        item["version"] = meta.version
    return item


def _bib_escape(text: str) -> str:
    text = text.replace("\\", "\\textbackslash{}")
    for ch in "&%$#_":
        text = text.replace(ch, "\\" + ch)
    return text


def to_bibtex(item: dict) -> str:
    """One BibTeX (biblatex-compatible) entry for a CSL item built above."""
    entry = {"book": "book", "figure": "misc", "dataset": "misc"}[item["type"]]
    fields: list[tuple[str, str]] = []
    authors = " and ".join("{" + _bib_escape(a["literal"]) + "}" for a in item["author"])
    fields.append(("author", authors))
    # Double braces keep BibTeX styles from changing the capitalisation of titles.
    fields.append(("title", "{" + _bib_escape(item["title"]) + "}"))
    if "container-title" in item:
        fields.append(("booktitle", "{" + _bib_escape(item["container-title"]) + "}"))
    if item.get("version"):
        fields.append(("version", item["version"]))
    year, *rest = item["issued"]["date-parts"][0]
    fields.append(("year", str(year)))
    fields.append(("date", "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate([year, *rest]))))
    if item.get("URL"):
        fields.append(("url", item["URL"]))
    if "accessed" in item:
        acc = item["accessed"]["date-parts"][0]
        fields.append(("urldate", "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(acc))))
    if item.get("note"):
        fields.append(("note", _bib_escape(item["note"])))
    if item.get("license"):
        fields.append(("license", _bib_escape(item["license"])))
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields)
    return f"@{entry}{{{item['id']},\n{body}\n}}\n"


def to_text(item: dict) -> str:
    """An APA-like reference: Authors. (Year). Title [Kind]. In Book (Version v). Data. URL"""
    authors = ", ".join(a["literal"] for a in item["author"])
    year = item["issued"]["date-parts"][0][0]
    kind = {"figure": " [Figure]", "dataset": " [Table]", "book": ""}[item["type"]]
    version = f" (Version {item['version']})" if item.get("version") else ""
    if item.get("container-title"):
        parts = [f"{authors}. ({year}). {item['title']}{kind}.", f"In {item['container-title']}{version}."]
    else:
        parts = [f"{authors}. ({year}). {item['title']}{version}{kind}."]
    if item.get("note"):
        parts.append(item["note"].rstrip(".") + ".")
    if item.get("URL"):
        parts.append(item["URL"])
    return " ".join(parts)


# --- the book's own citation, licence and meta tags ---------------------------------

def report_text(meta: BookMeta) -> str:
    return to_text(book_csl(meta))


def report_bibtex(meta: BookMeta) -> str:
    return to_bibtex(book_csl(meta))


def data_terms(releases: dict[str, dict]) -> list[str]:
    """Each set of publisher's terms once, with the publishers it covers (data/sources.csv)."""
    by_terms: dict[str, list[str]] = {}
    for rel in releases.values():
        terms = (rel.get("licence") or "").replace("(c)", "©").strip()
        if terms:
            pubs = by_terms.setdefault(terms, [])
            if rel["publisher"] not in pubs:
                pubs.append(rel["publisher"])
    return [f"{terms} ({', '.join(pubs)})" for terms, pubs in by_terms.items()]


def licence_sentence(meta: BookMeta, releases: dict[str, dict]) -> str:
    own = f"Text and figures: {meta.licence}, {', '.join(meta.authors)}."
    if meta.code_licence:
        own += f" Code: {meta.code_licence}."
    terms = data_terms(releases)
    if terms:
        own += (" The data behind the figures keep their publishers' terms, stated with each figure: "
                + "; ".join(terms) + ".")
    return own


def meta_tags(meta: BookMeta, page_title: str | None, page_path: str) -> list[tuple[str, str]]:
    """Google Scholar (Highwire Press) tags: the book on its title page, a chapter of it
    on every other page, always with the PDF's address."""
    tags: list[tuple[str, str]] = []
    if page_title:
        tags += [("citation_title", page_title), ("citation_inbook_title", meta.title)]
    else:
        tags.append(("citation_title", meta.title + (f": {meta.subtitle}" if meta.subtitle else "")))
    tags += [("citation_author", a) for a in meta.authors]
    tags += [("citation_publication_date", meta.date.replace("-", "/")),
             ("citation_online_date", meta.date.replace("-", "/")),
             ("citation_language", meta.lang),
             ("citation_publisher", ", ".join(meta.authors))]
    if meta.site_url:
        tags += [("citation_pdf_url", meta.url(meta.pdf_name)), ("citation_public_url", meta.url(page_path)),
                 ("citation_abstract_html_url", meta.url(page_path))]
    tags += [("DC.title", page_title or meta.title), ("DC.rights", meta.licence)]
    return tags


def cite_this_report_blocks(meta: BookMeta, releases: dict[str, dict]) -> list[dict]:
    """"Cite this report" and "Licence" for the end of the title page (Quarto puts its
    citation appendix there): the APA-like text and the BibTeX entry, each with a copy
    button in HTML (cite.js), plain in the PDF."""
    from .pandoc import Div, Para, RawBlock, attr, text_inlines

    def button(target: str, label: str) -> dict:
        return RawBlock("html", f'<button type="button" class="cite-copy" data-copy="{target}">{label}</button>')

    def header(id_: str, text: str) -> dict:
        return {"t": "Header", "c": [2, attr(id_, ["unnumbered"]), text_inlines(text)]}

    return [
        header("cite-this-report", "Cite this report"),
        Div(attr("", ["cite-box", "cite-this-report"]), [
            Div(attr("", ["cite-text"]), [Para(text_inlines(report_text(meta)))]),
            button("cite-text", "Copy citation"),
            {"t": "CodeBlock", "c": [attr("", ["cite-bibtex"]), report_bibtex(meta).rstrip()]},
            button("cite-bibtex", "Copy BibTeX"),
        ]),
        header("licence", "Licence"),
        Para(text_inlines(licence_sentence(meta, releases))),
    ]


# --- facts about the build in the text -------------------------------------------------

def fill_book_facts(blocks: list, meta: BookMeta) -> list:
    """`[…]{.book-version}` and `[…]{.book-date}` in a chapter become the book's version
    and build date when the book is typeset (like Quarto's `meta` shortcode): always the
    values of this build, never a cached or hand-typed copy."""
    from .pandoc import Str, walk

    facts = {"book-version": meta.version or "unversioned", "book-date": meta.date}

    def fn(el):
        if el["t"] == "Span":
            hit = next((c for c in el["c"][0][1] if c in facts), None)
            if hit:
                return Str(facts[hit])
        return None

    return walk(blocks, fn)
