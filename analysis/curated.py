"""Hand-curated fact tables under ``data/curated/``: loading and validation.

The curated tables (events, memberships, claims, responses, funding) are small files that
people edit by hand, so every rule is written as a ``check_*`` function that returns the
rows breaking it (empty frame = pass). The tests and the build run the same functions;
``python -m analysis check`` prints every failure with file and line and exits 1.

Each failing-row frame keeps the table's own columns plus ``_file`` (path of the CSV),
``_row`` (1-based line in that file, header = line 1) and ``problem`` (what is wrong).
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from analysis import bibliography, csv_strict
from analysis.errors import ExtractError
from analysis import paths
from analysis.paths import REFERENCE_DIR, ROOT

# --------------------------------------------------------------------------- seeds

SEEDS_CSV = REFERENCE_DIR / "seeds.csv"


def seeds() -> list[dict[str, str]]:
    """The four source texts, one row each, in the order the book presents them:
    bib key, file-name prefix in the seeds folder, and the labels tables use."""
    with open(SEEDS_CSV, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


#: bib key of each seed -> file-name prefix in the seeds folder
SEED_FILES: dict[str, str] = {r["source_key"]: r["file_prefix"] for r in seeds()}
SEED_KEYS = frozenset(SEED_FILES)
BIB_PATH = bibliography.BIB_PATH


def seeds_dir() -> Path:
    """The seed texts live beside the repository (``<repo>/../shared/seeds``) unless
    ``SEEDS_DIR`` says otherwise, so a fresh clone with ``shared/`` beside it works."""
    env = os.environ.get("SEEDS_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "seeds"


def normalise_ws(text: str) -> str:
    """Drop all whitespace. The seeds are Chinese text extracted from PDFs and web pages
    with stray spaces and line breaks inside phrases ("2023 年 3 月"); removing whitespace
    on both sides is the only normalisation, so punctuation and characters must match."""
    return re.sub(r"\s+", "", text)


def load_seed_texts(directory: Path | None = None) -> dict[str, str]:
    """Whitespace-normalised text of each seed, keyed by bib key."""
    directory = Path(directory) if directory else seeds_dir()
    texts: dict[str, str] = {}
    for key, prefix in SEED_FILES.items():
        hits = sorted(directory.glob(f"{prefix}*.txt"))
        if len(hits) != 1:
            raise FileNotFoundError(f"seed {key}: expected one file {prefix}*.txt in {directory}, found {len(hits)}")
        texts[key] = normalise_ws(hits[0].read_text(encoding="utf-8"))
    return texts


# --------------------------------------------------------------------------- bibliography

def bib_keys(path: Path | None = None) -> set[str]:
    """Citation keys of references.bib as pandoc (and so citeproc) reads them."""
    return bibliography.keys(path)


# --------------------------------------------------------------------------- table specs

QUALIFIERS = ("=", ">", ">=", "<", "<=", "about", "nearly", "range")
#: funding amounts: ``up_to`` is a ceiling announced for an award or loan (data/curated/README.md)
FUNDING_QUALIFIERS = ("=", "up_to", "about", ">")
FUNDING_INSTRUMENTS = ("grant", "loan", "loan_guarantee", "tax_credit", "dpa_award", "stockpile_purchase",
                       "equity", "appropriation", "other")
ADDRESSEES = ("China", "United States")
CHECK_KINDS = ("primary", "curated", "untestable")
#: the parts of the argument a claim belongs to (the chapters; Appendix B groups by them)
CLAIM_PARTS = ("drivers", "instruments", "allies", "constraints", "china_responses", "update_2025", "about_sources")
EVENT_KINDS = ("law", "bill", "executive_order", "report", "strategy", "initiative", "agreement",
               "export_control", "investment", "list", "other")
DATE_PRECISIONS = ("day", "month", "year")
ADMINISTRATIONS = ("Obama", "Trump I", "Biden", "Trump II")
ROLES = ("founding_member", "member", "partner", "observer", "signatory", "fta_partner")
#: ISO3-like codes that are not countries but are accepted as members
ISO3_EXTRA = frozenset({"EUU"})

#: first day of each administration (inauguration), for checking dated US rows
ADMIN_STARTS = (
    (date(2009, 1, 20), "Obama"),
    (date(2017, 1, 20), "Trump I"),
    (date(2021, 1, 20), "Biden"),
    (date(2025, 1, 20), "Trump II"),
)


@dataclass(frozen=True)
class TableSpec:
    name: str
    pattern: str                     # file name or glob under data/curated/
    columns: tuple[str, ...]
    id_columns: tuple[str, ...]
    required: tuple[str, ...]
    vocab: dict[str, tuple[str, ...]] = field(default_factory=dict)
    numeric: tuple[str, ...] = ()    # float, may be empty unless also required
    integer: tuple[str, ...] = ()    # int, may be empty unless also required
    dates: tuple[str, ...] = ()      # ISO partial dates, may be empty unless required
    id_pattern: str = ""             # full-match regex for the first id column; {source_key} is filled per row
    multiline: tuple[str, ...] = ()  # columns whose quoted values may span lines (none so far)


TABLES: dict[str, TableSpec] = {
    "events": TableSpec(
        "events", "events.csv",
        ("event_id", "date", "date_precision", "title_en", "title_zh", "actor", "country", "kind",
         "administration", "summary_en", "source_key", "quote_zh", "primary_source"),
        ("event_id",),
        ("event_id", "date", "date_precision", "title_en", "actor", "country", "kind", "summary_en", "source_key"),
        {"date_precision": DATE_PRECISIONS, "kind": EVENT_KINDS, "administration": ("",) + ADMINISTRATIONS},
        dates=("date",),
        id_pattern=r"[a-z0-9]+(?:_[a-z0-9]+)*",
    ),
    "memberships": TableSpec(
        "memberships", "memberships.csv",
        ("initiative_id", "initiative", "member", "member_iso3", "date_joined", "role", "source_key",
         "quote_zh", "primary_source"),
        ("initiative_id", "member"),
        ("initiative_id", "initiative", "member", "role", "source_key"),
        {"role": ROLES},
        dates=("date_joined",),
        id_pattern=r"[a-z0-9]+(?:_[a-z0-9]+)*",
    ),
    "claims": TableSpec(
        "claims", "claims/*.csv",
        ("claim_id", "source_key", "section", "quote_zh", "subject", "metric", "value", "value_high", "unit",
         "qualifier", "reference_year", "cited_source", "check_kind", "check", "note", "part", "claim_en", "basis",
         "contradicts"),
        ("claim_id",),
        ("claim_id", "source_key", "quote_zh", "subject", "metric", "value", "unit", "qualifier", "check_kind",
         "part", "claim_en"),
        {"qualifier": QUALIFIERS, "check_kind": CHECK_KINDS, "part": CLAIM_PARTS},
        integer=("reference_year",),
        id_pattern=r"{source_key}-\d{{3,}}",
    ),
    "responses": TableSpec(
        "responses", "responses.csv",
        ("response_id", "source_key", "section", "quote_zh", "addressee", "theme", "summary_en"),
        ("response_id",),
        ("response_id", "source_key", "quote_zh", "addressee", "theme", "summary_en"),
        {"addressee": ADDRESSEES},
        id_pattern=r"{source_key}-r\d{{2,}}",
    ),
    "funding": TableSpec(
        "funding", "funding.csv",
        ("funding_id", "programme", "instrument", "agency", "recipient", "amount_usd", "amount_qualifier", "year",
         "date", "purpose", "source_key", "quote_zh", "primary_source"),
        ("funding_id",),
        ("funding_id", "programme", "agency", "source_key"),
        {"amount_qualifier": ("",) + FUNDING_QUALIFIERS, "instrument": ("",) + FUNDING_INSTRUMENTS},
        numeric=("amount_usd",),
        integer=("year",),
        dates=("date",),
        id_pattern=r"fund-\d{{3,}}",
    ),
}


def table_files(name: str, curated_dir: Path | None = None) -> list[Path]:
    """The CSV files of a table (claims are split by seed); empty if none exist yet."""
    curated_dir = Path(curated_dir) if curated_dir else paths.curated_dir()
    return sorted(curated_dir.glob(TABLES[name].pattern))


def _records(path: Path, spec: TableSpec) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line, fields) of each record, read strictly.

    Why not pandas: a stray quote makes pandas join the following lines into one field,
    silently (a membership list once lost Canada that way), and every later row is then
    reported one line off. Here a record is one line, with exactly the header's number
    of fields; a quoted field may span lines only in a column the spec allows.
    """
    data = path.read_bytes()
    if not data.strip():
        raise ExtractError(path, f"file is empty; expected the header {','.join(spec.columns)}", row=1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ExtractError(path, f"not UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); "
                                 f"save the file as UTF-8", row=line) from None
    if text.startswith("\ufeff"):
        raise ExtractError(path, "starts with a byte-order mark; save the file as UTF-8 without BOM", row=1)
    records, end = csv_strict.records(text, path)
    for line, fields in records:
        if not fields:
            raise ExtractError(path, "empty line inside the table; remove it", row=line)
    header = records[0][1]
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise ExtractError(path, f"column(s) {dupes} appear twice in the header", column=dupes[0], row=1)
    missing = [c for c in spec.columns if c not in header]
    if missing:
        raise ExtractError(path, f"missing column(s) {missing}; expected {list(spec.columns)}", column=missing[0], row=1)
    extra = [c for c in header if c not in spec.columns]
    if extra:
        raise ExtractError(path, f"unexpected column(s) {extra}", column=extra[0], row=1)
    rows = []
    for i, (line, fields) in enumerate(records[1:], start=1):
        nxt = records[i + 1][0] if i + 1 < len(records) else end + 1
        if len(fields) != len(header):
            raise ExtractError(path, f"{len(fields)} fields, the header has {len(header)} (a stray quote or comma?)",
                               row=line)
        for column, value in zip(header, fields):
            if ("\n" in value or "\r" in value) and column not in spec.multiline:
                raise ExtractError(path, f"field spans lines {line}-{nxt - 1}: a quote opened here closes on a "
                                         f"later line (a stray quote?); this column holds one line",
                                   column=column, row=line)
        rows.append((line, fields))
    return header, rows


def read_csv(path: Path, spec: TableSpec) -> pd.DataFrame:
    """Read one curated CSV with every column as string: values such as ``>50`` or an
    empty cell must survive loading so that the checks, not the parser, judge them.
    ``_row`` is the line the record starts on."""
    path = Path(path)
    header, rows = _records(path, spec)
    df = pd.DataFrame([fields for _, fields in rows], columns=header, dtype=object)
    df = df.astype("string") if len(df) else pd.DataFrame({c: pd.Series(dtype="string") for c in header})
    df.insert(0, "_file", str(path))
    df.insert(1, "_row", pd.Series([line for line, _ in rows], index=df.index, dtype="int64"))
    return df


def load_table(name: str, curated_dir: Path | None = None) -> pd.DataFrame:
    """All rows of a curated table (claims concatenated over files); an empty frame with
    the right columns when no file exists yet."""
    spec = TABLES[name]
    frames = [read_csv(p, spec) for p in table_files(name, curated_dir)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in ("_file", *spec.columns)}).assign(
            _row=pd.Series(dtype="int64"))
    return pd.concat(frames, ignore_index=True)


def typed(df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Typed view for analysis: numeric columns as Float64, integer columns as Int64.
    Call only on a table that passed its checks."""
    out = df.copy()
    for c in spec.numeric:
        out[c] = pd.to_numeric(out[c].replace("", pd.NA), errors="raise").astype("Float64")
    for c in spec.integer:
        out[c] = pd.to_numeric(out[c].replace("", pd.NA), errors="raise").astype("Int64")
    return out


# --------------------------------------------------------------------------- helpers

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial_date(value: str) -> tuple[date, str] | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` -> (first day of the period, precision)."""
    m = _PARTIAL_DATE.match(value or "")
    if not m:
        return None
    y, mo, d = m.groups()
    try:
        first = date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        return None
    return first, ("day" if d else "month" if mo else "year")


def _row_problems(df: pd.DataFrame, problem) -> pd.DataFrame:
    """The rows for which `problem(row)` returns a message, with that message as `problem`."""
    probs = df.apply(problem, axis=1) if len(df) else pd.Series(dtype=object)
    out = df.loc[probs.notna()].copy() if len(df) else df.iloc[0:0].copy()
    out["problem"] = probs[probs.notna()]
    return out


def _fail(df: pd.DataFrame, mask: pd.Series, problem) -> pd.DataFrame:
    out = df.loc[mask.fillna(False).astype(bool)].copy()
    if callable(problem):
        out["problem"] = [problem(r) for _, r in out.iterrows()]
    else:
        out["problem"] = problem
    return out


def _is_number(v: str) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return v.strip().lower() not in {"nan", "inf", "-inf", "infinity", "-infinity"}


def _is_int(v: str) -> bool:
    return bool(re.fullmatch(r"-?\d+", v or ""))


def _empty(col: pd.Series) -> pd.Series:
    return col.fillna("").str.strip() == ""


# --------------------------------------------------------------------------- checks

def schema(spec: TableSpec, rule: str):
    """The pandera schema of one column rule of a table: ``unique_ids`` (the id columns
    unique together), ``required`` (not blank) or ``vocab`` (one of the allowed values).
    Separate schemas so each failure keeps its own check name in the report."""
    import pandera.pandas as pa

    if rule == "unique_ids":
        return pa.DataFrameSchema({c: pa.Column() for c in spec.id_columns}, unique=list(spec.id_columns),
                                  report_duplicates="all")
    if rule == "required":
        not_blank = pa.Check(lambda s: s.fillna("").str.strip() != "", element_wise=False, name="not_blank")
        return pa.DataFrameSchema({c: pa.Column(checks=not_blank, nullable=True) for c in spec.required})
    if rule == "vocab":
        return pa.DataFrameSchema({c: pa.Column(checks=pa.Check.isin(list(a)), nullable=False)
                                   for c, a in spec.vocab.items()})
    raise ValueError(rule)


def _schema_failures(df: pd.DataFrame, spec: TableSpec, rule: str, problem) -> pd.DataFrame:
    """Rows failing a pandera schema, one per (row, column), with ``problem(row, column)``."""
    import pandera.errors as pe

    try:
        schema(spec, rule).validate(df.fillna({c: "" for c in spec.vocab}) if rule == "vocab" else df, lazy=True)
    except pe.SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"]).drop_duplicates(["index", "column"])
    else:
        return df.iloc[0:0].assign(problem=pd.Series(dtype=object))
    out = df.loc[cases["index"].astype(int).tolist()].copy()
    out["problem"] = [problem(df.loc[int(i)], c) for i, c in zip(cases["index"], cases["column"])]
    return out


def check_unique_ids(df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    fails = _schema_failures(df, spec, "unique_ids", lambda r, c: f"duplicate {'+'.join(spec.id_columns)}")
    return fails[~fails.index.duplicated()]


def check_id_pattern(df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Ids follow the table's naming rule (claims: ``<source_key>-NNN``), so an id tells
    where a fact comes from and stays stable when rows are added."""
    if not spec.id_pattern:
        return df.iloc[0:0]
    col = spec.id_columns[0]

    def bad(r) -> bool:
        pattern = spec.id_pattern.format(source_key=re.escape(r.get("source_key", "") or ""))
        return re.fullmatch(pattern, r[col] or "") is None
    mask = df.apply(bad, axis=1) if len(df) else pd.Series(dtype=bool)
    return _fail(df, mask, lambda r: f"{col}={r[col]!r} does not match {spec.id_pattern!r}")


def check_required(df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    return _schema_failures(df, spec, "required", lambda r, c: f"empty required column {c}")


def check_vocab(df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    if not spec.vocab:
        return df.iloc[0:0].assign(problem=pd.Series(dtype=object))
    return _schema_failures(df, spec, "vocab", lambda r, c: f"{c}={r[c]!r} not in {list(spec.vocab[c])}")


def check_types(df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    fails = []
    for col in spec.numeric:
        bad = ~_empty(df[col]) & ~df[col].fillna("").map(_is_number).astype(bool)
        fails.append(_fail(df, bad, lambda r, c=col: f"{c}={r[c]!r} is not a number"))
    for col in spec.integer:
        bad = ~_empty(df[col]) & ~df[col].fillna("").map(_is_int).astype(bool)
        fails.append(_fail(df, bad, lambda r, c=col: f"{c}={r[c]!r} is not an integer"))
    return pd.concat(fails) if fails else df.iloc[0:0]


def check_dates(df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """ISO partial dates that exist on the calendar and are not in the future."""
    fails = []
    today = date.today()
    for col in spec.dates:
        def bad(v: str) -> bool:
            if not v:
                return False
            parsed = parse_partial_date(v)
            return parsed is None or parsed[0] > today
        mask = df[col].fillna("").map(bad).astype(bool)
        fails.append(_fail(df, mask, lambda r, c=col: f"{c}={r[c]!r} is not a valid ISO (partial) date"))
    return pd.concat(fails) if fails else df.iloc[0:0]


def check_date_precision(df: pd.DataFrame) -> pd.DataFrame:
    """events: ``date_precision`` must say what the date's form says (2021-06 = month)."""
    def bad(r) -> bool:
        parsed = parse_partial_date(r["date"] or "")
        return parsed is not None and parsed[1] != r["date_precision"]
    mask = df.apply(bad, axis=1) if len(df) else pd.Series(dtype=bool)
    return _fail(df, mask, lambda r: f"date {r['date']!r} has precision {parse_partial_date(r['date'])[1]!r}, "
                                      f"not {r['date_precision']!r}")


def administration_on(d: date) -> str:
    name = ""
    for start, admin in ADMIN_STARTS:
        if d >= start:
            name = admin
    return name


def check_administration(df: pd.DataFrame) -> pd.DataFrame:
    """events: US rows dated to the day carry the administration in office that day; rows
    of other countries carry none. (Multilateral rows may name the US side's one.)"""
    def problem(r) -> str | None:
        adm, country = r["administration"] or "", r["country"] or ""
        if country not in ("USA", "multilateral") and adm:
            return f"non-US row ({country}) has administration {adm!r}"
        parsed = parse_partial_date(r["date"] or "")
        if parsed is None:
            return None
        d, prec = parsed
        if country == "USA" and prec == "day":
            expect = administration_on(d)
            if adm != expect:
                return f"dated {r['date']} so administration should be {expect!r}, not {adm!r}"
        if country == "USA" and prec == "year" and d.year >= 2010 and not adm:
            return "US row after 2009 has no administration"
        return None
    return _row_problems(df, problem)


def check_country_codes(df: pd.DataFrame, column: str, *, allow: frozenset[str] = frozenset(),
                        allow_empty: bool = False) -> pd.DataFrame:
    """ISO 3166-1 alpha-3 codes, checked against country_converter's table."""
    import country_converter as coco
    valid = set(coco.CountryConverter().data["ISO3"].dropna()) | set(allow)
    vals = df[column].fillna("")
    bad = ~vals.isin(valid) & ~((vals == "") & allow_empty)
    return _fail(df, bad, lambda r: f"{column}={r[column]!r} is not an ISO3 code")


_NOT_FOUND = "__not_found__"


def check_member_iso3(df: pd.DataFrame) -> pd.DataFrame:
    """memberships: the code is the one country_converter gives for the member's name
    (empty only for organisations that coco does not know, such as the AfDB)."""
    import logging

    import country_converter as coco
    logging.getLogger("country_converter").setLevel(logging.ERROR)  # unknown organisations are expected
    fails = [check_country_codes(df, "member_iso3", allow=ISO3_EXTRA, allow_empty=True)]
    names = df["member"].fillna("").tolist()
    conv = coco.convert(names, to="ISO3", not_found=_NOT_FOUND) if names else []
    if isinstance(conv, str):
        conv = [conv]
    conv = pd.Series(["" if c == _NOT_FOUND else c for c in conv], index=df.index, dtype=object)
    code = df["member_iso3"].fillna("")
    mismatch = (code != "") & ~code.isin(ISO3_EXTRA) & (conv != code)
    missing = (code == "") & (conv != "")
    fails.append(_fail(df, mismatch | missing,
                       lambda r: f"member {r['member']!r} converts to {conv[r.name]!r}, not {r['member_iso3']!r}"))
    return pd.concat(fails)


def check_claim_values(df: pd.DataFrame) -> pd.DataFrame:
    """claims: ``value``/``value_high`` are numbers, or ISO partial dates when unit is
    ``date``; a ``range`` has a ``value_high`` not below ``value``, and only ranges have one."""
    def problem(r) -> str | None:
        unit, v, hi, q = r["unit"] or "", r["value"] or "", r["value_high"] or "", r["qualifier"] or ""
        if unit == "date":
            for name, x in (("value", v), ("value_high", hi)):
                if x and parse_partial_date(x) is None:
                    return f"{name}={x!r} is not an ISO (partial) date although unit is 'date'"
        elif unit == "administration":
            if v not in ADMINISTRATIONS or q != "=":
                return f"value={v!r} with unit 'administration' must be one of {list(ADMINISTRATIONS)} with qualifier '='"
        else:
            for name, x in (("value", v), ("value_high", hi)):
                if x and not _is_number(x):
                    return f"{name}={x!r} is not a number"
        if q == "range" and not hi:
            return "qualifier 'range' needs value_high"
        if hi and q != "range":
            return f"value_high given but qualifier is {q!r}, not 'range'"
        if q == "range" and unit != "date" and _is_number(v) and _is_number(hi) and float(hi) < float(v):
            return f"value_high {hi} is below value {v}"
        return None
    return _row_problems(df, problem)


def check_source_keys(df: pd.DataFrame, keys: set[str]) -> pd.DataFrame:
    """Every ``source_key`` resolves to an entry of references.bib."""
    bad = ~df["source_key"].fillna("").isin(keys)
    return _fail(df, bad, lambda r: f"source_key {r['source_key']!r} not in references.bib")


def check_quotes(df: pd.DataFrame, seed_texts: dict[str, str]) -> pd.DataFrame:
    """A non-empty ``quote_zh`` occurs verbatim (whitespace aside) in the seed named by
    ``source_key``; a quote on a row whose source is not a seed cannot be located."""
    def problem(r) -> str | None:
        q = normalise_ws(r["quote_zh"] or "")
        if not q:
            return None
        key = r["source_key"] or ""
        if key not in seed_texts:
            return f"quote_zh given but source_key {key!r} is not a seed"
        if q not in seed_texts[key]:
            return f"quote_zh not found in seed {key}"
        return None
    return _row_problems(df, problem)


def check_seed_rows_quoted(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose source is a seed carry the quote that locates them."""
    bad = df["source_key"].fillna("").isin(SEED_KEYS) & _empty(df["quote_zh"])
    return _fail(df, bad, "row sourced to a seed has no quote_zh")


def check_primary_source(df: pd.DataFrame) -> pd.DataFrame:
    """Rows not taken from a seed name their primary source."""
    bad = ~df["source_key"].fillna("").isin(SEED_KEYS) & _empty(df["primary_source"])
    return _fail(df, bad, "row not from a seed has no primary_source")


def check_event_country(df: pd.DataFrame) -> pd.DataFrame:
    return check_country_codes(df, "country", allow=frozenset({"multilateral"}))


def check_responses_theme(df: pd.DataFrame, vocabulary: set[str] | None) -> pd.DataFrame:
    """responses: ``theme`` is one of the themes documented in data/curated/README.md."""
    if vocabulary is None:
        return _fail(df, pd.Series(True, index=df.index), "no theme vocabulary documented in data/curated/README.md")
    bad = ~df["theme"].fillna("").isin(vocabulary)
    return _fail(df, bad, lambda r: f"theme {r['theme']!r} not in the documented vocabulary")


def theme_vocabulary(readme: Path | None = None) -> set[str] | None:
    """The responses theme vocabulary: backticked tokens in the README section whose
    heading mentions "theme" (the helper that curates responses documents it there)."""
    readme = Path(readme) if readme else paths.curated_dir() / "README.md"
    if not readme.exists():
        return None
    text = readme.read_text(encoding="utf-8")
    sections = re.split(r"(?m)^(#{1,6} .*)$", text)
    vocab: set[str] = set()
    for heading, body in zip(sections[1::2], sections[2::2]):
        if "theme" in heading.lower():
            vocab |= set(re.findall(r"`([a-z][a-z0-9_]*)`", body))
    vocab -= set(TABLES["responses"].columns)
    return vocab or None


# --------------------------------------------------------------------------- curated references of claims

#: tables a ``curated`` claim may point into, and the key each is addressed by
FACT_TABLES = ("events", "memberships", "funding")
_REF_KEY = {
    "events": re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*"),
    "funding": re.compile(r"fund-\d{3,}"),
    # initiative, optionally "/" and the member's ISO3 code or its name as written in the table
    "memberships": re.compile(r"(?P<initiative>[a-z0-9]+(?:_[a-z0-9]+)*)(?:/(?P<member>[^,|/]*\S))?"),
}
_REF = re.compile(r"^(?P<table>[a-z_]+):(?P<keys>[^|]*?)\s*(?:\|\s*(?P<note>.*))?$", re.S)


@dataclass(frozen=True)
class CuratedRef:
    """A parsed ``check`` of a curated claim: ``<table>:<key>[,<key>...][ | <note>]``."""
    table: str
    keys: tuple[str, ...]
    note: str = ""


def parse_curated_ref(text: str) -> CuratedRef:
    """Parse the structured reference a ``curated`` claim carries in ``check``.

    The syntax is strict on purpose: the reference is what the build resolves and what
    Appendix B prints beside the claim, so a near-miss ("events: Yellen's speech") must
    fail loudly rather than be guessed at. Raises ValueError saying what is wrong.
    """
    m = _REF.match((text or "").strip())
    if not m:
        raise ValueError(f"{text!r} is not '<table>:<key>[ | note]'")
    table = m.group("table")
    if table not in FACT_TABLES:
        raise ValueError(f"table {table!r} is not one of {list(FACT_TABLES)}")
    keys = tuple(k.strip() for k in m.group("keys").split(","))
    if not keys or any(not k for k in keys):
        raise ValueError(f"{text!r}: empty key after '{table}:'")
    for k in keys:
        if not _REF_KEY[table].fullmatch(k):
            raise ValueError(f"key {k!r} is not a valid {table} key")
    return CuratedRef(table, keys, (m.group("note") or "").strip())


def resolve_ref(ref: CuratedRef, facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The curated rows a reference points to (every member of an initiative when the key
    names no member). Raises KeyError naming the first key that matches no row."""
    df = facts[ref.table]
    parts = []
    for key in ref.keys:
        if ref.table == "events":
            hit = df[df["event_id"] == key]
        elif ref.table == "funding":
            hit = df[df["funding_id"] == key]
        else:
            m = _REF_KEY["memberships"].fullmatch(key)
            hit = df[df["initiative_id"] == m.group("initiative")]
            if hit.empty:
                raise KeyError(f"memberships has no initiative_id {m.group('initiative')!r}")
            member = m.group("member")
            if member:
                hit = hit[(hit["member_iso3"] == member) | (hit["member"] == member)]
        if hit.empty:
            raise KeyError(f"{ref.table} has no row {key!r}")
        parts.append(hit)
    return pd.concat(parts)


def check_curated_refs(df: pd.DataFrame, facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """claims: every ``curated`` claim's ``check`` parses as a reference and points to an
    existing row of events, memberships or funding, so each such claim can be set beside
    the fact that tests it (Appendix B) and a renamed or deleted fact breaks the build."""
    def problem(r) -> str | None:
        if (r["check_kind"] or "") != "curated":
            return None
        try:
            resolve_ref(parse_curated_ref(r["check"] or ""), facts)
        except (ValueError, KeyError) as err:
            return f"check {r['check']!r}: {err.args[0]}"
        return None
    return _row_problems(df, problem)


def check_claim_queries(df: pd.DataFrame) -> pd.DataFrame:
    """claims: a ``primary`` claim's ``check`` names its query file,
    ``claims/<claim_id>.sql`` under analysis/sql/, and that file exists; SQL never sits in
    a CSV cell, where no review or syntax highlighting reaches it."""
    from analysis.paths import SQL_DIR

    def problem(r) -> str | None:
        if (r["check_kind"] or "") != "primary":
            return None
        expected = f"claims/{r['claim_id']}.sql"
        if (r["check"] or "") != expected:
            return f"check {r['check']!r} should name the query file {expected!r}"
        if not (SQL_DIR / expected).is_file():
            return f"query file analysis/sql/{expected} does not exist"
        return None
    return _row_problems(df, problem)


def check_contradicts(df: pd.DataFrame) -> pd.DataFrame:
    """claims: ``contradicts`` lists other claim ids (``;``-separated) that exist and list
    this claim back, so a contradiction is recorded on both sides or not at all."""
    links = {r["claim_id"]: {c.strip() for c in (r["contradicts"] or "").split(";") if c.strip()}
             for _, r in df.iterrows()}

    def problem(r) -> str | None:
        for other in sorted(links[r["claim_id"]]):
            if other == r["claim_id"]:
                return "contradicts itself"
            if other not in links:
                return f"contradicts {other!r}, which is not a claim"
            if r["claim_id"] not in links[other]:
                return f"contradicts {other!r}, which does not list {r['claim_id']!r} back"
        return None
    return _row_problems(df, problem)


# --------------------------------------------------------------------------- run all

@dataclass(frozen=True)
class Context:
    """What the checks compare against: bib keys, seed texts, responses theme vocabulary,
    and the fact tables that curated claims point into (``None``: read them from disk)."""
    bib_keys: set[str]
    seed_texts: dict[str, str]
    themes: set[str] | None
    facts: dict[str, pd.DataFrame] | None = None


def load_context(*, bib: Path | None = None, seeds: Path | None = None, readme: Path | None = None) -> Context:
    return Context(bib_keys(bib), load_seed_texts(seeds), theme_vocabulary(readme))


def _facts(ctx: Context, curated_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    if ctx.facts is not None:
        return ctx.facts
    return {t: load_table(t, curated_dir) for t in FACT_TABLES}


def _generic(fn):
    return lambda df, spec, ctx: fn(df, spec)


#: (check name, tables it applies to, function(df, spec, ctx) -> failing rows)
CHECKS: list[tuple[str, tuple[str, ...], object]] = [
    ("unique_ids", tuple(TABLES), _generic(check_unique_ids)),
    ("id_pattern", tuple(TABLES), _generic(check_id_pattern)),
    ("required", tuple(TABLES), _generic(check_required)),
    ("vocab", tuple(TABLES), _generic(check_vocab)),
    ("types", ("claims", "funding"), _generic(check_types)),
    ("dates", ("events", "memberships", "funding"), _generic(check_dates)),
    ("source_keys", tuple(TABLES), lambda df, spec, ctx: check_source_keys(df, ctx.bib_keys)),
    ("quotes", tuple(TABLES), lambda df, spec, ctx: check_quotes(df, ctx.seed_texts)),
    ("seed_rows_quoted", tuple(TABLES), lambda df, spec, ctx: check_seed_rows_quoted(df)),
    ("primary_source", ("events", "memberships", "funding"), lambda df, spec, ctx: check_primary_source(df)),
    ("date_precision", ("events",), lambda df, spec, ctx: check_date_precision(df)),
    ("administration", ("events",), lambda df, spec, ctx: check_administration(df)),
    ("country", ("events",), lambda df, spec, ctx: check_event_country(df)),
    ("member_iso3", ("memberships",), lambda df, spec, ctx: check_member_iso3(df)),
    ("claim_values", ("claims",), lambda df, spec, ctx: check_claim_values(df)),
    ("claim_queries", ("claims",), lambda df, spec, ctx: check_claim_queries(df)),
    ("contradicts", ("claims",), lambda df, spec, ctx: check_contradicts(df)),
    ("theme", ("responses",), lambda df, spec, ctx: check_responses_theme(df, ctx.themes)),
    ("curated_refs", ("claims",), lambda df, spec, ctx: check_curated_refs(df, _facts(ctx))),
]


def check_ids() -> list[str]:
    """``table.check`` names of every check, known without reading any data."""
    return [f"{t}.{name}" for name, tables, _ in CHECKS for t in tables]


def run_check(check_id: str, ctx: Context, curated_dir: Path | None = None,
              df: pd.DataFrame | None = None) -> pd.DataFrame:
    table, name = check_id.split(".", 1)
    fn = next(f for n, tables, f in CHECKS if n == name and table in tables)
    spec = TABLES[table]
    df = load_table(table, curated_dir) if df is None else df
    if len(df) == 0:
        return df.assign(problem=pd.Series(dtype="string"))
    if name == "curated_refs" and ctx.facts is None:
        ctx = replace(ctx, facts=_facts(ctx, curated_dir))
    return fn(df, spec, ctx)


def run_checks(curated_dir: Path | None = None, ctx: Context | None = None) -> dict[str, pd.DataFrame]:
    """Every check on every curated table; ``{"table.check": failing rows}``."""
    ctx = ctx or load_context()
    tables = {t: load_table(t, curated_dir) for t in TABLES}
    if ctx.facts is None:  # claims are resolved against the same files the other checks read
        ctx = replace(ctx, facts={t: tables[t] for t in FACT_TABLES})
    return {cid: run_check(cid, ctx, df=tables[cid.split(".")[0]]) for cid in check_ids()}


def report(results: dict[str, pd.DataFrame]) -> str:
    lines = []
    for check, fails in results.items():
        for _, r in fails.iterrows():
            lines.append(f"{r['_file']}:{r['_row']}: [{check}] {r['problem']}")
    return "\n".join(lines)
