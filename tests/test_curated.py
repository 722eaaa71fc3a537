"""Schema and provenance tests for the hand-curated tables in data/curated/.

The rules live in analysis/curated.py (the build runs the same checks); these tests run
every check on the real files, and feed each checker a deliberately broken row to prove
that it reports it.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import bibliography
from analysis import curated as cu
from analysis.errors import ExtractError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# --------------------------------------------------------------------------- real files

@pytest.fixture(scope="module")
def ctx() -> cu.Context:
    return cu.load_context()


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {t: cu.load_table(t) for t in cu.TABLES}


@pytest.mark.parametrize("check_id", cu.check_ids())
def test_curated_tables_pass(check_id, ctx, tables):
    fails = cu.run_check(check_id, ctx, df=tables[check_id.split(".")[0]])
    assert fails.empty, "\n" + cu.report({check_id: fails})


def test_events_and_memberships_load_every_row(tables):
    """Loading keeps every data row of the file (counted here with the csv module)."""
    import csv

    from analysis.paths import CURATED_DIR

    for name in ("events", "memberships"):
        with (CURATED_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
        assert len(tables[name]) == len(rows) - 1 > 0, name


def test_every_seed_is_in_bib_and_in_seeds_csv():
    entries = bibliography.entries()
    assert cu.SEED_KEYS <= set(entries)
    assert [r["source_key"] for r in cu.seeds()] == list(cu.SEED_FILES)


def test_bib_holds_the_mcs_data_release_dois():
    entries = bibliography.entries()
    expected = {"usgs2023mcsdata": "10.5066/P9WCYUI6", "usgs2024mcsdata": "10.5066/P144BA54",
                "usgs2025mcsdata": "10.5066/P13XCP3R", "usgs2026mcsdata": "10.5066/P1WKQ63T"}
    for key, doi in expected.items():
        assert entries[key]["DOI"] == doi


def test_every_bib_entry_has_title_and_year():
    entries = bibliography.entries()
    missing = [k for k, f in entries.items() if not f.get("title") or not re.fullmatch(r"\d{4}", bibliography.year(f))]
    assert not missing


def test_membership_codes_agree_with_country_converter(tables):
    # Spot-check the names most easily confused by converters.
    m = tables["memberships"].set_index("member")["member_iso3"].to_dict()
    assert m["Republic of Korea"] == "KOR"
    assert m["Democratic Republic of the Congo"] == "COD"
    assert m["European Union (represented by the European Commission)"] == "EUU"
    assert m["Türkiye"] == "TUR"


def test_ira_30d_lists_twenty_fta_partners_plus_japan(tables):
    fta = tables["memberships"].query("initiative_id == 'ira_30d_fta'")
    assert len(fta) == 21
    assert "JPN" in set(fta["member_iso3"]) and "USA" not in set(fta["member_iso3"])


# --------------------------------------------------------------------------- loading

def _write(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)


def test_missing_column_names_file_and_column(tmp_path):
    cols = [c for c in cu.TABLES["events"].columns if c != "kind"]
    _write(tmp_path / "events.csv", cols, [])
    with pytest.raises(ExtractError) as err:
        cu.load_table("events", tmp_path)
    assert "events.csv" in str(err.value) and "'kind'" in str(err.value)


def test_absent_claims_load_as_empty_table(tmp_path):
    df = cu.load_table("claims", tmp_path)
    assert df.empty and set(cu.TABLES["claims"].columns) <= set(df.columns)
    assert all(cu.run_check(c, _fake_ctx(), tmp_path).empty for c in cu.check_ids() if c.startswith("claims."))


def test_claims_from_several_files_keep_file_and_line(tmp_path):
    spec = cu.TABLES["claims"]
    _write(tmp_path / "claims" / "claims_a.csv", spec.columns, [_claim()])
    _write(tmp_path / "claims" / "claims_b.csv", spec.columns, [_claim(claim_id="seedkey-002"), _claim(value="x")])
    df = cu.load_table("claims", tmp_path)
    assert len(df) == 3
    fails = cu.run_check("claims.claim_values", _fake_ctx(), df=df)
    assert fails["_file"].str.endswith("claims_b.csv").all() and fails["_row"].tolist() == [3]


def test_values_survive_loading_as_text(tmp_path):
    spec = cu.TABLES["claims"]
    _write(tmp_path / "claims" / "c.csv", spec.columns, [_claim(value="007", reference_year="")])
    df = cu.load_table("claims", tmp_path)
    assert df.loc[0, "value"] == "007" and df.loc[0, "reference_year"] == ""
    assert str(df["value"].dtype) == "string"


def test_seeds_dir_env_override(tmp_path, monkeypatch):
    for prefix in cu.SEED_FILES.values():
        (tmp_path / f"{prefix}x.txt").write_text("甲 乙\n丙", encoding="utf-8")
    monkeypatch.setenv("SEEDS_DIR", str(tmp_path))
    assert cu.seeds_dir() == tmp_path
    assert set(cu.load_seed_texts().values()) == {"甲乙丙"}


def test_seeds_dir_default_is_beside_repo(monkeypatch):
    monkeypatch.delenv("SEEDS_DIR", raising=False)
    assert cu.seeds_dir() == cu.ROOT.parent / "shared" / "seeds"


# --------------------------------------------------------------------------- bib parser

def test_bibliography_reads_nesting_comments_and_at_signs(tmp_path):
    bib = tmp_path / "x.bib"
    bib.write_text("""
    @comment{ignored, @misc{not_an_entry, title={x}} }
    @string{pub = {X}}
    @misc{a2020, title = {A {Nested} title, with comma}, year = {2020}, note = "mail@x.org"}
    @Article{b2021, title={B}, year=2021}
    """, encoding="utf-8")
    entries = bibliography.entries(bib)
    assert set(entries) == {"a2020", "b2021"}
    assert entries["a2020"]["title"] == "A Nested title, with comma"
    assert bibliography.year(entries["b2021"]) == "2021" and entries["b2021"]["type"] == "article-journal"


def test_bibliography_rejects_duplicate_keys(tmp_path):
    bib = tmp_path / "x.bib"
    bib.write_text("@misc{k, title={a}}\n@book{k, title={b}}", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        bibliography.entries(bib)


# --------------------------------------------------------------------------- each checker fails on a broken row

SEED_TEXT = "2021年2月24日,拜登总统签署14017号行政令"


def _fake_ctx(themes=frozenset({"stockpiling", "finance"})) -> cu.Context:
    texts = {k: "" for k in cu.SEED_KEYS}
    texts["sun2024battery"] = cu.normalise_ws(SEED_TEXT)
    facts = {"events": _frame("events", [_event()]), "memberships": _frame("memberships", [_member()]),
             "funding": _frame("funding", [_funding()])}
    return cu.Context({"sun2024battery", "eo14017", "ciaps2022biden"}, texts, set(themes) if themes else None, facts)


def _event(**over) -> dict:
    row = dict(event_id="eo_14017_2021", date="2021-02-24", date_precision="day", title_en="EO 14017",
               title_zh="", actor="US President", country="USA", kind="executive_order", administration="Biden",
               summary_en="s", source_key="sun2024battery", quote_zh="2021年2月24日, 拜登总统", primary_source="")
    row.update(over)
    return row


def _member(**over) -> dict:
    row = dict(initiative_id="msp", initiative="Minerals Security Partnership", member="Japan", member_iso3="JPN",
               date_joined="2022-06-14", role="founding_member", source_key="eo14017", quote_zh="",
               primary_source="State Department media note, 2022-06-14")
    row.update(over)
    return row


def _claim(**over) -> dict:
    row = dict(claim_id="sun2024battery-003", source_key="sun2024battery", section="一", quote_zh="拜登总统签署",
               subject="s", metric="m", value="12", value_high="", unit="count", qualifier="=", reference_year="2022",
               cited_source="", check_kind="primary", check="claims/sun2024battery-003.sql", note="",
               part="drivers", claim_en="c", basis="", contradicts="")
    row.update(over)
    return row


def _response(**over) -> dict:
    row = dict(response_id="sun2024battery-r01", source_key="sun2024battery", section="结语", quote_zh="拜登总统",
               addressee="China", theme="stockpiling", summary_en="s")
    row.update(over)
    return row


def _funding(**over) -> dict:
    row = dict(funding_id="fund-001", programme="DPA Title III", instrument="dpa_award", agency="DOD",
               recipient="MP Materials", amount_usd="35000000", amount_qualifier="=", year="2022", date="2022-02-22",
               purpose="p", source_key="eo14017", quote_zh="", primary_source="DoD release, 2022-02-22")
    row.update(over)
    return row


ROW = {"events": _event, "memberships": _member, "claims": _claim, "responses": _response, "funding": _funding}

# check id -> broken row overrides (the good row is the table's default)
BROKEN = {
    "events.unique_ids": {},  # the good row duplicated
    "events.id_pattern": {"event_id": "EO 14017"},
    "events.required": {"title_en": ""},
    "events.vocab": {"kind": "decree"},
    "events.dates": {"date": "2021-02-30", "date_precision": "day"},
    "events.source_keys": {"source_key": "nosuchkey2020"},
    "events.quotes": {"quote_zh": "拜登总统签署14018号行政令"},
    "events.seed_rows_quoted": {"quote_zh": ""},
    "events.primary_source": {"source_key": "eo14017", "quote_zh": "", "primary_source": ""},
    "events.date_precision": {"date": "2021-02", "date_precision": "day"},
    "events.administration": {"administration": "Trump I"},
    "events.country": {"country": "US"},
    "memberships.unique_ids": {},
    "memberships.id_pattern": {"initiative_id": "MSP-2022"},
    "memberships.required": {"role": ""},
    "memberships.vocab": {"role": "ally"},
    "memberships.dates": {"date_joined": "June 2022"},
    "memberships.source_keys": {"source_key": "msp"},
    "memberships.quotes": {"source_key": "sun2024battery", "quote_zh": "不在种子里的话"},
    "memberships.seed_rows_quoted": {"source_key": "sun2024battery", "quote_zh": ""},
    "memberships.primary_source": {"primary_source": ""},
    "memberships.member_iso3": {"member_iso3": "JAP"},
    "claims.unique_ids": {},
    "claims.id_pattern": {"claim_id": "ciaps2022biden-001"},
    "claims.required": {"metric": ""},
    "claims.vocab": {"qualifier": "approx"},
    "claims.types": {"reference_year": "2022.5"},
    "claims.source_keys": {"source_key": "nosuchkey2020", "claim_id": "nosuchkey2020-001", "quote_zh": ""},
    "claims.quotes": {"quote_zh": "特朗普总统签署"},
    "claims.seed_rows_quoted": {"quote_zh": ""},
    "claims.claim_values": {"value": "12%"},
    "claims.curated_refs": {"check_kind": "curated", "check": "events:eo_14017_2012"},  # a typo in the event id
    "claims.claim_queries": {"check": "SELECT 12 AS n"},  # SQL in a CSV cell instead of a query file
    "claims.contradicts": {"contradicts": "sun2024battery-999"},  # names a claim that does not exist
    "responses.unique_ids": {},
    "responses.id_pattern": {"response_id": "sun2024battery-1"},
    "responses.required": {"summary_en": ""},
    "responses.vocab": {"addressee": "Europe"},
    "responses.source_keys": {"source_key": "nosuchkey2020", "response_id": "nosuchkey2020-r01", "quote_zh": ""},
    "responses.quotes": {"quote_zh": "中国应当"},
    "responses.seed_rows_quoted": {"quote_zh": ""},
    "responses.theme": {"theme": "tariffs"},
    "funding.unique_ids": {},
    "funding.id_pattern": {"funding_id": "f1"},
    "funding.required": {"agency": ""},
    "funding.vocab": {"amount_qualifier": "approx"},
    "funding.types": {"amount_usd": "35 million"},
    "funding.dates": {"date": "22/02/2022"},
    "funding.source_keys": {"source_key": "dod2022"},
    "funding.quotes": {"source_key": "sun2024battery", "quote_zh": "三千五百万"},
    "funding.seed_rows_quoted": {"source_key": "sun2024battery", "quote_zh": ""},
    "funding.primary_source": {"primary_source": "  "},
}


def test_every_check_has_a_broken_row_case():
    assert set(BROKEN) == set(cu.check_ids())


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=cu.TABLES[table].columns).astype("string")
    df.insert(0, "_file", f"<memory>/{table}.csv")
    df.insert(1, "_row", range(2, len(df) + 2))
    return df


@pytest.mark.parametrize("check_id", sorted(BROKEN))
def test_checker_reports_broken_row(check_id):
    table = check_id.split(".")[0]
    good = ROW[table]()
    # the good row alone passes...
    assert cu.run_check(check_id, _fake_ctx(), df=_frame(table, [good])).empty, check_id
    # ...and the broken one (second line of data, file line 3) is reported
    broken = ROW[table](**BROKEN[check_id])
    fails = cu.run_check(check_id, _fake_ctx(), df=_frame(table, [good, broken]))
    assert 3 in fails["_row"].tolist(), check_id
    assert fails["problem"].astype(str).str.len().gt(0).all()


# --------------------------------------------------------------------------- finer points of single rules

@pytest.mark.parametrize("over", [
    {"unit": "date", "value": "2021-13", "qualifier": "="},
    {"unit": "date", "value": "1947", "value_high": "19x9", "qualifier": "range"},
    {"qualifier": "range"},                       # range without value_high
    {"value_high": "20", "qualifier": ">"},       # value_high without range
    {"value": "30", "value_high": "20", "qualifier": "range"},
    {"value": "nan"},
])
def test_claim_value_rules(over):
    assert not cu.check_claim_values(_frame("claims", [_claim(**over)])).empty


@pytest.mark.parametrize("over", [
    {"unit": "date", "value": "1947", "value_high": "1949", "qualifier": "range"},
    {"unit": "date", "value": "2021-02-24"},
    {"value": "-0.5e3"},
    {"value": "50", "value_high": "300", "qualifier": "range"},
])
def test_claim_value_rules_accept_valid(over):
    assert cu.check_claim_values(_frame("claims", [_claim(**over)])).empty


def test_quote_match_ignores_only_whitespace():
    ok = _frame("events", [_event(quote_zh="2021年 2月24日,\n拜登")])
    assert cu.check_quotes(ok, _fake_ctx().seed_texts).empty
    wrong_punct = _frame("events", [_event(quote_zh="2021年2月24日，拜登")])  # full-width comma
    assert not cu.check_quotes(wrong_punct, _fake_ctx().seed_texts).empty


def test_administration_boundaries():
    df = _frame("events", [
        _event(event_id="a", date="2021-01-19", administration="Trump I"),
        _event(event_id="b", date="2021-01-20", administration="Biden"),
        _event(event_id="c", date="2025-01-20", administration="Trump II"),
        _event(event_id="d", date="2025-01-19", administration="Trump II"),
        _event(event_id="e", date="2023", date_precision="year", country="CHN", administration="Biden"),
    ])
    assert cu.check_administration(df)["event_id"].tolist() == ["d", "e"]


def test_future_dates_rejected():
    df = _frame("events", [_event(date="2999-01-01")])
    assert not cu.check_dates(df, cu.TABLES["events"]).empty


def test_theme_vocabulary_parsed_from_readme(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n## `responses.csv`\n`theme` column\n### Theme vocabulary\n| `stockpiling` | a |\n"
                      "| `finance` | b |\n## Other\n`not_a_theme`\n", encoding="utf-8")
    assert cu.theme_vocabulary(readme) == {"stockpiling", "finance"}
    assert cu.theme_vocabulary(tmp_path / "absent.md") is None
    df = _frame("responses", [_response()])
    assert not cu.check_responses_theme(df, None).empty


def test_real_theme_vocabulary_is_documented():
    vocab = cu.theme_vocabulary()
    assert vocab and "stockpiling" in vocab


# --------------------------------------------------------------------------- curated references of claims

@pytest.mark.parametrize("check", [
    "events:eo_14017_2021",
    "events: eo_14017_2021 | signed 36 days after the inauguration",
    "memberships:msp",
    "memberships:msp/JPN",
    "memberships:msp/Japan | by name",
    "funding:fund-001",
])
def test_curated_refs_accept_the_documented_forms(check):
    df = _frame("claims", [_claim(check_kind="curated", check=check)])
    assert cu.check_curated_refs(df, _fake_ctx().facts).empty


@pytest.mark.parametrize("check, problem", [
    ("events: Yellen's friend-shoring speech", "not a valid events key"),   # the old free text
    ("responses:sun2024battery-r01", "not one of"),                        # not a fact table
    ("events:", "empty key"),
    ("events:eo_13817_2017", "no row"),                                    # well formed, absent
    ("funding:fund-1", "not a valid funding key"),
    ("funding:fund-002", "no row"),
    ("memberships:quad", "no initiative_id"),
    ("memberships:msp/KOR", "no row"),                                     # member not in the initiative
    ("events:eo_14017_2021,", "empty key"),
    ("eo_14017_2021", "is not"),
])
def test_curated_refs_report_broken_references(check, problem):
    df = _frame("claims", [_claim(check_kind="curated", check=check)])
    fails = cu.check_curated_refs(df, _fake_ctx().facts)
    assert len(fails) == 1 and problem in fails["problem"].iloc[0], fails["problem"].tolist()


def test_curated_refs_ignore_other_check_kinds():
    df = _frame("claims", [_claim(check_kind="untestable", check="untestable: no series"),
                           _claim(claim_id="sun2024battery-002", check="select 1")])
    assert cu.check_curated_refs(df, _fake_ctx().facts).empty


def test_curated_refs_resolve_against_the_directory_checked(tmp_path):
    """run_checks on another folder resolves claims against that folder's events, so a
    claim whose event was deleted there fails even though the real events.csv has it."""
    for t in ("events", "memberships", "funding", "responses"):
        _write(tmp_path / cu.TABLES[t].pattern, cu.TABLES[t].columns, [])
    _write(tmp_path / "claims" / "c.csv", cu.TABLES["claims"].columns,
           [_claim(check_kind="curated", check="events:eo_14017_2021")])
    fails = cu.run_checks(tmp_path, cu.Context(set(), {}, None))["claims.curated_refs"]
    assert fails["problem"].str.contains("no row").tolist() == [True]
    assert cu.run_check("claims.curated_refs", cu.Context(set(), {}, None), tmp_path)["_row"].tolist() == [2]


def test_parse_curated_ref_splits_keys_and_note():
    ref = cu.parse_curated_ref("events:eo_13817_2017,eo_13953_2020 | two orders")
    assert ref == cu.CuratedRef("events", ("eo_13817_2017", "eo_13953_2020"), "two orders")


def test_real_curated_claims_all_carry_references(tables):
    cur = tables["claims"][tables["claims"]["check_kind"] == "curated"]
    assert len(cur) > 100
    assert set(cur["check"].map(lambda c: cu.parse_curated_ref(c).table)) == set(cu.FACT_TABLES)


def test_a_quote_must_be_in_its_own_seed():
    """A quote found only in another seed locates nothing in the one the row cites."""
    seeds = {"ciaps2022biden": "美国关键矿产战略的外在动力", "sun2024battery": "电池矿产供应链"}
    rows = pd.DataFrame({"source_key": ["ciaps2022biden", "ciaps2022biden", "sun2024battery", "usgs2026mcsdata"],
                         "quote_zh": ["外在 动力", "电池矿产", "电池矿产", "关键"]})
    problems = cu.check_quotes(rows, seeds)
    assert problems["problem"].tolist() == ["quote_zh not found in seed ciaps2022biden",
                                            "quote_zh given but source_key 'usgs2026mcsdata' is not a seed"]
