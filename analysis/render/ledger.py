"""The ledger of what the book prints, written beside it in `_book/data/`.

Why: a report people cite must not change a printed number silently. Every inline value
(chapter, section, line, the expression and the text it rendered to) and the data of every
figure and table go into plain CSV files that a reader can diff between two builds, and
that the test suite compares with a reviewed snapshot (tests/test_ledger.py).

    _book/data/inline_values.csv           one row per inline `{python}` value
    _book/data/figures/<chapter>__<name>.csv  the fields a figure draws, row by row
    _book/data/tables/<chapter>__<name>.csv   a table as printed
    _book/data/index.csv                   what each figure or table file holds
"""
from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

_SECTION = re.compile(r"^#{1,6}\s.*\{#(sec-[\w-]+)[^}]*\}\s*$")
INLINE_COLUMNS = ["chapter", "section", "line", "expression", "text"]


def _stem(chapter: str) -> str:
    return Path(chapter).stem


def sections_by_line(text: str) -> list[str]:
    """The id of the section each line of a chapter belongs to ('' before the first)."""
    current, out = "", []
    for line in text.splitlines():
        m = _SECTION.match(line)
        if m:
            current = m.group(1)
        out.append(current)
    return out


def cell_text(value) -> str:
    """One value as text, floats to 10 significant digits so that the last bits of a
    float sum never show up as a change."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return format(value, ".10g")
    return str(value)


def to_csv(columns: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows([[cell_text(v) for v in r] for r in rows])
    return buf.getvalue()


def _fields(node, found: list[str]):
    """Every field an encoding (or facet, sort, tooltip) of a Vega-Lite spec names."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "datasets":
                continue
            if k == "field" and isinstance(v, str):
                found.append(v)
            else:
                _fields(v, found)
    elif isinstance(node, list):
        for v in node:
            _fields(v, found)


def figure_table(spec: dict) -> tuple[list[str], list[list]]:
    """The rows a chart draws, restricted to the fields its encodings use: the data
    behind the marks, not the helper columns a chart module may carry along."""
    used: list[str] = []
    _fields(spec, used)
    datasets = list((spec.get("datasets") or {}).values())
    if isinstance(spec.get("data"), dict) and "values" in spec["data"]:
        datasets.append(spec["data"]["values"])
    rows = [r for d in datasets for r in d]
    present = {k for r in rows for k in r}
    columns = [c for c in dict.fromkeys(used) if c in present]
    return columns, [[r.get(c) for c in columns] for r in rows]


def _by_label(named: dict) -> dict:
    """Output names carry a per-chapter counter ('fig-nir-latest-0'); a label with one
    output is named by the label alone, so adding a figure does not rename the others."""
    labels = [n.rsplit("-", 1)[0] for n in named]
    return {(label if labels.count(label) == 1 else name): value
            for label, (name, value) in zip(labels, named.items())}


_CELL = re.compile(r"^cell-L(\d+)-\d+$")
_DIV = re.compile(r"^:::+\s*\{#((?:fig|tbl)-[\w-]+)[^}]*\}\s*$")


def _div_labels(named: dict, source_lines: list[str]) -> dict:
    """An unlabelled cell inside a `::: {#fig-x}` div (the Quarto way to give a figure a
    caption with computed values) is named by the div's id."""
    out = {}
    for name, value in named.items():
        m = _CELL.match(name)
        if m:
            i = int(m.group(1)) - 2  # the line before the cell's fence, 0-based
            while i >= 0 and not source_lines[i].strip():
                i -= 1
            d = _DIV.match(source_lines[i].strip()) if i >= 0 else None
            if d:
                name = f"{d.group(1)}-{name.rsplit('-', 1)[1]}"
        out[name] = value
    return out


def build(results, project_dir: Path) -> dict:
    """{chapter: {"inline": [rows], "figures": {name: (columns, rows)}, "tables": {...}}}."""
    out: dict = {}
    for res in results:
        source = (Path(project_dir) / res.chapter).read_text(encoding="utf-8")
        sections = sections_by_line(source)
        inline = [[res.chapter, sections[v["line"] - 1] if 0 < v["line"] <= len(sections) else "",
                   v["line"], v["expression"], v["text"]] for v in res.inline]
        lines = source.splitlines()
        figures = _by_label(_div_labels({name: figure_table(fig["data"]) for name, fig in res.figures.items()
                                         if fig["kind"] == "vegalite"}, lines))
        tables = _by_label(_div_labels({name: (t["columns"], t["rows"]) for name, t in res.tables.items()}, lines))
        out[res.chapter] = {"inline": inline, "figures": figures, "tables": tables}
    return out


def write(results, project_dir: Path, out_dir: Path) -> Path:
    """Write the ledger into `out_dir` (the render's staging `_book/data/`)."""
    ledger = build(results, project_dir)
    out_dir = Path(out_dir)
    (out_dir / "figures").mkdir(parents=True, exist_ok=True)
    (out_dir / "tables").mkdir(parents=True, exist_ok=True)
    inline_rows = [r for ch in ledger.values() for r in ch["inline"]]
    (out_dir / "inline_values.csv").write_text(to_csv(INLINE_COLUMNS, inline_rows), encoding="utf-8")
    index = []
    for chapter, parts in ledger.items():
        for kind in ("figures", "tables"):
            for name, (columns, rows) in parts[kind].items():
                rel = f"{kind}/{_stem(chapter)}__{name}.csv"
                (out_dir / rel).write_text(to_csv(columns, rows), encoding="utf-8")
                index.append([chapter, kind[:-1], name, rel, len(rows)])
    (out_dir / "index.csv").write_text(to_csv(["chapter", "kind", "name", "file", "rows"], index), encoding="utf-8")
    return out_dir
