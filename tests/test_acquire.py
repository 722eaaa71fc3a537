"""The acquire step: every file verified against the manifest, failures named with a reason."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from analysis import acquire as acq
from analysis.errors import SourceError
from analysis.paths import SOURCES_CSV, mirror_dir

MIRROR = mirror_dir()
pytestmark = pytest.mark.skipif(MIRROR is None, reason="needs the data mirror (DATA_MIRROR or ../shared/data)")

SAMPLE = [
    "usgs-mcs-2026/usgs_mcs2026_version_history.txt",
    "usgs-mcs-2025/industry-trends/MCS2025_Fig2_Net_Import_Reliance.csv",
    "un-comtrade-china-hs2846/2024.json",
]


def _subset_manifest(tmp_path: Path, paths: list[str]) -> Path:
    with open(SOURCES_CSV, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if r["path"] in paths]
        fields = reader.fieldnames
    out = tmp_path / "sources.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    assert len(rows) == len(paths)
    return out


def _copy_mirror(tmp_path: Path, paths: list[str]) -> Path:
    mirror = tmp_path / "mirror"
    for p in paths:
        (mirror / p).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MIRROR / p, mirror / p)
    return mirror


def test_manifest_covers_every_mirror_file_with_its_checksum():
    """The project's manifest agrees with the mirror's own MANIFEST.csv, file for file."""
    with open(MIRROR / "MANIFEST.csv", newline="") as fh:
        theirs = {r["path"]: r["sha256"] for r in csv.DictReader(fh)}
    ours = {e.path: e.sha256 for e in acq.read_manifest()}
    assert ours == theirs
    assert all(len(e.sha256) == 64 for e in acq.read_manifest())


def test_acquire_copies_and_verifies_then_skips(tmp_path):
    manifest = _subset_manifest(tmp_path, SAMPLE)
    dest = tmp_path / "raw"
    first = acq.acquire(mirror=MIRROR, dest=dest, manifest=manifest)
    assert first == {"acquired": 3, "verified": 0}
    for p in SAMPLE:
        assert (dest / p).read_bytes() == (MIRROR / p).read_bytes()
    second = acq.acquire(mirror=MIRROR, dest=dest, manifest=manifest)
    assert second == {"acquired": 0, "verified": 3}


def test_checksum_mismatch_names_file_and_reason(tmp_path):
    mirror = _copy_mirror(tmp_path, SAMPLE)
    tampered = mirror / SAMPLE[1]
    tampered.write_bytes(tampered.read_bytes().replace(b"ARSENIC", b"ARSENIK"))
    dest = tmp_path / "raw"
    with pytest.raises(SourceError) as err:
        acq.acquire(mirror=mirror, dest=dest, manifest=_subset_manifest(tmp_path, SAMPLE))
    message = str(err.value)
    assert SAMPLE[1] in message and "checksum mismatch" in message
    assert "1 of 3" in message
    # The tampered file never enters the raw folder; the good ones do.
    assert not (dest / SAMPLE[1]).exists()
    assert (dest / SAMPLE[0]).exists() and (dest / SAMPLE[2]).exists()


def test_missing_file_names_file_and_reason(tmp_path):
    mirror = _copy_mirror(tmp_path, SAMPLE[:2])
    with pytest.raises(SourceError) as err:
        acq.acquire(mirror=mirror, dest=tmp_path / "raw", manifest=_subset_manifest(tmp_path, SAMPLE))
    message = str(err.value)
    assert SAMPLE[2] in message and "not in mirror" in message
    assert "no official download address" in message


def test_corrupted_raw_copy_is_replaced(tmp_path):
    manifest = _subset_manifest(tmp_path, SAMPLE)
    dest = tmp_path / "raw"
    acq.acquire(mirror=MIRROR, dest=dest, manifest=manifest)
    (dest / SAMPLE[0]).write_text("truncated")
    assert acq.acquire(mirror=MIRROR, dest=dest, manifest=manifest) == {"acquired": 1, "verified": 2}
    assert (dest / SAMPLE[0]).read_bytes() == (MIRROR / SAMPLE[0]).read_bytes()
