"""Benchmark: the full extract build from the mirror into a temporary directory.

Prints time per source, validation time, total wall time and peak memory (Python heap
via tracemalloc, and process peak RSS via getrusage). Not collected by pytest (no `test_`
prefix); run it with

    .venv/bin/python tests/benchmarks/bench_extract.py [--no-tracemalloc]

tracemalloc slows allocation-heavy code down, so the timing run and the heap measurement
are reported separately: the first build is timed without tracing, the second traced.
Target on the 2-core build machine: under 30 s in total.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis import paths  # noqa: E402
from analysis.extract.pipeline import build_extracts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=None, help="raw directory (default: the data mirror)")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the traced second build")
    parser.add_argument("--registry", nargs="+", default=None,
                        help="build only these sources (row counts and checks of other tables are skipped)")
    args = parser.parse_args()
    raw = args.raw or paths.mirror_dir() or paths.raw_dir()

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        manifest = build_extracts(raw, Path(tmp) / "extracts", progress=False, registry=args.registry)
        wall = time.perf_counter() - t0
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB

        heap_mib = None
        if not args.no_tracemalloc:
            tracemalloc.start()
            build_extracts(raw, Path(tmp) / "extracts", progress=False, registry=args.registry)
            heap_mib = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()

    print(f"raw: {raw}")
    print(f"{'source':<18}{'tables':>7}{'rows':>11}{'seconds':>10}")
    for name, s in manifest["sources"].items():
        rows = sum(manifest["tables"][t]["rows"] for t in s["tables"])
        print(f"{name:<18}{len(s['tables']):>7}{rows:>11,}{s['seconds']:>10.2f}")
    extract_s = sum(s["seconds"] for s in manifest["sources"].values())
    print(f"{'validation+write':<18}{'':>7}{'':>11}{manifest['seconds'] - extract_s:>10.2f}")
    print(f"{'total (build)':<18}{len(manifest['tables']):>7}{sum(t['rows'] for t in manifest['tables'].values()):>11,}{manifest['seconds']:>10.2f}")
    print(f"wall time incl. imports: {wall:.2f} s")
    print(f"peak RSS (getrusage): {rss_mib:,.0f} MiB")
    if heap_mib is not None:
        print(f"peak Python heap (tracemalloc, second build): {heap_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
