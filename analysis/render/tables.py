"""Table layout shared by the HTML pages and the PDF: numbers right-aligned, column widths
from what the cells hold.

The pipe tables a chapter's DataFrame becomes carry widths proportional to the dashes of
their separator line, which only reflects the longest cell. A 59-row table of one-line
summaries then gives its summaries a third of the page and runs to seven PDF pages, and a
column of amounts stays left-aligned because the amounts were formatted as strings.
"""
from __future__ import annotations

import re

from .pandoc import stringify

# "1,234.5", "-12%", "+3.0", "0.3", "≤45%", "1993–2024", "n/a", "–"
NUMBER = re.compile(r"^[−+\-±≤≥<>~]?\s?(USD\s)?[\d][\d,.\u202f]*\s?(%|bn|m|t)?$")
PLACEHOLDER = {"", "–", "—", "-", "n/a", "NA", "W", "—"}
YEAR_RANGE = re.compile(r"^\d{4}[–-]\d{2,4}$")


def _cells(row) -> list:
    return row[1]


def _cell_text(cell) -> str:
    return stringify(cell[4])


def _rows(table) -> list:
    bodies = table["c"][4]
    return [row for body in bodies for row in body[3]]


def _header_rows(table) -> list:
    return table["c"][3][1]


def numeric_columns(table) -> list[bool]:
    """Columns whose body cells are all numbers (or placeholders), at least one a number.
    Years and year ranges are labels, not quantities: they stay as they are."""
    ncols = len(table["c"][2])
    texts = [[_cell_text(c) for c in _cells(r)] for r in _rows(table)]
    out = []
    for i in range(ncols):
        col = [row[i].strip() for row in texts if i < len(row)]
        values = [v for v in col if v not in PLACEHOLDER]
        is_year = all(re.fullmatch(r"\d{4}", v) or YEAR_RANGE.match(v) for v in values) if values else False
        out.append(bool(values) and not is_year and all(NUMBER.match(v) for v in values))
    return out


def _set_align(cells, i: int, align: str):
    if i < len(cells):
        cells[i][1] = {"t": align}


def align_numbers(table):
    """Right-align the numeric columns, header cells included (so a column reads as one)."""
    numeric = numeric_columns(table)
    colspecs = table["c"][2]
    for i, is_num in enumerate(numeric):
        if is_num:
            colspecs[i][0] = {"t": "AlignRight"}
            for row in _rows(table) + _header_rows(table):
                _set_align(_cells(row), i, "AlignRight")
    return table


LINE_CHARS = 80


def content_widths(table, short_chars: int = 24) -> list[float]:
    """Relative column widths from the cells: a column of short entries as wide as its
    longest entry (or word); a column of running text as wide as its average entry, so that
    a table of one-line summaries gives the summaries most of the page."""
    ncols = len(table["c"][2])
    body = [[_cell_text(c) for c in _cells(r)] for r in _rows(table)]
    head = [[_cell_text(c) for c in _cells(r)] for r in _header_rows(table)]
    weights = []
    for i in range(ncols):
        col = [row[i] for row in body if i < len(row)]
        cells = col + [row[i] for row in head if i < len(row)]
        longest = max((len(v) for v in cells), default=1)
        word = max((len(w) for v in cells for w in v.split()), default=1)
        if longest <= short_chars:
            weights.append(max(longest, 3))
        else:
            mean = sum(len(v) for v in col) / max(len(col), 1)
            weights.append(max(short_chars, word, mean))
    # No column narrower than its longest word: in characters of a line of the PDF's table
    # text (about LINE_CHARS fit the text width), a column gets at least word + 2 (the
    # cell's insets); the others share what is left in proportion to their weights.
    floors = [min(max(len(w) for v in [row[i] for row in body + head if i < len(row)] or [""]
                      for w in (v.split() or [""])) + 2, LINE_CHARS / 2) for i in range(ncols)]
    widths = [w / sum(weights) * LINE_CHARS for w in weights]
    for _ in range(ncols):
        short = [i for i in range(ncols) if widths[i] < floors[i] - 1e-9]
        if not short:
            break
        fixed = set(short) | {i for i in range(ncols) if widths[i] == floors[i]}
        for i in short:
            widths[i] = floors[i]
        rest = LINE_CHARS - sum(widths[i] for i in fixed)
        free = [i for i in range(ncols) if i not in fixed]
        scale = rest / sum(widths[i] for i in free) if free and rest > 0 else 1
        for i in free:
            widths[i] *= scale
    return [w / sum(widths) for w in widths]


def layout_tables(blocks, fmt: str):
    """Every table: numbers right-aligned; widths from content in the PDF, left to the
    browser in HTML (which lays out and wraps by content, and scrolls a wide table)."""
    def visit(node):
        if isinstance(node, list):
            return [visit(n) for n in node]
        if isinstance(node, dict):
            if node.get("t") == "Table":
                node = {**node, "c": visit(node["c"])}
                align_numbers(node)
                if fmt == "html":
                    for spec in node["c"][2]:
                        spec[1] = {"t": "ColWidthDefault"}
                else:
                    for spec, w in zip(node["c"][2], content_widths(node)):
                        spec[1] = {"t": "ColWidth", "c": round(w, 4)}
                return node
            return {k: visit(v) for k, v in node.items()}
        return node

    return visit(blocks)
