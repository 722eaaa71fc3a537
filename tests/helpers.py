"""Helpers shared by test modules (pytest puts tests/ on sys.path)."""
from __future__ import annotations

import shutil
from pathlib import Path


def mirror_copy(mirror: Path, tmp_path: Path, replace: str, *, prefix: str = "") -> Path:
    """A raw directory of symlinks to the mirror (folders starting with `prefix`), except
    `replace`, which is a real copy a test may break without touching the mirror."""
    raw = tmp_path / "raw"
    for src in mirror.rglob("*"):
        rel = src.relative_to(mirror)
        if not src.is_file() or not rel.parts[0].startswith(prefix):
            continue
        dst = raw / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rel.as_posix() == replace:
            shutil.copyfile(src, dst)
        else:
            dst.symlink_to(src)
    return raw


def one_row(frame, **where):
    """The single row of `frame` whose columns equal `where` (nulls never match); fails
    the test, naming the filter, when there are none or several."""
    import pandas as pd

    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= (frame[column] == value).fillna(False)
    hit = frame[mask]
    assert len(hit) == 1, f"{len(hit)} rows for {where}"
    return hit.iloc[0]
