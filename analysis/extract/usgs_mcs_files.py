"""Reading the USGS Mineral Commodity Summaries CSV files, for both MCS extracts.

The salient-statistics extract (usgs_mcs_salient) and the industry-trends extract
(usgs_mcs_trends) read the same kinds of file: per-commodity and per-figure CSVs of MCS
2023-2025, and the one long, cp1252-encoded file of MCS 2026 (`LONG_FILE`). In that file
the minus sign U+2212, which cp1252 cannot encode, was written as "?" ("?1", "?10":
stockpile shipments, "if negative, increase in inventory"). MCS 2025 prints the same cells
as "−1" and "−10", so "?<digits>" is read as a negative number (`_QMARK_MINUS`), and only
in that file. Every other cell is read by the one rule set of analysis.extract.quirks.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from analysis.errors import ExtractError
from analysis.extract import corrections
from analysis.extract.quirks import Parsed, UnparseableValue, parse_value
from analysis.extract.readers import check_columns, csv_records, read_text

WIDE_EDITIONS = (2023, 2024, 2025)
LONG_EDITION = 2026
LONG_FILE = corrections.BOOK_FILE_2026
LONG_ENCODING = "cp1252"
_QMARK_MINUS = re.compile(r"^\?(\d[\d,]*(?:\.\d+)?)$")


def read_rows(raw: Path, rel: str, encoding: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (1-based line, cells) of every non-blank record, decoded strictly."""
    header, records = csv_records(read_text(raw / rel, rel, encoding), rel)
    rows = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]
    return header, rows


def parse_cell(raw: str, *, file: str, column: str, row: int, qmark_minus: bool = False) -> Parsed:
    """quirks.parse_value, the cell located in any error; `qmark_minus` reads the MCS 2026
    file's "?<digits>" as a negative number (see the module docstring)."""
    text = raw.replace("\u00a0", " ").strip()
    if qmark_minus:
        m = _QMARK_MINUS.match(text)
        if m:
            return Parsed(-float(m.group(1).replace(",", "")))
    try:
        return parse_value(text)
    except UnparseableValue as exc:
        raise ExtractError(file, str(exc), column=column, row=row) from None


def read_columns(raw: Path, rel: str, need: list[str]) -> Iterator[tuple[int, Callable[[str], str]]]:
    """(line, cell getter by column name) for every row of a figure or table CSV; a column of
    `need` missing from the header, or one neither in `need` nor listed as known-and-ignored
    (data/reference/ignored_columns.csv), stops the extract, naming the file."""
    header, rows = read_rows(raw, rel, "utf-8-sig")
    names = [h.strip() for h in header]
    missing = [n for n in need if n not in names]
    if missing:
        raise ExtractError(rel, f"missing columns {missing}", row=1)
    check_columns(rel, names, need)
    idx = {n: i for i, n in enumerate(names)}
    for line, cells in rows:
        cells = cells + [""] * (len(names) - len(cells))
        yield line, (lambda n, cells=cells: cells[idx[n]])


def read_year(text: str, *, file: str, column: str, row: int) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise ExtractError(file, f"year {text!r} is not a four-digit year", column=column, row=row)
    return int(text.strip())


LONG_HEADER = ["MCS chapter", "Section", "Commodity", "Country", "Statistics", "Statistics_detail", "Unit",
               "Year", "Value", "Notes", "Is critical mineral 2025", "Other notes"]


def read_long(raw: Path) -> pd.DataFrame:
    header, rows = read_rows(raw, LONG_FILE, LONG_ENCODING)
    if [h.strip() for h in header] != LONG_HEADER:
        raise ExtractError(LONG_FILE, f"unexpected columns {header}; expected {LONG_HEADER}", row=1)
    for line, cells in rows:
        if len(cells) != len(LONG_HEADER):
            raise ExtractError(LONG_FILE, f"row has {len(cells)} fields, expected {len(LONG_HEADER)}", row=line)
    frame = pd.DataFrame([c for _, c in rows], columns=LONG_HEADER, dtype=str)
    frame["source_row"] = [line for line, _ in rows]
    return frame


def typed_frame(records: list[dict], table: str, resource: dict) -> pd.DataFrame:
    """The records as a table typed by its metadata and sorted by its key; a duplicate key
    is an error located at the first duplicate's source row."""
    fields = resource["fields"]
    frame = pd.DataFrame.from_records(records, columns=list(fields))
    for col, spec in fields.items():
        kind = spec["type"]
        if kind == "integer":
            frame[col] = pd.array(frame[col], dtype="Int64")
        elif kind == "number":
            frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
        elif kind == "boolean":
            frame[col] = pd.array(frame[col], dtype="boolean")
        else:
            frame[col] = frame[col].astype("string")
    key = resource["primary_key"]
    dupes = frame[frame.duplicated(key, keep=False)]
    if len(dupes):
        first = dupes.iloc[0]
        raise ExtractError(str(first.get("source_file")), f"{table}: duplicate key {first[key].tolist()}",
                           row=int(first["source_row"]) if pd.notna(first.get("source_row")) else None)
    return frame.sort_values(key).reset_index(drop=True)
