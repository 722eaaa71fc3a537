"""One country code per country, whatever spelling a release uses, and never a guess.

Releases name countries their own way ("Congo (Kinshasa)", "Burma", "Korea, Republic of")
and glue footnote digits to them ("Other countries6"). A name is known only when it equals,
after whitespace, case and footnote normalisation, one of:

- a short or official name in country_converter's table (`name_short`, `name_official`);
- a row of the reviewed file `data/reference/country_overrides.csv` (a release's own
  spelling, a dissolved state, a country with a product qualifier), with its ISO3 code;
- a row of `data/reference/country_aggregates.csv` (world totals, "Other countries",
  regions), kept as flagged rows that are never mapped to a country.

Why exact: country_converter's regular expressions match by substring, so "Southern
Africa" became South Africa, "Belgiumm" Belgium, "Dominica Republic" Dominica and "Niger
Delta" Niger, and a wrong country entered the book without a word. Any other name stops
the extract, naming file, column and row and the file to review.
"""
from __future__ import annotations

import functools
import logging
import re
import unicodedata

import pandas as pd

from analysis.errors import ExtractError, PipelineError
from analysis.paths import REFERENCE_DIR

OVERRIDES_CSV = REFERENCE_DIR / "country_overrides.csv"
AGGREGATES_CSV = REFERENCE_DIR / "country_aggregates.csv"

# A footnote marker is one or two digits glued to the end of a name ("Other countries6",
# "Australia12"), sometimes after a comma or a closing parenthesis. Names never end in digits.
_FOOTNOTE = re.compile(r"(?<=[A-Za-z\).,])\s*\d{1,2}(,\d{1,2})*$")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00b4": "'"})


def clean_name(raw: object) -> str:
    """Strip footnote digits, stray spaces and trailing commas from a published name."""
    name = _SPACE.sub(" ", str(raw)).strip()
    name = _FOOTNOTE.sub("", name).strip().rstrip(",").strip()
    return name


def name_key(raw: object) -> str:
    """The form names are compared in: cleaned, Unicode-composed, straight apostrophes,
    case-folded. Nothing else is forgiven."""
    return unicodedata.normalize("NFC", clean_name(raw)).translate(_QUOTES).casefold()


def _reference(path, columns: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """A reviewed name list keyed by `name_key`; a name listed twice is an error, since
    which of the two rows wins would otherwise depend on file order."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("name", *columns) if c not in table.columns]
    if missing:
        raise PipelineError(f"{path}: missing column(s) {missing}")
    out: dict[str, tuple[str, ...]] = {}
    for line, row in enumerate(table.itertuples(index=False), start=2):
        key = name_key(row.name)
        if not key:
            raise PipelineError(f"{path} line {line}: empty name")
        if key in out:
            raise PipelineError(f"{path} line {line}: name {row.name!r} is listed twice (names compare ignoring case, spaces and footnotes)")
        out[key] = tuple(getattr(row, c) for c in columns)
    return out


@functools.lru_cache(maxsize=1)
def _aggregates() -> dict[str, str]:
    return {k: v[0] for k, v in _reference(AGGREGATES_CSV, ("aggregate_kind",)).items()}


@functools.lru_cache(maxsize=1)
def _overrides() -> dict[str, tuple[str, str]]:
    return _reference(OVERRIDES_CSV, ("country_iso3", "country_name"))


@functools.lru_cache(maxsize=1)
def _converter():
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


@functools.lru_cache(maxsize=1)
def _exact_names() -> dict[str, tuple[str, str]]:
    """country_converter's own short and official names -> (ISO3, short name)."""
    data = _converter().data
    out: dict[str, tuple[str, str]] = {}
    for iso3, short, official in zip(data["ISO3"], data["name_short"], data["name_official"]):
        for name in (short, official):
            if isinstance(name, str) and name.strip():
                out.setdefault(name_key(name), (iso3, short))
    return out


def aggregate_kind(name: str) -> str | None:
    return _aggregates().get(name_key(name))


@functools.lru_cache(maxsize=4096)
def _lookup(name: str) -> tuple[str | None, str | None, str | None]:
    """(iso3, short name, aggregate kind) for a name; iso3 None when unknown."""
    key = name_key(name)
    kind = _aggregates().get(key)
    if kind:
        return None, clean_name(name), kind
    hit = _overrides().get(key) or _exact_names().get(key)
    if hit is None:
        return None, None, None
    return hit[0], hit[1], None


def _fuzzy_hint(name: str) -> str:
    """What country_converter's regular expressions would have guessed: shown to the
    reviewer, never used."""
    guess = _converter().convert(clean_name(name), to="name_short", not_found="__none__")
    if isinstance(guess, str) and guess in set(_converter().data["name_short"]):
        return f" (country_converter's fuzzy match would say {guess!r}: check before adding it)"
    return ""


def unknown_name_message(name: object) -> str:
    return (f"unknown country name {name!r}: not an exact name in country_converter's table, "
            f"{OVERRIDES_CSV.relative_to(REFERENCE_DIR.parent.parent)} or {AGGREGATES_CSV.name}{_fuzzy_hint(str(name))}; "
            f"if it is a new spelling, add it to {OVERRIDES_CSV.relative_to(REFERENCE_DIR.parent.parent)} "
            f"with its ISO3 code and a reason")


def harmonise(names: pd.Series, *, file: str | pd.Series, column: str, rows: pd.Series | None = None,
              not_available: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Country columns for a series of published names, aligned on its index.

    Returns `country_name_source`, `country_name`, `country_iso3`, `is_aggregate`,
    `aggregate_kind`. `file` is the file name, or a series of them aligned with `names`
    when the names come from several files. Cells equal to a symbol in `not_available`
    (a release's "NA" in a country column) give nulls rather than a country. An unknown
    name stops the extract, naming file, column and row, so a new spelling is reviewed
    (added to the overrides file) rather than guessed.
    """
    out = pd.DataFrame(index=names.index)
    out["country_name_source"] = names.astype("string")
    missing = names.map(lambda n: isinstance(n, str) and n.strip() in not_available)
    looked = names.map(lambda n: (None, None, None) if not isinstance(n, str) or n.strip() in not_available else _lookup(n))
    out["country_iso3"] = looked.map(lambda t: t[0]).astype("string")
    out["country_name"] = looked.map(lambda t: t[1]).astype("string")
    out["aggregate_kind"] = looked.map(lambda t: t[2]).astype("string")
    out["is_aggregate"] = out["aggregate_kind"].notna()
    unknown = out["country_iso3"].isna() & ~out["is_aggregate"] & ~missing
    if unknown.any():
        first = unknown.idxmax()
        row = int(rows.loc[first]) if rows is not None else None
        where = file.loc[first] if isinstance(file, pd.Series) else file
        raise ExtractError(where, unknown_name_message(names.loc[first]), column=column, row=row)
    return out
