"""USITC DataWeb: US imports for consumption and domestic exports by HTS heading and partner.

Why this shape: DataWeb writes one sheet per measure (customs or FAS value, first and second
unit of quantity), each twice (full years and January-April year-to-date), wide by year,
with a "Total:" line under the value sheets and a "Data Row Count" line over every sheet.
We melt all of them into one long table, one row per heading, partner, flow, measure,
quantity basis, year and period, and check each sheet against its own row count and
total so that a truncated download cannot pass unnoticed.

Two traps that the table makes explicit rather than hides:

- The query covers 18 selected partner countries, not all partners. There is no world
  total in this table and a share of these 18 is never a share of all US trade.
- At HTS-4 level DataWeb splits a heading's value by the unit of quantity of the HTS-10
  lines beneath it ("Value for: kilograms", "Value for: number"). A heading's value is the
  sum over `quantity_basis`; its quantities can only be summed within one unit.
- The query was retrieved before the latest year was complete: the full-year column of
  that year is a row of zeros, not data. We drop it (see `_incomplete_years`) and keep the
  January-April year-to-date figures of every year, flagged `is_partial_year`.
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import pandas as pd

from analysis import metadata
from analysis.errors import ExtractError
from analysis.extract.countries import harmonise
from analysis.extract.readers import check_columns, workbook_sheets

FOLDER = "usitc-dataweb"
FILES = {
    "imports_for_consumption": "us_imports_for_consumption_1993-2026.xlsx",
    "domestic_exports": "us_domestic_exports_1993-2026.xlsx",
}
# Sheet name -> (measure, is year-to-date). Value sheets are named for the valuation.
SHEETS = {
    "Customs Value": ("value_usd", False),
    "Customs Value YTD": ("value_usd", True),
    "FAS Value": ("value_usd", False),
    "FAS Value YTD": ("value_usd", True),
    "First Unit of Quantity": ("quantity_first_unit", False),
    "First Unit of Quantity YTD": ("quantity_first_unit", True),
    "Second Unit of Quantity": ("quantity_second_unit", False),
    "Second Unit of Quantity YTD": ("quantity_second_unit", True),
}
VALUATION = {"imports_for_consumption": "customs value", "domestic_exports": "FAS value"}
HEADER = ["Data Type", "Country", "HTS Number", "Description", "Quantity Description"]
HEADER_ROW = 3  # 1-based line of the column names in every data sheet
YTD_MONTHS = re.compile(r"Year-To-Date Data from (\w{3}) - (\w{3})")
MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}
# DataWeb's names for units of quantity -> the short unit we carry in `unit`.
UNITS = {
    "kilograms": "kg",
    "metric tons": "t",
    "number": "number",
    "no units collected": None,
    "component kilograms": "kg_component",
    "component grams": "g_component",
    "component tons": "t_component",
    "gold content grams": "g_gold_content",
    "grams": "g",
}

TABLE = "core_usitc__trade"
RESOURCES = metadata.resources("usitc")  # usitc.meta.yml: tables, keys, fields and types


def _rows(path: Path, rel: str) -> dict[str, list[tuple]]:
    return workbook_sheets(path, rel)


def _query_parameters(rows: list[tuple], rel: str) -> dict[str, object]:
    params = {}
    for r in rows:
        if r and r[0] is not None and len(r) > 1 and r[1] is not None:
            params.setdefault(str(r[0]).strip(), r[1])
    if "Download Date" not in params or "Country List" not in params:
        raise ExtractError(rel, "sheet 'Query Parameters' lacks 'Download Date' or 'Country List'", column="Query Parameters")
    return params


def _incomplete_years(download: _dt.datetime) -> set[int]:
    """Years not complete when the query ran; their full-year column is a placeholder."""
    return {download.year} if (download.month, download.day) != (12, 31) else set()


def _number(cell: object, rel: str, sheet: str, column: str, row: int) -> float:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return float(cell)
    if isinstance(cell, str):
        try:
            return float(cell.replace(",", ""))
        except ValueError:
            pass
    raise ExtractError(rel, f"sheet {sheet!r}: expected a number, found {cell!r}", column=column, row=row)


def _sheet(rows: list[tuple], *, flow: str, sheet: str, rel: str, partial: str, drop_years: set[int]) -> pd.DataFrame:
    measure, ytd = SHEETS[sheet]
    if len(rows) < HEADER_ROW or rows[1][0] != "Data Row Count":
        raise ExtractError(rel, f"sheet {sheet!r}: expected 'Data Row Count' on line 2", row=2)
    header = [str(h).strip() if h is not None else "" for h in rows[HEADER_ROW - 1]]
    if header[:5] != HEADER:
        raise ExtractError(rel, f"sheet {sheet!r}: expected columns {HEADER}, found {header[:5]}", row=HEADER_ROW)
    suffix = "_Year_to_date" if ytd else ""
    year_cols = {}
    for i, h in enumerate(header[5:], start=5):
        m = re.fullmatch(rf"(\d{{4}}){suffix}", h)
        if m:
            year_cols[i] = int(m.group(1))
        elif not re.fullmatch(rf"\d{{4}}{suffix}_Suppressed", h):
            raise ExtractError(rel, f"sheet {sheet!r}: unexpected column {h!r}", column=h, row=HEADER_ROW)
    supp_cols = {header.index(f"{y}{suffix}_Suppressed"): y for y in year_cols.values() if f"{y}{suffix}_Suppressed" in header}

    expected = int(_number(rows[1][1], rel, sheet, "Data Row Count", 2))
    data, total = [], None
    for line, r in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        if r is None or all(c in (None, "") for c in r):
            continue
        if str(r[0]).strip().startswith("Total"):
            total = (line, r)
            continue
        data.append((line, r))
    if len(data) != expected:
        raise ExtractError(rel, f"sheet {sheet!r}: {len(data)} data rows but 'Data Row Count' says {expected}", column="Data Row Count", row=2)

    records = []
    for line, r in data:
        partner, hts, desc, qdesc = (str(c).strip() if c is not None else "" for c in r[1:5])
        if not re.fullmatch(r"\d{4}", hts):
            raise ExtractError(rel, f"sheet {sheet!r}: HTS heading {hts!r} is not 4 digits", column="HTS Number", row=line)
        basis = qdesc.removeprefix("Value for:").strip()
        if basis not in UNITS:
            raise ExtractError(rel, f"sheet {sheet!r}: unknown unit of quantity {qdesc!r}", column="Quantity Description", row=line)
        unit = "usd" if measure == "value_usd" else UNITS[basis]
        supp = {y: r[i] for i, y in supp_cols.items()}
        for i, year in year_cols.items():
            if not ytd and year in drop_years:
                continue
            value = _number(r[i], rel, sheet, header[i], line)
            records.append((flow, hts, desc, partner, measure, basis, value, unit, year,
                            f"{year}-{partial}" if ytd else "annual", ytd,
                            float(supp[year]) if year in supp and supp[year] is not None else None,
                            sheet, line))
    frame = pd.DataFrame.from_records(records, columns=[
        "flow", "hts_heading", "hts_description", "partner_name_source", "measure", "quantity_basis",
        "value", "unit", "year", "period", "is_partial_year", "suppressed", "source_sheet", "source_row"])
    frame["suppressed"] = frame["suppressed"].astype("float64")

    if total is not None:  # the release's own total line, per year column
        line, r = total
        sums = frame.groupby("year")["value"].sum()
        for i, year in year_cols.items():
            if not ytd and year in drop_years:
                continue
            stated = _number(r[i], rel, sheet, header[i], line)
            if abs(sums.get(year, 0.0) - stated) > max(1.0, 1e-9 * abs(stated)):
                raise ExtractError(rel, f"sheet {sheet!r}: rows sum to {sums.get(year, 0.0):,.0f} but the Total line says {stated:,.0f}", column=header[i], row=line)
    return frame


def extract(raw: Path) -> dict[str, pd.DataFrame]:
    frames = []
    for flow, name in FILES.items():
        rel = f"{FOLDER}/{name}"
        path = Path(raw) / FOLDER / name
        if not path.is_file():
            raise ExtractError(rel, "file not found")
        sheets = _rows(path, rel)
        if "Query Parameters" not in sheets:
            raise ExtractError(rel, "no 'Query Parameters' sheet")
        check_columns(rel, sheets, {"Query Parameters", *SHEETS}, what="sheet")
        params = _query_parameters(sheets["Query Parameters"], rel)
        download = params["Download Date"]
        if not isinstance(download, _dt.datetime):
            raise ExtractError(rel, f"'Download Date' is not a date: {download!r}", column="Download Date")
        first = next(iter(sheets[s][0][0] for s in sheets if s in SHEETS))
        m = YTD_MONTHS.search(str(first))
        if not m:
            raise ExtractError(rel, f"cannot read the year-to-date months from {first!r}", row=1)
        partial = f"{MONTHS[m.group(1)]:02d}..{MONTHS[m.group(2)]:02d}"
        present = [s for s in sheets if s in SHEETS]
        if len(present) != 6:
            raise ExtractError(rel, f"expected 6 data sheets (value and two quantities, annual and YTD), found {present}")
        for sheet in present:
            frame = _sheet(sheets[sheet], flow=flow, sheet=sheet, rel=rel, partial=partial, drop_years=_incomplete_years(download))
            frame["source_file"] = rel
            frames.append(frame)
        listed = {c.strip() for c in str(params["Country List"]).split(",")}
        seen = set(pd.concat([f["partner_name_source"] for f in frames if f["source_file"].iat[0] == rel]))
        if not seen <= listed:
            raise ExtractError(rel, f"partners {sorted(seen - listed)} are not in the query's Country List", column="Country")
    df = pd.concat(frames, ignore_index=True)

    # Country names: harmonise the distinct names once, then map back.
    names = pd.Series(sorted(df["partner_name_source"].unique()))
    first_rows = df.drop_duplicates("partner_name_source").set_index("partner_name_source")
    countries = harmonise(names, file=names.map(first_rows["source_file"]), column="Country",
                          rows=names.map(first_rows["source_row"]))
    countries.index = names
    df["partner_name"] = df["partner_name_source"].map(countries["country_name"]).astype("string")
    df["partner_iso3"] = df["partner_name_source"].map(countries["country_iso3"]).astype("string")
    cols = list(RESOURCES[TABLE]["fields"])
    df = df[cols]
    for c in ["flow", "hts_heading", "hts_description", "partner_name_source", "measure", "quantity_basis",
              "unit", "period", "source_file", "source_sheet"]:
        df[c] = df[c].astype("string")
    df["year"] = df["year"].astype("int64")
    df["source_row"] = df["source_row"].astype("int64")
    df = df.sort_values(["flow", "hts_heading", "partner_name", "measure", "quantity_basis", "year", "period"], kind="stable")
    return {TABLE: df.reset_index(drop=True)}
