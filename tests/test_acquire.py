"""The acquire step: every file verified against the manifest, failures named with a reason."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from analysis import acquire as acq
from analysis.errors import SourceError
from analysis.paths import SOURCES_CSV
from helpers import mirror

MIRROR = mirror()

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
    assert (first["copied"], first["downloaded"], first["verified"]) == (3, 0, 0)
    for p in SAMPLE:
        assert (dest / p).read_bytes() == (MIRROR / p).read_bytes()
    second = acq.acquire(mirror=MIRROR, dest=dest, manifest=manifest)
    assert (second["copied"], second["verified"], second["repaired_files"]) == (0, 3, [])


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
    again = acq.acquire(mirror=MIRROR, dest=dest, manifest=manifest)
    assert (again["copied"], again["verified"], again["repaired_files"]) == (1, 2, [SAMPLE[0]])
    assert (dest / SAMPLE[0]).read_bytes() == (MIRROR / SAMPLE[0]).read_bytes()


def _manifest_with(tmp_path: Path, path: str, **changes) -> Path:
    with open(SOURCES_CSV, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if r["path"] == path]
        fields = reader.fieldnames
    rows[0].update(changes)
    out = tmp_path / "sources.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return out


@pytest.mark.parametrize("url", ["http://example.org/x.csv", "file:///etc/passwd", "ftp://example.org/x"])
def test_only_https_download_addresses(tmp_path, url):
    manifest = _manifest_with(tmp_path, SAMPLE[0], download_url=url)
    with pytest.raises(SourceError, match=r"column 'download_url', line 2: .*only https://"):
        acq.read_manifest(manifest)


def test_every_row_needs_a_checksum(tmp_path):
    manifest = _manifest_with(tmp_path, SAMPLE[0], sha256="")
    with pytest.raises(SourceError, match=r"column 'sha256', line 2"):
        acq.read_manifest(manifest)


def test_download_is_capped_at_the_manifest_size(tmp_path, monkeypatch):
    class Response(io.BytesIO):
        headers: dict = {}

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    class Opener:
        def open(self, url, timeout):
            return Response(b"x" * 5000)

    monkeypatch.setattr(acq.urllib.request, "build_opener", lambda *handlers: Opener())
    with pytest.raises(OSError, match="more than the manifest's 100 bytes"):
        acq._download("https://example.org/x", tmp_path / "x", 100)


def test_downloaded_and_copied_are_told_apart(tmp_path, monkeypatch):
    manifest = _manifest_with(tmp_path, SAMPLE[0], download_url="https://example.org/history.txt")
    body = (MIRROR / SAMPLE[0]).read_bytes()
    monkeypatch.setattr(acq, "_download", lambda url, staging, limit: Path(staging).write_bytes(body))
    (tmp_path / "empty-mirror-folder").mkdir()
    counts = acq.acquire(mirror=tmp_path / "empty-mirror-folder", dest=tmp_path / "raw", manifest=manifest)
    assert (counts["downloaded"], counts["copied"]) == (1, 0)
    counts = acq.acquire(mirror=MIRROR, dest=tmp_path / "raw2", manifest=manifest)
    assert (counts["downloaded"], counts["copied"]) == (0, 1)


def test_missing_mirror_folder_is_one_message(tmp_path):
    with pytest.raises(SourceError) as err:
        acq.acquire(mirror=tmp_path / "nowhere", dest=tmp_path / "raw")
    assert str(err.value).count("\n") == 0 and "mirror folder" in str(err.value)


def test_verify_raw_refuses_an_edited_file_and_acquire_repairs_it(tmp_path):
    manifest = _subset_manifest(tmp_path, SAMPLE)
    dest = tmp_path / "raw"
    acq.acquire(mirror=MIRROR, dest=dest, manifest=manifest)
    assert set(acq.verify_raw(dest, manifest)) == set(SAMPLE)
    edited = dest / SAMPLE[1]
    edited.write_bytes(edited.read_bytes().replace(b"ARSENIC", b"ARSENIK"))
    with pytest.raises(SourceError, match=rf"{SAMPLE[1]}: changed since it was acquired"):
        acq.verify_raw(dest, manifest)
    counts = acq.acquire(mirror=MIRROR, dest=dest, manifest=manifest)
    assert counts["repaired_files"] == [SAMPLE[1]]
    assert set(acq.verify_raw(dest, manifest)) == set(SAMPLE)


def test_the_extract_sees_only_manifest_files(tmp_path):
    dest = tmp_path / "raw"
    acq.acquire(mirror=MIRROR, dest=dest, manifest=_subset_manifest(tmp_path, SAMPLE))
    manifest = _subset_manifest(tmp_path, SAMPLE[:2])  # a file dropped from the manifest
    files = acq.verify_raw(dest, manifest)
    view = acq.manifest_view(dest, files, tmp_path / "view")
    assert sorted(p.relative_to(view).as_posix() for p in view.rglob("*") if p.is_file()) == sorted(SAMPLE[:2])


def test_one_cause_for_every_file_is_one_message(tmp_path):
    (tmp_path / "wrong-folder").mkdir()
    with pytest.raises(SourceError) as err:
        acq.acquire(mirror=tmp_path / "wrong-folder", dest=tmp_path / "raw")
    message = str(err.value)
    assert "\n" not in message and "all for one reason: not in mirror" in message
