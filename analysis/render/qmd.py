"""Split a .qmd file into markdown text and `{python}` code cells.

Only what the renderer supports is recognised; anything that looks like another
engine's cell is an error, so an author learns at once that it will not run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .errors import RenderError

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*(.*?)\s*$")
_EXEC_INFO = re.compile(r"^\{\s*([A-Za-z][\w-]*)\s*([^}]*)\}$")
_OPTION = re.compile(r"^#\|\s?(.*)$")
INLINE = re.compile(r"(?<!`)`\{python\}\s+([^`\n]+?)`(?!`)")


@dataclass
class Cell:
    code: str
    options: dict
    line: int  # 1-based line of the opening fence

    @property
    def label(self) -> str | None:
        return self.options.get("label")

    def describe(self) -> str:
        return f"cell '{self.label}' (line {self.line})" if self.label else f"cell at line {self.line}"


@dataclass
class Markdown:
    text: str
    line: int
    inline: list[str] = field(default_factory=list)


def parse_qmd(text: str, chapter: str) -> list[Markdown | Cell]:
    lines = text.splitlines(keepends=True)
    parts: list[Markdown | Cell] = []
    buf: list[str] = []
    buf_start = 1
    i = 0

    def flush(next_line: int):
        nonlocal buf, buf_start
        if buf:
            md = "".join(buf)
            parts.append(Markdown(md, buf_start, [m.group(1).strip() for m in INLINE.finditer(md)]))
        buf = []
        buf_start = next_line

    while i < len(lines):
        m = _FENCE.match(lines[i].rstrip("\n"))
        if not m:
            buf.append(lines[i])
            i += 1
            continue
        fence, info = m.group(2), m.group(3)
        # find the closing fence
        j = i + 1
        while j < len(lines):
            c = _FENCE.match(lines[j].rstrip("\n"))
            if c and c.group(2)[0] == fence[0] and len(c.group(2)) >= len(fence) and not c.group(3):
                break
            j += 1
        if j >= len(lines):
            raise RenderError(f"{chapter}: code fence opened at line {i + 1} is never closed")
        em = _EXEC_INFO.match(info)
        if em and not info.startswith("{."):
            engine = em.group(1)
            if engine != "python":
                raise RenderError(
                    f"{chapter}: line {i + 1}: only {{python}} cells are supported, found {{{engine}}}"
                )
            flush(j + 2)
            body = lines[i + 1 : j]
            opt_lines = []
            k = 0
            while k < len(body) and _OPTION.match(body[k].rstrip("\n")):
                opt_lines.append(_OPTION.match(body[k].rstrip("\n")).group(1))
                k += 1
            try:
                options = yaml.safe_load("\n".join(opt_lines)) or {} if opt_lines else {}
            except yaml.YAMLError as exc:
                raise RenderError(f"{chapter}: line {i + 1}: invalid #| cell options: {exc}") from exc
            if not isinstance(options, dict):
                raise RenderError(f"{chapter}: line {i + 1}: #| cell options must be `key: value` lines")
            parts.append(Cell("".join(body[k:]), options, i + 1))
        else:
            # verbatim code block: never scanned for inline `{python}` expressions
            flush(i + 1)
            parts.append(Markdown("".join(lines[i : j + 1]), i + 1, []))
            buf_start = j + 2
        i = j + 1
    flush(len(lines) + 1)
    return parts


def needs_kernel(parts) -> bool:
    return any(isinstance(p, Cell) or p.inline for p in parts)
