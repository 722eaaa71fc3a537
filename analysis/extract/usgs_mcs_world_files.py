"""Reading the USGS Mineral Commodity Summaries world tables (production, capacity, reserves)
of editions 2023-2026, for analysis.extract.usgs_mcs_world.

Why four readers: the same table has been published four different ways.

* 2023, 2024: one CSV per commodity (`world/mcs202X-<code>_world.csv`), wide, with the unit,
  the year and "estimated" folded into each column name (`Prod_t_est_2022`, `Prod_kt_2022`,
  `Reserves_ore_K2O_equiv_kt`, `Cap_Sponge_t_2021`), the commodity only in the XML title
  beside it, spelled-out symbols ("Less than ½ unit.") and trailing empty columns and rows.
  The 2024 release was re-issued (ver. 2.0) with unit corrections in column names; the
  mirror holds the corrected files, so those corrections need no erratum.
* 2025: one wide CSV for all commodities with a unit column, column names with a space
  (`PROD_EST_ 2024`) and blanks where earlier files wrote "W".
* 2026: one long cp1252 CSV for the whole book; the world tables are its "World …" sections.

Everything becomes one long table per measure, values normalised to metric tons (mass) or
to the base of their native unit (carats, m3, litres), the published cell kept beside it.

Units are read in this order, because the published label is sometimes wrong:
1. the unit the release states for the table in its own notes (2023 chromium
   `Prod_notes` "Units are thousand metric tons, ..." beside a `Prod_t_2021` column; 2025
   `RESERVE_NOTES` "(Reserve data is thousand metric tons)." or "Crude Ore, million metric
   tons" while `UNIT_MEAS` describes production);
2. a reviewed correction in `data/reference/unit_corrections.csv` (read and validated once,
   for this extract and the salient one, by analysis.extract.corrections), where the published label
   is contradicted by the neighbouring editions and by the release's own metadata or text
   (mcs2024-selen `Reserves_kt`, whose XML metadata names the column `Reserves_t`);
3. the published label (column-name token, `UNIT_MEAS`, `Unit`).
`unit_original` always keeps the label; `unit_read` is the unit the cell was converted from
and `unit_correction_id` says why it differs. The validation
`usgs_mcs_world__unit_jumps_between_editions` stops the next such error.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import ExtractError
from analysis.extract import corrections, quirks
from analysis.extract.commodities import mcs_chapter_id
from analysis.extract.countries import harmonise
from analysis.extract.readers import check_columns, csv_records, read_text

WORLD_2026_FILE = corrections.BOOK_FILE_2026

# Unit tokens in 2023/2024 column names -> the unit as published (normalised with the factors
# of UNIT_STRINGS below, the one vocabulary shared with the salient extract).
# "Mt", "mt" and "mmt" are million metric tons in these files (iron ore, iron and steel):
# the 2023 iron-ore file says Reserves_Mt and the 2024 one Reserves_mt for the same series.
COLUMN_UNITS = {
    "t": "metric tons", "kt": "thousand metric tons", "Mt": "million metric tons", "mt": "million metric tons",
    "mmt": "million metric tons", "kg": "kilograms", "kct": "thousand carats", "mct": "million carats",
    "mcm": "million cubic meters",
}
# Unit strings of the 2025 and 2026 files -> (normalised unit, factor): the world tables'
# part of the one unit vocabulary shared with the salient extract (analysis.extract.corrections).
UNIT_STRINGS = {u: corrections.UNITS[u] for u in corrections.WORLD_UNITS}

# Units a release states in a note, longest first so that "thousand metric tons" is never
# read as "metric tons". 2023/2024 note columns: "Units are thousand metric tons, gross
# weight, ..." (chromium). 2025 RESERVE_NOTES: "(Reserve data is thousand metric tons)."
# (molybdenum, vanadium: on a few rows only, yet about the whole table) and "Crude Ore,
# million metric tons" (iron ore). A number in the note ("Joint Ore Reserves Committee-
# compliant reserves were 1.6 billion tons") makes it a quantity, not the table's unit.
_NOTE_UNITS = "|".join(re.escape(u) for u in sorted(UNIT_STRINGS, key=len, reverse=True))
_NOTE_UNIT_PATTERNS = (
    re.compile(rf"^\s*units are (?P<unit>{_NOTE_UNITS})\b", re.I),
    re.compile(rf"^\s*(?:NA\s*)?\(?\s*(?:reserve|production|capacity) data (?:is|are) (?:in )?(?P<unit>{_NOTE_UNITS})"
               rf"\s*\)?\s*\.?\s*\)?\s*\.?\s*$", re.I),
    re.compile(rf"^\s*[a-z][a-z ]*,\s*(?P<unit>{_NOTE_UNITS})\s*$", re.I),
)


def note_unit(note: str) -> str | None:
    """The table unit a release note states ("Units are thousand metric tons, ..."), or None."""
    text = str(note or "").replace("\u00a0", " ").strip()
    if not text or re.search(r"\d", text):
        return None
    for pattern in _NOTE_UNIT_PATTERNS:
        m = pattern.match(text)
        if m:
            return m.group("unit").lower()
    return None

COLUMNS = [
    "edition", "commodity_id", "commodity_name", "stage", "product", "country_name",
    "country_iso3", "is_aggregate", "aggregate_kind", "country_name_source", "year", "value",
    "unit", "value_original", "unit_original", "value_flag", "is_estimate", "value_low",
    "value_high", "source_file", "source_row", "errata_id", "unit_read", "unit_correction_id",
]
RESERVE_COLUMNS = COLUMNS  # same shape; `stage` is always "reserves", `year` the reserves year

# --------------------------------------------------------------------------- labels
_STAGE_RULES = [  # first match wins
    ("capacity", re.compile(r"capacity", re.I)),
    ("smelter", re.compile(r"smelter", re.I)),
    ("refinery", re.compile(r"refinery|refined", re.I)),
    ("mine", re.compile(r"\bmi?ne\b|\bmining\b", re.I)),
    ("plant", re.compile(r"\bplant\b", re.I)),
    ("primary", re.compile(r"\bprimary\b", re.I)),
]
_LABEL_NOISE = re.compile(
    r"\b(world total|world|(yearend )?(operating )?capacity|smelter|refinery|mine|mne|plant|primary and secondary|primary|"
    r"production|poduction|estimated|rounded|reserves?|thousand metric dry tons|thousand metric tons|million metric tons|"
    r"metric dry tons|metric tons|dry tons|thousand carats|in thousand|kilograms|million liters)\b",
    re.I,
)
_PUNCT = re.compile(r"[\s,;:.\-–—()]+")


def split_label(label: str, *, capacity: bool = False) -> tuple[str, str]:
    """(stage, product) from a statistic label such as 'Mine production, contained cobalt'."""
    text = str(label).replace("\u00a0", " ").strip()
    stage = "capacity" if capacity else None
    if stage is None:
        for name, pattern in _STAGE_RULES[1:]:  # a production column is never capacity
            if pattern.search(text):
                stage = name
                break
        else:
            stage = "production"
    product = _LABEL_NOISE.sub(" ", text)
    product = re.sub(r"\(\s*\)", " ", product)
    product = _PUNCT.sub(" ", product).strip().lower()
    return stage, product


_QUALIFIER_DROP = re.compile(r"\b(rounded|excluding\b.*|includes?\b.*)$", re.I)


@functools.lru_cache(maxsize=None)
def _country_qualifier(raw: str) -> str:
    """Product words hidden in a country cell: '(from Cliffside Field)', ', natural'.

    'Congo (Kinshasa)' is a name, not a qualifier: for countries the words count only when
    the name without them is the same country."""
    from analysis.extract.countries import _lookup, clean_name
    name = clean_name(raw)
    m = re.match(r"^(?P<base>[^(,]+?)\s*(?:\((?P<paren>[^)]*)\))?\s*(?:,\s*(?P<tail>.*))?$", name)
    if not m:
        return ""
    full = _lookup(name)
    # For a country only a parenthesis can qualify ("Korea, Republic of" is a name).
    parts = [x for x in ((m.group("paren"), m.group("tail")) if full[2] else (m.group("paren"),)) if x]
    words = []
    for part in parts:
        for piece in part.split(","):
            piece = _QUALIFIER_DROP.sub("", piece.strip()).strip(" .")
            if piece:
                words.append(piece.lower())
    if not words:
        return ""
    base = _lookup(m.group("base").strip())
    if full[2] is None and (base[0] is None or base[0] != full[0]):
        return ""
    return " ".join(words)


# --------------------------------------------------------------------------- values
def _parse_cells(long: pd.DataFrame) -> pd.DataFrame:
    """Parse published cells once per distinct string (the files repeat few strings); an
    unreadable cell is reported at its first occurrence."""
    parsed_unique = {}
    for text in long["value_original"].unique():
        try:
            parsed_unique[text] = quirks.parse_value(text)
        except quirks.UnparseableValue as exc:
            r = long[long["value_original"] == text].iloc[0]
            raise ExtractError(r["source_file"], str(exc), column=r["column"], row=int(r["source_row"])) from None
    parsed = long["value_original"].map(parsed_unique)
    return pd.DataFrame({
        "value": parsed.map(lambda p: p.value).astype("float64"),
        "value_flag": parsed.map(lambda p: p.flag).astype("string"),
        "is_estimate_cell": parsed.map(lambda p: p.is_estimate).astype(bool),
        "value_low": parsed.map(lambda p: p.low).astype("float64"),
        "value_high": parsed.map(lambda p: p.high).astype("float64"),
    }, index=long.index)


def _countries(long: pd.DataFrame, column: str) -> pd.DataFrame:
    """harmonise() over distinct names; an unknown name is reported at its first occurrence."""
    first = long.drop_duplicates("country_raw")
    table = harmonise(first["country_raw"], file=first["source_file"], column=column, rows=first["source_row"])
    table.index = first["country_raw"].to_numpy()
    return table.loc[long["country_raw"]].set_axis(long.index)


def _read_csv(path: Path, rel: str, encoding: str) -> pd.DataFrame:
    """Every cell as text, `source_row` the record's line in the file; quotes, field
    counts and encoding checked strictly (a located error, never a guess)."""
    header, records = csv_records(read_text(path, rel, encoding), rel)
    dupes = sorted({c for c in header if header.count(c) > 1 and c.strip()})
    if dupes:
        raise ExtractError(rel, f"column {dupes[0]!r} appears twice in the header", column=dupes[0], row=1)
    header = [c if c.strip() else f"Unnamed: {i}" for i, c in enumerate(header)]
    rows, lines = [], []
    for line, cells in records:
        if not cells:
            continue  # a blank line
        if len(cells) > len(header):
            raise ExtractError(rel, f"{len(cells)} fields, the header has {len(header)} (a stray quote or comma?)", row=line)
        rows.append(cells + [None] * (len(header) - len(cells)))
        lines.append(line)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["source_row"] = np.array(lines, dtype="int64")
    return frame


def _drop_empty_columns(frame: pd.DataFrame, rel: str) -> pd.DataFrame:
    """Trailing unnamed columns are an export artefact. They may hold note text that spilled
    over (mcs2024-vermi) or an exact copy of a named column (mcs2024-barit repeats
    Reserves_kt), but a number there that is not a copy would be lost, so it is an error."""
    named = [c for c in frame.columns if not (c.startswith("Unnamed:") or c.strip() == "") and c != "source_row"]
    for col in [c for c in frame.columns if c.startswith("Unnamed:") or c.strip() == ""]:
        filled = frame[col].str.strip() != ""
        if not filled.any():
            frame = frame.drop(columns=col)
            continue
        bare = frame[col].str.replace(r"[,\s]", "", regex=True)
        copy = any(bare.equals(frame[n].str.replace(r"[,\s]", "", regex=True)) for n in named)
        def numeric(text: str) -> bool:
            try:
                p = quirks.parse_value(text)
            except quirks.UnparseableValue:
                return False  # overflowing note text (mcs2024-vermi), not a value
            return p.value is not None or p.low is not None or p.high is not None
        filled = filled & frame[col].map(numeric)
        if filled.any() and not copy:
            raise ExtractError(rel, f"unnamed column holds a value {frame.loc[filled.idxmax(), col]!r}",
                               column=col, row=int(frame.loc[filled.idxmax(), "source_row"]))
        frame = frame.drop(columns=col)
    return frame


def _require(frame: pd.DataFrame, rel: str, columns: list[str]) -> None:
    for col in columns:
        if col not in frame.columns:
            raise ExtractError(rel, f"expected column is missing (columns are {list(frame.columns)})", column=col)


# --------------------------------------------------------------------------- 2023, 2024
_VALUE_COLUMN = re.compile(r"^(?P<measure>Prod|Cap|Reserves)_(?P<rest>.+)$", re.I)
_NOTE_COLUMN = re.compile(r"^(Prod|Cap|Reserves)_notes?$", re.I)
_TITLE = re.compile(r"<title>\s*Mineral Commodity Summaries \d{4} - (.+?) Data Release\s*</title>")


def _parse_value_column(col: str, edition: int, rel: str) -> dict | None:
    m = _VALUE_COLUMN.match(col.strip())
    if not m or re.search(r"notes?$", col, re.I):
        return None
    tokens = m.group("rest").split("_")
    unit = [t for t in tokens if t in COLUMN_UNITS]
    years = [t for t in tokens if re.fullmatch(r"\d{4}", t)]
    if len(unit) != 1:
        raise ExtractError(rel, "cannot tell the unit from the column name", column=col)
    measure = m.group("measure").lower()
    estimate = any(t.lower() == "est" for t in tokens)
    qualifier = [t for t in tokens if t not in unit and t not in years and t.lower() != "est"]
    if measure != "reserves" and not years:
        raise ExtractError(rel, "cannot tell the year from the column name", column=col)
    year = int(years[0]) if years else edition - 1
    return {"measure": {"prod": "production", "cap": "capacity"}.get(measure, "reserves"),
            "unit_token": unit[0], "is_estimate_col": estimate, "year": year,
            "qualifier": " ".join(qualifier).replace("equiv", "equivalent").lower()}


def _code(filename: str) -> str:
    return re.match(r"mcs\d{4}-([a-z]{1,5})", filename.lower()).group(1)


def _commodity_title(xml: Path, rel: str) -> str:
    try:
        text = xml.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise ExtractError(rel, "metadata file beside the world CSV is missing") from None
    m = _TITLE.search(text)
    if not m:
        raise ExtractError(rel, "no 'Mineral Commodity Summaries YYYY - <COMMODITY> Data Release' title")
    return m.group(1).strip()


def _extract_percommodity(raw: Path, edition: int) -> pd.DataFrame:
    folder = raw / f"usgs-mcs-{edition}" / "world"
    files = sorted(folder.glob("*_world.csv"), key=lambda p: p.name.lower())
    if not files:
        raise ExtractError(f"usgs-mcs-{edition}/world", "no *_world.csv files")
    # The commodity is named only in the metadata beside each CSV, matched on the five-letter
    # code (file names differ in case and suffix: MCS2024-bismu, mcs2023-zirco-hafni).
    metadata = {_code(p.name): p for p in folder.glob("*_meta.xml")}
    parts = []
    for path in files:
        rel = f"usgs-mcs-{edition}/world/{path.name}"
        xml = metadata.get(_code(path.name))
        if xml is None:
            raise ExtractError(rel, "no *_meta.xml with the same commodity code beside this file")
        xml_rel = f"usgs-mcs-{edition}/world/{xml.name}"
        name = _commodity_title(xml, xml_rel)
        chapter = mcs_chapter_id(name, file=xml_rel, column="title")
        frame = _drop_empty_columns(_read_csv(path, rel, "utf-8-sig"), rel)
        type_col = "Type" if "Type" in frame.columns else frame.columns[2]  # fluorspar 2024 names it by its label
        _require(frame, rel, ["Source", "Country"])
        value_cols = {c: spec for c in frame.columns if (spec := _parse_value_column(c, edition, rel))}
        if not value_cols:
            raise ExtractError(rel, "no Prod_/Cap_/Reserves_ value columns")
        check_columns(rel, [c for c in frame.columns if c != "source_row"],
                      lambda c: c in ("Source", "Country", type_col) or c in value_cols or bool(_NOTE_COLUMN.match(c.strip())))
        # Trailing empty rows (all cells blank) are an export artefact.
        cells = frame[[c for c in frame.columns if c != "source_row"]].apply(lambda s: s.str.strip())
        frame = frame[(cells != "").any(axis=1)]
        long = frame.melt(id_vars=["Country", "source_row"], value_vars=list(value_cols),
                          var_name="column", value_name="value_original")
        long["label"] = np.tile(frame[type_col].to_numpy(), len(value_cols))  # melt stacks column by column
        long["value_original"] = long["value_original"].str.strip()
        long = long[long["value_original"] != ""]
        missing_country = long["Country"].str.strip() == ""
        if missing_country.any():
            r = long[missing_country].iloc[0]
            raise ExtractError(rel, "value without a country", column="Country", row=int(r["source_row"]))
        spec = pd.DataFrame([value_cols[c] for c in long["column"]], index=long.index)
        long = pd.concat([long, spec], axis=1)
        long["commodity_name"] = name
        long["commodity_id"] = chapter
        long["source_file"] = rel
        long["unit_original"] = long["unit_token"].map(lambda t: COLUMN_UNITS[t])
        long["unit_column"] = long["column"]
        _start_units(long)
        # A note column (Prod_notes, Reserves_notes) may state the unit of its measure's
        # columns: "Units are thousand metric tons, ..." under Prod_t_2021 (mcs2023-chrom).
        notes = frame.set_index("source_row")
        for col in notes.columns:
            m = _NOTE_COLUMN.match(col.strip())
            if m:
                measure = {"prod": "production", "cap": "capacity"}.get(m.group(1).lower(), "reserves")
                _apply_note_units(long, long["source_row"].map(notes[col]), long["measure"] == measure,
                                  [], rel, col)
        parts.append(long.rename(columns={"Country": "country_raw"}))
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- 2025
_COL25 = re.compile(r"^(?P<measure>PROD|CAP|RESERVES)_(?P<est>EST_)?\s*(?P<year>\d{4})$")


def _extract_2025(raw: Path) -> pd.DataFrame:
    rel = "usgs-mcs-2025/world/MCS2025_World_Data.csv"
    frame = _drop_empty_columns(_read_csv(raw / rel, rel, "utf-8-sig"), rel)
    _require(frame, rel, ["COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", "PROD_NOTES"])
    value_cols = {c: m for c in frame.columns if (m := _COL25.match(c.strip()))}
    if not {"PROD", "RESERVES"} <= {m.group("measure") for m in value_cols.values()}:
        raise ExtractError(rel, "expected PROD_<year> and RESERVES_<year> columns", column="PROD_*")
    note_cols = [c for c in ("PROD_NOTES", "CAP_NOTES", "RESERVE_NOTES") if c in frame.columns]
    check_columns(rel, [c for c in frame.columns if c != "source_row"],
                  lambda c: c in ("COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", *note_cols) or c in value_cols)
    long = frame.melt(id_vars=["COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", *note_cols, "source_row"],
                      value_vars=list(value_cols), var_name="column", value_name="value_original")
    long["value_original"] = long["value_original"].str.strip()
    # This file leaves withheld cells blank. A blank is kept as "withheld" only where the
    # row's production note says so ("W for 23-24"); other blanks are cells the table does
    # not fill (no capacity column for a mine, no reserves for a country) and are dropped.
    withheld = (long["value_original"] == "") & long["column"].str.startswith("PROD") \
        & long["PROD_NOTES"].str.contains(r"\bW\b", regex=True)
    long.loc[withheld, "value_original"] = "W"
    # A production row with no number at all is a producer listed without data: the United
    # States row is withheld (MCS 2024 and 2026 print "W" there), the others "NA" (germanium:
    # the 2024 file prints NA for every country). Capacity- and reserves-only rows are skipped.
    prod_cols = [c for c, m in value_cols.items() if m.group("measure") in ("PROD", "CAP")]
    row_blank = frame.set_index("source_row")[prod_cols].apply(lambda c: c.str.strip() == "").all(axis=1)
    label_ok = ~long["TYPE"].str.contains(r"capacity|^\s*reserves", case=False, regex=True)
    empty_row = long["source_row"].map(row_blank) & long["column"].str.startswith("PROD") & label_ok \
        & (long["value_original"] == "")
    is_us = long["COUNTRY"].str.replace("\u00a0", " ").str.strip().str.startswith("United States")
    long.loc[empty_row & is_us, "value_original"] = "W"
    long.loc[empty_row & ~is_us, "value_original"] = "NA"
    long = long[long["value_original"] != ""].copy()
    m = [value_cols[c] for c in long["column"]]
    long["measure"] = [{"PROD": "production", "CAP": "capacity", "RESERVES": "reserves"}[x.group("measure")] for x in m]
    long["year"] = [int(x.group("year")) for x in m]
    long["is_estimate_col"] = [bool(x.group("est")) for x in m]
    # The potash row "Reserves, recoverable ore" carries reserves only; its label is the product.
    # UNIT_MEAS is one unit per row for production, capacity and reserves alike; where a
    # commodity's reserves are in another unit the release says so in RESERVE_NOTES, on one
    # or a few of its rows: "(Reserve data is thousand metric tons)." (molybdenum on 4 of
    # 17 rows, vanadium on the world total only), "Crude Ore, million metric tons" (iron ore).
    _unit_and_commodity(long, rel, unit="UNIT_MEAS", name="COMMODITY", commodity="COMMODITY")
    long["source_file"] = rel
    for col, measure in (("PROD_NOTES", "production"), ("CAP_NOTES", "capacity"), ("RESERVE_NOTES", "reserves")):
        if col in long.columns:
            _apply_note_units(long, long[col], long["measure"] == measure, ["commodity_id"], rel, col)
    return long.rename(columns={"COUNTRY": "country_raw", "TYPE": "label"})


def _start_units(long: pd.DataFrame) -> None:
    long["unit_read"] = long["unit_original"]
    long["unit_correction_id"] = pd.Series(pd.NA, index=long.index, dtype="object")


def _apply_note_units(long: pd.DataFrame, notes: pd.Series, mask: pd.Series, scope: list[str], rel: str,
                      note_column: str) -> None:
    """Read the unit a note states for a table into every row of that table (the rows of
    `mask`, per `scope`); two different units stated for one table stop the extract."""
    stated = notes.where(mask).map(note_unit, na_action="ignore")
    sub = long[mask]
    groups = sub.groupby(scope).groups.values() if scope else [sub.index]
    for idx in groups:
        units = stated.loc[idx].dropna().unique()
        if len(units) == 0:
            continue
        if len(units) > 1:
            r = long.loc[idx].iloc[0]
            raise ExtractError(rel, f"notes state different units {sorted(units)} for one table", column=note_column,
                               row=int(r["source_row"]))
        target = [i for i in idx if long.at[i, "unit_read"] != units[0]]
        long.loc[target, "unit_read"] = units[0]
        long.loc[target, "unit_correction_id"] = f"note:{note_column.strip()}"


def apply_unit_corrections(long: pd.DataFrame, edition: int,
                           rows: tuple[corrections.UnitCorrection, ...]) -> set[str]:
    """Read the cells of a reviewed unit correction in `unit_corrected`; `unit_original` keeps
    the label. A correction of this edition that matches no row, or that overrides a unit the
    release states in a note, stops the extract. Returns the ids applied."""
    used: set[str] = set()
    for c in rows:
        if c.edition != edition:
            continue
        where = dict(column="correction_id", row=c.line)
        match = (long["source_file"] == c.source_file) & (long["unit_column"].str.strip() == c.column) \
            & (long["commodity_id"] == c.commodity_id) & (long["unit_original"] == c.unit_published)
        if c.measure:
            match &= long["measure"] == c.measure
        if not match.any():
            raise ExtractError(c.file, f"unit correction {c.correction_id} matches no row", **where)
        if long.loc[match, "unit_correction_id"].notna().any():
            raise ExtractError(c.file, f"unit correction {c.correction_id} overrides a unit the release states in a note",
                               **where)
        long.loc[match, "unit_read"] = c.unit_corrected
        long.loc[match, "unit_correction_id"] = c.correction_id
        used.add(c.correction_id)
    return used


def _resolve_units(long: pd.DataFrame) -> None:
    """Normalised unit and conversion factor from `unit_read`."""
    unit = long["unit_read"]
    bad = ~unit.isin(list(UNIT_STRINGS))
    if bad.any():
        r = long[bad].iloc[0]
        problem = "value without a unit" if r["unit_read"] == "" else f"unknown unit {r['unit_read']!r}"
        raise ExtractError(r["source_file"], problem, column=str(r["unit_column"]).strip(), row=int(r["source_row"]))
    long["unit"] = unit.map(lambda u: UNIT_STRINGS[u][0])
    long["factor"] = unit.map(lambda u: UNIT_STRINGS[u][1])


def _unit_and_commodity(long: pd.DataFrame, rel: str, *, unit: str, name: str, commodity: str) -> None:
    """The published unit and the commodity of a one-file layout (2025, 2026), where both
    are columns of the file rather than parts of the column names."""
    long["qualifier"] = ""
    long["unit_original"] = long[unit].str.strip()
    long["unit_column"] = unit
    _start_units(long)
    long["commodity_name"] = long[name].str.strip()
    long["commodity_id"] = _map_chapter(long[commodity], long["source_row"], rel, commodity)


def _map_chapter(names: pd.Series, rows: pd.Series, rel: str, column: str) -> pd.Series:
    cache: dict[str, str] = {}
    out = []
    for n, r in zip(names, rows):
        if n not in cache:
            cache[n] = mcs_chapter_id(n, file=rel, column=column, row=int(r))
        out.append(cache[n])
    return pd.Series(out, index=names.index, dtype="string")


# --------------------------------------------------------------------------- 2026
_ROUNDED = re.compile(r"[:,]?\s*rounded\s*$", re.I)


def _extract_2026(raw: Path) -> pd.DataFrame:
    rel = WORLD_2026_FILE
    frame = _read_csv(raw / rel, rel, "cp1252")
    need = ["MCS chapter", "Section", "Commodity", "Country", "Statistics", "Statistics_detail", "Unit", "Year", "Value"]
    _require(frame, rel, need)
    check_columns(rel, [c for c in frame.columns if c != "source_row"], {*need, "Notes"})
    frame = frame[frame["Section"].str.strip().str.startswith("World")].copy()
    measure = frame["Statistics"].str.strip().str.lower()
    bad = ~measure.isin(["production", "reserves", "capacity"])
    if bad.any():
        r = frame[bad].iloc[0]
        raise ExtractError(rel, f"unexpected statistic {r['Statistics']!r} in a world section", column="Statistics",
                           row=int(r["source_row"]))
    frame["measure"] = measure
    year = pd.to_numeric(frame["Year"].str.strip(), errors="coerce")
    if year.isna().any():
        r = frame[year.isna()].iloc[0]
        raise ExtractError(rel, f"year {r['Year']!r} is not a year", column="Year", row=int(r["source_row"]))
    frame["year"] = year.astype(int)
    frame["value_original"] = frame["Value"].str.strip()
    empty = frame["value_original"] == ""
    if empty.any():
        r = frame[empty].iloc[0]
        raise ExtractError(rel, "empty value cell in a world section", column="Value", row=int(r["source_row"]))
    # The 2026 file states the estimate status in the note ("Estimated. -- ...").
    notes = frame["Notes"] if "Notes" in frame.columns else pd.Series("", index=frame.index)
    frame["is_estimate_col"] = notes.str.match(r"\s*Estimated\b")
    # The world table is identified by chapter; a chapter that splits into commodities
    # (platinum-group metals, bauxite and alumina, rare gases) keeps the commodity in the product.
    _unit_and_commodity(frame, rel, unit="Unit", name="MCS chapter", commodity="Commodity")
    detail = frame["Statistics_detail"].str.replace(_ROUNDED, "", regex=True)
    sub = frame["Commodity"].str.strip().str.lower()
    chapter = frame["MCS chapter"].str.strip().str.lower()
    needs_prefix = (sub != chapter) & ~pd.Series([s in d.lower() for s, d in zip(sub, detail)], index=frame.index)
    frame["label"] = detail.where(~needs_prefix, sub + ", " + detail)
    frame["source_file"] = rel
    return frame.rename(columns={"Country": "country_raw"})


# --------------------------------------------------------------------------- one edition
def _finish(long: pd.DataFrame, edition: int) -> pd.DataFrame:
    """Common tail: parse values, normalise units, countries, stage and product."""
    long = long.reset_index(drop=True)
    if "column" not in long:
        long["column"] = "Value"
    country_column = {2025: "COUNTRY"}.get(edition, "Country")
    long = pd.concat([long, _parse_cells(long), _countries(long, country_column)], axis=1)
    for col in ("value", "value_low", "value_high"):
        long[col] = long[col] * long["factor"]
    label = long["label"].fillna("").astype(str)
    staged = [split_label(lab, capacity=(m == "capacity")) for lab, m in zip(label, long["measure"])]
    long["stage"] = [s for s, _ in staged]
    product = pd.Series([p for _, p in staged], index=long.index)
    # A unit-bearing column qualifier (Cap_Sponge_t, Reserves_ore_K2O_equiv_kt) names the product
    # better than the row label, which in those files is a table title.
    qual = long["qualifier"].fillna("")
    product = product.where(qual == "", qual)
    # A qualifier in the country cell ("United States (from Cliffside Field)", "World total
    # (rutile, rounded)") is part of the product, not of the country.
    cq = long["country_raw"].map(_country_qualifier)
    agg = long["is_aggregate"]
    contained = pd.Series([q in p for q, p in zip(cq, product)], index=long.index)
    product = product.mask(agg & (cq != "") & ~contained, cq)
    product = product.mask(~agg & (cq != "") & ~contained, (product + " " + cq).str.strip())
    long["product"] = product
    long.loc[long["measure"] == "reserves", "stage"] = "reserves"
    long["is_estimate"] = long["is_estimate_cell"] | long["is_estimate_col"] | label.str.contains(r"\bestimated\b", case=False)
    # Aggregates get one canonical name each so that the key does not depend on how a
    # total was captioned ("World total (rounded)", "World total (rounded)10").
    kind = long["aggregate_kind"].fillna("")
    long["country_name"] = long["country_name"].mask(kind == "world_total", "World").mask(kind == "other_countries", "Other countries")
    long["edition"] = edition
    long["errata_id"] = pd.Series(pd.NA, index=long.index, dtype="string")
    return long


def _split(long: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    reserves = long["measure"] == "reserves"
    return long.loc[~reserves, COLUMNS], long.loc[reserves, RESERVE_COLUMNS]


def read_edition(raw: Path, edition: int, unit_corrections: list) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """One edition's world production and reserves rows, and the unit corrections it used."""
    if edition in (2023, 2024):
        long = _extract_percommodity(raw, edition)
    elif edition == 2025:
        long = _extract_2025(raw)
    else:
        long = _extract_2026(raw)
    used = apply_unit_corrections(long, edition, unit_corrections)
    _resolve_units(long)
    production, reserves = _split(_finish(long, edition))
    return production, reserves, used
