"""Key printed figures recomputed from the release files by a second, independent path.

Why: a test that recomputes a number with the code under test proves nothing. Here every
figure is read straight from the raw files in data/raw with plain pandas (never the
project's extracts, SQL or parsers) and compared with what the chapter functions print:
the shares of chapter 1, the counts of §1.1, BGS refined shares, USITC shares, the lists.
A wrong join, filter, unit or rounding in the pipeline makes the two paths disagree.
"""
from __future__ import annotations

import gzip
import io
import re

import pandas as pd
import pytest

from analysis import paths
from analysis.chapters import constraints, drivers, update_2025

RAW = paths.raw_dir()
MCS26 = "usgs-mcs-2026/usgs_mcs2026_commodities_data.csv"


def number(text: str) -> float | None:
    """'1,234' -> 1234.0, '—' (USGS: zero) -> 0.0; bounds, other symbols, blanks -> None."""
    text = str(text).strip().replace(",", "")
    if text == "—":
        return 0.0
    return float(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None


@pytest.fixture(scope="module")
def mcs26(extracts) -> pd.DataFrame:
    return pd.read_csv(RAW / MCS26, encoding="cp1252", dtype=str, keep_default_na=False)


# ------------------------------------------------------------------ §1.1: net import reliance counts

def _nir_2025(mcs26: pd.DataFrame) -> pd.DataFrame:
    rows = mcs26[mcs26["Section"].str.startswith("Salient") & (mcs26["Statistics"] == "Net import reliance")
                 & (mcs26["Year"] == "2025")].copy()
    value = rows["Value"].str.strip()
    rows["bound"] = value.str[0].where(value.str[:1].isin(["<", ">"]))
    rows["pct"] = value.map(number)
    rows["importer"] = rows["bound"].notna() | rows["pct"].gt(0)
    return rows


def test_section_1_1_counts_from_the_release_file(mcs26):
    raw = _nir_2025(mcs26)
    nir = drivers.net_import_reliance()
    assert drivers.count_fully_reliant(nir) == int((raw["pct"] == 100).sum()) == 16
    assert drivers.count_listed(nir) == int(raw["importer"].sum()) == 83
    assert drivers.count_bounds(nir, "less than") == int((raw["bound"] == "<").sum()) == 6
    assert drivers.count_bounds(nir, "more than") == int((raw["bound"] == ">").sum())


# Import-source block each net-importer row of a chapter with several blocks refers to,
# read off the MCS 2026 chapters by hand; None where no block is the row's (copper lists
# only its forms, the rare gases share the helium chapter's blocks).
BLOCK = {
    ("Abrasives (Manufactured)", "Fused aluminum oxide"): ("Abrasives (Manufactured)", "Total fused aluminum oxide"),
    ("Abrasives (Manufactured)", "Silicon carbide"): ("Abrasives (Manufactured)", "Total silicon carbide"),
    ("Antimony", ""): ("Antimony", "Total metal and oxide"),
    ("Arsenic", "all forms of arsenic"): ("Arsenic", "All forms of arsenic"),
    ("Bauxite", ""): ("Bauxite", "Bauxite"),
    ("Alumina", ""): ("Alumina", "Alumina"),
    ("Chromium", ""): ("Chromium", "Total imports"),
    ("Diamond (Bort, grit, and dust and powder; natural and synthetic)", ""):
        ("Diamond (Industrial)", "Bort, grit, and dust and powder; natural and synthetic"),
    ("Diamond (Stones, natural and synthetic)", ""): ("Diamond (Industrial)", "Stones, primarily natural"),
    ("Feldspar", "Feldspar"): ("Feldspar", "Feldspar"),
    ("Nepheline Syenite", "Nepheline syenite"): ("Nepheline Syenite", "Nepheline syenite"),
    ("Germanium", ""): ("Germanium", "Combined total"),
    ("Iron Oxide Pigments", ""): ("Iron Oxide Pigments", "Total"),
    ("Magnesium Compounds", ""): ("Magnesium Compounds", "Total imports"),
    ("Magnesium Metal", ""): ("Magnesium Metal", "Combined total (includes magnesium content of alloys, metal, "
                                                 "powder, scrap, sheet, and other)"),
    ("Manganese", "manganese content"): ("Manganese", "Manganese contained in principal manganese imports"),
    ("Mica (Natural)", "#1"): ("Mica (Natural)", "Scrap and flake"),
    ("Mica (Natural)", "#2"): ("Mica (Natural)", "Sheet"),
    ("Niobium (Columbium)", ""): ("Niobium (Columbium)", "Total imports"),
    ("Palladium", "Palladium"): ("Palladium", "Palladium"),
    ("Platinum", "Platinum"): ("Platinum", "Platinum"),
    ("Rhenium", ""): ("Rhenium", "Total imports"),
    ("Silicon", "Ferrosilicon, all grades"): ("Silicon", "Ferrosilicon"),
    ("Silicon", "Silicon metal"): ("Silicon", "Silicon metal"),
    ("Silicon", "Total"): ("Silicon", "Total"),
    ("Stone (Dimension)", ""): ("Stone (Dimension)", "All dimension stone"),
    ("Granite Only", ""): ("Granite Only", "Granite only"),
    ("Strontium", ""): ("Strontium", "Total imports"),
    ("Sulfur", ""): ("Sulfur", "Total sulfur imports"),
    ("Tantalum", ""): ("Tantalum", "Total"),
    ("Tin", "refined tin"): ("Tin", "Refined tin"),
    ("Titanium sponge metal", ""): ("Titanium Sponge Metal", "Titanium Sponge Metal"),
    ("Vanadium", ""): ("Vanadium", "Total"),
    ("Zinc", "Refined zinc"): ("Zinc", "Refined metal"),
    ("Zirconium", "Zirconium ores and concentrates"): ("Zirconium", "Zirconium ores and concentrates"),
}
NO_BLOCK = {"Cesium", "Copper", "Neon", "Krypton", "Xenon", "Nickel", "Selenium", "Rare Earths (Heavy)"}


def test_china_leading_count_from_the_import_source_table(mcs26):
    """China first in the import-source block of the row, 'Other countries' aside."""
    raw = _nir_2025(mcs26)
    raw = raw[raw["importer"]]
    sources = mcs26[(mcs26["Section"] == "Import Sources") & (mcs26["Country"] != "Other countries")]
    first = sources.groupby(["Commodity", "Statistics_detail"], sort=False)["Country"].first()
    blocks = sources.groupby("MCS chapter").apply(
        lambda g: list(dict.fromkeys(zip(g["Commodity"], g["Statistics_detail"]))), include_groups=False)
    leading, mica = {}, 0
    for r in raw.itertuples():
        detail = r.Statistics_detail.replace("\u00a0", " ")
        m = re.search(r"consumption(?: \([^)]*\))?[:,]\s*(.+)$", detail)
        form = m.group(1).strip() if m else ""
        if r.Commodity == "Mica (Natural)":
            mica += 1
            form = f"#{mica}"
        chapter_blocks = blocks.get(getattr(r, "_1"), [])
        block = BLOCK.get((r.Commodity, form)) or (chapter_blocks[0] if len(chapter_blocks) == 1 else None)
        assert (block is None) == (r.Commodity in NO_BLOCK), (r.Commodity, form)
        leading[(r.Commodity, form)] = first.get(block) if block else None
    nir = drivers.net_import_reliance()
    shown = drivers.nir_data(nir)
    china_raw = sum(v == "China" for v in leading.values())
    assert drivers.count_china_leading(nir) == china_raw == 17
    # the same rows, not only the same count: commodity names of the China rows
    assert sorted(shown.loc[shown["china_is_leading"].eq(True), "commodity_name"]) == sorted(
        c for (c, _), v in leading.items() if v == "China")
    # and 'not given' only where the release gives no block for the row
    assert sorted(shown.loc[shown["leading_import_source"].isna(), "commodity_name"]) == sorted(NO_BLOCK)


# ------------------------------------------------------------------ chapter 1: shares of world output and reserves

MINERALS = {"cobalt": "Cobalt", "lithium": "Lithium", "nickel": "Nickel", "graphite_natural": "Graphite (Natural)",
            "manganese": "Manganese", "rare_earths": "Rare Earths"}


def _erratum(text: str) -> tuple[float, float]:
    """(Brazil's corrected rare-earth reserves, corrected world lower bound) as the data
    release's version history states them."""
    m = re.search(r'reserves for Brazil was changed from "[\d,]+" to "([\d,]+)" and the total was revised down '
                  r'from ">[\d,]+" to ">([\d,]+)"', text)
    assert m, "version history no longer states the Brazil rare-earth correction"
    return number(m.group(1)), number(m.group(2))


def _raw_shares(mcs26: pd.DataFrame) -> dict[tuple[str, str], list[float]]:
    history = (RAW / "usgs-mcs-2026/usgs_mcs2026_version_history.txt").read_text(encoding="utf-8", errors="replace")
    brazil, world_ree = _erratum(history)
    world = mcs26[mcs26["Section"].str.startswith("World Mine")]
    out = {}
    for cid, name in MINERALS.items():
        for measure, stat in (("mine production", "Production"), ("reserves", "Reserves")):
            rows = world[(world["Commodity"] == name) & (world["Statistics"] == stat)]
            rows = rows[rows["Year"] == rows["Year"].max()]
            values = {r.Country: r.Value.strip() for r in rows.itertuples()}
            if (cid, measure) == ("rare_earths", "reserves"):
                values["Brazil"], values["World total"] = f"{brazil:.0f}", f">{world_ree:.0f}"
            total = values.pop("World total")
            total = number(total.lstrip(">"))
            values.pop("Other countries", None)
            out[(cid, measure)] = sorted(100 * number(v) / total for v in values.values() if number(v) is not None)
    return out


def test_chapter_1_country_shares_from_the_release_file(mcs26):
    shares = drivers.mineral_shares()
    raw = _raw_shares(mcs26)
    for (cid, measure), expected in raw.items():
        got = shares[(shares["commodity_id"] == cid) & (shares["measure"] == measure) & ~shares["is_aggregate"]
                     & shares["share_pct"].notna()]["share_pct"].sort_values().tolist()
        assert got == pytest.approx(expected), (cid, measure)
    # the printed texts of §1.2.1, from the raw file's own rows
    world = mcs26[mcs26["Section"].str.startswith("World Mine") & (mcs26["Year"] == "2025")]
    def raw_share(name, stat, country):
        rows = world[(world["Commodity"] == name) & (world["Statistics"] == stat)].set_index("Country")["Value"]
        return 100 * number(rows[country]) / number(rows["World total"].lstrip(">"))
    assert drivers.share_text(shares, "cobalt", "mine production", "COD") == f"{raw_share('Cobalt', 'Production', 'Congo (Kinshasa)'):.0f}%"
    idn = raw_share("Nickel", "Reserves", "Indonesia")
    assert drivers.share_text(shares, "nickel", "reserves", "IDN") == f"at most {-(-idn // 1):.0f}%"  # rounded up
    triangle = sum(raw_share("Lithium", "Production", c) for c in ("Australia", "Chile", "Argentina"))
    assert drivers.combined_share_text(shares, "lithium", "mine production", ["AUS", "CHL", "ARG"]) == f"{triangle:.0f}%"


def _triangle_share(edition: int) -> tuple[int, float]:
    """(data year, Australia+Chile+Argentina share of world lithium mine output) in one
    edition's world table, read in that edition's own layout."""
    countries = ("Australia", "Chile", "Argentina")
    if edition == 2026:
        df = pd.read_csv(RAW / MCS26, encoding="cp1252", dtype=str, keep_default_na=False)
        rows = df[(df["Commodity"] == "Lithium") & (df["Statistics"] == "Production")]
        year = rows["Year"].max()
        v = rows[rows["Year"] == year].set_index("Country")["Value"]
        return int(year), 100 * sum(number(v[c]) for c in countries) / number(v["World total"])
    if edition == 2025:
        df = pd.read_csv(RAW / "usgs-mcs-2025/world/MCS2025_World_Data.csv", encoding="utf-8-sig", dtype=str,
                         keep_default_na=False)
        df = df[df["COMMODITY"].str.strip() == "Lithium"]
        col = [c for c in df.columns if c.startswith("PROD_EST")][0]
        v = df.set_index(df["COUNTRY"].str.strip())[col]
        return int(col[-4:]), 100 * sum(number(v[c]) for c in countries) / number(v["World total (rounded)"])
    df = pd.read_csv(RAW / f"usgs-mcs-{edition}/world/mcs{edition}-lithi_world.csv", encoding="utf-8-sig", dtype=str,
                     keep_default_na=False)
    col = [c for c in df.columns if c.lower().startswith("prod_t_est")][0]
    v = df.set_index(df["Country"].str.strip())[col]
    world = next(k for k in v.index if k.startswith("World total"))
    return int(col[-4:]), 100 * sum(number(v[c]) for c in countries) / number(v[world])


def test_lithium_share_by_edition_from_each_editions_file(extracts):
    by_edition = drivers.combined_share_by_edition("lithium", ["AUS", "CHL", "ARG"])
    for r in by_edition.itertuples():
        year, share = _triangle_share(int(r.edition))
        assert (int(r.year), r.share_pct) == (year, pytest.approx(share)), r.edition
    first = by_edition.iloc[0]
    year, share = _triangle_share(int(first["edition"]))
    assert drivers.edition_share_text(by_edition) == f"{share:.0f}% for {year} in the {int(first['edition'])} edition"


# ------------------------------------------------------------------ BGS refined output

def _bgs(extracts) -> pd.DataFrame:
    with gzip.open(RAW / "bgs-world-mineral-statistics/df_ukgs.csv.gz", "rt", encoding="utf-8") as f:
        df = pd.read_csv(io.StringIO(f.read()), sep=";", dtype={"Sub-commodity": str}, keep_default_na=False)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    return df


@pytest.mark.parametrize("commodity_id, desc", [("cobalt", "cobalt refined"), ("nickel", "nickel smelter/refined")])
def test_refined_china_shares_from_the_bgs_export(extracts, commodity_id, desc):
    """China's share = China / sum of countries with a figure, main series only (the nickel
    sulfate sub-series is compound weight), every year of the chart."""
    df = _bgs(extracts)
    df = df[(df["commodity_desc"] == desc) & (df["Sub-commodity"] == "") & df["value"].notna()]
    totals = df.groupby("year")["value"].sum()
    china = df[df["Country"] == "China"].groupby("year")["value"].sum()
    expected = (100 * china / totals[china.index]).dropna()
    refined = drivers.refined_shares()
    series = drivers.china_refined_series(refined)
    got = series[series["commodity_id"] == commodity_id].set_index("year")["share_pct"]
    assert got.index.tolist() == expected.index.tolist()
    assert got.tolist() == pytest.approx(expected.tolist())
    assert drivers.china_first_year(refined, commodity_id) == int(expected.index.min())
    assert drivers.refined_share_text(refined, commodity_id) == f"{expected.iloc[-1]:.0f}%"
    assert drivers.countries_in_year(refined, commodity_id) == int((df["year"] == expected.index.max()).sum())


# ------------------------------------------------------------------ USITC: China's share among the partners

@pytest.fixture(scope="module")
def usitc(extracts) -> pd.DataFrame:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: the workbook has no default style
        df = pd.read_excel(RAW / "usitc-dataweb/us_imports_for_consumption_1993-2026.xlsx",
                           sheet_name="Customs Value", header=2)
    df = df[df["Data Type"] == "Customs Value"]
    df["heading"] = df["HTS Number"].astype(int).astype(str)
    return df


def test_usitc_shares_and_partner_count_from_the_workbook(usitc):
    shares = constraints.china_share()
    year = constraints.latest_full_year(shares)
    assert constraints.partner_count() == usitc["Country"].nunique() == 18
    for heading in constraints.TABLE_HEADINGS:
        rows = usitc[usitc["heading"] == heading]
        total = rows[str(year)].sum()
        china = rows.loc[rows["Country"] == "China", str(year)].sum()
        assert constraints.share_pct(shares, heading) == round(100 * china / total, 1), heading
    first = usitc[usitc["heading"] == "2846"]
    years = [c for c in usitc.columns if re.fullmatch(r"\d{4}", str(c)) and int(c) <= year]
    series = {int(y): 100 * first.loc[first["Country"] == "China", y].sum() / first[y].sum() for y in years}
    assert constraints.peak(shares, "2846") == (max(series, key=series.get), round(max(series.values()), 1))
    assert constraints.first_year_above(shares, "2846") == min(y for y, v in series.items() if v > 50)


def test_chapter_6_import_values_from_the_workbook(usitc):
    trade = update_2025.imports_from_china_controlled()
    china = usitc[usitc["Country"] == "China"]
    for heading in ("8110", "2504", "8112", "8101"):
        for year in (2023, 2024, 2025):
            expected = china.loc[china["heading"] == heading, str(year)].sum() / 1e6
            assert update_2025.value_str(trade, heading, year) == f"{expected:,.1f}", (heading, year)


# ------------------------------------------------------------------ the lists of critical minerals

def test_list_counts_from_the_release_files(mcs26):
    t4 = pd.read_csv(RAW / "usgs-mcs-2023/industry-trends/MCS2023_T4_Critical_Minerals_End_Use.csv",
                     encoding="utf-8-sig", dtype=str, keep_default_na=False)
    lists = update_2025.critical_list_entries()
    assert update_2025.list_count(lists, 2022) == t4["Critical Mineral"].str.strip().replace("", pd.NA).dropna().nunique() == 50
    ref = pd.read_csv(paths.REFERENCE_DIR / "critical_minerals_2018.csv", dtype=str)
    assert update_2025.list_count(lists, 2018) == len(ref) == 35
    flagged = mcs26.loc[mcs26["Is critical mineral 2025"].isin(["Yes", "Yttrium"]), "Commodity"].nunique()
    assert flagged > 0
    assert update_2025.official_count(2025) == 60
