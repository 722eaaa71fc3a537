"""Stage 2 core: number chapters, sections, figures and tables the way Quarto does,
and resolve `@fig-`/`@tbl-`/`@sec-` references across the whole book.

Numbering and captions are format-independent (done once on the shared AST);
only link targets, figures and callouts differ between HTML and Typst.
"""
from __future__ import annotations

import copy
import posixpath
import string
from dataclasses import dataclass, field
from pathlib import Path

from .config import BookConfig, Chapter
from .errors import RenderError
from .tables import layout_tables
from .pandoc import (
    Div, Link, Plain, RawBlock, Span, Str, attr, md_to_ast, stringify, text_inlines, walk,
)

XREF_PREFIXES = ("fig-", "tbl-", "sec-")
CALLOUTS = {"note": "Note", "warning": "Warning", "tip": "Tip", "important": "Important", "caution": "Caution"}
NBSP = "\u00a0"


@dataclass
class Target:
    kind: str  # fig | tbl | sec
    id: str
    label: str  # "Figure 1.1", "Chapter 2", "Section A.1"
    number: str  # "1.1"
    page: str  # html path of the page that holds it
    chapter: str  # source file
    preview: str = ""  # what a reader sees on hovering a reference: the caption or the heading


@dataclass
class Page:
    chapter: Chapter
    ast: dict
    figures: dict
    number: str | None = None  # "1", "A" or None (unnumbered)
    title: str = ""
    headings: list = field(default_factory=list)  # (level, id, number, text)

    @property
    def html_path(self) -> str:
        return self.chapter.html_path


def _letters(n: int) -> str:
    s = ""
    while True:
        s = string.ascii_uppercase[n % 26] + s
        n = n // 26 - 1
        if n < 0:
            return s


def _normalize_callouts(blocks, page: str):
    def fn(el):
        if el["t"] != "Div":
            return None
        (id_, classes, kv), content = el["c"]
        kind = next((c[len("callout-"):] for c in classes if c.startswith("callout-")), None)
        if kind is None or kind in ("title", "body") or "callout" in classes:
            return None
        if kind not in CALLOUTS:
            raise RenderError(f"{page}: unsupported callout type callout-{kind}")
        kvd = dict(kv)
        title = text_inlines(kvd.pop("title")) if "title" in kvd else None
        if title is None and content and content[0]["t"] == "Header":
            title, content = content[0]["c"][2], content[1:]
        title = title or [Str(CALLOUTS[kind])]
        return Div(
            attr(id_, ["callout", f"callout-{kind}"], kvd.items()),
            [Div(attr("", ["callout-title"]), [Plain(title)]), Div(attr("", ["callout-body"]), content)],
        )

    return walk(blocks, fn)


def _ensure_title(ast: dict, chapter: Chapter, config: BookConfig):
    blocks = ast["blocks"]
    if any(b["t"] == "Header" and b["c"][0] == 1 for b in blocks):
        return
    meta_title = ast.get("meta", {}).get("title")
    if meta_title:
        inl = meta_title["c"] if meta_title["t"] == "MetaInlines" else text_inlines(stringify(meta_title))
    elif chapter.position == 0:
        inl = text_inlines(config.title)
    else:
        raise RenderError(f"{chapter.path}: a chapter needs a level-1 heading (`# Title`) or a `title:`")
    classes = ["unnumbered"] if chapter.position == 0 else []
    blocks.insert(0, {"t": "Header", "c": [1, attr("", classes), inl]})


def load_pages(config: BookConfig, results) -> list[Page]:
    pages = []
    for ch, res in zip(config.chapters, results):
        ast = md_to_ast(res.markdown, ch.path)
        _ensure_title(ast, ch, config)
        ast["blocks"] = _normalize_callouts(ast["blocks"], ch.path)
        pages.append(Page(ch, ast, res.figures))
    return pages


def _to_figure(el, kind: str, prefix: list):
    """Div#fig-x / Div#tbl-x -> pandoc Figure with a numbered caption."""
    if el["t"] == "Div":
        a, blocks = el["c"]
        if len(blocks) > 1 and blocks[-1]["t"] == "Para":
            caption, content = blocks[-1]["c"], blocks[:-1]
        else:
            caption, content = [], blocks
    else:  # Figure
        a, (short, cap_blocks), content = el["c"]
        caption = cap_blocks[0]["c"] if cap_blocks else []
    caption = prefix + ([Str(":"), {"t": "Space"}] + caption if caption else [])
    # "Figure 1.1:" -> keep the colon attached to the number
    if len(caption) > 2 and caption[1]["t"] == "Str" and caption[1]["c"] == ":":
        caption = [Str(caption[0]["c"] + ":")] + caption[2:]
    a = [a[0], a[1] + ([f"quarto-{kind}"]), a[2]]
    return {"t": "Figure", "c": [a, [None, [Plain(caption)]], content]}


def number_book(pages: list[Page], config: BookConfig) -> dict[str, Target]:
    """Assign Quarto-style numbers in place and return the cross-reference index."""
    targets: dict[str, Target] = {}
    n_main = n_app = 0

    def add(t: Target):
        if t.id in targets:
            raise RenderError(f"{t.chapter}: label '{t.id}' is already defined in {targets[t.id].chapter}")
        targets[t.id] = t

    for page in pages:
        ch = page.chapter
        first_h1 = next(b for b in page.ast["blocks"] if b["t"] == "Header" and b["c"][0] == 1)
        unnumbered = ch.position == 0 and not ch.appendix or "unnumbered" in first_h1["c"][1][1]
        if unnumbered:
            page.number = None
        elif ch.appendix:
            page.number = _letters(n_app)
            n_app += 1
        else:
            n_main += 1
            page.number = str(n_main)
        page.title = stringify(first_h1["c"][2])
        C = page.number
        counters = [0] * 7
        fig = [0]
        tbl = [0]

        def num(n):
            return f"{C}.{n}" if C else str(n)

        def fn(el):
            t = el["t"]
            if t == "Header":
                level, (id_, classes, kv), inl = el["c"]
                number = None
                if C and "unnumbered" not in classes:
                    if level == 1:
                        number = C
                    else:
                        counters[level - 1] += 1
                        for k in range(level, 7):
                            counters[k] = 0
                        number = ".".join([C] + [str(counters[k]) for k in range(1, level)])
                text = stringify(inl)
                page.headings.append((level, id_, number, text))
                if id_.startswith("sec-"):
                    if number is None:
                        label = text
                    elif level == 1:
                        label = f"{'Appendix' if ch.appendix else 'Chapter'}{NBSP}{number}"
                    else:
                        label = f"Section{NBSP}{number}"
                    add(Target("sec", id_, label, number or "", page.html_path, ch.path,
                               preview=f"{number} {text}" if number else text))
                if number:
                    inl = [Span(attr("", ["header-section-number"]), [Str(number)]), {"t": "Space"}] + inl
                    return {"t": "Header", "c": [level, [id_, classes, kv], inl]}
                return None
            if t in ("Div", "Figure"):
                id_ = el["c"][0][0]
                for kind, counter, word in (("fig", fig, "Figure"), ("tbl", tbl, "Table")):
                    if id_.startswith(kind + "-"):
                        counter[0] += 1
                        label = f"{word}{NBSP}{num(counter[0])}"
                        figure = _to_figure(el, kind, [Str(label)])
                        add(Target(kind, id_, label, num(counter[0]), page.html_path, ch.path,
                                   preview=stringify(figure["c"][1][1])))
                        return figure
            return None

        page.ast["blocks"] = walk(page.ast["blocks"], fn)
    return targets


def _xref_inlines(cit: dict, target: Target) -> list:
    text = target.number if cit["citationMode"]["t"] == "SuppressAuthor" and target.number else target.label
    return [Str(text)]


def finalize(page: Page, fmt: str, targets: dict[str, Target], bib_keys: set[str], errors: list[str], figure_fn) -> dict:
    """A copy of the page AST ready for one writer: xrefs become links, figure
    placeholders become charts/images (via `figure_fn`), callouts fit the format."""
    ast = copy.deepcopy(page.ast)
    here = posixpath.dirname(page.html_path)

    def href(t: Target) -> str:
        if fmt != "html" or t.page == page.html_path:
            return "#" + t.id
        return posixpath.relpath(t.page, here or ".") + "#" + t.id

    def fn(el):
        t = el["t"]
        if t == "Cite":
            cits, _ = el["c"]
            xrefs = [c for c in cits if c["citationId"].startswith(XREF_PREFIXES)]
            for c in cits:
                key = c["citationId"]
                if key.startswith(XREF_PREFIXES):
                    if key not in targets:
                        errors.append(f"{page.chapter.path}: unresolved cross-reference @{key}")
                elif key not in bib_keys:
                    errors.append(f"{page.chapter.path}: citation key @{key} is not in the bibliography")
            if not xrefs:
                return None
            if len(xrefs) != len(cits):
                errors.append(f"{page.chapter.path}: do not mix cross-references and citations in one [...]: "
                              + "; ".join("@" + c["citationId"] for c in cits))
                return None
            out: list = []
            for i, c in enumerate(cits):
                tgt = targets.get(c["citationId"])
                if tgt is None:
                    return None
                if i:
                    out += [Str(";"), {"t": "Space"}]
                if c["citationPrefix"]:
                    out += c["citationPrefix"] + [{"t": "Space"}]
                kv = [("data-preview", tgt.preview)] if fmt == "html" and tgt.preview else []
                out.append(Link(_xref_inlines(c, tgt), href(tgt), attr("", ["quarto-xref"], kv)))
                out += c["citationSuffix"]
            return out
        if t in ("Plain", "Para") and len(el["c"]) == 1 and el["c"][0]["t"] == "Image":
            src = el["c"][0]["c"][2][0]
            if src.startswith("render-figure:"):
                name = src.split(":", 1)[1]
                return figure_fn(page, name, page.figures[name])
        if t == "Image":
            return figure_fn(page, None, el)
        if t == "Div" and fmt == "typst" and "callout" in el["c"][0][1]:
            kind = next(c for c in el["c"][0][1] if c.startswith("callout-"))[len("callout-"):]
            title_div, body_div = el["c"][1]
            color = {"note": "#0d6efd", "warning": "#d97706", "tip": "#198754",
                     "important": "#dc3545", "caution": "#d97706"}[kind]
            return [
                RawBlock("typst", f'#block(width: 100%, inset: (x: 10pt, y: 8pt), radius: 2pt, '
                                  f'stroke: (left: 3pt + rgb("{color}")), fill: rgb("{color}").lighten(92%), breakable: true)['),
                {"t": "Para", "c": [{"t": "Strong", "c": title_div["c"][1][0]["c"]}]},
                *body_div["c"][1],
                RawBlock("typst", "]"),
            ]
        return None

    ast["blocks"] = layout_tables(walk(ast["blocks"], fn), fmt)
    return ast
