"""USGS Mineral Commodity Summaries: US salient statistics and the industry-trends tables.

Why this module reads four editions four ways: MCS 2023-2025 publish one wide CSV per
commodity (units inside the column names, which change per commodity and per vintage) plus
the "industry trends" figures and tables (Fig. 2 net import reliance with its ranked import
sources, T4 the 2022 critical-minerals list, T5 the leading producer of each critical
mineral); MCS 2026 publishes everything in one long, cp1252-encoded file. We turn all of
it into five long tables with one vocabulary (commodity ids, normalised units, value
flags), and keep the published text of every cell beside the number made from it.

Decisions a reader should know about (each one is a named constant below):

- Three MCS 2024 "salient" files actually carry a world production table
  (`NOT_SALIENT_FILES`); they belong to the world-production extract and are skipped here.
- Two MCS 2024 salient files have more values than column names in every data row
  (`MISALIGNED_FILES`): which value belongs to which column cannot be told from the file,
  so the file is skipped whole rather than guessed; any *other* file like that stops the
  extract.
- Some column names carry the wrong unit (MCS 2024 gallium `Consump_g` for kilograms, MCS
  2023 lead `Consump_t` for thousand tons, prices labelled `_kt`, `_mct`, `_t`, `_df`), or none.
  The reviewed rows of `data/reference/unit_corrections.csv` give the right unit; a row whose
  evidence cites the metadata is checked against the `_meta.xml` beside the file on every
  build (the metadata is not trusted blindly: MCS 2024 chromium's says $/t for values in
  $/lb). Corrected rows carry the correction's id in `unit_correction_id` (as the world
  tables do) and keep `unit_original`; a correction that no longer matches stops the extract.
  The file is read and validated, and its rows divided between this extract and the world
  one, by analysis.extract.corrections. The SQL check
  `usgs_mcs_trends__salient_unit_jumps` compares consecutive editions like for like.
- MCS 2024 and 2025 lead: column names and values are out of step (`LABELS_MISALIGNED`);
  the values are kept, flagged `labels_misaligned`, not relabelled.
- Some MCS 2023/2024 column names start with the USGS database artefact
  "CASE STATEMENT ERROR" in place of the statistic. We keep those values with
  `statistic = "unlabelled"` and the column name as published.
- In the MCS 2026 file the minus sign U+2212, which cp1252 cannot encode, was written as
  "?" ("?1", "?10": stockpile shipments, "if negative, increase in inventory"). MCS 2025
  prints the same cells as "−1" and "−10", so "?<digits>" is read as a negative number
  (`_QMARK_MINUS`), and only in that file.
- Net import reliance (NIR) for MCS 2023-2025 comes from Fig. 2 (the commodities the
  figure shows, with their ranked major import sources). MCS 2026 has no Fig. 2 file: its
  NIR rows are every salient-statistics NIR row for the latest year, and its import
  sources are built from the "Import Sources" share rows (2021-24).
- The MCS 2026 critical-minerals flag is per row; the 2025 list is the set of published
  commodity names flagged "Yes". It is not the official 2025 list: the file has no rows
  for list members without an MCS chapter (e.g. thulium, uranium, metallurgical coal), and
  it flags product names (bauxite, alumina, TiO2 pigment) beside element names. The
  official count is not in the mirror, so no count is asserted for 2025.
"""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from analysis import metadata
from analysis.errors import ExtractError
from analysis.extract import corrections as unit_corrections
from analysis.extract.commodities import commodity_id, known_names
from analysis.extract.countries import clean_name, harmonise
from analysis.extract.quirks import (
    NOT_AVAILABLE,
    Parsed,
    UnparseableValue,
    parse_value,
)
from analysis.paths import REFERENCE_DIR

WIDE_EDITIONS = (2023, 2024, 2025)
LONG_EDITION = 2026
LONG_FILE = unit_corrections.BOOK_FILE_2026
LONG_ENCODING = "cp1252"
CRITICAL_2018_CSV = REFERENCE_DIR / "critical_minerals_2018.csv"

NOT_SALIENT_FILES = {
    "usgs-mcs-2024/salient/mcs2024-cobal_salient.csv": "holds the world mine production table, not US salient statistics",
    "usgs-mcs-2024/salient/mcs2024-gypsu_salient.csv": "holds the world mine production table, not US salient statistics",
    "usgs-mcs-2024/salient/mcs2024-kyani_salient.csv": "holds the world mine production table, not US salient statistics",
}
MISALIGNED_FILES = {
    "usgs-mcs-2024/salient/mcs2024-felds_salient.csv": "every data row has one value more than there are column names",
    "usgs-mcs-2024/salient/mcs2024-fluor_salient.csv": "every data row has two values more than there are column names",
}
# Files whose column names are in one order and values in another. MCS 2024 and 2025 lead:
# the values follow the MCS 2026 rows (mine lead in concentrates, mine recoverable lead,
# primary refinery, secondary refinery, imports of concentrates, of refined metal, exports of
# concentrates, of refined metal, apparent consumption, North American price, ...): e.g.
# "Imports_Concentrates_kt" holds 501 for 2019, which MCS 2023 prints as Imports_Metal_kt, and
# "Price_LME_ctslb" holds 99.9, the MCS 2023 North American price (LME 90.6). Neither the column
# names nor the file's metadata describe the values, so the values are kept as published and
# every row is flagged `labels_misaligned` rather than relabelled by guesswork.
LABELS_MISALIGNED = {
    "usgs-mcs-2024/salient/mcs2024-lead_salient.csv": "values follow the MCS 2026 row order, not the column names",
    "usgs-mcs-2025/salient/mcs2025-lead_salient.csv": "values follow the MCS 2026 row order, not the column names",
}
# Reviewed unit corrections: the `salient` rows of data/reference/unit_corrections.csv (see
# analysis.extract.corrections for the scope rule). A row whose evidence starts with "metadata"
# is checked against the `_meta.xml` beside the file on every build.
LABELS_MISALIGNED_FLAG = "labels_misaligned"
CASE_ERROR = "CASE STATEMENT ERROR"
_QMARK_MINUS = re.compile(r"^\?(\d[\d,]*(?:\.\d+)?)$")

# First word of a wide column name (or the 2026 `Statistics` value) -> statistic.
STATISTICS = {
    "usprod": "production", "prod": "production", "production": "production", "products": "production",
    "imports": "imports", "import": "imports",
    "exports": "exports", "export": "exports",
    "consump": "consumption", "consumption": "consumption", "consumtion": "consumption",
    "price": "price",
    "stocks": "stocks", "stock": "stocks",
    "employment": "employment",
    "nir": "net_import_reliance", "net import reliance": "net_import_reliance",
    "shipments": "shipments", "shipment": "shipments",
    "sales": "sales", "sold": "sales", "soldfinished": "sales", "sold or used": "sales",
    "supply": "supply", "recycled": "recycling", "extracted": "extraction", "withdrawn": "withdrawals",
    "furnace": "steelmaking_furnace", "continuous": "continuous_casting", "grade-a-sales": "sales",
    "quantity": "production",
    # after a product prefix ("Alumina_Refinery_kt", "Bauxite_Mine_kt", "Alumina_Apparent_kt")
    "mine": "production", "refinery": "production", "apparent": "consumption",
}
# Product prefixes some files put before the statistic ("Bauxite_Mine_kt", "HPQNIR_pct").
_PRODUCT_PREFIX = re.compile(r"^(Alumina|Bauxite|Bort|Stones|Granite|HPQ|Crystal)_?", re.I)

LB_PER_T = unit_corrections.LB_PER_T
SHORT_TON_T = unit_corrections.SHORT_TON_T
# Unit token in a wide column name -> (normalised unit, factor to multiply the value by).
WIDE_UNITS = {
    "t": ("t", 1.0), "kt": ("t", 1e3), "mmt": ("t", 1e6), "kg": ("t", 1e-3), "g": ("t", 1e-6),
    "mct": ("carat", 1e6), "mcm": ("m3", 1e6), "mdol": ("usd", 1e6), "pct": ("pct", 1.0),
    "num": ("count", 1.0), "dt": ("usd_per_t", 1.0), "dlb": ("usd_per_t", LB_PER_T),
    "dkg": ("usd_per_t", 1e3), "dg": ("usd_per_t", 1e6), "ctslb": ("usd_per_t", LB_PER_T / 100),
    "dst": ("usd_per_t", 1 / SHORT_TON_T), "dtoz": ("usd_per_troy_oz", 1.0), "dto": ("usd_per_troy_oz", 1.0),
    "dct": ("usd_per_carat", 1.0), "df": ("usd_per_flask", 1.0), "msqft": ("ft2", 1e6), "index": ("index", 1.0),
}
# What a column-name token means, in the words of the metadata and the 2026 Unit column (the
# vocabulary of data/reference/unit_corrections.csv, `unit_published`).
TOKEN_TEXT = {
    "": "", "g": "grams", "kg": "kilograms", "t": "metric tons", "kt": "thousand metric tons",
    "mmt": "million metric tons", "mct": "million carats", "mcm": "million cubic meters",
    "dt": "dollars per metric ton", "dkg": "dollars per kilogram", "dlb": "dollars per pound",
    "df": "dollars per flask", "ctslb": "cents per pound", "pct": "percent", "index": "index",
}
# 2026 `Unit` -> (normalised unit, factor): the salient part of the one unit vocabulary shared
# with the world extract (analysis.extract.corrections).
LONG_UNITS = {u: unit_corrections.UNITS[u] for u in unit_corrections.SALIENT_UNITS}
# Statistics whose unit is fixed whatever the column name says ("NIR_Compounds-Metals_t",
# "Employment_Sponge_t" are USGS labelling slips).
FIXED_UNIT = {"net_import_reliance": "pct", "employment": "count"}

SALIENT_COLUMNS = [
    "edition", "commodity_id", "commodity_name", "statistic", "statistic_detail", "occurrence", "year",
    "value", "unit", "value_original", "unit_original", "value_flag", "is_estimate", "value_low",
    "value_high", "notes", "source_file", "source_row", "quality_flag", "unit_correction_id",
]

RESOURCES = metadata.resources("usgs_mcs_trends")  # usgs_mcs_trends.meta.yml: tables, keys, fields and types


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------
def _read_rows(raw: Path, rel: str, encoding: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (1-based line, cells) of every non-blank record, decoded strictly."""
    path = raw / rel
    if not path.is_file():
        raise ExtractError(rel, "file not found in the release directory")
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ExtractError(rel, f"not valid {encoding}: {exc.reason}", row=line) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    last = 0
    for cells in reader:
        start, last = last + 1, reader.line_num
        if header is None:
            header = cells
            continue
        if any(c.strip() for c in cells):
            rows.append((start, cells))
    if header is None:
        raise ExtractError(rel, "file is empty")
    return header, rows


def _parse_cell(raw: str, *, file: str, column: str, row: int, qmark_minus: bool = False) -> Parsed:
    """One cell through the shared parser (quirks.parse_value: one rule set for every
    release, words included), plus the one rule of one file ('?' for a minus sign), and
    an error that names file, column and row."""
    text = raw.replace("\u00a0", " ").strip()
    if qmark_minus:
        m = _QMARK_MINUS.match(text)
        if m:
            return Parsed(-float(m.group(1).replace(",", "")))
    try:
        return parse_value(text)
    except UnparseableValue as exc:
        raise ExtractError(file, str(exc), column=column, row=row) from None


def _year(text: str, *, file: str, column: str, row: int) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise ExtractError(file, f"year {text!r} is not a four-digit year", column=column, row=row)
    return int(text.strip())


# ---------------------------------------------------------------------------------------
# Reviewed unit corrections
# ---------------------------------------------------------------------------------------
# Metadata unit text -> normalised unit, beyond LONG_UNITS (qualifiers after a comma or " of"
# are dropped first: "kilograms, gallium content", "dollars per ... of tungsten trioxide").
_META_UNITS = {"percentage": ("pct", 1.0), "dollars/pound": ("usd_per_t", LB_PER_T),
               "dollars/kilogram": ("usd_per_t", 1e3), "million square feet": ("ft2", 1e6)}


def load_unit_corrections(path: Path | None = None) -> dict[tuple[str, str], dict]:
    """The salient rows of the reviewed unit-corrections file, keyed by (source_file, column),
    each with a `used` count that the readers below increase."""
    return {(c.source_file, c.column): {**vars(c), "used": 0}
            for c in unit_corrections.for_scope(unit_corrections.SALIENT, path)}


def _meta_path(raw: Path, rel: str) -> Path | None:
    """The `_meta.xml` that describes a wide salient file (names differ: mcs2023-scandi/-scand)."""
    path = raw / rel
    key = re.sub(r"^mcs\d{4}-?", "", path.name.lower().replace("_salient.csv", ""))[:5]
    hits = [p for p in path.parent.glob("*_meta.xml")
            if re.sub(r"^mcs\d{4}-?", "", p.name.lower().replace("_meta.xml", ""))[:5] == key]
    return hits[0] if len(hits) == 1 else None


def _meta_attrs(meta: Path) -> list[tuple[str, str]]:
    """(label, unit text) of the salient entity's value attributes, in order."""
    data = meta.read_bytes().decode("utf-8", "replace")
    try:
        root = ET.fromstring(data)
    except ET.ParseError:  # a few releases carry a bare "&" (S&P) in free text
        root = ET.fromstring(re.sub(r"&(?!amp;|lt;|gt;|quot;|apos;|#)", "&amp;", data))
    for det in root.iter("detailed"):
        if "salient" in (det.findtext("enttyp/enttypl") or "").lower():
            attrs = [((a.findtext("attrlabl") or "").strip(), (a.findtext(".//attrunit") or "").strip())
                     for a in det.findall("attr")]
            return attrs[3:]
    return []


def _meta_unit(text: str) -> tuple[str | None, float] | None:
    t = re.split(r",| of | \(", text.lower().strip())[0].strip()
    return _META_UNITS.get(t) or LONG_UNITS.get(t)


def _check_metadata(raw: Path, rel: str, names: list[str], position: int, fix: dict) -> None:
    """A correction that cites the metadata must agree with the `_meta.xml` attribute's unit."""
    meta = _meta_path(raw, rel)
    where = dict(column="evidence", row=fix["line"])
    if meta is None:
        raise ExtractError(fix["file"], f"evidence cites metadata but no _meta.xml describes {rel}", **where)
    attrs = _meta_attrs(meta)
    stem = lambda label: re.sub(r"[^a-z0-9]", "", label.lower())  # noqa: E731

    def bare(label: str) -> str:
        unit = _split_column(label)[1]
        s_ = stem(label)
        return s_[: -len(unit)] if unit and s_.endswith(unit) else s_

    col = names[position]
    hit = [a for a in attrs if bare(a[0]) == bare(col) or stem(a[0]) == stem(col)]
    if len(hit) != 1 and len(attrs) == len(names):  # label too mangled or repeated: same position
        hit = [attrs[position]]
    if len(hit) != 1:
        raise ExtractError(fix["file"], f"no single attribute of {meta.name} matches column {col!r}", **where)
    label, text = hit[0]
    if _meta_unit(text) != LONG_UNITS[fix["unit_corrected"]]:
        raise ExtractError(fix["file"], f"{meta.name} gives {label!r} the unit {text!r}, not {fix['unit_corrected']!r}", **where)


def _unused(corrections: dict[tuple[str, str], dict]) -> None:
    """Every salient correction must have been applied: a stale one is an error."""
    rows = [unit_corrections.UnitCorrection(**{k: v for k, v in fix.items() if k != "used"})
            for fix in corrections.values()]
    unit_corrections.require_all_used(rows, {fix["correction_id"] for fix in corrections.values() if fix["used"]})


# ---------------------------------------------------------------------------------------
# Wide salient files, MCS 2023-2025
# ---------------------------------------------------------------------------------------
def _split_column(name: str) -> tuple[str, str | None]:
    """(statistic, unit token) for a wide column name such as `Consump_Apparent_kt`."""
    body = name.strip()
    if body.startswith(CASE_ERROR):
        statistic = "unlabelled"
        body = body[len(CASE_ERROR):]
    else:
        statistic = None
    body = _PRODUCT_PREFIX.sub("", body) if statistic is None else body
    tokens = [t for t in body.split("_")]
    unit = None
    last = tokens[-1].strip() if tokens else ""
    if last.lower() in WIDE_UNITS:
        unit = last.lower()
        tokens = tokens[:-1]
    elif last:
        # Glued unit: "Apparentt", "Metalkg", "Price_WO3dt". "Consump_Reportedt" ends in both
        # "dt" and "t": a price column takes price tokens only and any other column takes no
        # price token, so it reads as "Reported" + "t" (its metadata label is Consump_Reported_t).
        is_price = (tokens[0].strip().lower() == "price") if statistic is None else None
        for token in sorted(WIDE_UNITS, key=len, reverse=True):
            if is_price is not None and (WIDE_UNITS[token][0].startswith("usd_per") or token == "index") != is_price:
                continue
            if len(last) > len(token) and last.endswith(token) and last[: -len(token)][-1:].isalnum():
                unit = token
                break
    if statistic is None:
        first = tokens[0].strip().lower() if tokens and tokens[0].strip() else ""
        unglued = re.sub(r"(t|kg|pct|dt|cm|mcm)$", "", first)
        statistic = STATISTICS.get(first) or STATISTICS.get(unglued)
        if statistic is None:
            for key, value in STATISTICS.items():
                if first.startswith(key):
                    statistic = value
                    break
        if statistic is None:
            statistic = re.sub(r"[^a-z0-9]+", "_", first).strip("_") or "unlabelled"
    return statistic, unit


def _wide_salient(raw: Path, edition: int, corrections: dict | None = None) -> list[dict]:
    corrections = {} if corrections is None else corrections
    out: list[dict] = []
    folder = raw / f"usgs-mcs-{edition}" / "salient"
    files = sorted(folder.glob("*_salient.csv"))
    if not files:
        raise ExtractError(f"usgs-mcs-{edition}/salient", "no *_salient.csv files found")
    for path in files:
        rel = path.relative_to(raw).as_posix()
        if rel in NOT_SALIENT_FILES or rel in MISALIGNED_FILES:
            continue
        header, rows = _read_rows(raw, rel, "utf-8-sig")
        names = [h.strip() for h in header]
        if names[:3] != ["DataSource", "Commodity", "Year"] and names[1:3] != ["Commodity", "Year"]:
            raise ExtractError(rel, f"expected columns DataSource, Commodity, Year; found {names[:3]}", column=names[0] if names else None, row=1)
        value_cols = [(i, n) for i, n in enumerate(names) if i >= 3 and n]
        parsed_cols = {i: _split_column(n) for i, n in value_cols}
        # A correction names its column as published; where a name repeats in the header (MCS
        # 2024 nickel: "Price_dt dlb (both used)" twice, $/t then $/lb), as "<name> [n]".
        labels = [n for _, n in value_cols]
        keyed = [(i, f"{n} [{labels[:k + 1].count(n)}]" if labels.count(n) > 1 else n)
                 for k, (i, n) in enumerate(value_cols)]
        fixes = {i: corrections[(rel, label)] for i, label in keyed if (rel, label) in corrections}
        for i, fix in fixes.items():
            published = TOKEN_TEXT.get(parsed_cols[i][1] or "", parsed_cols[i][1])
            if fix["unit_published"] != published:
                raise ExtractError(fix["file"], f"{rel} column {names[i]!r} carries unit {published!r}, not {fix['unit_published']!r}", column="unit_published", row=fix["line"])
            if fix["evidence"].lower().startswith("metadata"):
                _check_metadata(raw, rel, labels, [i_ for i_, _ in value_cols].index(i), fix)
        file_flag = LABELS_MISALIGNED_FLAG if rel in LABELS_MISALIGNED else None
        seen: dict[tuple, int] = {}
        for line, cells in rows:
            if len(cells) > len(names):
                extra = [c for c in cells[len(names):] if c.strip()]
                if extra:
                    raise ExtractError(rel, "row has more values than the header has columns", column=f"column {len(names) + 1} (no name)", row=line)
            for i, n in enumerate(names):
                if i >= 3 and not n and i < len(cells) and cells[i].strip():
                    raise ExtractError(rel, f"value {cells[i]!r} under a column without a name", column=f"column {i + 1} (no name)", row=line)
            cells = cells + [""] * (len(names) - len(cells))
            name = cells[1].strip()
            cid = commodity_id(name, file=rel, column="Commodity", row=line)
            year = _year(cells[2], file=rel, column="Year", row=line)
            for i, col in value_cols:
                statistic, unit_token = parsed_cols[i]
                original = cells[i]
                p = _parse_cell(original, file=rel, column=col, row=line)
                token, correction_id = unit_token, None
                if i in fixes:
                    fix = fixes[i]
                    if fix["commodity_id"] != cid:
                        raise ExtractError(fix["file"], f"commodity {fix['commodity_id']!r}, but {rel} line {line} is {cid!r}", column="commodity_id", row=fix["line"])
                    correction_id = fix["correction_id"]
                    fix["used"] += 1
                if i in fixes:
                    unit, factor = LONG_UNITS[fixes[i]["unit_corrected"]]
                else:
                    unit, factor = WIDE_UNITS.get(token, (None, 1.0)) if token else (None, 1.0)
                if statistic in FIXED_UNIT:
                    unit, factor = FIXED_UNIT[statistic], 1.0
                key = (cid, name, col, year)
                seen[key] = seen.get(key, 0) + 1
                out.append(_salient_row(edition, cid, name, statistic, col, seen[key], year, p, factor, unit,
                                        original, unit_token or "", None, rel, line, quality_flag=file_flag,
                                        unit_correction_id=correction_id))
    return out


def _salient_row(edition, cid, name, statistic, detail, occurrence, year, p: Parsed, factor, unit,
                 original, unit_original, notes, rel, line, is_estimate=False, quality_flag=None,
                 unit_correction_id=None) -> dict:
    scale = (lambda v: None if v is None else v * factor)
    return {
        "edition": edition, "commodity_id": cid, "commodity_name": name, "statistic": statistic,
        "statistic_detail": detail, "occurrence": occurrence, "year": year, "value": scale(p.value),
        "unit": unit, "value_original": original, "unit_original": unit_original, "value_flag": p.flag,
        "is_estimate": bool(p.is_estimate or is_estimate), "value_low": scale(p.low), "value_high": scale(p.high),
        "notes": notes, "source_file": rel, "source_row": line, "quality_flag": quality_flag,
        "unit_correction_id": unit_correction_id,
    }


# ---------------------------------------------------------------------------------------
# The MCS 2026 long file
# ---------------------------------------------------------------------------------------
LONG_HEADER = ["MCS chapter", "Section", "Commodity", "Country", "Statistics", "Statistics_detail", "Unit",
               "Year", "Value", "Notes", "Is critical mineral 2025", "Other notes"]


def _read_long(raw: Path) -> pd.DataFrame:
    header, rows = _read_rows(raw, LONG_FILE, LONG_ENCODING)
    if [h.strip() for h in header] != LONG_HEADER:
        raise ExtractError(LONG_FILE, f"unexpected columns {header}; expected {LONG_HEADER}", row=1)
    for line, cells in rows:
        if len(cells) != len(LONG_HEADER):
            raise ExtractError(LONG_FILE, f"row has {len(cells)} fields, expected {len(LONG_HEADER)}", row=line)
    frame = pd.DataFrame([c for _, c in rows], columns=LONG_HEADER, dtype=str)
    frame["source_row"] = [line for line, _ in rows]
    return frame


def _long_salient(long: pd.DataFrame, corrections: dict | None = None) -> list[dict]:
    corrections = {} if corrections is None else corrections
    out: list[dict] = []
    sal = long[long["Section"].str.startswith("Salient Statistics")]
    seen: dict[tuple, int] = {}
    for r in sal.itertuples(index=False):
        line = r.source_row
        name = r.Commodity.strip()
        cid = commodity_id(name, file=LONG_FILE, column="Commodity", row=line)
        year = _year(r.Year, file=LONG_FILE, column="Year", row=line)
        stat_key = r.Statistics.strip().lower()
        if stat_key not in STATISTICS:
            raise ExtractError(LONG_FILE, f"unknown statistic {r.Statistics!r}", column="Statistics", row=line)
        statistic = STATISTICS[stat_key]
        unit_original = r.Unit.strip()
        if unit_original not in LONG_UNITS:
            raise ExtractError(LONG_FILE, f"unknown unit {r.Unit!r}", column="Unit", row=line)
        detail = r.Statistics_detail.replace("\u00a0", " ").strip()
        fix, correction_id, unit_used = corrections.get((LONG_FILE, detail)), None, unit_original
        if fix is not None and fix["commodity_id"] == cid:
            if fix["unit_published"] != unit_original:
                raise ExtractError(fix["file"], f"{LONG_FILE} line {line} has unit {unit_original!r}, not {fix['unit_published']!r}", column="unit_published", row=fix["line"])
            unit_used, correction_id = fix["unit_corrected"], fix["correction_id"]
            fix["used"] += 1
        unit, factor = LONG_UNITS[unit_used]
        if statistic in FIXED_UNIT:
            unit, factor = FIXED_UNIT[statistic], 1.0
        p = _parse_cell(r.Value, file=LONG_FILE, column="Value", row=line, qmark_minus=True)
        key = (cid, name, detail, year)
        seen[key] = seen.get(key, 0) + 1
        estimate = r.Notes.strip().startswith("Estimated")
        out.append(_salient_row(LONG_EDITION, cid, name, statistic, detail, seen[key], year, p, factor, unit,
                                r.Value, unit_original, r.Notes.strip() or None, LONG_FILE, line, estimate,
                                unit_correction_id=correction_id))
    return out


# ---------------------------------------------------------------------------------------
# Country lists
# ---------------------------------------------------------------------------------------
_GROUP = re.compile(r",.*\band\b")  # "China, Germany, and Russia": one share for several countries


def _countries(names: list[str], *, file: str, column: str, rows: list[int]) -> pd.DataFrame:
    """harmonise(), except that a published group of countries is kept as a flagged aggregate."""
    series = pd.Series(names, dtype=str)
    groups = series.map(lambda n: bool(_GROUP.search(clean_name(n))))
    result = pd.DataFrame(index=series.index, columns=["country_name_source", "country_name", "country_iso3", "is_aggregate", "aggregate_kind"])
    if (~groups).any():
        h = harmonise(series[~groups], file=file, column=column, rows=pd.Series(rows, dtype=int)[~groups])
        result.loc[h.index, h.columns] = h
    for i in series.index[groups]:
        result.loc[i] = [series[i], clean_name(series[i]), None, True, "country_group"]
    result["is_aggregate"] = result["is_aggregate"].astype(bool)
    return result


def _na(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _group_members(name: str) -> list[str]:
    return [p.strip() for p in re.split(r",|\band\b", clean_name(name)) if p.strip()]


# ---------------------------------------------------------------------------------------
# Net import reliance and import sources
# ---------------------------------------------------------------------------------------
_FIG2_VALUE = re.compile(r"^Net_Import_Reliance_pct_(\d{4})$")
_FIG2_SOURCES = re.compile(r"^Major_Import_Sources_(\d{4})_(\d{4})$")
_HK = re.compile(r"Hong Kong are included with China|Includes Hong Kong", re.I)


def _fig2(raw: Path, edition: int) -> tuple[list[dict], list[dict]]:
    folder = f"usgs-mcs-{edition}/industry-trends"
    rel = f"{folder}/MCS{edition}_Fig2_Net_Import_Reliance.csv"
    header, rows = _read_rows(raw, rel, "utf-8-sig")
    names = [h.strip() for h in header]
    value_col = next((n for n in names if _FIG2_VALUE.match(n)), None)
    sources_col = next((n for n in names if _FIG2_SOURCES.match(n)), None)
    order_col = next((n for n in names if n in ("Import_Share_Rank", "Import_Share_Order")), None)
    if not (value_col and sources_col and order_col and "Commodity" in names):
        raise ExtractError(rel, f"expected Commodity, Import_Share_Rank/Order, Net_Import_Reliance_pct_<year>, Major_Import_Sources_<y1>_<y2>; found {names}", row=1)
    year = int(_FIG2_VALUE.match(value_col).group(1))
    y1, y2 = _FIG2_SOURCES.match(sources_col).groups()
    period = f"{y1}–{y2}"
    idx = {n: i for i, n in enumerate(names)}
    nir: list[dict] = []
    sources: list[dict] = []
    for line, cells in rows:
        cells = cells + [""] * (len(names) - len(cells))
        published = cells[idx["Commodity"]].strip()
        cid = commodity_id(published, file=rel, column="Commodity", row=line)
        form = published.split(",", 1)[1].strip() if "," in published else ""
        original = cells[idx[value_col]]
        p = _parse_cell(original, file=rel, column=value_col, row=line)
        order_text = cells[idx[order_col]].strip()
        if not order_text.isdigit():
            raise ExtractError(rel, f"order {order_text!r} is not a whole number", column=order_col, row=line)
        listed = cells[idx[sources_col]]
        parts = [p_.strip() for p_ in listed.split(",") if p_.strip()]
        if not parts:
            raise ExtractError(rel, "no import source listed", column=sources_col, row=line)
        notes = cells[idx["Notes"]].strip() if "Notes" in idx else None
        countries = _countries(parts, file=rel, column=sources_col, rows=[line] * len(parts))
        nir.append({
            "edition": edition, "commodity_id": cid, "commodity_name": published, "form": form,
            "statistic_detail": None, "year": year, "net_import_reliance_pct": p.value,
            "value_original": original.strip(), "value_flag": p.flag, "value_low": p.low, "value_high": p.high,
            "is_estimate": p.is_estimate, "figure_order": int(order_text),
            "major_import_sources": ", ".join(parts), "import_sources_period": period,
            "leading_import_source": countries["country_name"].iloc[0],
            "leading_import_source_iso3": countries["country_iso3"].iloc[0],
            "china_among_sources": bool((countries["country_iso3"] == "CHN").any()),
            "china_is_leading": countries["country_iso3"].iloc[0] == "CHN",
            "hong_kong_included_with_china": (bool(_HK.search(notes)) if notes is not None else None),
            "notes": notes or None, "source_table": "fig2", "source_file": rel, "source_row": line,
        })
        for rank, (_, c) in enumerate(countries.iterrows(), start=1):
            sources.append({
                "edition": edition, "commodity_id": cid, "commodity_name": published, "form": form,
                **{k: c[k] for k in ("country_name", "country_iso3", "country_name_source", "is_aggregate", "aggregate_kind")},
                "period": period, "share_pct": None, "rank": rank, "value_original": None,
                "value_flag": NOT_AVAILABLE, "value_low": None, "value_high": None,
                "notes": notes or None, "source_file": rel, "source_row": line,
            })
    return nir, sources


def _import_sources_2026(long: pd.DataFrame) -> list[dict]:
    imp = long[long["Section"] == "Import Sources"].reset_index(drop=True)
    if imp.empty:
        raise ExtractError(LONG_FILE, "no 'Import Sources' rows found", column="Section")
    countries = _countries(imp["Country"].tolist(), file=LONG_FILE, column="Country", rows=imp["source_row"].tolist())
    out: list[dict] = []
    rank: dict[tuple, int] = {}
    for i, r in imp.iterrows():
        line = int(r["source_row"])
        name = r["Commodity"].strip()
        cid = commodity_id(name, file=LONG_FILE, column="Commodity", row=line)
        if r["Unit"].strip() != "percent":
            raise ExtractError(LONG_FILE, f"import-source share in {r['Unit']!r}, expected percent", column="Unit", row=line)
        p = _parse_cell(r["Value"], file=LONG_FILE, column="Value", row=line)
        c = countries.loc[i]
        form = r["Statistics_detail"].strip()
        key = (cid, name, form)
        this_rank = None
        if _na(c["aggregate_kind"]) or c["aggregate_kind"] != "other_countries":
            rank[key] = rank.get(key, 0) + 1
            this_rank = rank[key]
        out.append({
            "edition": LONG_EDITION, "commodity_id": cid, "commodity_name": name, "form": form,
            **{k: c[k] for k in ("country_name", "country_iso3", "country_name_source", "is_aggregate", "aggregate_kind")},
            "period": r["Year"].strip(), "share_pct": p.value, "rank": this_rank, "value_original": r["Value"],
            "value_flag": p.flag, "value_low": p.low, "value_high": p.high,
            "notes": r["Notes"].strip() or None, "source_file": LONG_FILE, "source_row": line,
        })
    return out


# MCS 2026 prints the mica chapter as two blocks with identical labels: first scrap and
# flake (its price row says "Scrap and flake"), then sheet (its price rows are "Block" and
# "Splittings"); the import-source rows name the same two products. The n-th NIR row of a
# commodity and year gets the form below.
BLOCK_FORMS = {("Mica (Natural)", 1): "Scrap and flake", ("Mica (Natural)", 2): "Sheet"}
BLOCK_COMMODITY = {("Mica (Natural)", "Scrap and flake"): "MICA (NATURAL), scrap and flake",
                   ("Mica (Natural)", "Sheet"): "MICA (NATURAL), sheet"}

# NIR rows whose import sources MCS 2026 prints under another commodity name: the NIR row
# names the product ("Diamond (Bort, ...)"), the import-source block the chapter and the
# product ("Diamond (Industrial)", "Bort, ..."). Matching by name alone left them "not given".
SOURCE_BLOCK = {
    ("Diamond (Bort, grit, and dust and powder; natural and synthetic)", ""):
        ("Diamond (Industrial)", "Bort, grit, and dust and powder; natural and synthetic"),
    ("Diamond (Stones, natural and synthetic)", ""): ("Diamond (Industrial)", "Stones, primarily natural"),
    ("Industrial cultured quartz crystal", ""):
        ("Quartz (High-Purity And Industrial Cultured Crystal)", "Cultured quartz crystal (piezoelectric quartz, unmounted)"),
    ("Manganese", "manganese content"): ("Manganese", "Manganese contained in principal manganese imports"),
    ("Zinc", "Refined zinc"): ("Zinc", "Refined metal"),
    ("Titanium sponge metal", ""): ("Titanium Sponge Metal", "Titanium Sponge Metal"),
}
# A group's NIR row whose sources USGS gives element by element, never for the group: the
# group has no leading source, and its row lists each element's sources instead.
SOURCE_MEMBERS = {"Rare Earths (Heavy)": ("Terbium", "Holmium", "Erbium", "Ytterbium", "Lutetium")}

_NIR_PREFIX = re.compile(
    r"^(?:(?P<pre>[^:]*?):\s*)?Net import reliance\s*as a percentage of (?:total )?(?:apparent|estimated|reported) consumption"
    r"\s*(?:\((?P<basis>[^)]*)\))?\s*[:,]?\s*(?P<form>.*)$", re.I)


def _nir_2026(long: pd.DataFrame, sources: pd.DataFrame) -> list[dict]:
    sal = long[long["Section"].str.startswith("Salient Statistics") & (long["Statistics"].str.strip() == "Net import reliance")]
    latest = LONG_EDITION - 1
    known = known_names()
    out: list[dict] = []
    seen: dict[tuple, int] = {}
    for r in sal.itertuples(index=False):
        line = r.source_row
        if _year(r.Year, file=LONG_FILE, column="Year", row=line) != latest:
            continue
        name = r.Commodity.strip()
        cid = commodity_id(name, file=LONG_FILE, column="Commodity", row=line)
        detail = r.Statistics_detail.replace("\u00a0", " ").strip()
        m = _NIR_PREFIX.match(detail)
        form = ""
        if m:
            form = (m.group("form") or m.group("pre") or "").strip().rstrip(".")
        if form and form in known and form.lower() != name.lower():
            cid = commodity_id(form, file=LONG_FILE, column="Statistics_detail", row=line)
        seen[(name, detail)] = seen.get((name, detail), 0) + 1
        if (name, seen[(name, detail)]) in BLOCK_FORMS:
            form = BLOCK_FORMS[(name, seen[(name, detail)])]
            cid = commodity_id(BLOCK_COMMODITY[(name, form)], file=LONG_FILE, column="Statistics_detail", row=line)
        p = _parse_cell(r.Value, file=LONG_FILE, column="Value", row=line, qmark_minus=True)
        row = {
            "edition": LONG_EDITION, "commodity_id": cid, "commodity_name": name, "form": form,
            "statistic_detail": detail, "year": latest, "net_import_reliance_pct": p.value,
            "value_original": r.Value.strip(), "value_flag": p.flag, "value_low": p.low, "value_high": p.high,
            "is_estimate": r.Notes.strip().startswith("Estimated"), "figure_order": None,
            "major_import_sources": None, "import_sources_period": None, "leading_import_source": None,
            "leading_import_source_iso3": None, "china_among_sources": None, "china_is_leading": None,
            "hong_kong_included_with_china": None, "notes": r.Notes.strip() or None,
            "source_table": "salient_2026", "source_file": LONG_FILE, "source_row": line,
        }
        if name in SOURCE_MEMBERS:
            row.update(_member_sources(sources, name))
            out.append(row)
            continue
        block = _matching_sources(sources, name, form)
        if block is not None and len(block):
            listed = block[~block["is_aggregate"] | (block["aggregate_kind"] == "country_group")].sort_values("rank")
            if len(listed):
                first = listed.iloc[0]
                members = [m_ for g in listed["country_name_source"] for m_ in _group_members(g)]
                row.update({
                    "major_import_sources": "; ".join(listed["country_name_source"].str.strip()),
                    "import_sources_period": block["period"].iloc[0],
                    "leading_import_source": first["country_name"],
                    "leading_import_source_iso3": first["country_iso3"],
                    "china_among_sources": bool((listed["country_iso3"] == "CHN").any()) or "China" in members,
                    "china_is_leading": first["country_iso3"] == "CHN",
                    "hong_kong_included_with_china": bool(block["notes"].fillna("").str.contains(_HK).any())
                    if (listed["country_iso3"] == "CHN").any() else None,
                })
        out.append(row)
    return out


def _member_sources(sources: pd.DataFrame, group: str) -> dict:
    """'Terbium: China; Erbium: Germany, China, Netherlands; ...' for a group row; no leading
    source (USGS ranks none for the group), China among the sources if it is in any list."""
    members = SOURCE_MEMBERS[group]
    rows = sources[(sources["edition"] == LONG_EDITION) & sources["commodity_name"].isin(members)]
    rows = rows[rows["is_aggregate"].eq(False)].sort_values("rank")
    missing = [m for m in members if m not in set(rows["commodity_name"])]
    if missing:
        raise ExtractError(LONG_FILE, f"no import-source rows for {', '.join(missing)} (members of {group})",
                           column="Commodity")
    parts = [f"{m}: " + ", ".join(rows.loc[rows["commodity_name"] == m, "country_name_source"].str.strip())
             for m in members]
    return {"major_import_sources": "; ".join(parts), "import_sources_period": rows["period"].iloc[0],
            "china_among_sources": bool((rows["country_iso3"] == "CHN").any())}


def _matching_sources(sources: pd.DataFrame, name: str, form: str) -> pd.DataFrame | None:
    """The import-source block (one product) that a 2026 NIR row refers to, if unambiguous."""
    if (name, form) in SOURCE_BLOCK:
        chapter, product = SOURCE_BLOCK[(name, form)]
        block = sources[(sources["edition"] == LONG_EDITION) & (sources["commodity_name"] == chapter)
                        & (sources["form"] == product)]
        if block.empty:
            raise ExtractError(LONG_FILE, f"no import-source rows for {chapter!r}, {product!r} (the sources of {name!r})",
                               column="Statistics_detail")
        return block
    block = sources[(sources["edition"] == LONG_EDITION) & (sources["commodity_name"] == name)]
    if block.empty:
        return None
    forms = list(dict.fromkeys(block["form"]))
    f = form.lower()
    for candidate in forms:
        c = candidate.lower()
        if f and (c == f or c == f"total {f}" or c == f"{f}, total"):
            return block[block["form"] == candidate]
    if len(forms) == 1 and (not f or forms[0].lower() in ("all", "total")):
        return block
    for candidate in forms:  # "Compounds and metals" -> "Rare-earth compounds and metals"
        c = candidate.lower()
        if f and (c.endswith(" " + f) or f.split(",")[0].strip() == c):
            return block[block["form"] == candidate]
    # No form: the chapter's total line ("Total imports", "Combined total (...)", "Total metal and oxide").
    totals = [c for c in forms if re.match(r"^(all|all forms|total\b.*|combined total\b.*)$", c.lower())]
    if not f and len(totals) == 1:
        return block[block["form"] == totals[0]]
    return None


# ---------------------------------------------------------------------------------------
# Critical minerals
# ---------------------------------------------------------------------------------------
GROUPS = {"rare_earths": "Rare Earths", "platinum_group_metals": "Platinum-Group Metals"}


def _critical_2018() -> list[dict]:
    rel = str(CRITICAL_2018_CSV.relative_to(REFERENCE_DIR.parent.parent))
    table = pd.read_csv(CRITICAL_2018_CSV, dtype=str, keep_default_na=False)
    out = []
    for i, r in table.iterrows():
        line = i + 2
        cid = commodity_id(r["name_published"], file=rel, column="name_published", row=line)
        if cid != r["commodity_id"]:
            raise ExtractError(rel, f"commodity_id {r['commodity_id']!r} disagrees with the vocabulary ({cid!r})", column="commodity_id", row=line)
        out.append({
            "list_year": 2018, "commodity_id": cid, "name_published": r["name_published"],
            "is_group": r["is_group"] == "true", "group_id": r["group_id"] or None, "counts_toward_list": True,
            "source": r["citation"], "source_editions": None, "source_file": rel, "source_row": line,
        })
    return out


def _critical_2022(raw: Path) -> list[dict]:
    entries: dict[str, dict] = {}
    for edition in WIDE_EDITIONS:
        rel = f"usgs-mcs-{edition}/industry-trends/MCS{edition}_T4_Critical_Minerals_End_Use.csv"
        header, rows = _read_rows(raw, rel, "utf-8-sig")
        names = [h.strip() for h in header]
        if "Critical Mineral" not in names or "Category_Note" not in names:
            raise ExtractError(rel, f"expected columns 'Critical Mineral' and 'Category_Note'; found {names}", row=1)
        ci, ni = names.index("Critical Mineral"), names.index("Category_Note")
        for line, cells in rows:
            cells = cells + [""] * (len(names) - len(cells))
            published = cells[ci].strip()
            cid = commodity_id(published, file=rel, column="Critical Mineral", row=line)
            note = cells[ni]
            group = next((g for g, label in GROUPS.items() if label.lower() in note.lower()), None)
            if cid in entries:
                entries[cid]["source_editions"] += f";{edition}"
                continue
            entries[cid] = {
                "list_year": 2022, "commodity_id": cid, "name_published": published, "is_group": False,
                "group_id": group, "counts_toward_list": True,
                "source": f"USGS MCS {edition}, Table 4 (2022 final list of critical minerals)",
                "source_editions": str(edition), "source_file": rel, "source_row": line,
            }
    return list(entries.values())


def _critical_2025(long: pd.DataFrame) -> list[dict]:
    flag = long["Is critical mineral 2025"].str.strip()
    bad = ~flag.isin(["Yes", "No", ""])
    # One row (Yttrium world total, 2025) is shifted one column right: its flag sits in
    # Notes and its `Other notes` text in the flag column. Read it from Notes there.
    shifted = bad & long["Notes"].str.strip().isin(["Yes", "No"])
    flag = flag.where(~shifted, long["Notes"].str.strip())
    still_bad = bad & ~shifted
    if still_bad.any():
        r = long[still_bad].iloc[0]
        raise ExtractError(LONG_FILE, f"critical-mineral flag {r['Is critical mineral 2025']!r} is not Yes/No", column="Is critical mineral 2025", row=int(r["source_row"]))
    yes = long[flag == "Yes"]
    out: dict[str, dict] = {}
    for r in yes.itertuples(index=False):
        name = r.Commodity.strip()
        line = r.source_row
        cid = commodity_id(name, file=LONG_FILE, column="Commodity", row=line)
        if cid in out:
            continue
        chapter_group = {"RARE EARTHS": "rare_earths", "RARE EARTHS (Heavy)": "rare_earths",
                         "PLATINUM-GROUP METALS": "platinum_group_metals"}.get(r._0.strip())
        is_group = cid in ("rare_earths", "rare_earths_heavy", "platinum_group_metals", "zirconium_and_hafnium")
        out[cid] = {
            "list_year": 2025, "commodity_id": cid, "name_published": name, "is_group": is_group,
            "group_id": None if is_group else chapter_group, "counts_toward_list": None,
            "source": "USGS MCS 2026 data release, column 'Is critical mineral 2025'",
            "source_editions": str(LONG_EDITION), "source_file": LONG_FILE, "source_row": line,
        }
    return list(out.values())


# ---------------------------------------------------------------------------------------
# T5: leading producer share of each critical mineral
# ---------------------------------------------------------------------------------------
def _fig3(raw: Path, edition: int) -> list[dict]:
    """USGS's own count of commodities per import-source country (Fig. 3). Recounting it
    from Fig. 2 gives different numbers for some countries (Canada: 22 lines of Fig. 2
    against the published 21), so a claim that cites the figure is tested against it."""
    rel = f"usgs-mcs-{edition}/industry-trends/MCS{edition}_Fig3_Major_Import_Sources.csv"
    if not (raw / rel).is_file():
        return []
    header, rows = _read_rows(raw, rel, "utf-8-sig")
    names = [h.strip() for h in header]
    need = ["Source", "Country", "Commodity_Count", "Map_Class"]
    missing = [n for n in need if n not in names]
    if missing:
        raise ExtractError(rel, f"missing columns {missing}", row=1)
    idx = {n: i for i, n in enumerate(names)}
    recs = []
    for line, cells in rows:
        cells = cells + [""] * (len(names) - len(cells))
        count = cells[idx["Commodity_Count"]].strip()
        if not re.fullmatch(r"\d+", count):
            raise ExtractError(rel, f"count {count!r} is not a whole number", column="Commodity_Count", row=line)
        recs.append({"edition": edition, "source_label": cells[idx["Source"]].strip(),
                     "country_name_source": cells[idx["Country"]], "commodity_count": int(count),
                     "map_class": cells[idx["Map_Class"]].strip(), "source_file": rel, "source_row": line})
    if not recs:
        return []
    frame = pd.DataFrame(recs)
    places = harmonise(frame["country_name_source"], file=rel, column="Country", rows=frame["source_row"])
    frame["country_name"] = places["country_name"]
    frame["country_iso3"] = places["country_iso3"]
    frame["is_aggregate"] = places["is_aggregate"].astype(bool)
    frame["country_name_source"] = frame["country_name_source"].str.strip()
    return frame.to_dict("records")


def _t5(raw: Path, edition: int) -> list[dict]:
    rel = f"usgs-mcs-{edition}/industry-trends/MCS{edition}_T5_Critical_Minerals_Salient.csv"
    if not (raw / rel).is_file():
        return []
    header, rows = _read_rows(raw, rel, "utf-8-sig")
    names = [h.strip() for h in header]
    need = ["Year", "Critical_mineral", "Net_Import_Reliance", "Primary_import_source", "Import_source_notes",
            "Leading_source_country", "Leading_country_prod", "World_total_prod", "World_prod_notes",
            "Leading_source_precent_world"]
    missing = [n for n in need if n not in names]
    if missing:
        raise ExtractError(rel, f"missing columns {missing}", row=1)
    idx = {n: i for i, n in enumerate(names)}
    recs = []
    for line, cells in rows:
        cells = cells + [""] * (len(names) - len(cells))
        get = lambda n: cells[idx[n]]  # noqa: E731
        m = re.fullmatch(r"(\d{4})(?:_estimated)?", get("Year").strip())
        if not m:
            raise ExtractError(rel, f"year {get('Year')!r} not understood", column="Year", row=line)
        published = get("Critical_mineral").strip()
        cid = commodity_id(published, file=rel, column="Critical_mineral", row=line)
        nir = _parse_cell(get("Net_Import_Reliance"), file=rel, column="Net_Import_Reliance", row=line)
        recs.append({
            "edition": edition, "year": int(m.group(1)), "commodity_id": cid, "name_published": published,
            "net_import_reliance_pct": nir.value, "net_import_reliance_original": get("Net_Import_Reliance").strip(),
            "net_import_reliance_flag": nir.flag, "primary_import_source": get("Primary_import_source").strip(),
            "leading_producer": get("Leading_source_country").strip(),
            "leading_producer_production": _parse_cell(get("Leading_country_prod"), file=rel, column="Leading_country_prod", row=line).value,
            "world_production": _parse_cell(get("World_total_prod"), file=rel, column="World_total_prod", row=line).value,
            "leading_producer_share_pct": _parse_cell(get("Leading_source_precent_world"), file=rel, column="Leading_source_precent_world", row=line).value,
            "import_source_notes": get("Import_source_notes").strip() or None,
            "world_production_notes": get("World_prod_notes").strip() or None,
            "source_file": rel, "source_row": line,
        })
    frame = pd.DataFrame(recs)
    if not frame.empty:
        rows_ = frame["source_row"]
        imp = harmonise(frame["primary_import_source"], file=rel, column="Primary_import_source", rows=rows_)
        # MCS 2024 prints "NA" (not available) where a mineral has no leading producer.
        lead = harmonise(frame["leading_producer"], file=rel, column="Leading_source_country", rows=rows_,
                         not_available=frozenset({"NA"}))
        frame["primary_import_source_iso3"] = imp["country_iso3"]
        frame["leading_producer_iso3"] = lead["country_iso3"]
    return frame.to_dict("records")


# ---------------------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------------------
def _frame(records: list[dict], table: str) -> pd.DataFrame:
    fields = RESOURCES[table]["fields"]
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
    key = RESOURCES[table]["primary_key"]
    dupes = frame[frame.duplicated(key, keep=False)]
    if len(dupes):
        first = dupes.iloc[0]
        raise ExtractError(str(first.get("source_file")), f"{table}: duplicate key {first[key].tolist()}",
                           row=int(first["source_row"]) if pd.notna(first.get("source_row")) else None)
    return frame.sort_values(key).reset_index(drop=True)


def extract(raw: Path) -> dict[str, pd.DataFrame]:
    """All five tables from a directory laid out like the mirror."""
    raw = Path(raw)
    # Load inputs
    long = _read_long(raw)
    corrections = load_unit_corrections()

    # Process data
    salient: list[dict] = []
    nir: list[dict] = []
    sources: list[dict] = []
    t5: list[dict] = []
    counts: list[dict] = []
    for edition in WIDE_EDITIONS:
        salient += _wide_salient(raw, edition, corrections)
        n, s = _fig2(raw, edition)
        nir += n
        sources += s
        t5 += _t5(raw, edition)
        counts += _fig3(raw, edition)
    salient += _long_salient(long, corrections)
    _unused(corrections)
    sources += _import_sources_2026(long)
    sources_frame = pd.DataFrame.from_records(sources)
    nir += _nir_2026(long, sources_frame)
    critical = _critical_2018() + _critical_2022(raw) + _critical_2025(long)

    # Save outputs (the caller writes them)
    return {
        "core_usgs_mcs__us_salient": _frame(salient, "core_usgs_mcs__us_salient"),
        "core_usgs_mcs__net_import_reliance": _frame(nir, "core_usgs_mcs__net_import_reliance"),
        "core_usgs_mcs__import_sources": _frame(sources, "core_usgs_mcs__import_sources"),
        "core_usgs_mcs__critical_minerals": _frame(critical, "core_usgs_mcs__critical_minerals"),
        "core_usgs_mcs__critical_minerals_salient": _frame(t5, "core_usgs_mcs__critical_minerals_salient"),
        "core_usgs_mcs__import_source_counts": _frame(counts, "core_usgs_mcs__import_source_counts"),
    }
