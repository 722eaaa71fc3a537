"""Read the subset of a Quarto book's `_quarto.yml` this renderer honours.

The file must stay a valid Quarto project, so this module only reads keys Quarto
itself defines; nothing renderer-specific is stored there.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import RenderError


@dataclass(frozen=True)
class Chapter:
    path: str  # relative posix path of the .qmd inside the project
    appendix: bool
    position: int  # 0-based position in reading order

    @property
    def html_path(self) -> str:
        return re.sub(r"\.(qmd|md)$", ".html", self.path)


@dataclass
class BookConfig:
    project_dir: Path
    title: str
    subtitle: str | None
    authors: list[str]
    date: str | None
    chapters: list[Chapter]
    bibliography: list[Path]
    lang: str = "en"
    echo: bool = False
    warning: bool = True
    html: dict = field(default_factory=dict)
    typst: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)

    @property
    def slug(self) -> str:
        s = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")
        return s or "book"


def _authors(value) -> list[str]:
    """Quarto's `author:` is a name, a {name: ...} map, or a list of either; a single string
    (at book or project level) is one author, never a list of its characters."""
    if not value:
        return []
    if isinstance(value, (str, dict)):
        value = [value]
    return [a["name"] if isinstance(a, dict) else str(a) for a in value]


def _flatten_chapters(items) -> list[str]:
    # Quarto allows `- part: "Name"\n  chapters: [...]`; parts are flattened.
    out: list[str] = []
    for item in items or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and "chapters" in item:
            out.extend(_flatten_chapters(item["chapters"]))
        elif isinstance(item, dict) and "href" in item:
            out.append(item["href"])
        else:
            raise RenderError(f"_quarto.yml: unsupported chapter entry {item!r}")
    return out


def _resolve_date(value, project_dir: Path, files: list[Path]) -> str | None:
    if value is None:
        return None
    if value == "today":
        return _dt.date.today().isoformat()
    if value == "last-modified":
        # SOURCE_DATE_EPOCH makes rebuilds byte-stable when the caller wants that.
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            ts = int(epoch)
        else:
            ts = max((p.stat().st_mtime for p in files if p.exists()), default=0)
        return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).date().isoformat()
    return str(value)


def load_config(project_dir: Path) -> BookConfig:
    project_dir = Path(project_dir).resolve()
    cfg_path = project_dir / "_quarto.yml"
    if not cfg_path.exists():
        raise RenderError(f"{cfg_path}: not found")
    try:
        raw = yaml.safe_load(cfg_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{cfg_path}: invalid YAML: {exc}") from exc
    book = raw.get("book") or {}
    if "title" not in book:
        raise RenderError("_quarto.yml: book.title is required")
    main = _flatten_chapters(book.get("chapters"))
    apps = _flatten_chapters(book.get("appendices"))
    if not main:
        raise RenderError("_quarto.yml: book.chapters is empty")
    chapters = [Chapter(p, False, i) for i, p in enumerate(main)]
    chapters += [Chapter(p, True, len(main) + i) for i, p in enumerate(apps)]
    for ch in chapters:
        if not (project_dir / ch.path).is_file():
            raise RenderError(f"_quarto.yml: chapter file {ch.path} does not exist")
    authors = _authors(book.get("author") or raw.get("author"))
    bib = book.get("bibliography", raw.get("bibliography")) or []
    if isinstance(bib, str):
        bib = [bib]
    bib_paths = [project_dir / b for b in bib]
    for b in bib_paths:
        if not b.is_file():
            raise RenderError(f"_quarto.yml: bibliography {b} does not exist")
    execute = raw.get("execute") or {}
    fmt = raw.get("format") or {}
    files = [project_dir / c.path for c in chapters]
    return BookConfig(
        project_dir=project_dir,
        title=str(book["title"]),
        subtitle=book.get("subtitle"),
        authors=authors,
        date=_resolve_date(book.get("date"), project_dir, files),
        chapters=chapters,
        bibliography=bib_paths,
        lang=str(raw.get("lang", "en")),
        echo=bool(execute.get("echo", True)),
        warning=bool(execute.get("warning", True)),
        html=dict(fmt.get("html") or {}),
        typst=dict(fmt.get("typst") or {}),
        raw=raw,
    )
