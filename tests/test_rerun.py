"""The rerun rules, on a small book that reads data the way the report does (curated CSVs
through pandas, extracts through analysis.db and DuckDB, the MCS edition switch):
exactly the chapters whose recorded inputs changed run again, an extract swapped while a
chapter runs cannot leave a stale cached chapter, and builds never overlap or leave the
output missing. No timing is asserted anywhere.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pandas as pd
import pytest

from analysis.render import render_book
from analysis.render.atomic import build_lock, swap_in

QUARTO = """\
project:
  type: book
book:
  title: "Rerun Fixture"
  date: "2026-01-01"
  chapters:
    - index.qmd
    - chapters/01-mcs.qmd
    - chapters/02-events.qmd
    - chapters/03-trade.qmd
execute:
  echo: false
  warning: false
"""

CHAPTERS = {
    "index.qmd": "# Preface {.unnumbered}\n\nNo code here.\n",
    # Reads an MCS table through analysis.db: cut by MCS_VINTAGE.
    "chapters/01-mcs.qmd": """\
        # MCS {#sec-mcs}

        ```{python}
        from analysis import db
        con = db.connect("data/extracts")
        latest = con.execute("SELECT edition AS e, sum(value_t) AS v FROM core_usgs_mcs__world_production "
                             "GROUP BY edition ORDER BY edition DESC LIMIT 1").df()
        ```

        Edition `{python} int(latest.e[0])` gives `{python} int(latest.v[0])` tonnes.
        """,
    # Reads a curated CSV through pandas.
    "chapters/02-events.qmd": """\
        # Events {#sec-events}

        ```{python}
        import pandas as pd
        events = pd.read_csv("data/curated/events.csv")
        ```

        There are `{python} len(events)` events.
        """,
    # Reads a non-MCS extract through DuckDB; with a flag file present, it replaces the
    # extracts folder after reading it, as a concurrent `make update` would.
    "chapters/03-trade.qmd": """\
        # Trade {#sec-trade}

        ```{python}
        from pathlib import Path
        from analysis import db
        value = int(db.connect("data/extracts").execute("SELECT sum(value_usd) FROM core_usitc__trade").fetchone()[0])
        import fixture_swap
        fixture_swap.maybe_swap()
        ```

        Trade was `{python} value` dollars.
        """,
    # Simulates another process publishing new extracts while the chapter runs.
    "fixture_swap.py": """\
        import os, shutil
        from pathlib import Path
        import pandas as pd
        from analysis.render.atomic import swap_in

        def maybe_swap():
            flag = Path("swap-once")
            if not flag.exists():
                return
            flag.unlink()
            new = Path("data/.extracts-staging-test")
            shutil.copytree("data/extracts", new)
            pd.DataFrame({"year": [2024], "value_usd": [999]}).to_parquet(new / "core_usitc__trade.parquet")
            swap_in(new, Path("data/extracts"))
        """,
}


def write_extracts(root: Path, trade_usd: int = 100):
    ext = root / "data" / "extracts"
    ext.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"edition": [2025, 2026, 2026], "year": [2024, 2025, 2025], "value_t": [10.0, 20.0, 5.0]}) \
        .to_parquet(ext / "core_usgs_mcs__world_production.parquet")
    pd.DataFrame({"year": [2024], "value_usd": [trade_usd]}).to_parquet(ext / "core_usitc__trade.parquet")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tmp_path_factory.mktemp("rerun")
    (root / "_quarto.yml").write_text(QUARTO, encoding="utf-8")
    for rel, text in CHAPTERS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "data" / "curated").mkdir(parents=True)
    (root / "data" / "curated" / "events.csv").write_text("event_id,date\ne1,2025-01-01\ne2,2025-02-01\n")
    write_extracts(root)
    first = render(root)
    return root, first


def render(root: Path, **kw):
    lines: list[str] = []
    rep = render_book(root, root / "_book", formats=("html",), log=lines.append, **kw)
    rep.lines = lines
    return rep


def page(root: Path, rel: str) -> str:
    return (root / "_book" / rel).read_text(encoding="utf-8")


def record(root: Path) -> dict:
    return {c["chapter"]: c for c in json.loads((root / "_book" / "build.json").read_text())["chapters"]}


def test_first_build_runs_every_chapter_and_records_what_each_read(book):
    root, first = book
    assert sorted(first.executed) == ["chapters/01-mcs.qmd", "chapters/02-events.qmd", "chapters/03-trade.qmd",
                                      "index.qmd"]
    rec = record(root)
    assert "file:data/curated/events.csv" in rec["chapters/02-events.qmd"]["inputs"]
    assert "file:data/extracts/core_usgs_mcs__world_production.parquet" in rec["chapters/01-mcs.qmd"]["inputs"]
    assert "env:MCS_VINTAGE" in rec["chapters/01-mcs.qmd"]["inputs"]
    # a chapter reads only what it reads: no MCS setting, no curated file, no other extract
    trade = rec["chapters/03-trade.qmd"]["inputs"]
    assert "env:MCS_VINTAGE" not in trade and "file:data/curated/events.csv" not in trade
    assert "file:data/extracts/core_usgs_mcs__world_production.parquet" not in trade
    assert "file:fixture_swap.py" in trade  # the chapter's own modules are inputs too
    assert all(c["status"] == "executed" and c["why"] for c in rec.values())


def test_nothing_changed_nothing_runs_and_nothing_is_typeset(book):
    root, _ = book
    html_before = (root / "_book" / "chapters" / "02-events.html").stat().st_mtime_ns
    (root / "data" / "curated" / "events.csv").touch()  # a new time, the same content
    rep = render(root)
    assert rep.executed == [] and len(rep.cached) == 4
    assert not rep.typeset
    assert (root / "_book" / "chapters" / "02-events.html").stat().st_mtime_ns == html_before
    assert all(line.endswith(": reused") for line in rep.lines if line.startswith(("index", "chapters")))
    assert {c["status"] for c in record(root).values()} == {"reused"}


def test_a_changed_curated_file_reruns_only_its_readers(book):
    root, _ = book
    csv = root / "data" / "curated" / "events.csv"
    original = csv.read_text()
    try:
        csv.write_text(original + "e3,2025-03-01\n")
        rep = render(root)
        assert rep.executed == ["chapters/02-events.qmd"]
        assert "executed (why: data/curated/events.csv changed)" in "\n".join(rep.lines)
        assert "There are 3 events" in page(root, "chapters/02-events.html")
    finally:
        csv.write_text(original)
    assert render(root).executed == []  # the earlier entry is still valid for the old content


def test_edition_switch_reruns_only_mcs_readers_and_switching_back_reuses(book, monkeypatch):
    root, _ = book
    assert "Edition 2026 gives 25 tonnes" in page(root, "chapters/01-mcs.html")
    monkeypatch.setenv("MCS_VINTAGE", "2025")
    rep = render(root)
    assert rep.executed == ["chapters/01-mcs.qmd"]
    assert "MCS_VINTAGE changed (unset → 2025)" in "\n".join(rep.lines)
    assert "Edition 2025 gives 10 tonnes" in page(root, "chapters/01-mcs.html")
    monkeypatch.delenv("MCS_VINTAGE")
    rep = render(root)
    assert rep.executed == []  # both editions' results stay cached
    assert "Edition 2026 gives 25 tonnes" in page(root, "chapters/01-mcs.html")


def test_extract_swapped_during_a_render_cannot_leave_a_stale_cached_chapter(book):
    root, _ = book
    (root / "swap-once").touch()
    try:
        rep = render(root, force_execute=True)
        assert "chapters/03-trade.qmd" in rep.executed
        why = record(root)["chapters/03-trade.qmd"]["why"]
        assert "data/extracts/core_usitc__trade changed while it ran" in why
        # the chapter was run again on the new extract, and the book shows it
        assert "Trade was 999 dollars" in page(root, "chapters/03-trade.html")
        # and what the cache holds agrees with the extract now in place
        rep = render(root)
        assert "chapters/03-trade.qmd" not in rep.executed
        assert "Trade was 999 dollars" in page(root, "chapters/03-trade.html")
    finally:
        (root / "swap-once").unlink(missing_ok=True)
        write_extracts(root)
    rep = render(root)  # the first extract is back: its cached result is valid again
    assert rep.executed == [] and rep.typeset
    assert "Trade was 100 dollars" in page(root, "chapters/03-trade.html")


RENDER_SCRIPT = """
import sys
from pathlib import Path
from analysis.render import render_book
render_book(Path(sys.argv[1]), Path(sys.argv[1]) / "_book", formats=("html",), force_execute=True)
"""


def test_two_concurrent_builds_end_with_one_complete_book(book):
    root, _ = book
    (root / "._book.new-killed").mkdir()  # left by a build that was killed
    procs = [subprocess.Popen([sys.executable, "-c", RENDER_SCRIPT, str(root)], stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    errs = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert any("another build is running" in e for e in errs)  # the second waited, and said so
    for rel in ["index.html", "chapters/01-mcs.html", "chapters/02-events.html", "chapters/03-trade.html"]:
        assert (root / "_book" / rel).is_file()
    assert len(record(root)) == 4
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("._book")) == []


def test_a_waiting_build_gives_up_with_a_clear_message(book):
    root, _ = book
    env = dict(os.environ, MINERALS_LOCK_WAIT_S="0.2")
    with build_lock(root):
        proc = subprocess.run([sys.executable, "-c", RENDER_SCRIPT, str(root)], capture_output=True, text=True, env=env)
    assert proc.returncode != 0
    assert "another build is still running in" in proc.stderr and "pid" in proc.stderr


def test_swap_never_leaves_the_target_missing(tmp_path):
    target = tmp_path / "_book"
    target.mkdir()
    (target / "v").write_text("0")
    missing = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            if not target.is_dir():
                missing.append(1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for i in range(1, 30):
            staging = tmp_path / f"._book.new-{i}"
            staging.mkdir()
            (staging / "v").write_text(str(i))
            swap_in(staging, target)
    finally:
        stop.set()
        watcher.join()
    assert not missing
    assert (target / "v").read_text() == "29"
    assert [p.name for p in tmp_path.iterdir()] == ["_book"]


def test_mcs_vintage_changes_the_data_of_figure_1_1(extracts, monkeypatch):
    """Figure 1.1 (net import reliance) is drawn from the build's MCS edition."""
    from analysis.chapters import drivers

    monkeypatch.delenv("MCS_VINTAGE", raising=False)
    latest = drivers.nir_chart(drivers.net_import_reliance()).to_dict()
    monkeypatch.setenv("MCS_VINTAGE", "2025")
    as_of_2025 = drivers.nir_chart(drivers.net_import_reliance()).to_dict()

    def rows(spec):
        data = spec["datasets"][spec["data"]["name"]]
        return {(r["label"], r["net_import_reliance_plot_pct"]) for r in data}, {r["edition"] for r in data}

    (rows_latest, eds_latest), (rows_2025, eds_2025) = rows(latest), rows(as_of_2025)
    assert eds_2025 == {2025} and eds_latest == {max(eds_latest)} and max(eds_latest) > 2025
    assert rows_latest != rows_2025
    assert "2025" in json.dumps(as_of_2025["title"]) and "2025" not in json.dumps(latest["title"])


def test_an_edition_the_extracts_do_not_hold_is_refused(extracts, monkeypatch):
    from analysis import db
    from analysis.errors import PipelineError

    monkeypatch.setenv("MCS_VINTAGE", "1999")
    with pytest.raises(PipelineError, match="MCS_VINTAGE=1999: the extracts hold MCS editions 2023, 2024, 2025"):
        db.connect()
