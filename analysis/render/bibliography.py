"""One bibliography for the whole book: citeproc runs once over every page, in reading
order, for the HTML and for the PDF alike.

Run page by page, citeproc disambiguates only among the works each page cites, so one
announcement is "2025" in one chapter and "2025b" in another.  Here the HTML pages go
through citeproc together (then each page keeps the entries it cites) and the PDF goes
through it as one document: the same citations in the same order give the same labels
everywhere, and the PDF's citations link to their entries.

Chinese titles are set upright, never in (synthesised) italics, and tagged `lang="zh"`;
in the PDF the reference list is set ragged-right so that justification never spreads
the characters of a Chinese title apart.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .pandoc import Div, RawBlock, Span, attr, run_pandoc, walk

XREF_PREFIXES = ("fig-", "tbl-", "sec-")
PAGE_PREFIX = "__page-"
PAGE_REFS = "__page-refs"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def cited_keys(blocks) -> list[str]:
    keys: list[str] = []

    def fn(el):
        if el["t"] == "Cite":
            keys.extend(c["citationId"] for c in el["c"][0] if not c["citationId"].startswith(XREF_PREFIXES))
        return None

    walk(blocks, fn)
    return list(dict.fromkeys(keys))


def citeproc(blocks: list, bibliography: list[Path], lang: str, what: str) -> list:
    """Pandoc's citeproc over a list of blocks (JSON to JSON), citations linked to their
    entries; the reference list fills the Div#refs among the blocks."""
    if not bibliography:
        return blocks
    doc = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": blocks}
    args = ["-f", "json", "-t", "json", "--citeproc", "-M", "link-citations=true", "-M", f"lang={lang}"]
    args += [f"--bibliography={b}" for b in bibliography]
    return upright_cjk(json.loads(run_pandoc(args, json.dumps(doc), what))["blocks"])


def upright_cjk(blocks: list) -> list:
    """Take Chinese text out of emphasis: CJK fonts have no italics, so browsers slant
    them artificially; a Chinese title is marked by its language, not by a fake italic."""
    def split(inlines: list) -> list:
        out: list = []
        run: list = []

        def flush():
            lead = []
            while run and run[0]["t"] in ("Space", "SoftBreak"):
                lead.append(run.pop(0))
            trail = []
            while run and run[-1]["t"] in ("Space", "SoftBreak"):
                trail.insert(0, run.pop())
            out.extend(lead + ([{"t": "Emph", "c": list(run)}] if run else []) + trail)
            run.clear()

        for el in inlines:
            if el["t"] == "Str" and CJK.search(el["c"]):
                flush()
                out.append(Span(attr("", ["cjk"], [("lang", "zh")]), [el]))
            else:
                run.append(el)
        flush()
        return out

    def fn(el):
        if el["t"] == "Emph" and any(i["t"] == "Str" and CJK.search(i["c"]) for i in el["c"]):
            return split(el["c"])
        return None

    return walk(blocks, fn)


def html_pages(asts: dict[str, dict], bibliography: list[Path], lang: str) -> dict[str, dict]:
    """Cite every HTML page in one citeproc run; each page ends with the entries it cites
    (in the book's order), or fills its own Div#refs with them."""
    order = [p for p in asts if cited_keys(asts[p]["blocks"])]
    if not order or not bibliography:
        return asts

    def hide_refs(el):
        if el["t"] == "Div" and el["c"][0][0] == "refs":
            return Div(attr(PAGE_REFS), [])
        return None

    combined = [Div(attr(f"{PAGE_PREFIX}{i}"), walk(asts[p]["blocks"], hide_refs)) for i, p in enumerate(order)]
    combined.append(Div(attr("refs"), []))
    out = citeproc(combined, bibliography, lang, "bibliography (all HTML pages)")
    refs = next(b for b in out if b["t"] == "Div" and b["c"][0][0] == "refs")
    entries = {e["c"][0][0]: e for e in refs["c"][1] if e["t"] == "Div"}
    result = dict(asts)
    for b in out:
        if b["t"] != "Div" or not b["c"][0][0].startswith(PAGE_PREFIX) or b["c"][0][0] == PAGE_REFS:
            continue
        path = order[int(b["c"][0][0][len(PAGE_PREFIX):])]
        blocks = b["c"][1]
        keys = set(cited_keys(blocks))
        mine = [e for rid, e in entries.items() if rid[len("ref-"):] in keys]
        page_refs = Div(["refs", refs["c"][0][1], refs["c"][0][2]], mine)
        filled = [False]

        def fill(el):
            if el["t"] == "Div" and el["c"][0][0] == PAGE_REFS:
                filled[0] = True
                return page_refs
            return None

        blocks = walk(blocks, fill)
        if not filled[0]:
            blocks += [{"t": "Header", "c": [2, ["references", ["unnumbered"], []], [{"t": "Str", "c": "References"}]]},
                       page_refs]
        result[path] = {**asts[path], "blocks": blocks}
    return result


def pdf_blocks(blocks: list, bibliography: list[Path], lang: str) -> list:
    """The whole book's blocks through citeproc once; the reference list set ragged-right."""
    out = citeproc(blocks, bibliography, lang, "bibliography (book PDF)")

    def fn(el):
        if el["t"] == "Div" and el["c"][0][0] == "refs":
            return [RawBlock("typst", "#[#set par(justify: false)"), el, RawBlock("typst", "]")]
        if el["t"] == "Cite":
            # Already formatted: the Typst writer would turn a Cite into Typst's own citation.
            keys = " ".join(c["citationId"] for c in el["c"][0])
            return Span(attr("", ["citation"], [("data-cites", keys)]), el["c"][1])
        return None

    return walk(out, fn)
