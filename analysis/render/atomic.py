"""Build outputs that are never half there: one build per folder, and swaps without a gap.

A reader (or a second build) may look at `_book/` or `data/extracts/` at any moment, so
a finished build must replace the old folder in one step. Renaming the old folder aside
and the new one into place leaves an instant with no folder at all; Linux can exchange
two paths atomically (renameat2 with RENAME_EXCHANGE), so the folder is always either
the old build or the new one. Where the exchange is not available the two renames are
the fallback.

Two builds in one project folder would share staging folders and caches, so each build
holds an exclusive lock on `.cache/build.lock` (a second one waits, and says whom for).
Holding the lock also means that any staging folder left beside the outputs was left by
a build that was killed, and can be removed.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import RenderError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_local = threading.local()


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two existing paths; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def swap_in(staging: Path, target: Path) -> None:
    """Make `staging` the new `target` in one step and delete the old `target`."""
    staging, target = Path(staging), Path(target)
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous build
        return
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def remove_stale(folder: Path, prefixes: tuple[str, ...]) -> list[Path]:
    """Delete staging folders of killed builds (call only while holding the build lock)."""
    removed = []
    if not Path(folder).is_dir():
        return removed
    for p in Path(folder).iterdir():
        if p.name.startswith(prefixes) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def lock_path(project_dir: Path) -> Path:
    return Path(project_dir) / ".cache" / "build.lock"


@contextmanager
def build_lock(project_dir: Path, *, wait_s: float | None = None, say=None):
    """Hold the project's build lock (re-entrant within one thread).

    A second build waits for the first and says so; after `wait_s` seconds (default
    $MINERALS_LOCK_WAIT_S or 900) it gives up with a message naming the holder.
    """
    path = lock_path(project_dir).resolve()
    held = getattr(_local, "held", {})
    _local.held = held
    if held.get(path):
        held[path] += 1
        try:
            yield
        finally:
            held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            limit = float(os.environ.get("MINERALS_LOCK_WAIT_S", 900)) if wait_s is None else wait_s
            (say or (lambda m: print(m, file=sys.stderr)))(
                f"another build is running in {Path(project_dir).resolve()} ({holder}); waiting for it to finish")
            deadline = time.monotonic() + limit
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise RenderError(
                            f"another build is still running in {Path(project_dir).resolve()} ({holder}) "
                            f"after {limit:.0f} s; wait for it or stop it (lock: {path})") from None
                    time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {time.strftime('%H:%M:%S')}".encode(), 0)
        held[path] = 1
        try:
            yield
        finally:
            held.pop(path, None)
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock
