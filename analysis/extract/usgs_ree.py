"""USGS rare-earth history: Data Series 140 (US series 1900-2020) and Minerals Yearbook 2022
Table 8 (world mine production by country, 2018-2022).

Why: MCS gives two years at a time; the report's long view of rare earths (the US as the
leading producer until the 1980s, China since) needs these two series. Both are
spreadsheets laid out for print, so we locate the header by its text, read the data rows
until the notes, and turn every printed symbol into a flag:

- DS140: "NA" (not available) and "W" (withheld) cells; six apparent-consumption cells
  (2001-2006) are spreadsheet formulas (imports - exports). We take the value the file
  stores for them and flag `is_computed`, so a reader knows USGS did not type the number.
- MYB T8: an "e" glued to the country name marks every year of that country as estimated
  ("Australiae"); a separate column after each value holds "e" (estimated), "r" (revised)
  or a footnote number; "--" is zero; footnote digits follow names ("China3", "Indiae, 4").
  Footnote texts are carried into the `footnotes` column.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import metadata
from analysis.errors import ExtractError
from analysis.extract.schema import typed
from analysis.extract import countries as _countries
from analysis.extract.countries import harmonise
from analysis.extract.readers import workbook_sheets
from analysis.extract.quirks import UnparseableValue, parse_value

FOLDER = "usgs-rare-earths-history"
DS140 = "usgs_ds140_rare_earths_2020.xlsx"
MYB = "usgs_myb2022_rare_earths_tables.xlsx"

# DS140 column header -> (statistic, unit). Quantities are t REO equivalent (sheet line 3).
DS140_COLUMNS = {
    "Production": ("production", "t"),
    "Imports": ("imports", "t"),
    "Exports": ("exports", "t"),
    "Apparent consumption": ("apparent_consumption", "t"),
    "Unit value ($/t)": ("unit_value", "usd_per_t"),
    "Unit value (98$/t)": ("unit_value_1998_usd", "usd_1998_per_t"),
    "World production": ("world_production", "t"),
}
DS140_UNIT_LINE = "metric tons (t) rare-earth oxide equivalent"

US_HISTORY = "core_usgs__rare_earths_us_history"
WORLD_MYB = "core_usgs__rare_earths_world_production_myb2022"
_COMMON = {
    "value": {"type": "number", "description": "value in `unit`"},
    "unit": {"type": "string", "description": "`t` (metric tons, rare-earth oxide equivalent), `usd_per_t`, `usd_1998_per_t`"},
    "value_original": {"type": "string", "description": "cell as published"},
    "value_flag": {"type": "string", "description": "`withheld`, `not_available`, `zero` or null (vocabulary of analysis.extract.quirks)"},
}
RESOURCES = metadata.resources("usgs_ree")  # usgs_ree.meta.yml: tables, keys, fields and types


def _sheet_rows(path: Path, rel: str, sheet: str | None, *, formulas: bool = False) -> list[tuple]:
    """Rows of one sheet (the first if `sheet` is None)."""
    if sheet is None:
        return next(iter(workbook_sheets(path, rel, formulas=formulas).values()))
    return workbook_sheets(path, rel, [sheet], formulas=formulas)[sheet]


def _parse(cell, rel, column, row):
    try:
        return parse_value(cell)
    except UnparseableValue:
        raise ExtractError(rel, f"cannot read value {cell!r}", column=column, row=row) from None


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()


def _ds140(raw: Path) -> pd.DataFrame:
    rel = f"{FOLDER}/{DS140}"
    rows = _sheet_rows(Path(raw) / FOLDER / DS140, rel, None)
    formulas = _sheet_rows(Path(raw) / FOLDER / DS140, rel, None, formulas=True)
    if not any(DS140_UNIT_LINE in _text(r[0] if r else None) for r in rows[:6]):
        raise ExtractError(rel, f"unit line {DS140_UNIT_LINE!r} not found in the first 6 rows", row=3)
    try:
        h = next(i for i, r in enumerate(rows) if r and _text(r[0]) == "Year")
    except StopIteration:
        raise ExtractError(rel, "header row starting 'Year' not found", column="Year") from None
    header = [_text(c) for c in rows[h]]
    cols = {}
    for name, spec in DS140_COLUMNS.items():
        if name not in header:
            raise ExtractError(rel, f"column {name!r} missing", column=name, row=h + 1)
        cols[header.index(name)] = (name, *spec)
    records = []
    for i in range(h + 1, len(rows)):
        r, line = rows[i], i + 1
        first = r[0] if r else None
        if first is None or (isinstance(first, str) and not first.strip().isdigit()):
            break  # notes begin
        if not isinstance(first, int) and not (isinstance(first, str) and first.strip().isdigit()):
            raise ExtractError(rel, f"year {first!r} is not an integer", column="Year", row=line)
        year = int(first)
        for j, (name, stat, unit) in cols.items():
            cell = r[j] if j < len(r) else None
            fcell = formulas[i][j] if j < len(formulas[i]) else None
            computed = isinstance(fcell, str) and fcell.startswith("=")
            if computed and cell is None:
                raise ExtractError(rel, f"formula {fcell!r} has no stored result", column=name, row=line)
            p = _parse(cell, rel, name, line)
            records.append((stat, name, year, p.value, unit, _text(fcell if computed else cell), p.flag, computed, rel, line))
    df = pd.DataFrame.from_records(records, columns=[
        "statistic", "statistic_source", "year", "value", "unit", "value_original", "value_flag", "is_computed", "source_file", "source_row"])
    if df.empty:
        raise ExtractError(rel, "no data rows under the header", row=h + 2)
    return df


_NAME_FOOTNOTES = re.compile(r"^(?P<name>.*?)(?P<notes>(?:,?\s*\d{1,2})+)?$")


def _country_cell(raw: str) -> tuple[str, bool, list[str]]:
    """'Indiae, 4' -> ('India', True, ['4']); 'China3' -> ('China', False, ['3'])."""
    m = _NAME_FOOTNOTES.match(raw.strip())
    name, notes = m.group("name").strip().rstrip(","), m.group("notes") or ""
    ids = re.findall(r"\d{1,2}", notes)
    estimate = False
    # USGS glues an italic "e" to the name when every year is estimated. The converter's
    # regular expressions match "Australiae" as Australia, so we ask instead whether the
    # name without its final "e" is a country whose own short name does not end in "e"
    # (which keeps "France", "Ukraine", "Mozambique" whole).
    if name.endswith("e") and len(name) > 2:
        iso3, short, _ = _countries._lookup(name[:-1])
        if iso3 is not None and not short.endswith("e"):
            name, estimate = name[:-1], True
    return name, estimate, ids


def _myb_t8(raw: Path) -> pd.DataFrame:
    rel, sheet = f"{FOLDER}/{MYB}", "T8"
    rows = _sheet_rows(Path(raw) / FOLDER / MYB, rel, sheet)
    if not any("Metric tons, rare-earth oxide equivalent" in _text(r[0] if r else None) for r in rows[:8]):
        raise ExtractError(rel, "sheet 'T8': unit line '(Metric tons, rare-earth oxide equivalent)' not found", row=4)
    try:
        h = next(i for i, r in enumerate(rows) if r and _text(r[0]).startswith("Country or locality"))
    except StopIteration:
        raise ExtractError(rel, "sheet 'T8': header 'Country or locality' not found", column="A") from None
    years = {j: int(c) for j, c in enumerate(rows[h]) if isinstance(c, int) or (isinstance(c, str) and c.strip().isdigit())}
    if not years:
        raise ExtractError(rel, "sheet 'T8': no year columns in the header", row=h + 1)
    # Notes: lines after the data starting with a footnote number, e.g. '4India's Department ...'.
    data, notes = [], {}
    for i in range(h + 1, len(rows)):
        first = _text(rows[i][0] if rows[i] else None)
        if not first:
            continue
        m = re.match(r"^(\d{1,2})(\D.*)$", first)
        if m and data and data[-1][1] == "Total":
            notes[m.group(1)] = m.group(2).strip()
        elif first.startswith(("e", "r")) and "Estimated" in first:
            continue
        elif not notes:
            data.append((i + 1, first, rows[i]))
    if not data or data[-1][1] != "Total":
        raise ExtractError(rel, "sheet 'T8': no 'Total' row closing the table", column="A")
    records = []
    for line, name_raw, r in data:
        name, name_est, name_notes = _country_cell(name_raw)
        for j, year in years.items():
            cell = r[j] if j < len(r) else None
            mark = _text(r[j + 1]) if j + 1 < len(r) else ""
            if mark not in ("", "e", "r") and not mark.isdigit():
                raise ExtractError(rel, f"sheet 'T8': unknown mark {mark!r}", column=f"{year} mark", row=line)
            p = _parse(cell, rel, str(year), line)
            ids = name_notes + ([mark] if mark.isdigit() else [])
            unknown = [k for k in ids if k not in notes]
            if unknown:
                raise ExtractError(rel, f"sheet 'T8': footnote {unknown[0]} has no text", column=str(year), row=line)
            records.append((name_raw, name, year, p.value, "t", _text(cell), p.flag,
                            name_est or mark == "e" or p.is_estimate, mark == "r",
                            " | ".join(f"{k}: {notes[k]}" for k in ids) or None, rel, sheet, line))
    df = pd.DataFrame.from_records(records, columns=[
        "country_name_source", "clean", "year", "value", "unit", "value_original", "value_flag",
        "is_estimate", "is_revised", "footnotes", "source_file", "source_sheet", "source_row"])
    c = harmonise(df["clean"], file=rel, column="Country or locality", rows=df["source_row"])
    df["country_name"] = c["country_name"]
    df["country_iso3"] = c["country_iso3"]
    df["is_aggregate"] = c["is_aggregate"]
    # The table's closing 'Total' is the world total (T8 lists every producing country).
    df["aggregate_kind"] = c["aggregate_kind"].mask(df["clean"] == "Total", "world_total")
    return df.drop(columns="clean")


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    return typed(frame, RESOURCES[table]["fields"])


def extract(raw: Path) -> dict[str, pd.DataFrame]:
    return {US_HISTORY: _typed(_ds140(raw), US_HISTORY), WORLD_MYB: _typed(_myb_t8(raw), WORLD_MYB)}
