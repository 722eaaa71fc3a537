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


def test_findings_counts_match_the_file(data, claims_csv):
    with (data / "inline_values.csv").open(encoding="utf-8", newline="") as f:
        inline = {r["expression"]: r["text"] for r in csv.DictReader(f) if r["chapter"] == "chapters/07-findings.qmd"}
    counts = claims_csv["verdict"].value_counts()
    assert int(inline["fd.count(v)"]) == len(claims_csv)
    assert int(inline['fd.count(v, "consistent")']) == counts.get("consistent", 0)
    assert int(inline['fd.count(v, "confirmed")']) == counts.get("confirmed", 0)
    assert int(inline["fd.count(v, *fd.FAIL)"]) == counts.get("differs", 0) + counts.get("contradicted", 0)
    assert int(inline['fd.count(v, "not_checkable")']) == counts.get("not_checkable", 0)
    decided = claims_csv["verdict"].isin(["consistent", "confirmed", "differs", "contradicted"])
    held = claims_csv["verdict"].isin(["consistent", "confirmed"]).sum()
    assert inline["fd.share(v)"] == f"{100 * held / decided.sum():.0f}%"


def _text(page: Path) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")).split())


def test_chapters_say_where_they_rely_on_a_claim_that_does_not_hold(rendered_book, claims_csv):
    """Seed 001's count of commodities above half and its attribution of EO 13953 are
    flagged where the chapters discuss them, not only in the appendix."""
    v = claims_csv.set_index("claim_id")
    drivers = _text(rendered_book / "chapters" / "01-drivers.html")
    count = v.loc["cheng2024friendshoring-016"]
    assert f"Cheng (2024) gives {count['claimed_value']}" in drivers
    assert f"gives {count['evidence']}" in drivers
    instruments = _text(rendered_book / "chapters" / "02-instruments.html")
    assert "Cheng Ping counts order 13953 among the acts of the Biden administration" in instruments
    assert "an attribution contradicted by the primary record" in instruments
    assert "signed under the first Trump administration" in instruments
