"""What a chapter's executed output depends on, as recorded while it ran, and the cache
of executed chapters keyed on it.

Quarto's freeze hashes only the chapter (quarto-cli #6793), and a digest over every
input re-runs every chapter when any file changes. Here each chapter's cache entry holds
the inputs the chapter actually read (see worker.py): each file's content hash as it was
read, directory listings, and settings such as MCS_VINTAGE, plus its own text, the
renderer and the installed package versions. A chapter is reused when one of its entries
still matches the current state of everything it lists, so exactly the chapters whose
inputs changed re-run, and a chapter that reads no MCS table survives an edition switch.
Several entries per chapter are kept, so switching back to an edition is a cache hit.

Current file hashes are memoised on (size, mtime, ctime, inode): a no-op build stats its
inputs rather than reading them.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

from .worker import dir_digest, env_value, file_sha256, stat_sig

INDEX_FORMAT = 2
KEEP_PER_CHAPTER = 6


def sha(text: str | bytes) -> str:
    return hashlib.sha256(text if isinstance(text, bytes) else text.encode("utf-8")).hexdigest()


@functools.cache
def packages_digest() -> str:
    """The installed distributions and their versions (a dist-info folder names both)."""
    names: set[str] = set()
    paths = sysconfig.get_paths()
    for d in {paths["purelib"], paths["platlib"]}:
        try:
            names.update(n for n in os.listdir(d) if n.endswith(".dist-info"))
        except OSError:
            pass
    return sha(sys.version + "\n" + "\n".join(sorted(names)))


@dataclass
class Entry:
    id: str
    static: dict[str, str]
    inputs: dict[str, str | None]
    seconds: float = 0.0
    used: float = 0.0

    @staticmethod
    def make(static: dict, inputs: dict, seconds: float) -> "Entry":
        ident = sha(json.dumps([static, inputs], sort_keys=True))
        return Entry(ident, dict(static), dict(inputs), seconds, time.time())


@dataclass
class Lookup:
    hit: Entry | None
    why: str  # reason to execute ("" on a hit)
    previous_seconds: float = 0.0


@dataclass
class InputState:
    """Current state of inputs, memoised by stat signature (persisted between builds)."""

    project_dir: Path
    memo_path: Path
    memo: dict = field(default_factory=dict)
    _dirty: bool = False

    @classmethod
    def load(cls, project_dir: Path, cache_dir: Path) -> "InputState":
        path = Path(cache_dir) / "hashes.json"
        try:
            memo = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            memo = {}
        return cls(Path(project_dir).resolve(), path, memo)

    def path_of(self, name: str) -> str:
        return name if os.path.isabs(name) else str(self.project_dir / name)

    def current(self, key: str) -> str | None:
        kind, name = key.split(":", 1)
        if kind == "env":
            return env_value(name)
        path = self.path_of(name)
        if kind == "dir":
            return dir_digest(path)
        sig = stat_sig(path)
        if sig is None:
            return None
        cached = self.memo.get(path)
        if cached and cached[0] == sig:
            return cached[1]
        digest = file_sha256(path)
        self.memo[path] = [sig, digest]
        self._dirty = True
        return digest

    def remember(self, inputs: dict, sigs: dict | None = None):
        """Seed the memo with hashes a child computed (saves re-reading them)."""
        for key, digest in inputs.items():
            kind, name = key.split(":", 1)
            sig = (sigs or {}).get(key)
            if kind == "file" and sig and digest:
                path = self.path_of(name)
                if stat_sig(path) == sig:
                    self.memo[path] = [sig, digest]
                    self._dirty = True

    def save(self):
        if self._dirty:
            tmp = self.memo_path.with_suffix(f".tmp{os.getpid()}")
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(self.memo), encoding="utf-8")
            os.replace(tmp, self.memo_path)
            self._dirty = False


def describe_input(key: str, old, new) -> str:
    kind, name = key.split(":", 1)
    if kind == "env":
        return f"{name} changed ({old or 'unset'} → {new or 'unset'})"
    shown = re.sub(r"\.parquet$", "", name)
    if kind == "dir":
        return f"files added or removed in {shown}"
    if new is None:
        return f"{shown} removed"
    if old is None:
        return f"{shown} appeared"
    return f"{shown} changed"


STATIC_WHY = {
    "text": "chapter text changed",
    "renderer": "renderer changed",
    "packages": "package versions changed",
    "options": "execute options changed",
    "format": "cache format changed",
}


def _join(reasons: list[str], most: int = 3) -> str:
    if len(reasons) > most:
        return ", ".join(reasons[:most]) + f" and {len(reasons) - most} more"
    return ", ".join(reasons)


class ExecCache:
    """Index of executed chapters (`exec/index.json`) and their payloads beside it."""

    def __init__(self, project_dir: Path, cache_dir: Path):
        self.dir = Path(cache_dir) / "exec"
        self.index_path = self.dir / "index.json"
        self.state = InputState.load(project_dir, cache_dir)
        try:
            raw = json.loads(self.index_path.read_text(encoding="utf-8"))
            if raw.get("format") != INDEX_FORMAT:
                raw = {}
        except (OSError, ValueError):
            raw = {}
        self.chapters: dict[str, list[Entry]] = {
            ch: [Entry(**e) for e in entries] for ch, entries in (raw.get("chapters") or {}).items()}
        self._dirty = False

    def payload_path(self, chapter: str, entry_id: str) -> Path:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "__", chapter)
        return self.dir / f"{stem}.{entry_id[:20]}.json"

    def lookup(self, chapter: str, static: dict) -> Lookup:
        entries = sorted(self.chapters.get(chapter, []), key=lambda e: -e.used)
        if not entries:
            return Lookup(None, "no cached result")
        same = [e for e in entries if e.static == static]
        for e in same:
            if all(self.state.current(k) == v for k, v in e.inputs.items()):
                if self.payload_path(chapter, e.id).exists():
                    return Lookup(e, "", e.seconds)
        if same:
            e = same[0]
            changed = [describe_input(k, v, self.state.current(k)) for k, v in e.inputs.items()
                       if self.state.current(k) != v]
            return Lookup(None, _join(changed) or "cached result missing", e.seconds)
        e = entries[0]
        changed = [STATIC_WHY.get(k, f"{k} changed") for k in sorted(set(static) | set(e.static))
                   if static.get(k) != e.static.get(k)]
        return Lookup(None, _join(changed), e.seconds)

    def load_payload(self, chapter: str, entry: Entry) -> dict:
        return json.loads(self.payload_path(chapter, entry.id).read_text(encoding="utf-8"))

    def touch(self, chapter: str, entry: Entry):
        entry.used = time.time()
        self._dirty = True

    def store(self, chapter: str, entry: Entry, payload: dict):
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.payload_path(chapter, entry.id)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(tmp, path)
        entries = [e for e in self.chapters.get(chapter, []) if e.id != entry.id] + [entry]
        entries.sort(key=lambda e: -e.used)
        for old in entries[KEEP_PER_CHAPTER:]:
            self.payload_path(chapter, old.id).unlink(missing_ok=True)
        self.chapters[chapter] = entries[:KEEP_PER_CHAPTER]
        self._dirty = True

    def save(self):
        self.state.save()
        if not self._dirty:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        data = {"format": INDEX_FORMAT,
                "chapters": {ch: [e.__dict__ for e in es] for ch, es in sorted(self.chapters.items())}}
        tmp = self.index_path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, self.index_path)
        self._dirty = False


class Recording:
    """Record, in this process, the project files and settings a block of code reads
    (the recorder chapters use, worker.Recorder). Modules of the project that were
    imported before the block count too, since their code runs in it. Used for stage 2's
    inputs (so a no-op build knows typesetting would give the same book) and by the CLI
    to skip a step whose inputs did not change. One audit hook per process."""

    _current = None
    _installed = False

    def __init__(self, project_dir: Path, ignore=(), skip_prefix: str = "\0"):
        self.project = Path(project_dir).resolve()
        root = self.project
        self.ignore = [str(p) for p in [*ignore, root / ".cache", root / ".git", root / ".venv", sys.prefix]]
        self.skip_prefix = skip_prefix
        self.rec = None

    def __enter__(self) -> "Recording":
        from .worker import Recorder

        if not Recording._installed:
            sys.addaudithook(lambda event, args: Recording._current and Recording._current.hook(event, args))
            Recording._installed = True
        self.rec = Recorder(str(self.project), self.ignore)
        self.rec.on = True
        Recording._current = self.rec
        return self

    def __exit__(self, *exc):
        self.rec.on = False
        Recording._current = None

    def inputs(self) -> dict:
        rec = self.rec
        for module in list(sys.modules.values()):
            path = getattr(module, "__file__", None)
            if path and path.endswith(".py"):
                rec.file(path)
        return {k: v for k, v in rec.inputs.items() if not k.split(":", 1)[1].startswith(self.skip_prefix)}
