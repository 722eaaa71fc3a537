"""Acquire the official release files named in `data/sources.csv`, verified by checksum.

Every file comes from the mirror folder (`DATA_MIRROR`, or `../shared/data` beside the
repository) or, failing that, from its official download address; either way its sha256
must equal the manifest's before it enters `data/raw/`. A file already in `data/raw/` with
the right checksum is left alone, so a second run costs only the hashing.

Why so strict: `data/raw/` is what the extract reads, and the manifest is the only record
of what the report was built from. So downloads are HTTPS only (no redirect to anything
else) and never larger than the manifest says; a file in `data/raw/` that was changed
after acquire is replaced and reported, never silently; and `verify_raw` re-checks every
file before each extract (size and modification time recorded at verification, the full
hash whenever either changed), so an edited file or one no longer in the manifest never
reaches the extracts.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from analysis.errors import SourceError
from analysis.paths import mirror_dir, raw_dir, sources_csv

#: Columns of data/sources.csv, in order.
MANIFEST_COLUMNS = ("source_id", "path", "bytes", "sha256", "publisher", "title", "doi_or_url", "download_url", "licence")
#: Record of the last verification in data/raw (path -> sha256, size, mtime_ns).
STAMP = ".verified.json"
#: No release file of this report is near this; a download larger than its manifest size
#: is cut off at that size anyway, this caps a manifest row that claims too much.
MAX_BYTES = 512 * 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_LISTED = 20


@dataclass(frozen=True)
class SourceFile:
    source_id: str
    path: str
    sha256: str
    bytes: int
    download_url: str


def read_manifest(manifest: Path | None = None) -> list[SourceFile]:
    """The manifest's rows, each checked: a relative path inside the release folders, a
    byte count, a sha256, and an empty or `https://` download address. A bad row stops
    with file, line and column."""
    manifest = Path(manifest) if manifest is not None else sources_csv()
    name = str(manifest)

    def bad(line: int, column: str, message: str) -> SourceError:
        return SourceError(f"file {name}, column {column!r}, line {line}: {message}")

    try:
        with open(manifest, newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            if header is None:
                raise SourceError(f"file {name}: empty (expected the header {','.join(MANIFEST_COLUMNS)})")
            if tuple(header) != MANIFEST_COLUMNS:
                raise SourceError(f"file {name}, line 1: header is {header}, expected {list(MANIFEST_COLUMNS)}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(f"file {name}: cannot read the source manifest: {exc}") from None
    entries, seen = [], {}
    for line, cells in enumerate(rows, start=2):
        if len(cells) != len(MANIFEST_COLUMNS):
            raise SourceError(f"file {name}, line {line}: {len(cells)} fields, expected {len(MANIFEST_COLUMNS)}")
        r = dict(zip(MANIFEST_COLUMNS, cells))
        rel = PurePosixPath(r["path"])
        if not r["path"] or rel.is_absolute() or ".." in rel.parts or rel.parts[0].startswith(".") or "\\" in r["path"]:
            raise bad(line, "path", f"{r['path']!r} is not a relative path inside the mirror")
        if r["path"] in seen:
            raise bad(line, "path", f"{r['path']!r} is listed twice (first on line {seen[r['path']]})")
        seen[r["path"]] = line
        if not _SHA256.fullmatch(r["sha256"]):
            raise bad(line, "sha256", f"{r['sha256']!r} is not a lower-case sha256 (64 hex digits); every file needs one")
        if not r["bytes"].isdigit() or int(r["bytes"]) > MAX_BYTES:
            raise bad(line, "bytes", f"{r['bytes']!r} is not a size in bytes up to {MAX_BYTES}")
        url = r["download_url"]
        if url and urllib.parse.urlsplit(url).scheme != "https":
            raise bad(line, "download_url", f"{url!r}: only https:// download addresses are accepted")
        entries.append(SourceFile(r["source_id"], r["path"], r["sha256"], int(r["bytes"]), url))
    return entries


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme != "https":
            raise urllib.error.URLError(f"redirected to {newurl!r}, which is not https://")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _download(url: str, staging: Path, limit: int) -> None:
    """Fetch `url` into `staging`, refusing more than `limit` bytes."""
    opener = urllib.request.build_opener(_HttpsOnlyRedirects)
    with opener.open(url, timeout=60) as resp, open(staging, "wb") as out:
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise OSError(f"server announces {declared} bytes, the manifest {limit}")
        got = 0
        for block in iter(lambda: resp.read(1 << 20), b""):
            got += len(block)
            if got > limit:
                raise OSError(f"more than the manifest's {limit} bytes; download stopped")
            out.write(block)


def _fetch(entry: SourceFile, mirror: Path | None, staging: Path) -> tuple[str | None, str]:
    """Put the file at `staging`; return (how, None) on success or (None, reason)."""
    reasons = []
    if mirror is not None:
        candidate = mirror / entry.path
        try:
            if candidate.is_dir():
                reasons.append(f"{candidate} in the mirror is a directory, not a file")
            elif candidate.exists() or candidate.is_symlink():
                shutil.copyfile(candidate, staging)
                got = sha256(staging)
                if got == entry.sha256:
                    return "copied", ""
                reasons.append(f"checksum mismatch in mirror {candidate}: expected {entry.sha256}, got {got} "
                               f"(a new release? update its row in data/sources.csv after reviewing it)")
            else:
                reasons.append(f"not in mirror {mirror}")
        except OSError as exc:
            reasons.append(f"cannot read {candidate} in the mirror: {exc.strerror or exc}")
    else:
        reasons.append("no mirror configured (set DATA_MIRROR)")
    if entry.download_url:
        try:
            _download(entry.download_url, staging, entry.bytes)
        except (OSError, ValueError) as exc:
            reasons.append(f"download from {entry.download_url} failed: {exc}")
        else:
            got = sha256(staging)
            if got == entry.sha256:
                return "downloaded", ""
            reasons.append(f"checksum mismatch in download from {entry.download_url}: expected {entry.sha256}, got {got}")
    else:
        reasons.append("no official download address recorded in data/sources.csv")
    return None, "; ".join(reasons)


# ---------------------------------------------------------------------------- stamps

def _read_stamp(dest: Path) -> dict[str, dict]:
    try:
        data = json.loads((dest / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_stamp(dest: Path, stamp: dict[str, dict]) -> None:
    fd, tmp = tempfile.mkstemp(dir=dest, prefix=".verified-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(stamp, fh, indent=0, sort_keys=True)
    os.replace(tmp, dest / STAMP)


def _stat_key(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _unlisted(dest: Path, entries: list[SourceFile]) -> list[str]:
    listed = {e.path for e in entries}
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")
                  if (p.is_file() or p.is_symlink()) and not any(part.startswith(".") for part in p.relative_to(dest).parts)
                  and p.relative_to(dest).as_posix() not in listed)


def _listing(failures: list[str]) -> str:
    more = f"\n  ... and {len(failures) - MAX_LISTED} more" if len(failures) > MAX_LISTED else ""
    return "\n  ".join(failures[:MAX_LISTED]) + more


# ---------------------------------------------------------------------------- acquire

def acquire(
    *, mirror: Path | None = None, dest: Path | None = None, manifest: Path | None = None, progress=None
) -> dict[str, object]:
    """Make `dest` hold every manifest file with its expected checksum.

    Returns counts (`verified`, `copied`, `downloaded`, `repaired`) and the lists
    `repaired_files` (in `dest` but changed since, now replaced), `updated_files` (an
    earlier verified version, replaced by the manifest's new one) and `unlisted_files` (in
    `dest` but not in the manifest: the extract ignores them). Raises SourceError listing
    every file that could not be had, and why; files that did verify are kept, so a rerun
    only retries the failures.
    """
    mirror = Path(mirror) if mirror is not None else mirror_dir()
    dest = Path(dest) if dest is not None else raw_dir()
    entries = read_manifest(manifest)
    if mirror is not None and not mirror.is_dir():
        raise SourceError(f"mirror folder {mirror} does not exist or is not a folder; set DATA_MIRROR "
                          f"(or --mirror) to the folder holding the releases, or leave it unset to download")
    counts: dict[str, object] = {"verified": 0, "copied": 0, "downloaded": 0, "repaired": 0}
    repaired: list[str] = []
    failures: list[str] = []
    reasons: list[str] = []
    dest.mkdir(parents=True, exist_ok=True)
    previous, stamp = _read_stamp(dest), {}
    updated: list[str] = []
    for i, entry in enumerate(entries):
        if progress:
            progress(i, len(entries), entry.path)
        target = dest / entry.path
        if target.is_file() and not target.is_symlink():
            got = sha256(target)
            if target.stat().st_size == entry.bytes and got == entry.sha256:
                counts["verified"] += 1
                stamp[entry.path] = {"sha256": entry.sha256, **_stat_key(target)}
                continue
            # The file verified before under another checksum: a new release replaces it.
            # Otherwise it was changed after acquire and is repaired (and said so).
            if previous.get(entry.path, {}).get("sha256") == got:
                updated.append(entry.path)
            else:
                repaired.append(entry.path)
        elif target.exists() or target.is_symlink():
            if target.is_dir() and not target.is_symlink():
                failures.append(f"{entry.path} ({entry.source_id}): {target} is a directory; remove it and rerun acquire")
                continue
            repaired.append(entry.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".acquire-")
        os.close(fd)
        try:
            how, reason = _fetch(entry, mirror, Path(tmp))
            if how:
                os.chmod(tmp, 0o644)
                if target.is_symlink():
                    target.unlink()
                os.replace(tmp, target)
                counts[how] += 1
                stamp[entry.path] = {"sha256": entry.sha256, **_stat_key(target)}
            else:
                failures.append(f"{entry.path} ({entry.source_id}): {reason}")
                reasons.append(reason)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    counts["repaired_files"] = [p for p in repaired if p in stamp]
    counts["repaired"] = len(counts["repaired_files"])
    counts["updated_files"] = [p for p in updated if p in stamp]
    counts["unlisted_files"] = _unlisted(dest, entries)
    _write_stamp(dest, stamp)
    if len(reasons) > 1 and len(reasons) == len(failures) and len(set(reasons)) == 1:
        # One cause (no mirror, the wrong folder): one message, not one line per file.
        first = ", ".join(f.split(" ", 1)[0] for f in failures[:3])
        raise SourceError(f"{len(failures)} of {len(entries)} source files could not be acquired, all for one reason: "
                          f"{reasons[0]} (first: {first}, ...)")
    if failures:
        raise SourceError(f"{len(failures)} of {len(entries)} source files could not be acquired:\n  {_listing(failures)}")
    return counts


# ---------------------------------------------------------------------------- verify

def verify_raw(raw: Path | None = None, manifest: Path | None = None) -> dict[str, str]:
    """Check that `raw` holds every manifest file unchanged since it was verified; return
    `{path: sha256}` of exactly the manifest's files.

    Fast: a file whose size and modification time equal those recorded at its last
    verification (by acquire or here) is not re-hashed; any other is hashed in full.
    Raises SourceError naming every file that is missing, not a regular file, or changed.
    """
    raw = Path(raw) if raw is not None else raw_dir()
    entries = read_manifest(manifest)
    stamp = _read_stamp(raw) if raw.is_dir() else {}
    fresh: dict[str, dict] = {}
    problems: list[str] = []
    for entry in entries:
        path = raw / entry.path
        if path.is_dir():
            problems.append(f"{entry.path}: is a directory, not a file; remove it and run `make acquire`")
            continue
        if not path.is_file():
            problems.append(f"{entry.path}: missing from {raw}; run `make acquire`")
            continue
        try:
            key = _stat_key(path)
            seen = stamp.get(entry.path, {})
            if seen.get("sha256") == entry.sha256 and all(seen.get(k) == v for k, v in key.items()) \
                    and os.access(path, os.R_OK):
                fresh[entry.path] = seen
                continue
            got = sha256(path)
        except OSError as exc:
            problems.append(f"{entry.path}: cannot read ({exc.strerror or exc}); run `make acquire`")
            continue
        if got != entry.sha256:
            problems.append(f"{entry.path}: changed since it was acquired (sha256 {got}, data/sources.csv says "
                            f"{entry.sha256}); run `make acquire` to restore the published file, or review the "
                            f"new release and update its row in data/sources.csv")
            continue
        fresh[entry.path] = {"sha256": got, **key}
    if problems:
        raise SourceError(f"{len(problems)} of {len(entries)} release files in {raw} do not match data/sources.csv; "
                          f"nothing was extracted:\n  {_listing(problems)}")
    if fresh != stamp:
        try:
            _write_stamp(raw, fresh)
        except OSError:
            pass  # a read-only raw folder: verification still held, it is only slower next time
    return {p: v["sha256"] for p, v in sorted(fresh.items())}


def manifest_view(raw: Path, files: dict[str, str], into: Path) -> Path:
    """A folder of links to exactly the manifest's files in `raw`, so that an extract
    that lists a folder never sees a file the manifest does not name."""
    for rel in files:
        link = into / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to((raw / rel).resolve())
    return into
