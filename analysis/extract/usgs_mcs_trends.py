"""USGS Mineral Commodity Summaries: the industry-trends tables (net import reliance, import
sources and their counts, the critical-minerals lists, the leading producer of each critical
mineral).

Why this module reads four editions two ways: MCS 2023-2025 publish the "industry trends"
figures and tables as CSVs (Fig. 2 net import reliance with its ranked import sources,
Fig. 3 the counts of import-source countries, T4 the 2022 critical-minerals list, T5 the
leading producer of each critical mineral); MCS 2026 publishes everything in one long file
(read by analysis.extract.usgs_mcs_files). The US salient statistics of the same releases
are analysis.extract.usgs_mcs_salient.

Decisions a reader should know about:

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

import re
from pathlib import Path

import pandas as pd

from analysis import metadata
from analysis.errors import ExtractError
from analysis.extract.commodities import commodity_id, known_names
from analysis.extract.countries import clean_name, harmonise
from analysis.extract.readers import check_columns
from analysis.extract.quirks import NOT_AVAILABLE
from analysis.extract.usgs_mcs_files import LONG_EDITION, LONG_FILE, WIDE_EDITIONS
from analysis.extract.usgs_mcs_files import parse_cell, read_columns, read_long, read_rows, read_year, typed_frame
from analysis.paths import REFERENCE_DIR

CRITICAL_2018_CSV = REFERENCE_DIR / "critical_minerals_2018.csv"
RESOURCES = metadata.resources("usgs_mcs_trends")  # usgs_mcs_trends.meta.yml: tables, keys, fields and types


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
    header, rows = read_rows(raw, rel, "utf-8-sig")
    names = [h.strip() for h in header]
    value_col = next((n for n in names if _FIG2_VALUE.match(n)), None)
    sources_col = next((n for n in names if _FIG2_SOURCES.match(n)), None)
    order_col = next((n for n in names if n in ("Import_Share_Rank", "Import_Share_Order")), None)
    if not (value_col and sources_col and order_col and "Commodity" in names):
        raise ExtractError(rel, f"expected Commodity, Import_Share_Rank/Order, Net_Import_Reliance_pct_<year>, Major_Import_Sources_<y1>_<y2>; found {names}", row=1)
    check_columns(rel, names, {value_col, sources_col, order_col, "Commodity", "Notes"})
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
        p = parse_cell(original, file=rel, column=value_col, row=line)
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
        p = parse_cell(r["Value"], file=LONG_FILE, column="Value", row=line)
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
        if read_year(r.Year, file=LONG_FILE, column="Year", row=line) != latest:
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
        p = parse_cell(r.Value, file=LONG_FILE, column="Value", row=line, qmark_minus=True)
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
        header, rows = read_rows(raw, rel, "utf-8-sig")
        names = [h.strip() for h in header]
        if "Critical Mineral" not in names or "Category_Note" not in names:
            raise ExtractError(rel, f"expected columns 'Critical Mineral' and 'Category_Note'; found {names}", row=1)
        ci, ni = names.index("Critical Mineral"), names.index("Category_Note")
        check_columns(rel, names, {"Critical Mineral", "Category_Note"})
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
    recs = []
    for line, get in read_columns(raw, rel, ["Source", "Country", "Commodity_Count", "Map_Class"]):
        count = get("Commodity_Count").strip()
        if not re.fullmatch(r"\d+", count):
            raise ExtractError(rel, f"count {count!r} is not a whole number", column="Commodity_Count", row=line)
        recs.append({"edition": edition, "source_label": get("Source").strip(),
                     "country_name_source": get("Country"), "commodity_count": int(count),
                     "map_class": get("Map_Class").strip(), "source_file": rel, "source_row": line})
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
    need = ["Year", "Critical_mineral", "Net_Import_Reliance", "Primary_import_source", "Import_source_notes",
            "Leading_source_country", "Leading_country_prod", "World_total_prod", "World_prod_notes",
            "Leading_source_precent_world"]
    recs = []
    for line, get in read_columns(raw, rel, need):
        m = re.fullmatch(r"(\d{4})(?:_estimated)?", get("Year").strip())
        if not m:
            raise ExtractError(rel, f"year {get('Year')!r} not understood", column="Year", row=line)
        published = get("Critical_mineral").strip()
        cid = commodity_id(published, file=rel, column="Critical_mineral", row=line)
        nir = parse_cell(get("Net_Import_Reliance"), file=rel, column="Net_Import_Reliance", row=line)
        recs.append({
            "edition": edition, "year": int(m.group(1)), "commodity_id": cid, "name_published": published,
            "net_import_reliance_pct": nir.value, "net_import_reliance_original": get("Net_Import_Reliance").strip(),
            "net_import_reliance_flag": nir.flag, "primary_import_source": get("Primary_import_source").strip(),
            "leading_producer": get("Leading_source_country").strip(),
            "leading_producer_production": parse_cell(get("Leading_country_prod"), file=rel, column="Leading_country_prod", row=line).value,
            "world_production": parse_cell(get("World_total_prod"), file=rel, column="World_total_prod", row=line).value,
            "leading_producer_share_pct": parse_cell(get("Leading_source_precent_world"), file=rel, column="Leading_source_precent_world", row=line).value,
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
def extract(raw: Path) -> dict[str, pd.DataFrame]:
    """The industry-trends tables from a directory laid out like the mirror."""
    raw = Path(raw)
    # Load inputs
    long = read_long(raw)

    # Process data
    nir: list[dict] = []
    sources: list[dict] = []
    t5: list[dict] = []
    counts: list[dict] = []
    for edition in WIDE_EDITIONS:
        n, s = _fig2(raw, edition)
        nir += n
        sources += s
        t5 += _t5(raw, edition)
        counts += _fig3(raw, edition)
    sources += _import_sources_2026(long)
    sources_frame = pd.DataFrame.from_records(sources)
    nir += _nir_2026(long, sources_frame)
    critical = _critical_2018() + _critical_2022(raw) + _critical_2025(long)

    # Save outputs (the caller writes them)
    return {
        "core_usgs_mcs__net_import_reliance": typed_frame(nir, "core_usgs_mcs__net_import_reliance", RESOURCES["core_usgs_mcs__net_import_reliance"]),
        "core_usgs_mcs__import_sources": typed_frame(sources, "core_usgs_mcs__import_sources", RESOURCES["core_usgs_mcs__import_sources"]),
        "core_usgs_mcs__critical_minerals": typed_frame(critical, "core_usgs_mcs__critical_minerals", RESOURCES["core_usgs_mcs__critical_minerals"]),
        "core_usgs_mcs__critical_minerals_salient": typed_frame(t5, "core_usgs_mcs__critical_minerals_salient", RESOURCES["core_usgs_mcs__critical_minerals_salient"]),
        "core_usgs_mcs__import_source_counts": typed_frame(counts, "core_usgs_mcs__import_source_counts", RESOURCES["core_usgs_mcs__import_source_counts"]),
    }
