"""Rerun benchmark: what a rebuild costs after each kind of change, and the same book
rendered the way Quarto renders it without freeze.

Prints one line per scenario: wall time, chapters executed (from _book/build.json),
whether the book was typeset again, and the peak memory of the largest single process
(the build or one of its children). Asserts nothing: timings belong in notes, not tests.

Every scenario runs `python -m analysis render` (or `build`) in a throw-away copy of the
project (tracked files, the current extracts, the acquired releases linked), so edits
never touch the working tree. Run with

    .venv/bin/python tests/benchmarks/bench_render.py [--cold-build]

`--cold-build` adds a build from empty extracts and cache (acquire, extract, check, render).
The comparison line executes every chapter once per output format (HTML and PDF), each in
a fresh Jupyter kernel, as `quarto render` does without freeze, then typesets.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# The files the edit scenarios change (in the copy).
PROSE = "chapters/05-china-responses.qmd"
CURATED = "data/curated/responses.csv"
SQL = "analysis/sql/usitc_partner_values_by_heading_year.sql"


def copy_project(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in files.decode().split("\0"):
        if rel and (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    shutil.copytree(ROOT / "data" / "extracts", dest / "data" / "extracts")
    (dest / "data" / "raw").symlink_to(ROOT / "data" / "raw")
    if (ROOT.parent / "shared").is_dir():  # the read-only mirror and seeds, beside the project
        (dest.parent / "shared").symlink_to(ROOT.parent / "shared")
    return dest


def run(project: Path, args: list[str], env: dict | None = None) -> dict:
    """Run one build as a child process; wall time and the child tree's peak RSS."""
    full_env = {k: v for k, v in os.environ.items() if k != "MCS_VINTAGE"}
    full_env.update(env or {})
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "analysis", *args], cwd=project, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    record = {}
    try:
        record = json.loads((project / "_book" / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    executed = sum(c["status"] == "executed" for c in record.get("chapters", []))
    return {"wall": wall, "ok": status == 0, "out": out, "executed": executed,
            "chapters": len(record.get("chapters", [])), "typeset": record.get("typeset", "?"),
            "peak_mib": usage.ru_maxrss / 1024}


def quarto_way(project: Path) -> dict:
    """Every chapter executed once per output format, each in a fresh kernel, then typeset."""
    import nbformat
    from nbclient import NotebookClient

    from analysis.render.config import load_config
    from analysis.render.execute import _KERNEL_SETUP, TABLE_MIME, _steps
    from analysis.render.qmd import needs_kernel, parse_qmd

    config = load_config(project)
    start = time.perf_counter()
    for _fmt in ("html", "pdf"):
        for ch in config.chapters:
            parts = parse_qmd((project / ch.path).read_text(encoding="utf-8"), ch.path)
            if not needs_kernel(parts):
                continue
            nb = nbformat.v4.new_notebook()
            cells = [_KERNEL_SETUP % (TABLE_MIME, False)] + [code for code, _ in _steps(parts)]
            nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
            NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                           resources={"metadata": {"path": str(project)}},
                           extra_arguments=["--IPKernelApp.log_level=ERROR"]).execute()
    execute = time.perf_counter() - start
    # Then typesetting, timed alone: from a warm execution cache, into an empty output.
    run(project, ["render"])
    shutil.rmtree(project / "_book", ignore_errors=True)
    res = run(project, ["render"])
    runs = sum(needs_kernel(parse_qmd((project / c.path).read_text(encoding="utf-8"), c.path)) for c in config.chapters)
    return {"wall": execute + res["wall"], "ok": res["ok"], "executed": f"{runs} x 2",
            "chapters": len(config.chapters), "typeset": "html+pdf", "peak_mib": res["peak_mib"], "out": res["out"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold-build", action="store_true", help="also time a build from empty extracts")
    ap.add_argument("--no-quarto", action="store_true", help="skip the Quarto-way comparison")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        project = copy_project(Path(tmp) / "project")

        def edit(rel: str, text: str):
            with open(project / rel, "a", encoding="utf-8") as f:
                f.write(text)

        if args.cold_build:
            shutil.rmtree(project / "data" / "extracts")
            rows.append(("cold build from empty extracts and cache", run(project, ["build"])))
        else:
            rows.append(("cold render from empty cache", run(project, ["render"])))
        rows.append(("no-op", run(project, ["render"])))
        rows.append(("no-op, make report's whole step (build)", run(project, ["build"])))
        rows.append(("edition switch 2026 -> 2025", run(project, ["render"], {"MCS_VINTAGE": "2025"})))
        rows.append(("edition switch 2025 -> 2026", run(project, ["render"])))
        edit(PROSE, "\n<!-- an edit to the prose -->\n")
        rows.append(("one chapter's prose edited", run(project, ["render"])))
        edit(CURATED, "\n")
        rows.append(("one curated file edited", run(project, ["render"])))
        edit(SQL, "\n-- an edit to the query\n")
        rows.append(("one .sql file edited", run(project, ["render"])))
        if not args.no_quarto:
            shutil.rmtree(project / ".cache", ignore_errors=True)
            rows.append(("Quarto's way, no freeze (every chapter once per format)", quarto_way(project)))
    width = max(len(r[0]) for r in rows)
    print(f"{'scenario':{width}}  {'wall':>7}  {'chapters executed':>17}  {'typeset':>26}  {'peak RSS':>9}")
    for name, r in rows:
        if not r["ok"]:
            print(f"{name:{width}}  failed: {r['out'].strip().splitlines()[-1] if r['out'].strip() else '?'}")
            continue
        print(f"{name:{width}}  {r['wall']:6.2f}s  {r['executed']:>8} of {r['chapters']:<6}  {r['typeset']:>26}  "
              f"{r['peak_mib']:6.0f} MiB")


if __name__ == "__main__":
    main()
