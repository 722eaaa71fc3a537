"""Stage 1: run each chapter's `{python}` cells in one kernel and cache the result.

The cached result is plain pandoc markdown (outputs already inlined) plus a dict of
figure payloads (Vega-Lite specs, SVG, PNG).  Stage 2 never starts a kernel, so a
typesetting change re-renders in seconds.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import string
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import BookConfig, Chapter
from .errors import RenderError
from .qmd import INLINE, Cell, Markdown, needs_kernel, parse_qmd

# Bump when the cached format or the way outputs become markdown changes.
CACHE_FORMAT = "render-exec-1"
_RENDERER_DIGEST = hashlib.sha256(
    b"".join((Path(__file__).parent / name).read_bytes() for name in ("execute.py", "qmd.py"))
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
    key: str
    markdown: str
    figures: dict  # name -> {"kind": "vegalite"|"svg"|"png", "data": ..., "alt": str|None}
    executed: bool  # a kernel was needed
    seconds: float
    fresh: bool = False  # executed in this run (not from the cache)
    # What the chapter prints, for the ledger (analysis/render/ledger.py): every inline
    # value as {"line", "expression", "text"}, and every table's data by name.
    inline: list = field(default_factory=list)
    tables: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        d = self.__dict__.copy()
        d.pop("fresh")
        return d


def cache_key(config: BookConfig, chapter: Chapter, text: str, extra: dict | None = None) -> str:
    """The one place that decides when a chapter must be re-executed.

    Later work adds hashes of data extracts and analysis code through `extra`
    (name -> str/bytes); every part is length-prefixed so values cannot run together.
    """
    parts: dict[str, str | bytes] = {
        "format": CACHE_FORMAT,
        # The executed markdown is shaped by this module and the qmd parser: a change to
        # either must not be hidden by the cache.
        "renderer": _RENDERER_DIGEST,
        "chapter": chapter.path,
        "text": text,
        "execute": json.dumps({"echo": config.echo, "warning": config.warning}, sort_keys=True),
    }
    parts.update(extra or {})
    h = hashlib.sha256()
    for name in sorted(parts):
        value = parts[name]
        data = value if isinstance(value, bytes) else str(value).encode("utf-8")
        h.update(f"{name}:{len(data)}:".encode())
        h.update(data)
    return h.hexdigest()


def _cache_file(cache_dir: Path, chapter: Chapter, key: str) -> Path:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "__", chapter.path)
    return cache_dir / "exec" / f"{stem}.{key[:20]}.json"


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


class _Kernel:
    """One nbclient kernel for one chapter, started lazily."""

    def __init__(self, cwd: Path, warning: bool):
        import nbformat
        from nbclient import NotebookClient

        self.nb = nbformat.v4.new_notebook()
        self.nbformat = nbformat
        self.client = NotebookClient(
            self.nb, timeout=900, kernel_name="python3", allow_errors=True,
            resources={"metadata": {"path": str(cwd)}},
            # The kernel talks to us over loopback only; its warning about unencrypted TCP
            # would be printed once per chapter and hide real messages.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        self._ctx = self.client.setup_kernel()
        self._ctx.__enter__()
        self.run(_KERNEL_SETUP % (TABLE_MIME, bool(warning)), "kernel setup")

    def run(self, code: str, what: str, chapter: str = "") -> list[dict]:
        cell = self.nbformat.v4.new_code_cell(code)
        self.nb.cells.append(cell)
        self.client.execute_cell(cell, len(self.nb.cells) - 1)
        for out in cell.outputs:
            if out.get("output_type") == "error":
                tb = "\n".join(out.get("traceback", []))
                tb = re.sub(r"\x1b\[[0-9;]*m", "", tb)
                raise RenderError(
                    f"{chapter}: {what} raised {out.get('ename')}: {out.get('evalue')}\n{tb}"
                )
        return cell.outputs

    def close(self):
        self._ctx.__exit__(None, None, None)


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


def execute_chapter(config: BookConfig, chapter: Chapter, cache_dir: Path, *, force: bool = False,
                    extra: dict | None = None) -> ExecResult:
    src = config.project_dir / chapter.path
    text = src.read_text(encoding="utf-8")
    key = cache_key(config, chapter, text, extra)
    cfile = _cache_file(cache_dir, chapter, key)
    if cfile.exists() and not force:
        data = json.loads(cfile.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return ExecResult(**data)
    t0 = time.perf_counter()
    parts = parse_qmd(text, chapter.path)
    figures: dict = {}
    tables: dict = {}
    inline: list[dict] = []
    out: list[str] = []
    kernel = None
    try:
        if needs_kernel(parts):
            kernel = _Kernel(config.project_dir, config.warning)
        for part in parts:
            if isinstance(part, Markdown):
                values = []
                lines = [part.line + part.text[:m.start()].count("\n") for m in INLINE.finditer(part.text)]
                for expr, line in zip(part.inline, lines):
                    outs = kernel.run(f"print(str({expr}), end='')", f"inline expression `{expr}` (near line {part.line})", chapter.path)
                    text = "".join(o.get("text", "") for o in outs if o.get("output_type") == "stream" and o.get("name") == "stdout")
                    inline.append({"line": line, "expression": expr, "text": text})
                    values.append(escape_inline(text))
                if values:
                    it = iter(values)
                    out.append(INLINE.sub(lambda m: next(it), part.text))
                else:
                    out.append(part.text)
            else:
                outputs = kernel.run(part.code, part.describe(), chapter.path)
                out.append("\n" + _cell_markdown(part, outputs, chapter.path, config, figures, tables) + "\n")
    finally:
        if kernel is not None:
            kernel.close()
    result = ExecResult(chapter.path, key, "".join(out), figures, kernel is not None, time.perf_counter() - t0, True,
                        inline, tables)
    cfile.parent.mkdir(parents=True, exist_ok=True)
    for stale in cfile.parent.glob(cfile.name.rsplit(".", 2)[0] + ".*.json"):
        stale.unlink()
    tmp = cfile.with_suffix(".tmp")
    tmp.write_text(json.dumps(result.to_json()), encoding="utf-8")
    os.replace(tmp, cfile)
    return result


def figure_bytes(fig: dict) -> tuple[str, bytes]:
    """(extension, bytes) of a static rendering of a cached figure."""
    if fig["kind"] == "svg":
        return "svg", fig["data"].encode("utf-8")
    if fig["kind"] == "png":
        return "png", base64.b64decode(fig["data"])
    import vl_convert as vlc

    return "svg", vlc.vegalite_to_svg(fig["data"]).encode("utf-8")
