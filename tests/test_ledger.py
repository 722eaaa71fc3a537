"""The ledger of printed values against its reviewed snapshot.

Every inline value, figure and table the book prints is written by the render to
`_book/data/` (analysis/render/ledger.py). This test compares it, chapter by chapter,
with the snapshot in tests/__snapshots__/test_ledger.ambr: a printed number changes only
through a reviewed update of that file. When a change is intended, review the diff this
test prints, then run

    make snapshot        # = .venv/bin/python -m pytest tests/test_ledger.py --snapshot-update

and commit the updated snapshot with the change that moved the numbers.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from analysis import paths
from analysis.render.qmd import INLINE


def _chapters() -> list[str]:
    book = yaml.safe_load((paths.ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    return [c for c in book["chapters"] + book.get("appendices", []) if isinstance(c, str)]


CHAPTERS = _chapters()
# What the previous build of this checkout was is history, not data: a fresh clone has
# none. Those values are tested in tests/test_changelog.py, not snapshotted.
HISTORY = {"sec-changelog-build", "tbl-changelog-build"}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def ledger(rendered_book) -> Path:
    return rendered_book / "data"


def printed(ledger: Path, chapter: str) -> dict:
    """What one chapter prints, in a form whose diff reads well: inline values as
    'section | expression -> text' sorted (so moving a sentence is not a change), figure
    and table data as CSV lines."""
    inline = sorted(f"{r['section']} | {r['expression']} -> {r['text']}"
                    for r in _read(ledger / "inline_values.csv") if r["chapter"] == chapter and r["section"] not in HISTORY)
    out: dict = {"inline": inline}
    for r in _read(ledger / "index.csv"):
        if r["chapter"] == chapter and r["name"] not in HISTORY:
            out[f"{r['kind']} {r['name']}"] = (ledger / r["file"]).read_text(encoding="utf-8").splitlines()
    return out


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_printed_values_match_the_reviewed_snapshot(ledger, chapter, snapshot):
    assert printed(ledger, chapter) == snapshot, (
        f"{chapter} prints something other than the reviewed snapshot (- snapshot, + now). "
        "If the change is intended, run `make snapshot` and commit tests/__snapshots__/.")


def test_ledger_holds_every_inline_value_figure_and_table(ledger):
    """The ledger leaves nothing out: one row per inline expression in the sources, one
    file per figure and table cell."""
    rows = _read(ledger / "inline_values.csv")
    index = _read(ledger / "index.csv")
    for chapter in CHAPTERS:
        text = (paths.ROOT / chapter).read_text(encoding="utf-8")
        expected = [m.group(1).strip() for m in INLINE.finditer(text)]
        got = [r["expression"] for r in rows if r["chapter"] == chapter]
        assert sorted(got) == sorted(expected), chapter
        for kind, name in (("fig", "figure"), ("tbl", "table")):
            labels = {line.split(":", 1)[1].strip() for line in text.splitlines()
                      if line.startswith("#| label:") and line.split(":", 1)[1].strip().startswith(kind + "-")}
            labels |= set(re.findall(rf"^:::+\s*{{#({kind}-[\w-]+)", text, flags=re.M))
            have = {r["name"] for r in index if r["chapter"] == chapter and r["kind"] == name}
            assert have == labels, (chapter, kind)
    for r in index:
        assert int(r["rows"]) > 0, r
