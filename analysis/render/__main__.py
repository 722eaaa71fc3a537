"""`python -m analysis.render [--out DIR] [--to html|pdf|all]`"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import RenderError, render_book


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.render", description="Render the Quarto book without Quarto.")
    ap.add_argument("--project", type=Path, default=Path.cwd(), help="book directory with _quarto.yml (default: .)")
    ap.add_argument("--out", type=Path, default=None, help="output directory (default: project.output-dir or _book)")
    ap.add_argument("--to", choices=["html", "pdf", "all"], default="all")
    ap.add_argument("--force", action="store_true", help="re-execute every chapter, ignoring the cache")
    args = ap.parse_args(argv)
    project = args.project.resolve()
    out = args.out
    if out is None:
        import yaml

        cfg = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8")) or {}
        out = project / ((cfg.get("project") or {}).get("output-dir") or "_book")
    formats = ("html", "pdf") if args.to == "all" else (args.to,)
    try:
        rep = render_book(project, out, formats, force_execute=args.force, log=print)
    except RenderError as exc:
        print(f"render failed: {exc}", file=sys.stderr)
        return 1
    print(f"rendered {len(rep.html_pages)} HTML page(s) into {rep.out_dir}")
    if rep.pdf:
        print(f"PDF: {rep.pdf}")
    print(f"{len(rep.executed)} of {len(rep.executed) + len(rep.cached)} chapters executed; "
          + ("typeset" if rep.typeset else "nothing re-typeset") + f"; record: {rep.out_dir / 'build.json'}")
    print("timings: " + ", ".join(f"{k}={v:.2f}" for k, v in rep.timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
