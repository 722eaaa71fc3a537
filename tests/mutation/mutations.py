"""The mutations `make mutation` applies, one at a time, to a copy of the project.

Each is a realistic fault (issue 9 lists the first fourteen): a one-line change that a
refactor or a hurried fix could make, which must make at least one of the tests named
beside it fail. `old` must occur exactly once in `file`; when the code it targets is
rewritten, the runner reports the mutation as stale so this list is updated, never
silently skipped.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutation:
    id: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    why: str


PARSERS = ("tests/test_parsers.py",)
COUNTRIES = ("tests/test_countries.py", "tests/test_parsers.py")
PIPELINE = ("tests/test_pipeline.py",)
PIPELINE_GUARDS = ("tests/test_pipeline.py::test_check_table_refuses_a_column_of_the_wrong_type",)
DRIVERS = ("tests/test_drivers.py", "tests/test_independent.py")
UPDATE = ("tests/test_update_2025.py",)

MUTATIONS: tuple[Mutation, ...] = (
    # ---------------------------------------------------------------- the faults issue 9 names
    Mutation("emdash-zero-as-null", "analysis/extract/quirks.py",
             "return Parsed(0.0 if flag == ZERO else None, flag)", "return Parsed(None, flag)",
             PARSERS, "the em-dash zero read as null"),
    Mutation("included-as-not-available", "analysis/extract/quirks.py",
             "return Parsed(None, INCLUDED_ELSEWHERE)", "return Parsed(None, NOT_AVAILABLE)",
             PARSERS, "'Included with…' flagged not available"),
    Mutation("half-unit-as-zero", "analysis/extract/quirks.py",
             "    if _HALF_UNIT_WORDS.match(text):\n        return Parsed(None, LESS_THAN_HALF_UNIT)",
             "    if _HALF_UNIT_WORDS.match(text):\n        return Parsed(0.0, ZERO)",
             PARSERS, "'Less than ½ unit' read as zero"),
    Mutation("column-estimate-flag-dropped", "analysis/extract/usgs_mcs_world_files.py",
             'long["is_estimate_cell"] | long["is_estimate_col"] |', 'long["is_estimate_cell"] |',
             ("tests/test_release_quirks.py",), "the column-level estimate flag (Prod_t_est_2022) dropped"),
    Mutation("exception-missing-column-matches-all", "analysis/extract/pipeline.py",
             "        if col not in failing.columns:\n            return pd.Series(False, index=failing.index)",
             "        if col not in failing.columns:\n            return pd.Series(True, index=failing.index)",
             ("tests/test_pipeline.py::test_exception_suppresses_exactly_its_row",), "a validation exception naming a missing column matches every failing row"),
    Mutation("up-to-date-ignores-code", "analysis/extract/pipeline.py",
             'if built.get("code", {}).get("code_sha256") != _code_version()["code_sha256"]:',
             "if False:", ("tests/test_pipeline.py::test_up_to_date_only_while_inputs_are_unchanged",), "up_to_date ignores a change of the extract code"),
    Mutation("dtype-check-removed", "analysis/extract/pipeline.py",
             'if not _type_ok(df[col], spec["type"]):', "if False:",
             PIPELINE_GUARDS, "the column dtype check removed"),
    Mutation("battery-shares-oldest-year", "analysis/sql/world_battery_mineral_shares_latest.sql",
             "PARTITION BY measure, commodity_id ORDER BY year DESC", "PARTITION BY measure, commodity_id ORDER BY year",
             DRIVERS, "ORDER BY year instead of DESC: the oldest data year is taken as the latest"),
    Mutation("refined-count-blank-cells", "analysis/sql/bgs_refined_cobalt_nickel_shares.sql",
             "count(*) FILTER (WHERE NOT no_figure) AS countries_with_figure",
             "count(*) AS countries_with_figure", DRIVERS, "blank cells counted among the refined countries"),
    Mutation("reliance-bound-drawn-high", "analysis/sql/net_import_reliance_latest.sql",
             "WHEN 'lower_bound' THEN n.value_low", "WHEN 'lower_bound' THEN n.value_high",
             DRIVERS, "a lower bound drawn at its (missing) high value"),
    Mutation("quote-in-any-seed", "analysis/curated.py",
             "if q not in seed_texts[key]:", "if not any(q in t for t in seed_texts.values()):",
             ("tests/test_curated.py::test_a_quote_must_be_in_its_own_seed", "tests/test_curated.py"), "a quote accepted if found in any seed"),
    Mutation("render-key-without-inputs", "analysis/render/inputs.py",
             "if all(self.state.current(k) == v for k, v in e.inputs.items()):", "if True:",
             ("tests/test_rerun.py",), "a cached chapter reused without checking the inputs it read"),
    Mutation("cached-raw-trusted-on-size", "analysis/acquire.py",
             "if target.stat().st_size == entry.bytes and got == entry.sha256:",
             "if target.stat().st_size == entry.bytes:",
             ("tests/test_acquire.py",), "a cached raw file trusted on its size"),
    Mutation("curated-out-of-cache-digest", "analysis/render/worker.py",
             "        if not explicit and not self._inside(path):\n            return",
             "        if not explicit and (not self._inside(path) or \"curated\" in path):\n            return",
             ("tests/test_rerun.py",), "curated files left out of what a chapter is cached under"),
    # ---------------------------------------------------------------- the shared cell parser
    Mutation("bound-sides-swapped", "analysis/extract/quirks.py",
             'if m.group(1) in (">", ">=", "≥"):', 'if m.group(1) in ("<", "<=", "≤"):',
             PARSERS, "'>50' read as an upper bound"),
    Mutation("estimate-prefix-ignored", "analysis/extract/quirks.py",
             "estimate, text = True, text[1:].strip()", "estimate, text = False, text[1:].strip()",
             PARSERS, "'e5,000' not flagged as an estimate"),
    Mutation("thousands-separator-as-decimal", "analysis/extract/quirks.py",
             'return float(text.replace(",", "").replace("−", "-"))',
             'return float(text.replace(",", ".", 1).replace(",", "").replace("−", "-"))',
             PARSERS, "'5,000' read as 5.0"),
    Mutation("unicode-minus-dropped", "analysis/extract/quirks.py",
             '.replace("−", "-"))', '.replace("−", ""))', PARSERS, "'−5' read as 5"),
    Mutation("range-order-unchecked", "analysis/extract/quirks.py",
             "        if low <= high:\n", "        if True:\n", PARSERS, "'300–50' accepted as a range"),
    Mutation("blank-as-zero", "analysis/extract/quirks.py",
             '    if text == "":\n        return Parsed(None, NOT_AVAILABLE)',
             '    if text == "":\n        return Parsed(0.0, ZERO)', PARSERS, "a blank cell read as zero"),
    Mutation("withheld-for-as-not-available", "analysis/extract/quirks.py",
             "    if _WITHHELD_FOR.match(text):\n        return Parsed(None, WITHHELD)",
             "    if _WITHHELD_FOR.match(text):\n        return Parsed(None, NOT_AVAILABLE)",
             PARSERS, "'W for 23-24' not flagged withheld"),
    Mutation("qualitative-words-refused", "analysis/extract/quirks.py",
             "    if QUALITATIVE_WORDS.match(text):\n        return Parsed(None, QUALITATIVE)",
             "    if False:\n        return Parsed(None, QUALITATIVE)", PARSERS, "'Large' reserves stop the build"),
    Mutation("nan-read-as-number", "analysis/extract/quirks.py",
             "if raw != raw:  # NaN", "if False:", PARSERS, "a NaN cell becomes the value NaN, not a flag"),
    # ---------------------------------------------------------------- trends extract cell rules
    Mutation("less-than-tons-as-value", "analysis/extract/quirks.py",
             "return Parsed(None, UPPER_BOUND, high=to_float(m.group(1)))", "return Parsed(to_float(m.group(1)))",
             PARSERS, "'Less than 1,000 tons' read as 1,000"),
    Mutation("qmark-minus-positive", "analysis/extract/usgs_mcs_files.py",
             'return Parsed(-float(m.group(1).replace(",", "")))', 'return Parsed(float(m.group(1).replace(",", "")))',
             PARSERS, "'?1,250' read as +1,250"),
    Mutation("kt-factor-wrong", "analysis/extract/usgs_mcs_salient.py",
             '"kt": ("t", 1e3)', '"kt": ("t", 1e2)', PARSERS, "thousand tons scaled by 100"),
    Mutation("nir-sources-by-name-only", "analysis/extract/usgs_mcs_trends.py",
             "    if (name, form) in SOURCE_BLOCK:", "    if False:",
             ("tests/test_independent.py",), "bort, quartz, manganese... lose their import sources again"),
    # ---------------------------------------------------------------- country names
    Mutation("footnote-one-digit", "analysis/extract/countries.py",
             r'_FOOTNOTE = re.compile(r"(?<=[A-Za-z\).,])\s*\d{1,2}(,\d{1,2})*$")',
             r'_FOOTNOTE = re.compile(r"(?<=[A-Za-z\).,])\s*\d(,\d{1,2})*$")',
             COUNTRIES, "'Australia12' cleaned to 'Australia1'"),
    Mutation("names-case-sensitive", "analysis/extract/countries.py",
             ".translate(_QUOTES).casefold()", ".translate(_QUOTES)", COUNTRIES, "'CANADA' no longer Canada"),
    Mutation("aggregates-not-first", "analysis/extract/countries.py",
             "    if kind:\n        return None, clean_name(name), kind", "    if False:\n        return None, clean_name(name), kind",
             COUNTRIES, "'World total' looked up as a country"),
    # ---------------------------------------------------------------- pipeline guards
    Mutation("primary-key-unchecked", "analysis/extract/pipeline.py",
             "    if dup.any():\n        rows = df.loc[dup, key]", "    if False:\n        rows = df.loc[dup, key]",
             PIPELINE_GUARDS, "duplicate primary keys accepted"),
    Mutation("undocumented-column-accepted", "analysis/extract/pipeline.py",
             "    if extra:\n", "    if False:\n", PIPELINE_GUARDS, "a column not in RESOURCES accepted"),
    # ---------------------------------------------------------------- queries behind printed numbers
    Mutation("upper-bounds-not-importers", "analysis/sql/net_import_reliance_latest.sql",
             "n.value_flag IN ('lower_bound', 'upper_bound')", "n.value_flag IN ('lower_bound')",
             DRIVERS, "'<25' not counted as a net importer (the old §1.1 count)"),
    Mutation("world-bound-ignored", "analysis/sql/world_battery_mineral_shares_latest.sql",
             "coalesce(value_flag = 'lower_bound', false) AS world_is_lower_bound", "false AS world_is_lower_bound",
             DRIVERS, "a share of a '>140,000,000' world total printed as exact"),
    Mutation("revisions-include-reserves", "analysis/sql/revisions_battery_minerals.sql",
             "WHERE \"table\" = 'world_production'\n  AND stage = 'mine'\n", "WHERE stage IN ('mine', 'reserves')\n", UPDATE,
             "reserves of different years listed as revisions in Table 6.1"),
    Mutation("every-change-a-revision", "analysis/sql/revisions_by_edition_and_kind.sql",
             "CASE WHEN year_from = year THEN 'revision'", "CASE WHEN true THEN 'revision'", UPDATE,
             "successive estimates counted as revisions"),
    Mutation("triangle-adds-china", "analysis/sql/world_mine_share_of_countries_by_edition.sql",
             "AND list_contains($iso3, c.country_iso3)", "AND (list_contains($iso3, c.country_iso3) OR c.country_iso3 = 'CHN')",
             DRIVERS, "a country outside the list added to the lithium share"),
    Mutation("usitc-partial-years-mixed", "analysis/sql/usitc_china_share_among_18_partners.sql",
             "AND is_partial_year = $partial", "AND (is_partial_year = $partial OR true)",
             ("tests/test_constraints.py", "tests/test_independent.py"), "January–April rows added to full years"),
    # ---------------------------------------------------------------- chapter functions
    Mutation("bound-rounded-down", "analysis/prose.py",
             "value = math.ceil(value * scale - 1e-9) / scale", "value = round(value * scale) / scale",
             DRIVERS, "'at most 44%' for a share below 44.3% (a bound rounded down)"),
    Mutation("chart-bound-label-own-rounding", "analysis/chapters/drivers.py",
             'return pct(value, kind).replace("at most ", "≤")',
             'return ("≤" if kind == "at_most" else "") + pct(value, "exact")',
             DRIVERS, "Figure 1.2 rounds a bound its own way (≤44% beside 'at most 45%')"),
    Mutation("china-count-by-commodity", "analysis/chapters/drivers.py",
             'return int(_net_importers(nir)["china_is_leading"].eq(True).sum())',
             'return int(_net_importers(nir).loc[lambda d: d["china_is_leading"].eq(True), "commodity_id"].nunique())',
             DRIVERS, "China's count in commodities, the bars in forms"),
    Mutation("tooltip-before-erratum", "analysis/chapters/drivers.py",
             "    if pd.isna(erratum) or not erratum:\n        return published",
             "    if True:\n        return published", DRIVERS, "Figure 1.2's tooltip shows >85,000,000 t"),
    Mutation("refined-title-query-years", "analysis/chapters/drivers.py",
             'first, last = int(data["year"].min()), int(data["year"].max())  # the years drawn',
             'first, last = int(refined["year"].min()), refined_latest_year(refined)',
             DRIVERS, "Figure 1.3's title gives years it does not draw"),
    Mutation("usgs-title-case-labels", "analysis/chapters/drivers.py",
             'nir["label"] = base.where(~several | form.eq(""), with_form)', 'nir["label"] = nir["commodity_name"]',
             DRIVERS, "'Talc And Pyrophyllite' back in the chart"),
    Mutation("verb-reversed", "analysis/chapters/update_2025.py",
             'return "rose" if after > before else', 'return "rose" if after < before else',
             UPDATE, "chapter 6 says 'rose' where the values fell"),
    Mutation("tungsten-peak-is-minimum", "analysis/chapters/update_2025.py",
             'top = before.loc[before["value_usd"].idxmax()]', 'top = before.loc[before["value_usd"].idxmin()]',
             UPDATE, "the tungsten sentence starts from the lowest year"),
    Mutation("revision-count-all-kinds", "analysis/chapters/update_2025.py",
             'return int(summary.loc[summary["kind"] == kind, "changed_rows"].sum())',
             'return int(summary["changed_rows"].sum())', UPDATE, "revisions and new estimates counted together"),
    Mutation("usitc-share-whole-percent", "analysis/chapters/constraints.py",
             'return round(float(_row(shares, heading, year)["china_share_of_18_pct"]), 1)',
             'return round(float(_row(shares, heading, year)["china_share_of_18_pct"]), 0)',
             ("tests/test_constraints.py", "tests/test_independent.py"), "USITC shares rounded to whole percent"),
    Mutation("early-acts-one-year", "analysis/chapters/instruments.py",
             'return acts.loc[acts["year"].lt(_EARLY_END)]', 'return acts.loc[acts["year"].le(1939)]',
             ("tests/test_instruments.py",), "'Two statutes' miscounted"),
    # ---------------------------------------------------------------- the ledger
    Mutation("ledger-drops-inline-values", "analysis/render/ledger.py",
             'inline_rows = [r for ch in ledger.values() for r in ch["inline"]]',
             'inline_rows = [r for ch in ledger.values() for r in ch["inline"]][1:]',
             ("tests/test_render.py",), "one printed value missing from the ledger"),
    Mutation("ledger-floats-coarse", "analysis/render/ledger.py",
             'return format(value, ".10g")', 'return format(value, ".2g")',
             ("tests/test_render.py",), "figure data written with two significant digits"),
)
