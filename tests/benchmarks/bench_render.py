"""Render benchmark: how long the book takes to render, cold and warm, stage by stage.

Prints figures; asserts nothing (timings belong in notes, not in tests). Renders the
real book from the current extracts into temporary folders, with a fresh execution
cache for the cold run and the same cache for the warm one.

    .venv/bin/python tests/benchmarks/bench_render.py
"""
from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from analysis import paths
from analysis.render import render_book


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        tmp = Path(tmp)
        cache = tmp / "cache"
        rows = []
        for label in ("cold", "warm"):
            start = time.perf_counter()
            report = render_book(paths.ROOT, tmp / f"book-{label}", formats=("html", "pdf"), cache_dir=cache)
            wall = time.perf_counter() - start
            rows.append((label, wall, report))
        print(f"{'run':6} {'execute':>9} {'html':>7} {'pdf':>7} {'total':>7}  chapters run in a kernel")
        for label, wall, report in rows:
            t = report.timings
            print(f"{label:6} {t.get('execute_s', 0):8.2f}s {t.get('html_s', 0):6.2f}s {t.get('pdf_s', 0):6.2f}s "
                  f"{wall:6.2f}s  {len(report.executed)} of {len(report.executed) + len(report.cached)}")
        pdf = rows[-1][2].pdf
        print(f"PDF: {pdf.stat().st_size / 1e6:.1f} MB; HTML pages: {len(rows[-1][2].html_pages)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {peak:.0f} MiB, largest child (kernel, pandoc) {children:.0f} MiB")


if __name__ == "__main__":
    main()
