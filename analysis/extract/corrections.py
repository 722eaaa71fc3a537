"""The reviewed unit corrections (`data/reference/unit_corrections.csv`), read once for every extract.

Why one module: the file serves two extracts (world tables in `usgs_mcs_world`, US salient
statistics in `usgs_mcs_salient`). When each read it on its own, each decided alone which
rows were its own, which units were allowed and which rows were malformed, so a row could
fall between the two and be ignored silently. Here the file is parsed and validated once,
every row is given to exactly one extract by the scope rule below, and each extract keeps
only what is its own business: how a correction finds its cells, and (salient files) the
cross-check against the release's `_meta.xml`.

Scope rule (`scope_of`), on `source_file` and `column`:

* `usgs-mcs-<edition>/world/...`: a world file (MCS 2023-2025) -> ``world``;
* `usgs-mcs-<edition>/salient/..._salient.csv` -> ``salient``;
* the MCS 2026 book file (`BOOK_FILE_2026`, world and salient sections in one long table):
  a row naming the `Unit` column -> ``world`` (the world extract reads that column for a
  whole commodity table; `measure` must then be production, capacity or reserves); a row
  naming anything else names the row's `Statistics_detail` -> ``salient``;
* anything else belongs to no extract and is an error.

Units: `UNITS` is the one vocabulary of unit names (as the releases, their metadata and this
file spell them) with the normalised unit and factor each stands for. The world tables are
mass, count or volume only (`WORLD_UNITS`); the salient statistics read every name but the
thousand-carat spellings, which only the world tables print (`SALIENT_UNITS`). A correction's
`unit_corrected` must be a unit its own extract reads.

Every correction must be used: `require_all_used` stops the extract on a row that matched no
cell (a stale correction is as wrong as a missing one).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ExtractError
from analysis.paths import REFERENCE_DIR, ROOT

UNIT_CORRECTIONS_CSV = REFERENCE_DIR / "unit_corrections.csv"
HEADER = ["correction_id", "edition", "source_file", "column", "measure", "commodity_id",
          "unit_published", "unit_corrected", "evidence"]
REQUIRED = ("correction_id", "edition", "source_file", "column", "commodity_id", "unit_corrected", "evidence")
BOOK_FILE_2026 = "usgs-mcs-2026/usgs_mcs2026_commodities_data.csv"
WORLD, SALIENT = "world", "salient"
WORLD_MEASURES = ("production", "capacity", "reserves")

LB_PER_T = 2204.62262185
SHORT_TON_T = 0.90718474
# Unit name -> (normalised unit, factor to multiply a value in that unit by).
UNITS: dict[str, tuple[str | None, float]] = {
    "metric tons": ("t", 1.0), "tons": ("t", 1.0), "thousand metric tons": ("t", 1e3),
    "thousand metric dry tons": ("t", 1e3), "million metric tons": ("t", 1e6), "kilograms": ("t", 1e-3),
    "thousand carats": ("carat", 1e3), "thousands of carats": ("carat", 1e3), "million carats": ("carat", 1e6),
    "million cubic meters": ("m3", 1e6), "million liters": ("l", 1e6),
    "million dollars": ("usd", 1e6), "number": ("count", 1.0), "percent": ("pct", 1.0),
    "cents per pound": ("usd_per_t", LB_PER_T / 100), "dollars per metric ton": ("usd_per_t", 1.0),
    "dollars per ton": ("usd_per_t", 1.0), "dollars per short ton": ("usd_per_t", 1 / SHORT_TON_T),
    "dollars per kilogram": ("usd_per_t", 1e3), "dollars per pound": ("usd_per_t", LB_PER_T),
    "dollars per gram": ("usd_per_t", 1e6), "dollars per 10-grams": ("usd_per_t", 1e5),
    "dollars per 25 grams": ("usd_per_t", 4e4), "dollars per 50 grams": ("usd_per_t", 2e4),
    "dollars per 100 milliliters": ("usd_per_100_ml", 1.0), "dollars per 100 mililiters": ("usd_per_100_ml", 1.0),
    "dollars per carat": ("usd_per_carat", 1.0), "dollars per dry metric ton unit": ("usd_per_dmtu", 1.0),
    "dollars per troy ounce": ("usd_per_troy_oz", 1.0), "index": ("index", 1.0), "": (None, 1.0),
    "dollars per metric ton unit": ("usd_per_mtu", 1.0),  # via unit_corrections.csv (manganese)
    "dollars per flask": ("usd_per_flask", 1.0),
}
WORLD_UNITS = ("metric tons", "tons", "thousand metric tons", "thousand metric dry tons", "million metric tons",
               "kilograms", "thousand carats", "thousands of carats", "million carats", "million cubic meters",
               "million liters")
SALIENT_UNITS = tuple(u for u in UNITS if u not in ("thousand carats", "thousands of carats"))
_SCOPE_UNITS = {WORLD: WORLD_UNITS, SALIENT: SALIENT_UNITS}

_WORLD_FILE = re.compile(r"^usgs-mcs-(?P<edition>\d{4})/world/[^/]+\.csv$")
_SALIENT_FILE = re.compile(r"^usgs-mcs-(?P<edition>\d{4})/salient/[^/]+_salient\.csv$")


@dataclass(frozen=True)
class UnitCorrection:
    """One reviewed row; `line` is its 1-based line in the file, `scope` the extract that applies it."""
    correction_id: str
    edition: int
    source_file: str
    column: str
    measure: str
    commodity_id: str
    unit_published: str
    unit_corrected: str
    evidence: str
    line: int
    scope: str
    file: str  # the corrections file as named in errors


def display_path(path: Path) -> str:
    """The corrections file as errors name it: relative to the repository when inside it."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def scope_of(source_file: str, column: str, measure: str, *, file: str, line: int) -> str:
    """The extract a row belongs to (see the module docstring); ExtractError when none."""
    if _WORLD_FILE.match(source_file):
        if measure and measure not in WORLD_MEASURES:
            raise ExtractError(file, f"measure {measure!r} of a world file is not one of {list(WORLD_MEASURES)} "
                               "(or empty for every measure)", column="measure", row=line)
        return WORLD
    if _SALIENT_FILE.match(source_file):
        return SALIENT
    if source_file == BOOK_FILE_2026:
        if column != "Unit":
            return SALIENT
        if measure not in WORLD_MEASURES:
            raise ExtractError(file, f"a correction of the {BOOK_FILE_2026} `Unit` column is a world-table one, but "
                               f"measure {measure!r} is not one of {list(WORLD_MEASURES)}; a salient row names "
                               "its Statistics_detail in `column`", column="measure", row=line)
        return WORLD
    raise ExtractError(file, f"{source_file!r} is read by no extract: expected usgs-mcs-<edition>/world/*.csv, "
                       f"usgs-mcs-<edition>/salient/*_salient.csv or {BOOK_FILE_2026}", column="source_file", row=line)


def load(path: Path | None = None) -> tuple[UnitCorrection, ...]:
    """Every row of the file, validated. A missing file means no corrections."""
    path = Path(path) if path is not None else UNIT_CORRECTIONS_CSV
    if not path.is_file():
        return ()
    file = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractError(file, f"not valid UTF-8: {exc.reason}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header != HEADER:
        raise ExtractError(file, f"expected columns {HEADER}; found {header}", row=1)
    out: list[UnitCorrection] = []
    seen_ids: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    last = reader.line_num
    for cells in reader:
        line, last = last + 1, reader.line_num  # a record's first line (a quoted field may span lines)
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(HEADER):
            raise ExtractError(file, f"row has {len(cells)} fields, expected {len(HEADER)}",
                               column=HEADER[min(len(cells), len(HEADER) - 1)], row=line)
        r = {k: v.strip() for k, v in zip(HEADER, cells)}
        for col in REQUIRED:
            if not r[col]:
                raise ExtractError(file, f"{col} is empty", column=col, row=line)
        cid = r["correction_id"]
        if cid in seen_ids:
            raise ExtractError(file, f"correction_id {cid!r} repeats row {seen_ids[cid]}", column="correction_id", row=line)
        seen_ids[cid] = line
        scope = scope_of(r["source_file"], r["column"], r["measure"], file=file, line=line)
        m = re.match(r"^usgs-mcs-(\d{4})/", r["source_file"])
        if r["edition"] != m.group(1):
            raise ExtractError(file, f"edition {r['edition']!r} does not match {r['source_file']}", column="edition", row=line)
        if r["unit_corrected"] not in _SCOPE_UNITS[scope]:
            raise ExtractError(file, f"unit {r['unit_corrected']!r} is not one the {scope} extract reads "
                               f"({', '.join(_SCOPE_UNITS[scope])})", column="unit_corrected", row=line)
        # A salient correction is found by file and column alone (usgs_mcs_salient); a world one
        # also by commodity, measure and published unit (one UNIT_MEAS column serves many tables).
        key = (r["source_file"], r["column"]) if scope == SALIENT else \
            (r["source_file"], r["column"], r["commodity_id"], r["measure"], r["unit_published"])
        if key in seen_keys:
            raise ExtractError(file, f"second correction for the same cells as row {seen_keys[key]}", column="column", row=line)
        seen_keys[key] = line
        out.append(UnitCorrection(correction_id=cid, edition=int(r["edition"]), source_file=r["source_file"],
                                  column=r["column"], measure=r["measure"], commodity_id=r["commodity_id"],
                                  unit_published=r["unit_published"], unit_corrected=r["unit_corrected"],
                                  evidence=r["evidence"], line=line, scope=scope, file=file))
    return tuple(out)


def for_scope(scope: str, path: Path | None = None) -> tuple[UnitCorrection, ...]:
    """The rows one extract applies (after validating the whole file)."""
    if scope not in _SCOPE_UNITS:
        raise ValueError(f"scope must be one of {list(_SCOPE_UNITS)}")
    return tuple(c for c in load(path) if c.scope == scope)


def require_all_used(rows: tuple[UnitCorrection, ...] | list[UnitCorrection], used_ids: set[str]) -> None:
    """A correction that matched no cell is stale: stop, naming its row."""
    for c in rows:
        if c.correction_id not in used_ids:
            raise ExtractError(c.file, f"correction {c.correction_id} for {c.source_file} column {c.column!r} "
                               "matches no value", column="correction_id", row=c.line)
