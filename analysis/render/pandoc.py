"""Thin wrappers around the pandoc binary shipped by pypandoc-binary, plus AST helpers."""
from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path

from .errors import RenderError


@functools.cache
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def run_pandoc(args: list[str], stdin: str, what: str) -> str:
    proc = subprocess.run([pandoc_path(), *args], input=stdin.encode("utf-8"), capture_output=True)
    if proc.returncode != 0:
        raise RenderError(f"{what}: pandoc failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout.decode("utf-8")


def md_to_ast(markdown: str, what: str) -> dict:
    return json.loads(run_pandoc(["-f", "markdown", "-t", "json"], markdown, what))


def bibliography_items(paths: list[Path]) -> dict[str, dict]:
    """The bibliography as CSL-JSON items by key, read by pandoc as citeproc reads it
    (analysis.bibliography: the project's one BibTeX reader)."""
    from analysis import bibliography

    items: dict[str, dict] = {}
    for p in paths:
        try:
            items.update(bibliography.entries(p))
        except ValueError as exc:
            raise RenderError(str(exc)) from exc
    return items


def bibliography_keys(paths: list[Path]) -> set[str]:
    return set(bibliography_items(paths))


# --- AST helpers -------------------------------------------------------------

def walk(node, fn):
    """Pre-order walk over pandoc JSON; `fn(elem)` returns None (keep), an element,
    or a list of elements (spliced in place).  Children of the result are walked."""
    if isinstance(node, list):
        out = []
        for item in node:
            if isinstance(item, dict) and "t" in item:
                r = fn(item)
                items = [item] if r is None else (r if isinstance(r, list) else [r])
                out.extend(walk(x, fn) for x in items)
            else:
                out.append(walk(item, fn))
        return out
    if isinstance(node, dict) and "c" in node:
        return {**node, "c": walk(node["c"], fn)}
    return node


def stringify(node) -> str:
    parts: list[str] = []

    def visit(n):
        if isinstance(n, list):
            for x in n:
                visit(x)
        elif isinstance(n, dict):
            t = n.get("t")
            if t == "Str":
                parts.append(n["c"])
            elif t in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif t in ("Code", "Math"):
                parts.append(n["c"][1])
            elif t == "Note":
                return
            elif "c" in n:
                visit(n["c"])

    visit(node)
    return "".join(parts).strip()


def text_inlines(text: str) -> list[dict]:
    out: list[dict] = []
    for i, word in enumerate(text.split()):
        if i:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def attr(id_: str = "", classes=(), kv=()) -> list:
    return [id_, list(classes), [list(x) for x in kv]]


def Str(s):
    return {"t": "Str", "c": s}


def Plain(inl):
    return {"t": "Plain", "c": inl}


def Para(inl):
    return {"t": "Para", "c": inl}


def Div(a, blocks):
    return {"t": "Div", "c": [a, blocks]}


def Span(a, inl):
    return {"t": "Span", "c": [a, inl]}


def RawBlock(fmt, text):
    return {"t": "RawBlock", "c": [fmt, text]}


def Link(inl, target, a=None):
    return {"t": "Link", "c": [a or attr(), inl, [target, ""]]}
