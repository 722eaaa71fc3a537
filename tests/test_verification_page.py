"""Appendix B as a reader gets it: every claim listed with a verdict, and the counts in the
prose and in fig-claims-status agree with claims-verification.csv, the file it links to."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import verdicts

pytestmark = pytest.mark.slow
CHAPTER = "chapters/b-verification.qmd"


@pytest.fixture(scope="module")
def data(rendered_book) -> Path:
    return rendered_book / "data"


@pytest.fixture(scope="module")
def claims_csv(data) -> pd.DataFrame:
    return pd.read_csv(data / "claims-verification.csv", encoding="utf-8-sig", keep_default_na=False)


def _inline(data: Path) -> dict[str, str]:
    with (data / "inline_values.csv").open(encoding="utf-8", newline="") as f:
        return {r["expression"]: r["text"] for r in csv.DictReader(f) if r["chapter"] == CHAPTER}


def _part_tables(data: Path) -> pd.DataFrame:
    index = pd.read_csv(data / "index.csv")
    files = index[(index["chapter"] == CHAPTER) & index["name"].str.startswith("tbl-claims-")
                  & ~index["name"].isin(["tbl-claims-summary", "tbl-claims-tolerances", "tbl-claims-contradictions"])]
    return pd.concat([pd.read_csv(data / f, keep_default_na=False) for f in files["file"]], ignore_index=True)


def test_the_file_has_every_claim_once(claims_csv):
    claims = verdicts.load_claims()
    assert claims_csv["claim_id"].tolist() == claims["claim_id"].tolist()
    assert claims_csv["verdict"].isin(list(verdicts.VERDICTS)).all()


def test_every_claim_appears_in_appendix_b_with_its_verdict(data, claims_csv):
    listed = _part_tables(data)
    assert len(listed) == len(claims_csv)
    shown = sorted(zip(listed["Claimed"], listed["Verdict"]))
    expected = sorted(zip(claims_csv["claimed_value"], claims_csv["verdict_label"]))
    assert shown == expected


def test_prose_counts_match_the_file(data, claims_csv):
    inline = _inline(data)
    counts = claims_csv["verdict"].value_counts()
    assert int(inline["vb.count(v)"]) == len(claims_csv)
    for code in verdicts.VERDICTS:
        assert int(inline[f'vb.count(v, "{code}")']) == counts.get(code, 0), code


def test_fig_claims_status_matches_the_file(data, claims_csv):
    drawn = pd.read_csv(data / "figures" / "b-verification__fig-claims-status.csv")
    drawn = drawn.set_index(["source", "verdict_label"])["claims"].sort_index()
    expected = claims_csv.groupby(["source", "verdict_label"]).size().rename("claims").sort_index()
    pd.testing.assert_series_equal(drawn, expected, check_names=False, check_dtype=False)


def test_the_appendix_links_the_file_and_shows_no_internals(rendered_book):
    page = (rendered_book / "chapters" / "b-verification.html").read_text(encoding="utf-8")
    assert 'href="../data/claims-verification.csv"' in page
    text = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1])
    for internal in ("ciaps2022biden-", "cheng2024friendshoring-", "sun2024battery-", "ipp2025dependency-",
                     "seed 00", "data/curated", ".sql"):
        assert internal not in text, internal
