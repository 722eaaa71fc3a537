"""The project's own renderer for the Quarto book sources (Quarto itself cannot be
installed here).  Stage 1 executes chapters into a cache; stage 2 typesets HTML and
one book PDF from that cache.  See README.md for the supported Quarto subset."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import BookConfig, load_config
from .errors import RenderError

__all__ = ["render_book", "execute_book", "RenderError", "RenderReport", "load_config"]


@dataclass
class RenderReport:
    out_dir: Path
    html_pages: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    executed: list[str] = field(default_factory=list)  # chapters run in this build (cache miss)
    cached: list[str] = field(default_factory=list)  # chapters reused from the cache
    typeset: bool = True  # False when nothing changed and the output was kept as it was
    record: dict = field(default_factory=dict)  # what _book/build.json holds


def default_cache_dir(project_dir: Path) -> Path:
    return Path(project_dir) / ".cache" / "render"


def chapter_line(res) -> str:
    """One line per chapter: what the build did with it and why."""
    if not res.fresh:
        return f"{res.chapter}: reused"
    return f"{res.chapter}: executed (why: {res.why}) in {res.seconds:.1f} s"


def execute_book(config: BookConfig, cache_dir: Path, **kw):
    """Stage 1 for every chapter (see execute.execute_book)."""
    from .execute import execute_book as run

    return run(config, cache_dir, **kw)


def _svg_cache(cache_dir: Path):
    from .execute import figure_bytes
    import json

    def get(fig: dict):
        if fig["kind"] != "vegalite":
            return figure_bytes(fig)
        h = hashlib.sha256(json.dumps(fig["data"], sort_keys=True).encode()).hexdigest()[:24]
        path = cache_dir / "svg" / f"{h}.svg"
        if path.exists():
            return "svg", path.read_bytes()
        ext, data = figure_bytes(fig)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return ext, data

    return get


def _typeset_key(config: BookConfig, results, formats) -> str:
    """Everything stage 2 reads: if it is unchanged, so is the typeset book."""
    import re

    here = Path(__file__).parent
    h = hashlib.sha256()
    for p in sorted(here.iterdir()):
        if p.is_file() and p.suffix in (".py", ".css", ".html", ".typ"):
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    h.update(json.dumps([config.raw, config.date, sorted(formats)], sort_keys=True, default=str).encode())
    for b in config.bibliography:
        h.update(b.read_bytes())
    for res in results:
        h.update(res.key.encode())
        for src in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", res.markdown):
            img = (config.project_dir / res.chapter).parent / src
            if img.is_file():
                h.update(img.read_bytes())
    return h.hexdigest()


def _outputs_present(out_dir: Path, config: BookConfig, formats) -> bool:
    if not (out_dir / "build.json").is_file():
        return False
    if "html" in formats and not all((out_dir / ch.html_path).is_file() for ch in config.chapters):
        return False
    return "pdf" not in formats or (out_dir / f"{config.slug}.pdf").is_file()


def _write_json(path: Path, data: dict):
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def render_book(project_dir: Path, out_dir: Path, formats=("html", "pdf"), *, cache_dir: Path | None = None,
                force_execute: bool = False, log=None, jobs: int | None = None) -> RenderReport:
    """Render the book in `project_dir` into `out_dir` (HTML pages and/or one PDF).

    One build at a time per project folder (a second waits for the first). Chapters run
    only when an input they read changed; when no chapter ran and nothing else stage 2
    reads changed, the book is not typeset again. The new output is built next to
    `out_dir` and exchanged with it in one step only when every format succeeded, so a
    failing build leaves the last good report in place and `out_dir` never goes missing.
    `log` (a callable) receives one line per chapter and stage.
    """
    from .atomic import build_lock

    project_dir = Path(project_dir).resolve()
    with build_lock(project_dir, say=log):
        return _render_locked(project_dir, out_dir, formats, cache_dir, force_execute, log, jobs)


def _render_locked(project_dir, out_dir, formats, cache_dir, force_execute, log, jobs) -> RenderReport:
    from .atomic import remove_stale

    say = log or (lambda line: None)
    formats = tuple(formats)
    unknown = set(formats) - {"html", "pdf"}
    if unknown:
        raise RenderError(f"unknown output format(s): {sorted(unknown)}")
    t_all = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir(project_dir)
    remove_stale(out_dir.parent, (f".{out_dir.name}.new-", f".{out_dir.name}.old-"))
    remove_stale(cache_dir, ("jobs-",))
    config = load_config(project_dir)
    report = RenderReport(out_dir)

    t = time.perf_counter()
    results = execute_book(config, cache_dir, force=force_execute, ignore=[out_dir], jobs=jobs)
    for res in results:
        (report.executed if res.fresh else report.cached).append(res.chapter)
        say(chapter_line(res))
    report.timings["execute_s"] = time.perf_counter() - t
    typeset_key = _typeset_key(config, results, formats)
    record = {
        "format": 1,
        "formats": list(formats),
        "chapters": [{"chapter": r.chapter, "status": r.status, "why": r.why or None,
                      "seconds": round(r.seconds, 3) if r.fresh else 0.0,
                      "last_run_seconds": round(r.seconds, 3), "cached": r.cached,
                      "inputs": sorted(r.inputs)} for r in results],
        "typeset_key": typeset_key,
    }
    report.record = record
    previous = {}
    try:
        previous = json.loads((out_dir / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    from .inputs import InputState

    state = InputState.load(project_dir, cache_dir)
    same_reads = all(state.current(k) == v for k, v in (previous.get("typeset_inputs") or {}).items())
    if previous.get("typeset_key") == typeset_key and same_reads and _outputs_present(out_dir, config, formats):
        report.typeset = False
        say("typeset: nothing changed, the book was kept as it was")
        report.timings["total_s"] = time.perf_counter() - t_all
        record.update(typeset="skipped (nothing changed)", typeset_inputs=previous.get("typeset_inputs") or {},
                      timings=_rounded(report.timings))
        _write_json(out_dir / "build.json", record)
        _set_paths(report, config, out_dir, formats)
        return report

    t = time.perf_counter()
    from .inputs import Recording

    with Recording(project_dir, [cache_dir, out_dir], skip_prefix=f".{out_dir.name}.") as stage2:
        return _typeset(config, project_dir, out_dir, formats, cache_dir, results, report, record, t_all, say, stage2)


def _typeset(config, project_dir, out_dir, formats, cache_dir, results, report, record, t_all, say, stage2):
    from .atomic import swap_in
    from .book import load_pages, number_book
    from .bundles import SourceIndex, collect_parts, png_cache_fn, write_bundles
    from .citation import book_meta, cite_this_report_blocks, fill_book_facts
    from .html import render_html
    from .pandoc import bibliography_items
    from .pdf import render_pdf

    t = time.perf_counter()
    pages = load_pages(config, results)
    bib_items = bibliography_items(config.bibliography)
    bib_keys = set(bib_items)
    meta = book_meta(config)
    sources = SourceIndex(project_dir, bib_items, config.bibliography, config.lang)
    if pages and pages[0].chapter.position == 0:
        pages[0].ast["blocks"] += cite_this_report_blocks(meta, sources.releases)
    for page in pages:
        page.ast["blocks"] = fill_book_facts(page.ast["blocks"], meta)
    targets = number_book(pages, config)
    parts = collect_parts(pages, targets, config.project_dir)
    report.timings["parse_number_s"] = time.perf_counter() - t

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    # mkdtemp makes the folder 0700; the published book gets ordinary permissions.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)
    svg = _svg_cache(cache_dir)
    try:
        errors: list[str] = []
        t = time.perf_counter()
        write_bundles(parts, meta, sources, staging, svg, png_cache_fn(cache_dir))
        report.timings["bundles_s"] = time.perf_counter() - t
        if "html" in formats:
            t = time.perf_counter()
            errors += render_html(config, pages, targets, bib_keys, staging, svg, cache_dir, parts=parts, meta=meta)
            report.timings["html_s"] = time.perf_counter() - t
        if "pdf" in formats and not errors:
            t = time.perf_counter()
            build = cache_dir / "typst"
            shutil.rmtree(build, ignore_errors=True)
            build.mkdir(parents=True)
            errors += render_pdf(config, pages, targets, bib_keys, build, staging / f"{config.slug}.pdf", svg,
                                 meta=meta, releases=sources.releases)
            report.timings["pdf_s"] = time.perf_counter() - t
        if errors:
            raise RenderError("cannot render the book:\n  " + "\n  ".join(dict.fromkeys(errors)))
        from .ledger import write as write_ledger

        write_ledger(results, project_dir, staging / "data")
        # The table behind Appendix B, which links to it, for readers to sort and filter.
        from analysis.verdicts import write_csv as write_claims_csv

        write_claims_csv(staging / "data" / "claims-verification.csv")
        # The full list behind Appendix C (what a data update changed).
        from analysis.changelog import write_csv as write_changelog_csv

        write_changelog_csv(staging / "data" / "changelog.csv")
        report.timings["total_s"] = time.perf_counter() - t_all
        record.update(typeset="+".join(formats), typeset_inputs=stage2.inputs(),
                      timings=_rounded(report.timings))
        _write_json(staging / "build.json", record)
        swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    say("typeset: " + ", ".join(f"{k.removesuffix('_s')} {v:.1f} s" for k, v in report.timings.items()
                                if k in ("html_s", "pdf_s")))
    _set_paths(report, config, out_dir, formats)
    return report


def _rounded(timings: dict) -> dict:
    return {k: round(v, 3) for k, v in timings.items()}


def _set_paths(report: RenderReport, config: BookConfig, out_dir: Path, formats):
    report.html_pages = [out_dir / ch.html_path for ch in config.chapters] if "html" in formats else []
    report.pdf = out_dir / f"{config.slug}.pdf" if "pdf" in formats else None
