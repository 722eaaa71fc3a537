"""Stage 1's process model: one pre-imported Python process, forked once per chapter.

Starting a Jupyter kernel per chapter and importing pandas, DuckDB and Altair in each
cost most of a cold render. Instead the render starts this file as one process (the
"zygote") that imports the heavy libraries once and then forks a child per chapter. The
child is a copy of a process that has run no chapter code, so chapters stay as isolated
as they were in separate kernels (none sees another's variables or monkeypatches), and
the children run in parallel. Cells run in IPython's own `InteractiveShell`, the shell
inside ipykernel, so display rules (last expression shown, `display()`, rich reprs) are
the ones Quarto's Jupyter kernel applies.

While a child runs chapter code it records what the chapter read, as it reads it:
- files opened inside the project folder (curated and reference CSVs, `.sql` files, the
  chapter's analysis modules: a cached `.pyc` counts as its `.py`), and directory listings;
- files named in a `render.input.file` audit event (data read by native code that Python
  never sees open, e.g. parquet read by DuckDB: the data layer raises the event);
- environment variables named in a `render.input.env` audit event (settings such as the
  edition a build is made as of).
Each file is hashed when it is first read; when the chapter ends every input is checked
again, and any that changed during the run is reported, so the caller never caches a
result under contents the chapter did not see.

This file imports nothing from its package: the zygote runs it as a script, so that no
project module is loaded before a chapter imports (and records) it. The parent imports it
as a module for the hashing helpers.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys

# Heavy third-party imports paid once in the zygote (missing ones are skipped).
PRELOAD = ("numpy", "pandas", "pyarrow", "duckdb", "altair", "jsonschema")
EVENT_FILE = "render.input.file"
EVENT_ENV = "render.input.env"


# --- hashing (shared with the parent) ------------------------------------------------

def file_sha256(path: str) -> str | None:
    """Content hash of a file, or None when it does not exist (absence is a state too)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    return h.hexdigest()


def dir_digest(path: str) -> str | None:
    """Hash of a directory's sorted entry names (a listing is an input: a new file counts).

    Hidden entries are left out (caches, staging folders, version control), and so are
    folders whose names start with "_" (the book's outputs, `_book/`, `_freeze/`): they come
    and go with every build."""
    try:
        with os.scandir(path) as it:
            names = sorted(e.name for e in it if not e.name.startswith(".")
                           and not (e.name.startswith("_") and e.is_dir()))
    except (FileNotFoundError, NotADirectoryError):
        return None
    return hashlib.sha256("\0".join(names).encode("utf-8", "surrogateescape")).hexdigest()


def env_value(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def stat_sig(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


# --- the child: run one chapter and record its inputs ---------------------------------

class Recorder:
    """Inputs read by the running chapter: 'file:<path>', 'dir:<path>', 'env:<NAME>'."""

    def __init__(self, project_dir: str, ignore: list[str]):
        self.project = os.path.realpath(project_dir)
        self.ignore = [os.path.realpath(p) for p in ignore]
        self.inputs: dict[str, str | None] = {}
        self.sigs: dict[str, object] = {}
        self.on = False
        self._busy = False

    def _inside(self, path: str) -> bool:
        if not (path == self.project or path.startswith(self.project + os.sep)):
            return False
        return not any(path == p or path.startswith(p + os.sep) for p in self.ignore)

    def _name(self, path: str) -> str:
        return os.path.relpath(path, self.project) if self._inside(path) else path

    def file(self, path, explicit: bool = False):
        path = os.path.realpath(os.fsdecode(path))
        head, tail = os.path.split(path)
        if os.path.basename(head) == "__pycache__" and tail.endswith(".pyc"):
            path = os.path.join(os.path.dirname(head), tail.split(".", 1)[0] + ".py")
        if not explicit and not self._inside(path):
            return
        key = "file:" + self._name(path)
        if key not in self.inputs and os.path.isfile(path):
            self.sigs[key] = stat_sig(path)
            self.inputs[key] = file_sha256(path)

    def dir(self, path):
        path = os.path.realpath(os.fsdecode(path))
        if not self._inside(path):
            return
        key = "dir:" + self._name(path)
        if key not in self.inputs:
            self.inputs[key] = dir_digest(path)

    def hook(self, event: str, args):
        if not self.on or self._busy:
            return
        self._busy = True
        try:
            if event == "open":
                path, mode, flags = args
                if isinstance(path, (str, bytes, os.PathLike)):
                    writing = (mode and any(c in mode for c in "wax+")) or (
                        mode is None and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
                    if not writing:
                        self.file(path)
            elif event in ("os.listdir", "os.scandir"):
                path = args[0] if args else "."
                # The import system lists folders to find modules; the modules it then
                # reads are recorded themselves, so its listings are not inputs.
                caller = sys._getframe(1).f_code.co_filename
                if isinstance(path, (str, bytes, os.PathLike)) and not caller.startswith("<frozen importlib"):
                    self.dir(path)
            elif event == EVENT_FILE:
                self.file(args[0], explicit=True)
            elif event == EVENT_ENV:
                self.inputs.setdefault("env:" + args[0], env_value(args[0]))
        finally:
            self._busy = False

    def changed_since_read(self) -> list[str]:
        """Inputs whose current state differs from the state recorded when first read."""
        changed = []
        for key, value in self.inputs.items():
            kind, name = key.split(":", 1)
            path = name if os.path.isabs(name) else os.path.join(self.project, name)
            if kind == "file":
                if stat_sig(path) == self.sigs.get(key):
                    continue
                now = file_sha256(path)
            elif kind == "dir":
                now = dir_digest(path)
            else:
                now = env_value(name)
            if now != value:
                changed.append(name)
        return changed


def _make_shell(outputs: list):
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            outputs.append({"output_type": "execute_result", "data": format_dict, "metadata": md_dict or {}})

        def finish_displayhook(self):
            pass

    class Pub(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
            outputs.append({"output_type": "display_data", "data": data, "metadata": metadata or {}})

        def clear_output(self, wait=False):
            outputs.clear()

    class Shell(InteractiveShell):
        displayhook_class = Type(Hook)
        display_pub_class = Type(Pub)

        def _showtraceback(self, etype, evalue, stb):
            outputs.append({"output_type": "error", "ename": getattr(etype, "__name__", str(etype)),
                            "evalue": str(evalue), "traceback": list(stb)})

    cfg = Config()
    cfg.HistoryManager.enabled = False  # no sqlite file, no saving thread
    cfg.InteractiveShell.colors = "nocolor"
    cfg.InteractiveShell.autocall = 0
    return Shell.instance(config=cfg)


class _Stream:
    """sys.stdout/sys.stderr of a chapter: text becomes stream outputs, in order."""

    def __init__(self, name: str, outputs: list):
        self.name, self.outputs = name, outputs

    def write(self, text):
        if not text:
            return 0
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == self.name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": self.name, "text": text})
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    @property
    def encoding(self):
        return "utf-8"


def run_job(job: dict) -> dict:
    """Run one chapter's steps in this (fresh, forked) process; return outputs and inputs."""
    project = job["project_dir"]
    os.chdir(project)
    sys.path.insert(0, project)  # a Jupyter kernel has its working folder on sys.path too
    rec = Recorder(project, job.get("ignore", []))
    sys.addaudithook(rec.hook)
    outputs: list = []
    shell = _make_shell(outputs)
    if not job.get("warning", True):
        import warnings

        warnings.filterwarnings("ignore")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream("stdout", outputs), _Stream("stderr", outputs)
    steps_out = []
    try:
        shell.run_cell(job["setup"], store_history=False, silent=True)
        if outputs and outputs[-1]["output_type"] == "error":
            return {"ok": False, "step": -1, "outputs": list(outputs)}
        outputs.clear()
        rec.on = True
        for i, code in enumerate(job["steps"]):
            outputs.clear()
            shell.run_cell(code, store_history=True)
            steps_out.append(list(outputs))
            if any(o["output_type"] == "error" for o in outputs):
                return {"ok": False, "step": i, "outputs": list(outputs)}
        rec.on = False
    finally:
        rec.on = False
        sys.stdout, sys.stderr = saved
    return {"ok": True, "outputs": steps_out, "inputs": rec.inputs, "sigs": rec.sigs,
            "changed": rec.changed_since_read()}


def _child(request: dict):
    try:
        with open(request["job"], encoding="utf-8") as f:
            job = json.load(f)
        result = run_job(job)
    except BaseException as exc:  # report, never hang the parent
        import traceback

        result = {"ok": False, "step": -1, "outputs": [{
            "output_type": "error", "ename": type(exc).__name__, "evalue": str(exc),
            "traceback": traceback.format_exception(exc)}]}
    tmp = request["result"] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(result, f, default=str)
    os.replace(tmp, request["result"])


def zygote():
    """Import the heavy libraries once, then fork a child per request read on stdin."""
    import importlib
    import selectors
    import warnings

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no BLAS thread pool across fork
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    import IPython.core.interactiveshell  # noqa: F401  (the shell every child builds)

    out = sys.stdout
    out.write("ready\n")
    out.flush()
    children: dict[int, str] = {}
    sel = selectors.DefaultSelector()
    fd = sys.stdin.fileno()
    sel.register(fd, selectors.EVENT_READ)
    pending = b""
    open_input = True

    def report(pid, status):
        out.write(json.dumps({"id": children.pop(pid), "status": status}) + "\n")
        out.flush()

    while open_input or children or pending:
        if b"\n" in pending:  # requests are read raw: a buffered reader would hide the second of two
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    sel.close()
                    _child(request)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            children[pid] = request["id"]
            continue
        if open_input:
            if sel.select(timeout=0.01):
                chunk = os.read(fd, 1 << 16)
                if chunk:
                    pending += chunk
                else:
                    open_input = False
                    sel.unregister(fd)
        else:
            pending = b""
            pid, status = os.wait()
            report(pid, status)
            continue
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            report(pid, status)


if __name__ == "__main__":
    zygote()
