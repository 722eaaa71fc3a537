"""`python -m analysis <step>`: the report's pipeline, one step at a time or all at once.

Steps run in the one direction the data flows: acquire (mirror or official address,
checksums verified) -> extract (validated parquet, replaced atomically) -> render (HTML
and PDF book). Each step prints its progress; a failure prints what went wrong, where,
and exits non-zero without a traceback, leaving the last good outputs in place.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from analysis import paths
from analysis.errors import PipelineError

console = Console(stderr=True, soft_wrap=True)


def say(message: str, style: str | None = None) -> None:
    """Print text that may hold data (file names, cells, country names) literally: rich
    would read "[red]" in a cell as markup, or fail on "[/x]"."""
    console.print(Text(message, style=style or ""), highlight=False)


def cmd_acquire(args) -> None:
    from analysis.acquire import acquire

    mirror = Path(args.mirror) if args.mirror else paths.mirror_dir()
    with Progress(TextColumn("acquire"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("acquire", total=None)

        def tick(i, n, _path):
            bar.update(task, completed=i + 1, total=n)

        counts = acquire(mirror=mirror, progress=tick)
    say(f"acquire: {counts['copied']} copied from the mirror, {counts['downloaded']} downloaded, "
        f"{counts['verified']} already verified (mirror: {mirror or 'none'}) -> {paths.raw_dir()}")
    for rel in counts["updated_files"]:
        say(f"acquire: updated {rel} to the version data/sources.csv now names")
    for rel in counts["repaired_files"]:
        say(f"acquire: repaired {rel}: it had been changed after it was acquired; replaced by the published file",
            style="yellow")
    if counts["unlisted_files"]:
        listed = ", ".join(counts["unlisted_files"][:5]) + (" ..." if len(counts["unlisted_files"]) > 5 else "")
        say(f"acquire: {len(counts['unlisted_files'])} file(s) in {paths.raw_dir()} are not in data/sources.csv "
            f"and are ignored by extract: {listed}", style="yellow")


def cmd_extract(args) -> None:
    from analysis.extract.pipeline import build_extracts, up_to_date

    if not getattr(args, "force", False) and up_to_date(paths.raw_dir(), paths.extracts_dir()):
        say(f"extract: up to date (same release files, extract code and reference files) -> {paths.extracts_dir()}")
    else:
        from analysis.changelog import write_build_changes

        changes = {}

        def record_changes(staging):  # both versions exist only now: diff them
            changes["rows"] = write_build_changes(paths.extracts_dir(), staging)

        result = build_extracts(paths.raw_dir(), paths.extracts_dir(), progress=True, before_swap=record_changes)
        say(f"extract: {len(result.get('tables', {}))} tables -> {paths.extracts_dir()}")
        rows = changes.get("rows")
        if rows is not None and not rows["change"].eq("first build").all():
            kinds = rows["change"].value_counts()
            say("extract: since the previous extracts: " + (", ".join(f"{n:,} {k}" for k, n in kinds.items()) or "no change"))
    cmd_check(args)


def cmd_check(args) -> None:
    """The curated tables are inputs too: check them on every build, as the extracts are.

    What the checks read is recorded as they run (files, extracts, code); when none of it
    changed since they last passed, they would pass again, and are not re-run."""
    import json

    from analysis.render.inputs import InputState, Recording

    memo = paths.ROOT / ".cache" / "check.json"
    state = InputState.load(paths.ROOT, paths.ROOT / ".cache" / "render")
    try:
        last = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = {}
    # The memo records files inside the project; a curated folder elsewhere (a trial copy,
    # MINERALS_CURATED_DIR) is always checked afresh.
    own = paths.curated_dir() == paths.CURATED_DIR
    if own and last.get("inputs") and all(state.current(k) == v for k, v in last["inputs"].items()):
        say(f"check: {last['passed']} curated-table checks passed (their inputs did not change)")
        return
    from analysis import curated
    from analysis.errors import ValidationError

    with Recording(paths.ROOT) as rec:
        results = curated.run_checks()
    failures = curated.report(results)
    if failures:
        memo.unlink(missing_ok=True)
        raise ValidationError(f"curated tables failed their checks:\n{failures}")
    say(f"check: {len(results)} curated-table checks passed")
    if own:
        memo.parent.mkdir(parents=True, exist_ok=True)
        memo.write_text(json.dumps({"passed": len(results), "inputs": rec.inputs()}), encoding="utf-8")
        state.save()


def cmd_render(args) -> None:
    """Render only from curated tables that pass their checks (the book would otherwise
    publish a fact the checks reject); run the chapters whose inputs changed, typeset if
    anything did, and say which and why."""
    from analysis import editions
    from analysis.render import render_book

    if not getattr(args, "checked", False):
        cmd_check(args)
    formats = ("html", "pdf") if args.to == "all" else (args.to,)
    vintage = editions.mcs_vintage(announce=False)
    say(f"render: MCS edition {vintage or 'latest in the extracts'}" + (f" ({editions.ENV}={vintage})" if vintage else ""))
    rep = render_book(paths.ROOT, Path(args.out), formats=formats, force_execute=getattr(args, "force", False),
                      log=lambda line: say(f"render: {line}"))
    ran = len(rep.executed)
    say(f"render: {ran} of {ran + len(rep.cached)} chapters executed, "
        f"{'typeset ' + ' and '.join(formats) if rep.typeset else 'nothing re-typeset'} -> {args.out}"
        f" (record: {Path(args.out) / 'build.json'})")


def cmd_update(args) -> None:
    """After a source publishes new data: acquire, validate and re-extract, rebuild the
    chapters that read what changed, and say what moved (Appendix C, data/changelog.csv).
    A failed validation stops here: the previous extracts and book stay as they were."""
    cmd_build(args)
    out = Path(args.out)
    say(f"update: changelog -> {out / 'data' / 'changelog.csv'} (summarised in the appendix 'What changed')")


def cmd_build(args) -> None:
    cmd_acquire(args)
    cmd_extract(args)  # checks the curated tables too
    args.checked = True
    cmd_render(args)


# Steps that write extracts or the book: one at a time per project folder.
WRITERS = {"acquire", "extract", "render", "build", "update"}


def _locked(args) -> None:
    """Hold the build lock, clear what killed builds left behind, run the step."""
    from analysis.extract.pipeline import STAGING_PREFIXES
    from analysis.render.atomic import build_lock, remove_stale

    with build_lock(paths.ROOT, say=lambda m: say(f"{args.step}: {m}")):
        for p in remove_stale(paths.extracts_dir().parent, STAGING_PREFIXES):
            say(f"{args.step}: removed {p.name}, left by a build that was stopped")
        args.func(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("acquire", help="copy or download the release files and verify their checksums")
    p.add_argument("--mirror", help="mirror folder (default: $DATA_MIRROR or ../shared/data)")
    p.set_defaults(func=cmd_acquire)
    p = sub.add_parser("extract", help="build the validated parquet extracts from the acquired files")
    p.add_argument("--force", action="store_true", help="rebuild even if the extracts are up to date")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("check", help="check the curated tables (claims, events, memberships, funding, responses)")
    p.set_defaults(func=cmd_check)
    for name, func, helptext in (("render", cmd_render, "render the book from the extracts"),
                                 ("build", cmd_build, "acquire, extract and render"),
                                 ("update", cmd_update, "after a source update: acquire, re-extract, "
                                                        "rebuild the affected chapters, write the changelog")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--out", default=str(paths.ROOT / "_book"), help="output folder (default: _book)")
        p.add_argument("--to", choices=("all", "html", "pdf"), default="all")
        p.add_argument("--force", action="store_true", help="re-execute every chapter, ignoring the cache")
        if name in ("build", "update"):
            p.add_argument("--mirror", help="mirror folder (default: $DATA_MIRROR or ../shared/data)")
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        if args.step in WRITERS:
            _locked(args)
        else:
            args.func(args)
    except PipelineError as exc:
        console.print(Text.assemble((f"{args.step} failed: ", "bold red"), str(exc)), highlight=False)
        return 1
    say(f"{args.step}: done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
