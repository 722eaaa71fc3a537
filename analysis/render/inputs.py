"""What a chapter's executed output depends on besides its own text.

Quarto's freeze hashes only the chapter (quarto-cli #6793), so a new MCS edition would
leave stale numbers in a frozen book. Here the execution cache key also covers the
extracts the chapters query, the analysis code and SQL that turn them into figures, and
the curated and reference files: change any of them and every chapter re-executes.
(Per-chapter dependency tracking can narrow this later; correctness comes first.)
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from analysis import paths

# Relative to the project root; the renderer itself is excluded (it decides typesetting,
# and its cache format has a version of its own).
CODE_GLOBS = ("analysis/*.py", "analysis/chapters/*.py", "analysis/extract/*.py", "analysis/sql/**/*.sql")
DATA_GLOBS = ("data/curated/**/*.csv", "data/reference/*.csv", "data/sources.csv", "references.bib")


def _files(root: Path, globs) -> list[Path]:
    found = {p for g in globs for p in root.glob(g) if p.is_file()}
    return sorted(found)


def inputs_digest(project_dir: Path, extracts: Path | None = None) -> str:
    """One sha256 over every input the chapters' code can read, named and length-prefixed."""
    project_dir = Path(project_dir)
    extracts = Path(extracts) if extracts is not None else paths.extracts_dir()
    h = hashlib.sha256()
    entries = [(p.relative_to(project_dir).as_posix(), p) for p in _files(project_dir, CODE_GLOBS + DATA_GLOBS)]
    if extracts.is_dir():
        entries += [(f"extracts/{p.name}", p) for p in sorted(extracts.glob("*.parquet"))]
    for name, path in entries:
        data = path.read_bytes()
        h.update(f"{name}:{len(data)}:".encode())
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()
