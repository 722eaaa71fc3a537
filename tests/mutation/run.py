"""`make mutation`: apply each realistic fault of mutations.py to a copy of the project,
run the tests named beside it, and print the kill rate.

Why a list of our own rather than mutmut's thousands of operator swaps: the faults that
matter here are specific (a bound drawn at the wrong end, a symbol read as zero, a cache
key missing an input), and each must be killed by a named, fast test. The project is
copied once to a temporary folder (code, tests, data/raw, extracts and the render cache;
never .git or .venv); each mutation is applied there, its tests run with the project's
interpreter, and the file is restored. The working tree is never touched.

    python tests/mutation/run.py [--only ID ...] [--keep]

Exit status: 0 when the kill rate is at least 90% on at least 40 mutations and none is
stale; 1 otherwise.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from mutations import MUTATIONS, Mutation  # noqa: E402

MIN_RATE, MIN_COUNT = 0.90, 40
TIMEOUT_S = 900
SKIP = {".git", ".venv", "_book", "__pycache__", ".pytest_cache", ".import_linter_cache", "mutants"}


def copy_project(dest: Path) -> Path:
    def ignore(folder, names):
        return [n for n in names if n in SKIP or n.startswith(".book.") or n.startswith("._book")]
    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    # What lives beside the repository (../shared: the data mirror and the seed texts) is
    # beside the copy too.
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (dest.parent / "shared").symlink_to(shared.resolve())
    return dest


def run_tests(project: Path, tests: tuple[str, ...], env: dict) -> tuple[int, str]:
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", *tests]
    try:
        proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))]
    return proc.returncode, (lines[0] if lines else proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", help="mutation ids to run")
    ap.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = ap.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or m.id in args.only]
    ids = [m.id for m in MUTATIONS]
    assert len(ids) == len(set(ids)), "mutation ids must be unique"

    env = dict(os.environ)
    env.update(PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)

    tmp = Path(tempfile.mkdtemp(prefix="mutation-"))
    project = copy_project(tmp / "project")
    print(f"mutation: {len(chosen)} mutation(s) on a copy in {project}", flush=True)
    probe = subprocess.run([sys.executable, "-c", "import analysis; print(analysis.__file__)"], cwd=project, env=env,
                           capture_output=True, text=True)
    if not probe.stdout.strip().startswith(str(project)):
        print(f"mutation: the copy's tests would import {probe.stdout.strip() or probe.stderr.strip()}, "
              "not the copy; aborting", file=sys.stderr)
        return 1

    # The tests must pass before any mutation, or every mutation would look killed.
    baseline = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
    t0 = time.perf_counter()
    code, detail = run_tests(project, baseline, env)
    if code != 0:
        print(f"mutation: the unmutated tests fail ({detail}); fix them first", file=sys.stderr)
        return 1
    print(f"mutation: baseline of {len(baseline)} test file(s) passes ({time.perf_counter() - t0:.0f} s)", flush=True)

    killed, survived, stale = [], [], []
    for i, m in enumerate(chosen, 1):
        path = project / m.file
        original = path.read_text(encoding="utf-8")
        if original.count(m.old) != 1:
            stale.append(m)
            print(f"[{i:2}/{len(chosen)}] STALE     {m.id}: the code it mutates ({m.file}) changed "
                  f"({original.count(m.old)} matches); update tests/mutation/mutations.py", flush=True)
            continue
        path.write_text(original.replace(m.old, m.new), encoding="utf-8")
        t = time.perf_counter()
        try:
            code, detail = run_tests(project, m.tests, env)
        finally:
            path.write_text(original, encoding="utf-8")
        status = "KILLED" if code != 0 else "SURVIVED"
        (killed if code != 0 else survived).append(m)
        print(f"[{i:2}/{len(chosen)}] {status:9} {m.id} ({time.perf_counter() - t:.0f} s): {m.why}"
              + (f"\n            by {detail}" if code != 0 else ""), flush=True)

    tried = len(killed) + len(survived)
    rate = len(killed) / tried if tried else 0.0
    print(f"\nmutation: {len(killed)} of {tried} mutations killed, kill rate {rate:.0%}"
          + (f"; {len(stale)} stale" if stale else ""))
    for m in survived:
        print(f"  survived: {m.id} ({m.file}): {m.why}")
    if args.keep:
        print(f"mutation: copy kept in {project}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = not stale and (args.only or (tried >= MIN_COUNT and rate >= MIN_RATE))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
