"""Reading a release file's bytes into text, CSV records or worksheet rows, or a located error.

Why one module: every source family meets the same hostile files (empty, UTF-16, UTF-8
where the release is cp1252 or the reverse, a stray quote, a damaged worksheet inside a
workbook), and each must stop with one message naming the file, and the row where there
is one, instead of a traceback, a garbled name reported as an "unknown commodity", or a
row count that names no file.
"""
from __future__ import annotations

import csv
import fnmatch
import functools
import re
import warnings
from pathlib import Path

from analysis import csv_strict
from analysis.errors import ExtractError
from analysis.paths import REFERENCE_DIR

# UTF-8 bytes read as cp1252 or Latin-1: "Ã©" for "é", "â€”" for "—", "Â " for a no-break space.
_CP1252_SPECIALS = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE = re.compile(f"[ÂÃâ][\u0080-\u00bf{_CP1252_SPECIALS}]")


def _line_of(text_or_bytes, offset: int) -> int:
    newline = b"\n" if isinstance(text_or_bytes, bytes) else "\n"
    return text_or_bytes[:offset].count(newline) + 1


def decode(data: bytes, rel: str, encoding: str) -> str:
    """The file's text in the encoding its release uses, or a located error saying which
    encoding the bytes are really in."""
    if not data.strip():
        raise ExtractError(rel, "file is empty; the release should hold a table here (a failed download or export?)")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        raise ExtractError(rel, f"file is UTF-16 (byte-order mark or NUL bytes), but this release is published "
                                f"as {encoding}; take the file as published, or convert it and record why in data/sources.csv")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        hint = ""
        if encoding.lower().replace("-", "") in ("cp1252", "windows1252", "latin1", "iso88591"):
            try:
                data.decode("utf-8")
                hint = f"; the file is valid UTF-8, but this release is published as {encoding}"
            except UnicodeDecodeError:
                pass
        raise ExtractError(rel, f"not valid {encoding} (byte {data[exc.start]:#04x}: {exc.reason}){hint}",
                           row=_line_of(data, exc.start)) from None
    m = _MOJIBAKE.search(text)
    if m:
        was = "UTF-8 text decoded as cp1252" if encoding.startswith("utf") else f"UTF-8 text read as {encoding}"
        raise ExtractError(rel, f"garbled characters {m.group(0)!r}: this looks like {was} somewhere before "
                                f"the release (mojibake), not the published text", row=_line_of(text, m.start()))
    return text


def read_text(path: Path, rel: str, encoding: str) -> str:
    if path.is_dir():
        raise ExtractError(rel, "is a directory, not a file")
    if not path.is_file():
        raise ExtractError(rel, "file is missing from the release")
    return decode(path.read_bytes(), rel, encoding)


def csv_records(text: str, rel: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (1-based line, cells) of every record, with quotes read strictly: a
    quote that does not close a field stops with the line it opened on."""
    records, _ = csv_strict.records(text, rel)
    if not records:
        raise ExtractError(rel, "file is empty")
    return records[0][1], records[1:]


def workbook_sheets(path: Path, rel: str, sheets: list[str] | None = None, *, formulas: bool = False) -> dict[str, list[tuple]]:
    """Rows of the named sheets (all if None) of an .xlsx workbook, each as a tuple of
    cell values. A file that is not a workbook, or a damaged sheet inside one, stops
    naming the file and the sheet."""
    import zipfile

    import openpyxl

    if path.is_dir():
        raise ExtractError(rel, "is a directory, not a file")
    if not path.is_file():
        raise ExtractError(rel, "file not found")
    if not zipfile.is_zipfile(path):
        raise ExtractError(rel, "cannot open workbook: not an Excel workbook (an .xlsx file is a zip archive)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Workbook contains no default style"
            wb = openpyxl.load_workbook(path, read_only=True, data_only=not formulas)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is a located error
        raise ExtractError(rel, f"cannot open workbook: {exc}") from None
    out: dict[str, list[tuple]] = {}
    try:
        names = wb.sheetnames if sheets is None else sheets
        for name in names:
            if name not in wb.sheetnames:
                raise ExtractError(rel, f"no sheet {name!r} (sheets: {wb.sheetnames})")
            ws = wb[name]
            try:
                ws.reset_dimensions()  # some exports write a wrong <dimension>: A1:A1
                out[name] = [tuple(r) for r in ws.iter_rows(values_only=True)]
            except Exception as exc:  # noqa: BLE001 - a damaged sheet XML, a bad zip member
                raise ExtractError(rel, f"sheet {name!r} is damaged and cannot be read ({type(exc).__name__}: {exc})",
                                   column=None) from None
    finally:
        wb.close()
    return out


# ---------------------------------------------------------------------------- columns

IGNORED_COLUMNS_CSV = REFERENCE_DIR / "ignored_columns.csv"


@functools.lru_cache(maxsize=1)
def _ignored() -> tuple[tuple[str, str], ...]:
    """(file glob, column) pairs of the reviewed list of known-and-ignored columns."""
    with open(IGNORED_COLUMNS_CSV, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for line, r in enumerate(rows, start=2):
        if not (r.get("file") and r.get("column") and (r.get("reason") or "").strip()):
            raise ExtractError(IGNORED_COLUMNS_CSV.name, "every row needs a file, a column and a reason", row=line)
    return tuple((r["file"], r["column"]) for r in rows)


def ignored_columns(rel: str) -> set[str]:
    return {column for pattern, column in _ignored() if fnmatch.fnmatchcase(rel, pattern)}


def check_columns(rel: str, columns, read, *, row: int = 1, what: str = "column") -> None:
    """Every column of a release file is read (`read`: a set of names, or a function
    saying whether the extract reads a name) or listed, with a reason, in
    data/reference/ignored_columns.csv. Anything else stops with its name: a new or
    renamed column must be looked at, not dropped."""
    known = ignored_columns(rel)
    for column in columns:
        if column in known or (read(column) if callable(read) else column in read):
            continue
        raise ExtractError(rel, f"{what} {column!r} is neither read by the extract nor listed as known-and-ignored in "
                                f"data/reference/ignored_columns.csv (a new or renamed {what}?): read it, or list it "
                                f"there with a reason", column=column, row=row)


def require_columns(rel: str, columns, required, *, row: int = 1, what: str = "column") -> None:
    """The columns an extract reads are all there; a missing one was renamed or removed."""
    present = set(columns)
    missing = [c for c in required if c not in present]
    if missing:
        raise ExtractError(rel, f"expected {what} {missing[0]!r} is missing (renamed or removed?); "
                                f"the file has {sorted(present)}", column=missing[0], row=row)
