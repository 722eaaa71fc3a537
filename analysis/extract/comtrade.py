"""UN Comtrade: China's imports of HS 2846 (rare-earth compounds) by partner, 1993-2024.

Why this shape: the release is one API response per year plus a `manifest.json` written at
retrieval (expected years, sha256 and record count per file) and the reporter's
publication metadata. We trust none of it blindly: every year the manifest expects must be
present with the checksum and record count it states, and a response at the public
preview's 500-record ceiling would be truncated, so it is an error.

Values are `primaryValue`, which for China's imports is the CIF value (the publication
metadata states `importValuation: CIF` for every year, and `cifvalue` equals
`primaryValue` in every record; the extract checks both). Partners are countries of
origin. Comtrade's own non-country partners (World, "Areas, nes", "Free Zones",
customs unions of the 1990s) are kept as flagged aggregates with no ISO code.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from analysis import metadata
from analysis.errors import ExtractError
from analysis.extract.countries import harmonise
from analysis.extract.readers import check_columns, require_columns

FOLDER = "un-comtrade-china-hs2846"
PREVIEW_CEILING = 500
# Comtrade partner codes that are not one country: code -> (aggregate_kind, why).
NON_COUNTRY_PARTNERS = {
    0: ("world_total", "World: the reporter's total over all partners"),
    899: ("unallocated", "Areas, nes: partner not specified"),
    838: ("unallocated", "Free Zones: goods from free zones, origin not given"),
    490: ("other_countries", "Other Asia, nes: Comtrade's residual for Asia, not mapped to any country here"),
    711: ("region", "Southern African Customs Union (...1999): five countries reported together"),
    58: ("region", "Belgium-Luxembourg (...1998): the two countries reported together"),
}

#: Keys of a response record the extract reads; every other key must be listed in
#: data/reference/ignored_columns.csv. The required ones identify and value the record.
READ_KEYS = frozenset({
    "reporterCode", "flowCode", "cmdCode", "refYear", "partnerCode", "partnerDesc", "partnerISO", "partner2Code",
    "customsCode", "motCode", "classificationCode", "primaryValue", "cifvalue", "netWgt", "isNetWgtEstimated",
    "qty", "qtyUnitCode", "qtyUnitAbbr", "isReported"})
REQUIRED_KEYS = ("reporterCode", "flowCode", "cmdCode", "refYear", "partnerCode", "partnerDesc", "partnerISO",
                 "partner2Code", "customsCode", "motCode", "primaryValue")

TABLE = "core_comtrade__china_hs2846_imports"
RESOURCES = metadata.resources("comtrade")  # comtrade.meta.yml: tables, keys, fields and types


def _load(path: Path, rel: str) -> dict:
    if not path.is_file():
        raise ExtractError(rel, "file not found")
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExtractError(rel, f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ExtractError(rel, f"expected a JSON object at the top, found {type(doc).__name__}")
    return doc


def _import_valuation(meta: dict, rel: str) -> dict[int, str]:
    out = {}
    for ds in meta.get("data", []):
        for note in ds.get("notes", []):
            out[int(note["period"])] = note.get("importValuation")
    if not out:
        raise ExtractError(rel, "no publication notes found", column="data")
    return out


def extract(raw: Path) -> dict[str, pd.DataFrame]:
    folder = Path(raw) / FOLDER
    manifest = _load(folder / "manifest.json", f"{FOLDER}/manifest.json")
    valuation = _import_valuation(_load(folder / "publication_metadata.json", f"{FOLDER}/publication_metadata.json"),
                                  f"{FOLDER}/publication_metadata.json")
    try:
        expected_years = [int(y) for y in manifest.get("validation", {}).get("expected_years") or []]
        files = {int(f["year"]): f for f in manifest.get("files", [])}
        for f in files.values():
            str(f["file"]), str(f["sha256"]), int(f["count"])
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ExtractError(f"{FOLDER}/manifest.json", f"not in the retrieval manifest's shape "
                                                     f"(validation.expected_years; files[].year/file/sha256/count): {exc!r}") from None
    if not expected_years or set(expected_years) != set(files):
        raise ExtractError(f"{FOLDER}/manifest.json", "expected_years and files disagree", column="validation.expected_years")

    records = []
    for year in sorted(expected_years):
        entry = files[year]
        rel = f"{FOLDER}/{entry['file']}"
        path = folder / entry["file"]
        if not path.is_file():
            raise ExtractError(rel, f"the release's manifest.json expects year {year}, but the file is missing "
                                    f"(not in the release, or not listed in data/sources.csv)")
        blob = path.read_bytes()
        if hashlib.sha256(blob).hexdigest() != entry["sha256"]:
            raise ExtractError(rel, "sha256 differs from manifest.json")
        resp = _load(path, rel)
        if resp.get("error"):
            raise ExtractError(rel, f"API error in response: {resp['error']!r}", column="error")
        check_columns(rel, resp, {"count", "data", "error"}, what="top-level key")
        data = resp.get("data")
        if not isinstance(data, list):
            raise ExtractError(rel, "no `data` array", column="data")
        if len(data) != entry["count"] or len(data) != resp.get("count"):
            raise ExtractError(rel, f"{len(data)} records; manifest says {entry['count']}, response says {resp.get('count')}", column="count")
        if len(data) >= PREVIEW_CEILING:
            raise ExtractError(rel, f"{len(data)} records reaches the preview ceiling of {PREVIEW_CEILING}: response truncated", column="count")
        if valuation.get(year) != "CIF":
            raise ExtractError(f"{FOLDER}/publication_metadata.json", f"import valuation for {year} is {valuation.get(year)!r}, not CIF", column="importValuation")
        for i, r in enumerate(data, 1):
            if not isinstance(r, dict):
                raise ExtractError(rel, f"record {i} of `data` is {type(r).__name__} {r!r:.40}, not an object",
                                   column="data", row=i)
            require_columns(rel, r, REQUIRED_KEYS, row=i, what="key")
            check_columns(rel, r, READ_KEYS, row=i, what="key")

            def need(key, kind=(int, float)):
                v = r.get(key)
                if not isinstance(v, kind) or isinstance(v, bool) and kind != bool:
                    want = "a number" if kind == (int, float) else f"of type {getattr(kind, '__name__', kind)}"
                    raise ExtractError(rel, f"record {i}: {key} is {v!r}, expected {want}", column=key, row=i)
                return v
            if (r.get("reporterCode"), r.get("flowCode"), str(r.get("cmdCode")), r.get("refYear")) != (156, "M", "2846", year):
                raise ExtractError(rel, f"record {i} is not China / M / 2846 / {year}", column="reporterCode", row=i)
            if r.get("partner2Code") != 0 or r.get("customsCode") != "C00" or r.get("motCode") != 0:
                raise ExtractError(rel, f"record {i} is a breakdown (partner2/customs/transport), not a total", column="partner2Code", row=i)
            value = float(need("primaryValue"))
            if r.get("cifvalue") is not None and float(r["cifvalue"]) != value:
                raise ExtractError(rel, f"record {i}: primaryValue {value} differs from cifvalue {r['cifvalue']}", column="primaryValue", row=i)
            unit = r.get("qtyUnitAbbr")
            has_qty = unit not in (None, "N/A") and r.get("qtyUnitCode", -1) != -1
            net = r.get("netWgt")
            records.append({
                "year": year, "flow": "imports", "reporter_iso3": "CHN", "hs_code": "2846",
                "classification": r.get("classificationCode"),
                "partner_code": int(need("partnerCode", int)),
                "partner_iso3_source": str(r.get("partnerISO") or "").strip(),
                "partner_name_source": str(need("partnerDesc", str)),
                "value_usd": value,
                "net_weight_kg": float(net) if has_qty and net is not None else None,
                "is_net_weight_estimated": bool(r.get("isNetWgtEstimated")),
                "quantity": float(r["qty"]) if has_qty and r.get("qty") is not None else None,
                "quantity_unit": unit if has_qty else None,
                "is_reported": bool(r.get("isReported")),
                "source_file": rel, "source_row": i,
            })
    df = pd.DataFrame.from_records(records)

    special = df["partner_code"].isin(NON_COUNTRY_PARTNERS)
    df["partner_name"] = df["partner_name_source"].astype("string")
    df["partner_iso3"] = pd.Series(pd.NA, index=df.index, dtype="string")
    df["aggregate_kind"] = df["partner_code"].map(lambda c: NON_COUNTRY_PARTNERS.get(c, (None,))[0]).astype("string")
    names = df.loc[~special, "partner_name_source"]
    h = harmonise(names, file=df.loc[~special, "source_file"], column="partnerDesc", rows=df.loc[~special, "source_row"])
    df.loc[~special, "partner_name"] = h["country_name"]
    df.loc[~special, "partner_iso3"] = h["country_iso3"]
    df.loc[~special, "aggregate_kind"] = h["aggregate_kind"]
    df["is_aggregate"] = df["aggregate_kind"].notna()
    # Cross-check our harmonisation against Comtrade's own ISO code for every country row.
    clash = ~df["is_aggregate"] & (df["partner_iso3"] != df["partner_iso3_source"])
    if clash.any():
        r = df[clash].iloc[0]
        raise ExtractError(r["source_file"], f"partner {r['partner_name_source']!r} harmonised to {r['partner_iso3']} but Comtrade says {r['partner_iso3_source']}",
                           column="partnerISO", row=int(r["source_row"]))

    cols = list(RESOURCES[TABLE]["fields"])
    df = df[cols]
    for c in ["flow", "reporter_iso3", "hs_code", "classification", "partner_iso3_source", "partner_name_source",
              "quantity_unit", "source_file"]:
        df[c] = df[c].astype("string")
    for c in ["net_weight_kg", "quantity", "value_usd"]:
        df[c] = df[c].astype("float64")
    df = df.sort_values(["year", "partner_code"], kind="stable").reset_index(drop=True)
    return {TABLE: df}
