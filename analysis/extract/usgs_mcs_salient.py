"""USGS Mineral Commodity Summaries: US salient statistics, MCS 2023-2026.

Why this module reads two layouts: MCS 2023-2025 publish one wide CSV per commodity (units
inside the column names, which change per commodity and per vintage); MCS 2026 publishes
the salient rows in its one long file (read by analysis.extract.usgs_mcs_files). Both become
one long table with one vocabulary (commodity ids, normalised units, value flags), the
published text of every cell kept beside the number made from it.

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
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from analysis import metadata
from analysis.errors import ExtractError
from analysis.extract import corrections as unit_corrections
from analysis.extract.commodities import commodity_id
from analysis.extract.quirks import Parsed
from analysis.extract.usgs_mcs_files import LONG_EDITION, LONG_FILE, WIDE_EDITIONS
from analysis.extract.usgs_mcs_files import parse_cell, read_long, read_rows, read_year, typed_frame

TABLE = "core_usgs_mcs__us_salient"

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

RESOURCES = metadata.resources("usgs_mcs_salient")  # usgs_mcs_salient.meta.yml: the table, its key, fields, types


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


def _salient_files(raw: Path, edition: int) -> list[str]:
    """The edition's wide salient files that hold US salient statistics (NOT_SALIENT_FILES
    and MISALIGNED_FILES are left out, for the reasons recorded there)."""
    folder = raw / f"usgs-mcs-{edition}" / "salient"
    files = sorted(folder.glob("*_salient.csv"))
    if not files:
        raise ExtractError(f"usgs-mcs-{edition}/salient", "no *_salient.csv files found")
    rels = [path.relative_to(raw).as_posix() for path in files]
    return [rel for rel in rels if rel not in NOT_SALIENT_FILES and rel not in MISALIGNED_FILES]


def _column_fixes(raw: Path, rel: str, names: list[str], value_cols: list[tuple[int, str]],
                  parsed_cols: dict[int, tuple[str, str | None]], corrections: dict) -> dict[int, dict]:
    """The reviewed unit corrections that apply to this file, by column position, each checked
    against the unit the column name carries and, where its evidence cites it, the metadata.
    A correction names its column as published; where a name repeats in the header (MCS 2024
    nickel: "Price_dt dlb (both used)" twice, $/t then $/lb), as "<name> [n]"."""
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
    return fixes


def _checked_cells(rel: str, names: list[str], line: int, cells: list[str]) -> list[str]:
    """The row's cells, padded to the header; a value beyond the last column name, or under a
    column without a name, stops the extract (which column it belongs to cannot be told)."""
    if len(cells) > len(names):
        extra = [c for c in cells[len(names):] if c.strip()]
        if extra:
            raise ExtractError(rel, "row has more values than the header has columns", column=f"column {len(names) + 1} (no name)", row=line)
    for i, n in enumerate(names):
        if i >= 3 and not n and i < len(cells) and cells[i].strip():
            raise ExtractError(rel, f"value {cells[i]!r} under a column without a name", column=f"column {i + 1} (no name)", row=line)
    return cells + [""] * (len(names) - len(cells))


def _cell_unit(statistic: str, unit_token: str | None, fix: dict | None) -> tuple[str | None, float]:
    """(normalised unit, factor) of a cell: a reviewed correction first, then the column
    name's unit token; statistics whose unit is fixed (FIXED_UNIT) override both."""
    if fix is not None:
        unit, factor = LONG_UNITS[fix["unit_corrected"]]
    else:
        unit, factor = WIDE_UNITS.get(unit_token, (None, 1.0)) if unit_token else (None, 1.0)
    if statistic in FIXED_UNIT:
        unit, factor = FIXED_UNIT[statistic], 1.0
    return unit, factor


def _wide_salient(raw: Path, edition: int, corrections: dict | None = None) -> list[dict]:
    """One row per value cell of the edition's wide salient files, in four steps: which files,
    which columns and corrections, each row checked, each cell parsed with its unit."""
    corrections = {} if corrections is None else corrections
    out: list[dict] = []
    for rel in _salient_files(raw, edition):
        header, rows = read_rows(raw, rel, "utf-8-sig")
        names = [h.strip() for h in header]
        if names[:3] != ["DataSource", "Commodity", "Year"] and names[1:3] != ["Commodity", "Year"]:
            raise ExtractError(rel, f"expected columns DataSource, Commodity, Year; found {names[:3]}", column=names[0] if names else None, row=1)
        value_cols = [(i, n) for i, n in enumerate(names) if i >= 3 and n]
        parsed_cols = {i: _split_column(n) for i, n in value_cols}
        fixes = _column_fixes(raw, rel, names, value_cols, parsed_cols, corrections)
        file_flag = LABELS_MISALIGNED_FLAG if rel in LABELS_MISALIGNED else None
        seen: dict[tuple, int] = {}
        for line, cells in rows:
            cells = _checked_cells(rel, names, line, cells)
            name = cells[1].strip()
            cid = commodity_id(name, file=rel, column="Commodity", row=line)
            year = read_year(cells[2], file=rel, column="Year", row=line)
            for i, col in value_cols:
                statistic, unit_token = parsed_cols[i]
                original = cells[i]
                p = parse_cell(original, file=rel, column=col, row=line)
                fix = fixes.get(i)
                if fix is not None:
                    if fix["commodity_id"] != cid:
                        raise ExtractError(fix["file"], f"commodity {fix['commodity_id']!r}, but {rel} line {line} is {cid!r}", column="commodity_id", row=fix["line"])
                    fix["used"] += 1
                unit, factor = _cell_unit(statistic, unit_token, fix)
                key = (cid, name, col, year)
                seen[key] = seen.get(key, 0) + 1
                out.append(_salient_row(edition, cid, name, statistic, col, seen[key], year, p, factor, unit,
                                        original, unit_token or "", None, rel, line, quality_flag=file_flag,
                                        unit_correction_id=fix["correction_id"] if fix is not None else None))
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
# Salient rows of the MCS 2026 long file
# ---------------------------------------------------------------------------------------
def _long_salient(long: pd.DataFrame, corrections: dict | None = None) -> list[dict]:
    corrections = {} if corrections is None else corrections
    out: list[dict] = []
    sal = long[long["Section"].str.startswith("Salient Statistics")]
    seen: dict[tuple, int] = {}
    for r in sal.itertuples(index=False):
        line = r.source_row
        name = r.Commodity.strip()
        cid = commodity_id(name, file=LONG_FILE, column="Commodity", row=line)
        year = read_year(r.Year, file=LONG_FILE, column="Year", row=line)
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
        p = parse_cell(r.Value, file=LONG_FILE, column="Value", row=line, qmark_minus=True)
        key = (cid, name, detail, year)
        seen[key] = seen.get(key, 0) + 1
        estimate = r.Notes.strip().startswith("Estimated")
        out.append(_salient_row(LONG_EDITION, cid, name, statistic, detail, seen[key], year, p, factor, unit,
                                r.Value, unit_original, r.Notes.strip() or None, LONG_FILE, line, estimate,
                                unit_correction_id=correction_id))
    return out


# ---------------------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------------------
def extract(raw: Path) -> dict[str, pd.DataFrame]:
    """The salient table of the four editions from a directory laid out like the mirror."""
    raw = Path(raw)
    corrections = load_unit_corrections()
    salient: list[dict] = []
    for edition in WIDE_EDITIONS:
        salient += _wide_salient(raw, edition, corrections)
    salient += _long_salient(read_long(raw), corrections)
    _unused(corrections)
    return {TABLE: typed_frame(salient, TABLE, RESOURCES[TABLE])}
