"""The project's own renderer for the Quarto book sources (Quarto itself cannot be
installed here).  Stage 1 executes chapters into a cache; stage 2 typesets HTML and
one book PDF from that cache.  See README.md for the supported Quarto subset."""
from __future__ import annotations

import hashlib
import os
import shutil
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
    executed: list[str] = field(default_factory=list)  # chapters run in a kernel (cache miss)
    cached: list[str] = field(default_factory=list)


def default_cache_dir(project_dir: Path) -> Path:
    return Path(project_dir) / ".cache" / "render"


def execute_book(config: BookConfig, cache_dir: Path, force: bool = False, extra: dict | None = None):
    """Stage 1 for every chapter (one kernel per chapter that has code)."""
    from .execute import execute_chapter

    return [execute_chapter(config, ch, cache_dir, force=force, extra=extra) for ch in config.chapters]


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


def render_book(project_dir: Path, out_dir: Path, formats=("html", "pdf"), *, cache_dir: Path | None = None,
                force_execute: bool = False) -> RenderReport:
    """Render the book in `project_dir` into `out_dir` (HTML pages and/or one PDF).

    The new output is built next to `out_dir` and swapped in only when every format
    succeeded, so a failing build leaves the last good report in place.
    """
    from .book import load_pages, number_book
    from .bundles import SourceIndex, collect_parts, png_cache_fn, write_bundles
    from .citation import book_meta
    from .html import render_html
    from .pandoc import bibliography_items
    from .pdf import render_pdf

    formats = tuple(formats)
    unknown = set(formats) - {"html", "pdf"}
    if unknown:
        raise RenderError(f"unknown output format(s): {sorted(unknown)}")
    t_all = time.perf_counter()
    project_dir = Path(project_dir).resolve()
    out_dir = Path(out_dir).resolve()
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir(project_dir)
    config = load_config(project_dir)
    report = RenderReport(out_dir)

    t = time.perf_counter()
    from .inputs import inputs_digest

    results = execute_book(config, cache_dir, force=force_execute, extra={"inputs": inputs_digest(project_dir)})
    for res in results:
        (report.executed if res.fresh else report.cached).append(res.chapter)
    report.timings["execute_s"] = time.perf_counter() - t

    t = time.perf_counter()
    pages = load_pages(config, results)
    targets = number_book(pages, config)
    bib_items = bibliography_items(config.bibliography)
    bib_keys = set(bib_items)
    meta = book_meta(config)
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
        write_bundles(parts, meta, SourceIndex(project_dir, bib_items), staging, svg, png_cache_fn(cache_dir))
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
            errors += render_pdf(config, pages, targets, bib_keys, build, staging / f"{config.slug}.pdf", svg)
            report.timings["pdf_s"] = time.perf_counter() - t
        if errors:
            raise RenderError("cannot render the book:\n  " + "\n  ".join(dict.fromkeys(errors)))
        from .ledger import write as write_ledger

        write_ledger(results, project_dir, staging / "data")
        # The table behind Appendix B, which links to it, for readers to sort and filter.
        from analysis.verdicts import write_csv as write_claims_csv

        write_claims_csv(staging / "data" / "claims-verification.csv")
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report.html_pages = [out_dir / p.html_path for p in pages] if "html" in formats else []
    report.pdf = out_dir / f"{config.slug}.pdf" if "pdf" in formats else None
    report.timings["total_s"] = time.perf_counter() - t_all
    return report


def _swap_in(staging: Path, out_dir: Path):
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out_dir, old)
    os.replace(staging, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
