"""Stage 2, PDF: the whole book as one pandoc AST -> Typst -> typst.compile."""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
from pathlib import Path

from . import bibliography
from .book import Page, Target, finalize
from .config import BookConfig
from .errors import RenderError
from .pandoc import Plain, attr, run_pandoc, text_inlines

HERE = Path(__file__).parent
CJK_FONT_DIRS = ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto"]
TEXT_WIDTH_PT = 415  # A4 minus pandoc's 1.25in margins


def pdf_timestamp(config: BookConfig) -> int | None:
    """The PDF's creation time: SOURCE_DATE_EPOCH, else midnight UTC of the book's date.

    Typst stamps the current time into the PDF otherwise, so two renders of the same
    sources would differ byte for byte and a reader could not verify a copy by checksum.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return int(epoch)
    try:
        day = _dt.date.fromisoformat(str(config.date))
    except ValueError:
        return None
    return int(_dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc).timestamp())


def breakable_identifiers_in_tables(node):
    """Let long snake_case identifiers in table cells wrap at their underscores and hyphens.

    A name such as core_usgs__rare_earths_world_production_myb2022 is one word to Typst
    and would print over the next column; a zero-width space after each underscore gives
    it break points without changing how it looks. Only tables, and only in the PDF: the
    HTML keeps the names exactly as they are, for copying into queries.
    """
    if isinstance(node, list):
        return [breakable_identifiers_in_tables(n) for n in node]
    if isinstance(node, dict) and node.get("t") == "Table":
        return _break_underscores(node)
    if isinstance(node, dict) and "c" in node:
        return {**node, "c": breakable_identifiers_in_tables(node["c"])}
    return node


def _break_underscores(node):
    if isinstance(node, list):
        return [_break_underscores(n) for n in node]
    if isinstance(node, dict):
        if node.get("t") == "Str" and ("_" in node["c"] or "-" in node["c"]):
            # Unicode line breaking never breaks between a hyphen and a digit
            # ("cheng2024friendshoring-044"), so hyphens get a break point too.
            return {"t": "Str", "c": node["c"].replace("_", "_\u200b").replace("-", "-\u200b")}
        return {k: _break_underscores(v) for k, v in node.items()}
    return node


_CAPTION = re.compile(r"\n  caption: \[\n(.*?)\n  \]\n\)", re.S)


def short_captions(typ: str) -> str:
    """The Lists of Figures and of Tables show each caption's first sentence (its title), as
    a book's lists do, not the whole caption with its sources and notes."""
    def short(body: str) -> str | None:
        depth = 0
        for i, ch in enumerate(body):
            depth += {"[": 1, "(": 1, "]": -1, ")": -1}.get(ch, 0)
            if depth == 0 and ch == "." and (i + 1 == len(body) or body[i + 1] in " \n") \
                    and not re.search(r"(\be\.g|\bi\.e|\bn\.e\.s|\bNo|\bU\.S|\bvs|~\d+)$", body[:i]):
                return body[:i + 1]
        return None

    def repl(m: re.Match) -> str:
        body = m.group(1)
        head = short(body.strip())
        if head is None or head == body.strip():
            return m.group(0)
        return f"\n  caption: flex-caption([\n{body}\n  ], [{head}])\n)"

    return _CAPTION.sub(repl, typ)


def _no_widow(title: str) -> str:
    """The title's last two words joined by a no-break space: never one word alone on a line."""
    head, _, last = title.rpartition(" ")
    return f"{head}\u00a0{last}" if head else title


def _unlist_inner_table_figures(typ: str) -> str:
    """Pandoc wraps each table in a captionless `figure(kind: table)` inside the captioned
    one; only the captioned figure belongs in the List of Tables."""
    return typ.replace("\n    , kind: table\n    )", "\n    , kind: table, outlined: false\n    )")


def render_pdf(config: BookConfig, pages: list[Page], targets: dict[str, Target], bib_keys: set[str],
               build_dir: Path, pdf_path: Path, svg_cache, meta=None, releases=None) -> list[str]:
    errors: list[str] = []
    fig_dir = build_dir / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)

    def figure_fn(page: Page, name, fig):
        if name is None:
            src = fig["c"][2][0]
            if re.match(r"^[a-z]+:", src) or src.startswith("/"):
                return None
            fig = json.loads(json.dumps(fig))
            fig["c"][2][0] = str(((config.project_dir / page.chapter.path).parent / src).resolve())
            return fig
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(page.chapter.path).stem)
        ext, data = svg_cache(fig)
        path = fig_dir / f"{stem}-{name}.{ext}"
        path.write_bytes(data)
        kv = []
        if ext == "svg":
            m = re.search(rb'<svg[^>]*\swidth="([\d.]+)', data[:2000])
            if m and float(m.group(1)) * 0.75 > TEXT_WIDTH_PT:
                kv = [["width", "100%"]]
        alt = fig.get("alt") or ""
        return [Plain([{"t": "Image", "c": [attr("", [], kv), text_inlines(alt), [str(path), ""]]}])]

    blocks = []
    for page in pages:
        ast = finalize(page, "typst", targets, bib_keys, errors, figure_fn)
        blocks.extend(breakable_identifiers_in_tables(ast["blocks"]))
    if errors:
        return errors
    blocks.append({"t": "Header", "c": [1, attr("references", ["unnumbered"]), text_inlines("References")]})
    blocks.append({"t": "Div", "c": [attr("refs"), []]})
    # citeproc once over the whole book, as for the HTML pages: the same labels, linked entries
    blocks = bibliography.pdf_blocks(blocks, config.bibliography, config.lang)
    doc = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": blocks}

    t = config.typst
    args = ["-f", "json", "-t", "typst", "--standalone", f"--template={HERE / 'book.typ'}",
            "-M", f"title={_no_widow(config.title)}", "-M", f"lang={config.lang}",
            "-V", f"papersize={t.get('papersize', 'a4')}",
            "-V", f"mainfont={t.get('mainfont', 'Noto Serif CJK SC')}",
            "-V", f"toc-depth={t.get('toc-depth', 2)}"]
    if t.get("toc", True):
        args.append("--toc")
    if config.subtitle:
        args += ["-M", f"subtitle={config.subtitle}"]
    if config.date:
        args += ["-M", f"date={config.date}"]
    for a in config.authors:
        args += ["-M", f"author={a}"]
    if meta is not None:
        # A metadata file, not -M: its values are read as markdown, so the address becomes a link.
        from .citation import licence_sentence, report_text
        import yaml

        note = {"book-note": [f"Cite as: {report_text(meta)}", licence_sentence(meta, releases or {})]}
        if meta.version:
            note["version"] = meta.version
        if meta.site_url:
            note["book-url"] = f"<{meta.site_url}>"
        (build_dir / "citation.yaml").write_text(yaml.safe_dump(note, allow_unicode=True), encoding="utf-8")
        args.append(f"--metadata-file={build_dir / 'citation.yaml'}")
    typ = run_pandoc(args, json.dumps(doc), "book PDF (pandoc -> typst)")
    typ = short_captions(_unlist_inner_table_figures(typ))
    typ_path = build_dir / "book.typ"
    typ_path.write_text(typ, encoding="utf-8")
    import typst

    try:
        pdf = typst.compile(str(typ_path), root="/", font_paths=CJK_FONT_DIRS, timestamp=pdf_timestamp(config))
    except Exception as exc:  # typst raises its own error types with the source location
        raise RenderError(f"book PDF: typst failed on {typ_path}: {exc}") from exc
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf_path.write_bytes(pdf)
    return []
