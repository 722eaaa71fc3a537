"""Acquire the official release files named in `data/sources.csv`, verified by checksum.

Every file comes from the mirror folder (`DATA_MIRROR`, or `../shared/data` beside the
repository) or, failing that, from its official download address; either way its sha256
must equal the manifest's before it enters `data/raw/`. A file already in `data/raw/` with
the right checksum is left alone, so a second run costs only the hashing.
"""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import SourceError
from analysis.paths import SOURCES_CSV, mirror_dir, raw_dir


@dataclass(frozen=True)
class SourceFile:
    source_id: str
    path: str
    sha256: str
    bytes: int
    download_url: str


def read_manifest(manifest: Path = SOURCES_CSV) -> list[SourceFile]:
    with open(manifest, newline="", encoding="utf-8") as fh:
        return [
            SourceFile(r["source_id"], r["path"], r["sha256"], int(r["bytes"]), r["download_url"])
            for r in csv.DictReader(fh)
        ]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fetch(entry: SourceFile, mirror: Path | None, staging: Path) -> str | None:
    """Put the file at `staging`; return None on success or the reason it failed."""
    reasons = []
    if mirror is not None:
        candidate = mirror / entry.path
        if candidate.is_file():
            shutil.copyfile(candidate, staging)
            got = sha256(staging)
            if got == entry.sha256:
                return None
            reasons.append(f"checksum mismatch in mirror {candidate}: expected {entry.sha256}, got {got}")
        else:
            reasons.append(f"not in mirror {mirror}")
    else:
        reasons.append("no mirror configured (set DATA_MIRROR)")
    if entry.download_url:
        try:
            with urllib.request.urlopen(entry.download_url, timeout=60) as resp, open(staging, "wb") as out:
                shutil.copyfileobj(resp, out)
        except OSError as exc:
            reasons.append(f"download from {entry.download_url} failed: {exc}")
        else:
            got = sha256(staging)
            if got == entry.sha256:
                return None
            reasons.append(f"checksum mismatch in download from {entry.download_url}: expected {entry.sha256}, got {got}")
    else:
        reasons.append("no official download address recorded in data/sources.csv")
    return "; ".join(reasons)


def acquire(
    *, mirror: Path | None = None, dest: Path | None = None, manifest: Path = SOURCES_CSV, progress=None
) -> dict[str, int]:
    """Make `dest` hold every manifest file with its expected checksum.

    Raises SourceError listing every file that could not be had, and why; files that
    did verify are kept, so a rerun only retries the failures.
    """
    mirror = mirror if mirror is not None else mirror_dir()
    dest = dest if dest is not None else raw_dir()
    entries = read_manifest(manifest)
    counts = {"verified": 0, "acquired": 0}
    failures: list[str] = []
    for i, entry in enumerate(entries):
        if progress:
            progress(i, len(entries), entry.path)
        target = dest / entry.path
        if target.is_file() and target.stat().st_size == entry.bytes and sha256(target) == entry.sha256:
            counts["verified"] += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".acquire-")
        os.close(fd)
        try:
            reason = _fetch(entry, mirror, Path(tmp))
            if reason is None:
                os.replace(tmp, target)
                counts["acquired"] += 1
            else:
                failures.append(f"{entry.path} ({entry.source_id}): {reason}")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    if failures:
        listing = "\n  ".join(failures[:20])
        more = f"\n  ... and {len(failures) - 20} more" if len(failures) > 20 else ""
        raise SourceError(f"{len(failures)} of {len(entries)} source files could not be acquired:\n  {listing}{more}")
    return counts
