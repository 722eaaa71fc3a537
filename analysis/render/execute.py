"""Stage 1: run each chapter's `{python}` cells, isolated, and cache the result.

Each chapter that needs running is executed in a child forked from one pre-imported
Python process (worker.py), several at a time; the child records the inputs the chapter
read, and the result is cached under them (inputs.py). The cached result is plain pandoc
markdown (outputs already inlined) plus a dict of figure payloads (Vega-Lite specs, SVG,
PNG), so stage 2 never runs chapter code and a typesetting change re-renders in seconds.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import BookConfig, Chapter
from .errors import RenderError
from .inputs import ExecCache, Entry, packages_digest, sha
from .qmd import INLINE, Cell, Markdown, needs_kernel, parse_qmd

# Bump when the cached format or the way outputs become markdown changes.
CACHE_FORMAT = "render-exec-2"
_HERE = Path(__file__).parent
_RENDERER_DIGEST = hashlib.sha256(
    b"".join((_HERE / name).read_bytes() for name in ("execute.py", "qmd.py", "worker.py", "inputs.py"))
).hexdigest()
TABLE_MIME = "application/vnd.minerals-report.table+json"
VEGALITE_RE = re.compile(r"^application/vnd\.vegalite\.v\d+(\.\d+)*\+json$")

# Runs first in every kernel: tables leave the kernel as data, not HTML, so both
# HTML and PDF get a real table.  Registered by name so pandas is imported lazily.
_KERNEL_SETUP = r'''
def __render_setup(warning):
    import json, math
    from IPython import get_ipython
    def _cell(v):
        try:
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return ""
            import pandas as _pd
            if v is _pd.NA or v is _pd.NaT:
                return ""
        except Exception:
            pass
        return str(v)
    def _table(df):
        import pandas as pd
        cols = [" / ".join(str(x) for x in c) if isinstance(c, tuple) else str(c) for c in df.columns]
        show_index = not (isinstance(df.index, pd.RangeIndex) and df.index.name is None)
        numeric = [bool(pd.api.types.is_numeric_dtype(df[c])) if not isinstance(df[c], pd.DataFrame) else False for c in df.columns]
        rows = [[_cell(v) for v in row] for row in df.itertuples(index=False, name=None)]
        if show_index:
            names = [n for n in df.index.names]
            cols = [" / ".join(str(n) for n in names if n is not None)] + cols
            numeric = [False] + numeric
            rows = [[" / ".join(map(_cell, i)) if isinstance(i, tuple) else _cell(i)] + r
                    for i, r in zip(df.index, rows)]
        return {"%s": {"columns": cols, "numeric": numeric, "rows": rows}}, {}
    def _chart(chart):
        major = chart.__module__.split(".")[2]  # altair.vegalite.v6.api -> v6
        return {"application/vnd.vegalite.%%s+json" %% major: chart.to_dict(), "text/plain": "<chart>"}, {}
    fmt = get_ipython().display_formatter.mimebundle_formatter
    fmt.for_type_by_name("pandas.core.frame", "DataFrame", _table)
    for v in ("v5", "v6"):
        fmt.for_type_by_name("altair.vegalite.%%s.api" %% v, "TopLevelMixin", _chart)
    if not warning:
        import warnings
        warnings.filterwarnings("ignore")
__render_setup(%s)
del __render_setup
'''


@dataclass
class ExecResult:
    chapter: str
    key: str  # the cache entry: static parts and recorded inputs
    markdown: str
    figures: dict  # name -> {"kind": "vegalite"|"svg"|"png", "data": ..., "alt": str|None}
    executed: bool  # the chapter has code (needed a process)
    seconds: float  # time its code took when it last ran
    fresh: bool = False  # run in this build (not reused from the cache)
    why: str = ""  # why it ran ("" when reused)
    inputs: dict = field(default_factory=dict)  # recorded inputs -> content hash / value
    cached: bool = True  # False when an input changed while it ran (result not cached)
    # What the chapter prints, for the ledger (analysis/render/ledger.py): every inline
    # value as {"line", "expression", "text"}, and every table's data by name.
    inline: list = field(default_factory=list)
    tables: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "executed" if self.fresh else "reused"

    def payload(self) -> dict:
        return {"markdown": self.markdown, "figures": self.figures, "executed": self.executed,
                "inline": self.inline, "tables": self.tables}


def static_parts(config: BookConfig, chapter: Chapter, text: str) -> dict[str, str]:
    """What a chapter's result depends on besides the inputs it reads while running."""
    return {
        "format": CACHE_FORMAT,
        # The executed markdown is shaped by this package's stage 1: a change to it must
        # not be hidden by the cache.
        "renderer": _RENDERER_DIGEST,
        "chapter": chapter.path,
        "text": sha(text),
        "options": json.dumps({"echo": config.echo, "warning": config.warning}, sort_keys=True),
        "packages": packages_digest(),
    }


_PUNCT = set(string.punctuation)


def escape_inline(value: str) -> str:
    """Inline values are plain text: escape every markdown-active character."""
    value = " ".join(value.split())
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in value)


def _fence(text: str, info: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}{info}\n{text.rstrip()}\n{ticks}\n"


# Width of one character of table text as a share of the PDF text width: table cells are
# set at 0.85 em of 11 pt (about 5 pt a character) on a text width of about 415 pt.
CHAR_SHARE = 5.0 / 415
LONGEST_WORD_COUNTED = 30


def column_shares(columns: list[str], rows: list[list[str]]) -> list[float]:
    """Each column's share of the table width.

    Start from each column's longest cell (bounded, so one long text does not take the
    table), then make sure no column is narrower than its longest unbreakable word (ids,
    numbers, "Appropriation"), which would otherwise print over its neighbour; the columns
    that have room give up width to those that need it.
    """
    n = len(columns)
    longest = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    weights = [min(max(w, len(c) + 3, 8), 40) for w, c in zip(longest, columns)]
    # Identifiers wrap at underscores and hyphens in the PDF (pdf.breakable_identifiers_in_tables).
    words = [max([len(x) for v in [c] + [r[i] for r in rows] for x in re.split(r"[\s_-]+", v)] or [1])
             for i, c in enumerate(columns)]
    need = [min(w, LONGEST_WORD_COUNTED) * CHAR_SHARE + 0.02 for w in words]
    if sum(need) >= 1:
        return [x / sum(need) for x in need]
    shares = [w / sum(weights) for w in weights]
    fixed: set[int] = set()
    while True:
        short = [i for i in range(n) if i not in fixed and shares[i] < need[i]]
        if not short:
            return shares
        fixed.update(short)
        for i in fixed:
            shares[i] = need[i]
        free = [i for i in range(n) if i not in fixed]
        room = 1 - sum(shares[i] for i in fixed)
        total = sum(weights[i] for i in free)
        for i in free:
            shares[i] = room * weights[i] / total


def _pipe_table(t: dict) -> str:
    def esc(s: str) -> str:
        return escape_inline(str(s)) or " "

    cols = t["columns"]
    head = "| " + " | ".join(esc(c) for c in cols) + " |"
    shares = column_shares([str(c) for c in cols], [[str(v) for v in r] for r in t["rows"]])
    # Pandoc sizes wrapped pipe-table columns by the dashes in the rule line.
    dashes = ["-" * max(3, round(share * 200)) for share in shares]
    rule = "|" + "|".join(d + ":" if n else ":" + d for d, n in zip(dashes, t["numeric"])) + "|"
    rows = ["| " + " | ".join(esc(v) for v in r) + " |" for r in t["rows"]]
    return "\n".join([head, rule, *rows]) + "\n"


def _outputs_to_markdown(outputs, cell: Cell, chapter: str, figures: dict, warning: bool, asis: bool,
                         tables: dict | None = None):
    """Turn one cell's outputs into markdown blocks; figures go into `figures`."""
    blocks: list[str] = []
    fig_blocks: list[str] = []
    label = cell.label or f"cell-L{cell.line}"
    alt = cell.options.get("fig-alt")
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            if out.get("name") == "stderr" and not warning:
                continue
            text = out.get("text", "")
            if not text.strip():
                continue
            blocks.append(text if asis else _fence(text, " {.cell-output}"))
            continue
        if kind not in ("execute_result", "display_data"):
            continue
        data = out.get("data", {})
        vl = next((m for m in data if VEGALITE_RE.match(m)), None)
        name = f"{label}-{len(figures)}"
        if vl:
            figures[name] = {"kind": "vegalite", "mime": vl, "data": data[vl], "alt": alt}
            fig_blocks.append(f"![](render-figure:{name})")
        elif "image/svg+xml" in data:
            figures[name] = {"kind": "svg", "data": data["image/svg+xml"], "alt": alt}
            fig_blocks.append(f"![](render-figure:{name})")
        elif "image/png" in data:
            figures[name] = {"kind": "png", "data": data["image/png"], "alt": alt}
            fig_blocks.append(f"![](render-figure:{name})")
        elif TABLE_MIME in data:
            blocks.append(_pipe_table(data[TABLE_MIME]))
            if tables is not None:
                tables[f"{label}-{len(tables)}"] = data[TABLE_MIME]
        elif "text/markdown" in data:
            blocks.append(data["text/markdown"])
        elif "text/html" in data and "text/plain" not in data:
            blocks.append(_fence(data["text/html"], "{=html}"))
        elif "text/plain" in data:
            text = data["text/plain"]
            blocks.append(text if asis else _fence(text, " {.cell-output}"))
    return fig_blocks, blocks


def _cell_markdown(cell: Cell, outputs, chapter: str, config: BookConfig, figures: dict,
                   tables: dict | None = None) -> str:
    opts = cell.options
    if opts.get("include") is False:
        return ""
    echo = opts.get("echo", config.echo)
    output = opts.get("output", True)
    warning = opts.get("warning", config.warning)
    parts: list[str] = []
    if echo:
        parts.append(_fence(cell.code, " {.python .cell-code}"))
    if output is False:
        return "\n".join(parts)
    fig_blocks, blocks = _outputs_to_markdown(outputs, cell, chapter, figures, warning, output == "asis", tables)
    label = cell.label or ""
    if label.startswith("fig-"):
        if not fig_blocks:
            raise RenderError(f"{chapter}: {cell.describe()} is labelled as a figure but produced no chart or image")
        cap = str(opts.get("fig-cap", "")).strip()
        parts.append(f"::: {{#{label}}}\n" + "\n\n".join(fig_blocks) + f"\n\n{cap}\n:::\n")
        parts.extend(blocks)
    elif label.startswith("tbl-"):
        if not blocks:
            raise RenderError(f"{chapter}: {cell.describe()} is labelled as a table but produced no table")
        cap = str(opts.get("tbl-cap", "")).strip()
        parts.append(f"::: {{#{label}}}\n" + "\n\n".join(blocks) + f"\n\n{cap}\n:::\n")
        parts.extend(fig_blocks)
    else:
        parts.extend(fig_blocks)
        parts.extend(blocks)
    return "\n\n".join(p.rstrip("\n") + "\n" for p in parts if p)



def _steps(parts) -> list[tuple[str, str]]:
    """(code, what) for every cell and inline expression, in document order."""
    steps = []
    for part in parts:
        if isinstance(part, Markdown):
            for expr in part.inline:
                steps.append((f"print(str({expr}), end='')", f"inline expression `{expr}` (near line {part.line})"))
        else:
            steps.append((part.code, part.describe()))
    return steps


def assemble(config: BookConfig, chapter: Chapter, parts, outputs: list[list[dict]]):
    """The chapter's markdown with outputs inlined, its figures, inline values and tables."""
    figures: dict = {}
    tables: dict = {}
    inline: list[dict] = []
    out: list[str] = []
    it = iter(outputs)
    for part in parts:
        if isinstance(part, Markdown):
            values = []
            lines = [part.line + part.text[:m.start()].count("\n") for m in INLINE.finditer(part.text)]
            for expr, line in zip(part.inline, lines):
                outs = next(it)
                text = "".join(o.get("text", "") for o in outs
                               if o.get("output_type") == "stream" and o.get("name") == "stdout")
                inline.append({"line": line, "expression": expr, "text": text})
                values.append(escape_inline(text))
            if values:
                vals = iter(values)
                out.append(INLINE.sub(lambda m: next(vals), part.text))
            else:
                out.append(part.text)
        else:
            out.append("\n" + _cell_markdown(part, next(it), chapter.path, config, figures, tables) + "\n")
    return "".join(out), figures, inline, tables


def _error_message(chapter: str, what: str, outputs: list[dict]) -> str:
    err = next((o for o in outputs if o.get("output_type") == "error"), {})
    tb = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(err.get("traceback", [])))
    return f"{chapter}: {what} raised {err.get('ename')}: {err.get('evalue')}\n{tb}"


class Zygote:
    """The pre-imported process that forks one child per chapter (see worker.py)."""

    def __init__(self, project_dir: Path):
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONUNBUFFERED="1")
        boot = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", boot, str(_HERE / "worker.py")], cwd=project_dir, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
        self.ready = False

    def _line(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            raise RenderError(f"the chapter runner stopped unexpectedly (exit status {code})")
        return line

    def submit(self, ident: str, job: Path, result: Path):
        self.proc.stdin.write(json.dumps({"id": ident, "job": str(job), "result": str(result)}) + "\n")
        self.proc.stdin.flush()

    def next_done(self) -> tuple[str, int]:
        if not self.ready:
            if self._line().strip() != "ready":
                raise RenderError("the chapter runner did not start")
            self.ready = True
        msg = json.loads(self._line())
        return msg["id"], msg["status"]

    def close(self, kill: bool = False):
        if self.proc.poll() is None:
            if kill:
                try:
                    os.killpg(self.proc.pid, 9)
                except ProcessLookupError:
                    pass
            else:
                try:
                    self.proc.stdin.close()
                except OSError:
                    pass
        self.proc.wait()


@dataclass
class _Plan:
    chapter: Chapter
    text: str
    static: dict
    parts: list = field(default_factory=list)
    why: str = ""
    previous_s: float = 0.0
    attempts: int = 0
    result: ExecResult | None = None


def _ignored(config: BookConfig, cache_dir: Path, extra: list[Path]) -> list[str]:
    """Folders whose files are never chapter inputs (caches, outputs, environments)."""
    root = config.project_dir
    return [str(p) for p in [cache_dir, root / ".cache", root / ".git", root / ".venv", sys.prefix, *extra]]


def execute_book(config: BookConfig, cache_dir: Path, *, force: bool = False, ignore: list[Path] = (),
                 jobs: int | None = None, log=None) -> list[ExecResult]:
    """Stage 1 for every chapter: reuse what the cache still vouches for, run the rest.

    A chapter runs when it has no cache entry whose recorded inputs all still hold; the
    reason is given as `why`. Chapters run in parallel, each in its own forked process.
    A chapter whose inputs changed while it ran is run once more; if they change again
    its result is used but not cached.
    """
    cache_dir = Path(cache_dir)
    store = ExecCache(config.project_dir, cache_dir)
    plans: list[_Plan] = []
    for ch in config.chapters:
        text = (config.project_dir / ch.path).read_text(encoding="utf-8")
        plan = _Plan(ch, text, static_parts(config, ch, text))
        look = store.lookup(ch.path, plan.static)
        if look.hit is not None and not force:
            store.touch(ch.path, look.hit)
            data = store.load_payload(ch.path, look.hit)
            plan.result = ExecResult(ch.path, look.hit.id, data["markdown"], data["figures"], data["executed"],
                                     look.hit.seconds, False, "", look.hit.inputs, True, data.get("inline", []),
                                     data.get("tables", {}))
        else:
            plan.why = "forced" if force else look.why
            plan.previous_s = look.previous_seconds
        plans.append(plan)

    todo = [p for p in plans if p.result is None]
    for plan in todo:
        plan.parts = parse_qmd(plan.text, plan.chapter.path)
    runs = [p for p in todo if needs_kernel(p.parts)]
    for plan in todo:
        if plan not in runs:
            _finish(config, store, plan, [], {}, {}, 0.0, [])
    if runs:
        _run_parallel(config, cache_dir, store, runs, _ignored(config, cache_dir, list(ignore)), jobs, log)
    store.save()
    return [p.result for p in plans]


def _names(changed: list[str]) -> str:
    return ", ".join(re.sub(r"\.parquet$", "", n) for n in changed)


def _finish(config, store: ExecCache, plan: _Plan, outputs, inputs, sigs, seconds, changed):
    markdown, figures, inline, tables = assemble(config, plan.chapter, plan.parts, outputs)
    entry = Entry.make(plan.static, inputs, seconds)
    cached = not changed
    why = plan.why
    if changed:
        why += f"; not cached: {_names(changed)} changed while it ran"
    plan.result = ExecResult(plan.chapter.path, entry.id, markdown, figures, bool(outputs), seconds, True, why,
                             inputs, cached, inline, tables)
    if cached:
        store.state.remember(inputs, sigs)
        store.store(plan.chapter.path, entry, plan.result.payload())


def _run_parallel(config, cache_dir: Path, store: ExecCache, runs: list[_Plan], ignore: list[str],
                  jobs: int | None, log):
    jobs = max(1, jobs or int(os.environ.get("RENDER_JOBS", 0)) or os.cpu_count() or 2)
    cache_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="jobs-", dir=cache_dir))
    zygote = Zygote(config.project_dir)
    queue = sorted(runs, key=lambda p: -p.previous_s)  # longest first
    running: dict[str, tuple[_Plan, float]] = {}
    ok = False
    try:
        while queue or running:
            while queue and len(running) < jobs:
                plan = queue.pop(0)
                plan.attempts += 1
                ident = f"{plan.chapter.position}-{plan.attempts}"
                steps = _steps(plan.parts)
                job = {"project_dir": str(config.project_dir), "ignore": ignore, "warning": config.warning,
                       "setup": _KERNEL_SETUP % (TABLE_MIME, bool(config.warning)),
                       "steps": [code for code, _ in steps]}
                (work / f"{ident}.job.json").write_text(json.dumps(job), encoding="utf-8")
                zygote.submit(ident, work / f"{ident}.job.json", work / f"{ident}.result.json")
                running[ident] = (plan, time.perf_counter())
            ident, status = zygote.next_done()
            plan, started = running.pop(ident)
            seconds = time.perf_counter() - started
            path = work / f"{ident}.result.json"
            if not path.exists():
                raise RenderError(f"{plan.chapter.path}: the process running it died (status {status})")
            res = json.loads(path.read_text(encoding="utf-8"))
            if not res["ok"]:
                steps = _steps(plan.parts)
                what = "kernel setup" if res["step"] < 0 else steps[res["step"]][1]
                raise RenderError(_error_message(plan.chapter.path, what, res["outputs"]))
            if res["changed"] and plan.attempts < 2:
                plan.why += f"; run again: {_names(res['changed'])} changed while it ran"
                queue.insert(0, plan)
                continue
            _finish(config, store, plan, res["outputs"], res["inputs"], res.get("sigs", {}), seconds, res["changed"])
            if log:
                log(plan.result)
        ok = True
    finally:
        zygote.close(kill=not ok)
        shutil.rmtree(work, ignore_errors=True)


def figure_bytes(fig: dict) -> tuple[str, bytes]:
    """(extension, bytes) of a static rendering of a cached figure."""
    if fig["kind"] == "svg":
        return "svg", fig["data"].encode("utf-8")
    if fig["kind"] == "png":
        return "png", base64.b64decode(fig["data"])
    import vl_convert as vlc

    return "svg", vlc.vegalite_to_svg(fig["data"]).encode("utf-8")
