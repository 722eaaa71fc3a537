"""The hostile-input corpus: each case in tests/malformed/cases.yaml is a bad release (or a
bad curated table, or a bad manifest) arriving the way bad data really arrives.

A case edits a copy of one real mirror file and records the edited file's new checksum
and size in a temporary copy of data/sources.csv, as a maintainer taking in a new release
would; then it runs the report's own CLI in-process (`python -m analysis build`, or the
step the case names) against a temporary raw folder, and expects:

- the exit code the case states (1: refused, with a message and no traceback);
- every message fragment it lists (file, column, row, what to do);
- one failure message, data text printed literally (no console markup);
- the session's extracts and rendered book byte-for-byte as they were.

`MALFORMED_REPORT=cases.tsv pytest tests/test_malformed.py` also writes each case's
message to a file, for review.

One extract and one rendered book are shared by the whole session (conftest), and the
raw folder of each case is a folder of hard links to the session's one, so a case costs
the extract steps up to its failure and little else.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
import yaml

from analysis import cli, paths

MIRROR = paths.mirror_dir()
CASES_FILE = Path(__file__).parent / "malformed" / "cases.yaml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
pytestmark = pytest.mark.skipif(MIRROR is None, reason="needs the data mirror (DATA_MIRROR or ../shared/data)")


# --------------------------------------------------------------------------- digests

def tree_digest(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file and folder under `folder`: permission bits and content hash."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        mode = stat.S_IMODE(p.lstat().st_mode)
        out[rel] = (mode, hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "")
    out["."] = (stat.S_IMODE(folder.stat().st_mode), "")
    return out


# --------------------------------------------------------------------------- edits

def _text(data: bytes, path: str, encoding: str) -> str:
    return (gzip.decompress(data) if path.endswith(".gz") else data).decode(encoding)


def _bytes(text: str, path: str, encoding: str) -> bytes:
    data = text.encode(encoding)
    return gzip.compress(data, mtime=0) if path.endswith(".gz") else data


def edit_bytes(data: bytes, path: str, edit: dict) -> bytes:
    """Apply one case's edit to a file's bytes."""
    encoding = edit.get("encoding", "utf-8")
    if "replace" in edit:
        text = _text(data, path, encoding)
        for old, new in edit["replace"]:
            assert old in text, f"{path}: {old!r} not found"
            text = text.replace(old, new, edit.get("count", 1))
        return _bytes(text, path, encoding)
    if "write" in edit:
        return edit["write"].encode("utf-8")
    if "reencode" in edit:
        return _text(data, path, edit["reencode"][0]).encode(edit["reencode"][1])
    if "duplicate_line" in edit:
        lines = _text(data, path, encoding).splitlines(keepends=True)
        n = edit["duplicate_line"]
        lines.insert(n, lines[n - 1])
        return _bytes("".join(lines), path, encoding)
    if "json" in edit:
        doc = json.loads(data)
        for dotted, value in edit["json"].items():
            node = doc
            parts = dotted.split(".")
            for k in parts[:-1]:
                node = node[int(k)] if isinstance(node, list) else node[k]
            last = parts[-1]
            if isinstance(node, list):
                node[int(last)] = value
            else:
                node[last] = value
        return json.dumps(doc).encode("utf-8")
    if "json_rename" in edit:
        doc = json.loads(data)
        for dotted, new in edit["json_rename"].items():
            *parents, last = dotted.split(".")
            node = doc
            for k in parents:
                node = node[int(k)] if isinstance(node, list) else node[k]
            node[new] = node.pop(last)
        return json.dumps(doc).encode("utf-8")
    if "zip_member" in edit:
        src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename == edit["zip_member"]:
                    body = body[: edit.get("truncate", len(body))]
                dst.writestr(info, body)
        return out.getvalue()
    raise AssertionError(f"unknown edit {edit}")


def _replace(path: Path, data: bytes) -> None:
    """Write without touching the inode a hard link shares with the session's raw folder."""
    if path.is_symlink() or path.exists():
        path.unlink()
    path.write_bytes(data)


def _sources_rows() -> tuple[list[str], list[dict]]:
    with open(paths.SOURCES_CSV, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


def _write_sources(path: Path, fields: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --------------------------------------------------------------------------- one case

def _mirror_with(tmp: Path, changed: dict[str, bytes | None], special: dict[str, str]) -> Path:
    """A mirror of links to the real one, except the changed files (real files here)."""
    mirror = tmp / "mirror"
    for src in MIRROR.rglob("*"):
        if not src.is_file():
            continue
        rel = src.relative_to(MIRROR).as_posix()
        dst = mirror / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if special.get(rel) == "directory":
            dst.mkdir()
        elif special.get(rel) == "unreadable":
            dst.symlink_to(dst.name)  # a link to itself: open() fails with ELOOP, even for root
        elif rel in changed:
            dst.write_bytes(changed[rel])
        else:
            dst.symlink_to(src)
    return mirror


def _raw_links(tmp: Path) -> Path:
    raw = tmp / "raw"
    for src in paths.raw_dir().rglob("*"):
        if src.is_file():
            dst = raw / src.relative_to(paths.raw_dir())
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.link(src, dst)
    return raw


def run_case(case: dict, tmp: Path, monkeypatch, capsys, book: Path) -> tuple[int, str]:
    fields, rows = _sources_rows()
    by_path = {r["path"]: r for r in rows}
    changed: dict[str, bytes] = {}
    special: dict[str, str] = {}
    for edit in case.get("release", []):
        rel = edit["file"]
        if edit.get("make") in ("directory", "unreadable"):
            special[rel] = edit["make"]
            continue
        data = changed.get(rel, (MIRROR / rel).read_bytes())
        changed[rel] = edit_bytes(data, rel, edit)
    # A new Comtrade response changes the checksums its own manifest.json records.
    if any(re.fullmatch(r"un-comtrade-china-hs2846/\d{4}\.json", r) for r in changed):
        rel_manifest = "un-comtrade-china-hs2846/manifest.json"
        doc = json.loads(changed.get(rel_manifest, (MIRROR / rel_manifest).read_bytes()))
        for entry in doc["files"]:
            rel = f"un-comtrade-china-hs2846/{entry['file']}"
            if rel in changed:
                entry["sha256"] = hashlib.sha256(changed[rel]).hexdigest()
        changed[rel_manifest] = json.dumps(doc, indent=2).encode("utf-8")
    for rel, data in changed.items():
        by_path[rel]["sha256"] = hashlib.sha256(data).hexdigest()
        by_path[rel]["bytes"] = str(len(data))
    for change in case.get("manifest", []):
        row = by_path[change["file"]]
        if change.get("drop"):
            rows.remove(row)
        else:
            row.update(change["set"])
    sources = tmp / "sources.csv"
    _write_sources(sources, fields, rows)
    mirror = _mirror_with(tmp, changed, special)
    raw = (tmp / "raw") if case.get("fresh_raw") else _raw_links(tmp)  # fresh_raw: a clone never acquired
    raw.mkdir(exist_ok=True)
    for folder in case.get("make_dirs", []):
        (tmp / folder).mkdir()
    for rel in special:  # not acquired yet: the new release's file must come from the mirror
        (raw / rel).unlink()
    for edit in case.get("raw", []):  # a file changed in data/raw after acquire
        target = raw / edit["file"]
        if edit.get("make") == "directory":
            target.unlink()
            target.mkdir()
        else:
            _replace(target, edit_bytes(target.read_bytes(), edit["file"], edit))
    curated = paths.CURATED_DIR
    if case.get("curated"):
        curated = tmp / "curated"
        shutil.copytree(paths.CURATED_DIR, curated)
        for edit in case["curated"]:
            p = curated / edit["file"]
            _replace(p, edit_bytes(p.read_bytes(), edit["file"], edit))
    monkeypatch.setenv("MINERALS_SOURCES_CSV", str(sources))
    monkeypatch.setenv("MINERALS_RAW_DIR", str(raw))
    monkeypatch.setenv("MINERALS_CURATED_DIR", str(curated))
    monkeypatch.setenv("DATA_MIRROR", str(mirror))
    step = case.get("step", "build")
    argv = [step]
    if step in ("build", "acquire"):
        argv += ["--mirror", str(case.get("mirror_override", mirror)).replace("{tmp}", str(tmp))]
    if step in ("build", "render"):
        argv += ["--out", str(book)]
    capsys.readouterr()
    code = cli.main(argv)
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def baseline(extracts, rendered_book):
    return {"extracts": tree_digest(extracts), "book": tree_digest(rendered_book)}


def test_corpus_is_large_and_named_uniquely():
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 25 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_malformed_input(case, baseline, extracts, rendered_book, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MINERALS_EXTRACTS_DIR", str(extracts))
    code, err = run_case(case, tmp_path, monkeypatch, capsys, rendered_book)
    expect = case["expect"]
    if os.environ.get("MALFORMED_REPORT"):  # a listing of every case's message, for review
        lines = err.splitlines()
        start = next((i for i, ln in enumerate(lines) if " failed: " in ln), max(len(lines) - 1, 0))
        failed = lines[start:]
        with open(os.environ["MALFORMED_REPORT"], "a", encoding="utf-8") as fh:
            fh.write(f"{case['id']}\texit {code}\t{' '.join(' '.join(failed).split())}\n")
    assert code == expect["exit"], err
    flat = " ".join(err.split())
    for fragment in expect["message"]:
        assert " ".join(fragment.split()) in flat, f"{fragment!r} not in:\n{err}"
    if expect["exit"]:
        assert err.count(" failed: ") == 1, err
        assert "Traceback" not in err
    assert tree_digest(extracts) == baseline["extracts"], "data/extracts changed"
    assert tree_digest(rendered_book) == baseline["book"], "_book changed"


def test_book_folder_has_ordinary_permissions(rendered_book):
    """The render's staging folder came from mkdtemp (0700); the published book is readable
    by others, as a web server or a colleague needs."""
    for folder in (rendered_book, *(p for p in rendered_book.rglob("*") if p.is_dir())):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o055 == 0o055, folder
