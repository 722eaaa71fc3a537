"""references.bib, read by pandoc: the one BibTeX reader of the project.

Why pandoc's: citeproc renders the book's citations from what pandoc reads, so the checks
(every `source_key` resolves), the source labels in tables and the rendered bibliography
can never disagree about what an entry says. Entries come back as CSL JSON items.
"""
from __future__ import annotations

import functools
import json
import subprocess
from collections import Counter
from pathlib import Path

from analysis.paths import ROOT

BIB_PATH = ROOT / "references.bib"
_FORMATS = {".bib": "biblatex", ".json": "csljson", ".yaml": "markdown"}


@functools.cache
def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


@functools.cache
def _read(path: Path, mtime_ns: int) -> tuple[dict, ...]:
    fmt = _FORMATS.get(path.suffix, "biblatex")
    proc = subprocess.run([_pandoc(), "-f", fmt, "-t", "csljson", str(path)], capture_output=True)
    if proc.returncode != 0:
        raise ValueError(f"{path}: pandoc cannot read it: {proc.stderr.decode('utf-8', 'replace').strip()}")
    items = tuple(json.loads(proc.stdout.decode("utf-8")))
    twice = sorted(k for k, n in Counter(i["id"] for i in items).items() if n > 1)
    if twice:  # citeproc would silently take one of them
        raise ValueError(f"{path}: duplicate bib key {twice[0]!r}")
    return items


def entries(path: Path | None = None) -> dict[str, dict]:
    """CSL JSON item per citation key."""
    path = Path(path or BIB_PATH).resolve()
    return {item["id"]: item for item in _read(path, path.stat().st_mtime_ns)}


def keys(path: Path | None = None) -> set[str]:
    return set(entries(path))


def year(item: dict) -> str:
    """The entry's year as text ('' when it has none)."""
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    return str(parts[0][0]) if parts and parts[0] else ""
