"""Stage 2, HTML: one page per chapter, sidebar, prev/next, offline Vega charts."""
from __future__ import annotations

import html as _html
import json
import posixpath
import re
import shutil
from pathlib import Path

import jinja2

from . import bibliography
from .book import Page, Target, finalize
from .config import BookConfig
from .errors import RenderError
from .pandoc import RawBlock, run_pandoc, walk

HERE = Path(__file__).parent


def write_vega_bundle(path: Path, cache_dir: Path | None = None):
    """vl-convert's bundle declares many top-level names (`_`, `t`, ...); wrapped in an
    IIFE it only leaves window.vegaEmbed / vega / vegaLite behind.  Bundling takes
    ~2 s, so the result is cached per vl-convert version."""
    import vl_convert as vlc

    cached = cache_dir / f"vega-bundle-{vlc.__version__}.js" if cache_dir else None
    if cached is not None and cached.exists():
        text = cached.read_text(encoding="utf-8")
    else:
        text = "(function(){\n" + vlc.javascript_bundle() + "\n})();\n"
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(text, encoding="utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _rel(page_path: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page_path) or ".")


def figure_tools(part, page_path: str) -> str:
    """Under a figure or table: its downloads, a stable link and a Cite box (the APA-like
    text and BibTeX, each with a copy button).  Works without a server: plain links to
    the bundle files, and a <details> box that opens without JavaScript."""
    from .citation import to_bibtex, to_text

    e = lambda s: _html.escape(str(s), quote=True)
    names = [("png", "PNG"), ("svg", "SVG"), ("csv", "CSV"), ("vl.json", "Vega-Lite"), ("bib", "BibTeX"),
             ("json", "CSL-JSON")]
    links = [f'<a href="{e(_rel(page_path, part.files[ext]))}" download>{label}</a>'
             for ext, label in names if ext in part.files]
    text, bibtex = to_text(part.csl), to_bibtex(part.csl)
    anchor = ("" if page_path == part.page else _rel(page_path, part.page)) + "#" + part.label
    what = "figure" if part.kind == "fig" else "table"
    return (
        f'<div class="figure-tools" data-label="{e(part.label)}">'
        f'<span class="figure-downloads">Download {what}: {" · ".join(links)}</span> '
        f'<a class="figure-anchor" href="{e(anchor)}" title="Stable link to {e(part.number_label)}">Link</a> '
        f'<details class="cite-box"><summary>Cite</summary>'
        f'<p class="cite-text">{e(text)}</p>'
        f'<button type="button" class="cite-copy" data-copy="cite-text">Copy citation</button>'
        f'<pre class="cite-bibtex"><code>{e(bibtex.rstrip())}</code></pre>'
        f'<button type="button" class="cite-copy" data-copy="cite-bibtex">Copy BibTeX</button>'
        f'<p class="cite-licence">Licence: {e(part.csl.get("license", ""))}</p>'
        f"</details></div>"
    )


def _add_figure_tools(ast: dict, page: Page, by_label: dict) -> dict:
    def fn(el):
        if el["t"] == "Figure" and el["c"][0][0] in by_label:
            part = by_label[el["c"][0][0]]
            return [el, RawBlock("html", figure_tools(part, page.html_path))]
        return None

    ast["blocks"] = walk(ast["blocks"], fn)
    return ast


def render_html(config: BookConfig, pages: list[Page], targets: dict[str, Target], bib_keys: set[str],
                out_dir: Path, svg_cache, cache_dir: Path | None = None, *, parts=(), meta=None) -> list[str]:
    errors: list[str] = []
    state = {"charts": set()}
    by_label = {p.label: p for p in parts}
    by_output = {(p.chapter, p.output): p for p in parts if p.output}

    def figure_fn(page: Page, name, fig):
        if name is None:  # an author's own image: copy it next to the page
            src = fig["c"][2][0]
            if not re.match(r"^[a-z]+:", src) and not src.startswith("/"):
                origin = (config.project_dir / page.chapter.path).parent / src
                if not origin.is_file():
                    errors.append(f"{page.chapter.path}: image {src} does not exist")
                else:
                    dest = out_dir / posixpath.dirname(page.chapter.path) / src
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(origin, dest)
            return None
        part = by_output.get((page.chapter.path, name))
        if part is not None and "svg" in part.files:  # the bundle's SVG is the static fallback
            rel_file = part.files["svg"]
        else:
            stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(page.chapter.path).stem)
            ext, data = svg_cache(fig)
            rel_file = f"figures/{stem}-{name}.{ext}"
            (out_dir / rel_file).parent.mkdir(parents=True, exist_ok=True)
            (out_dir / rel_file).write_bytes(data)
        alt = _html.escape(fig.get("alt") or "", quote=True)
        img = f'<img class="vega-fallback" src="{_rel(page.html_path, rel_file)}" alt="{alt}">'
        if fig["kind"] != "vegalite":
            return [RawBlock("html", img.replace('class="vega-fallback" ', ""))]
        state["charts"].add(page.html_path)
        div_id = f"chart-{name}"
        spec = json.dumps(fig["data"], ensure_ascii=False).replace("</", "<\\/")
        return [RawBlock("html",
                         f'<div class="vega-chart" id="{div_id}" role="img" aria-label="{alt}">{img}</div>\n'
                         f'<script type="application/json" class="vega-spec" data-target="{div_id}">{spec}</script>')]

    bodies = {}
    asts = {}
    for page in pages:
        ast = finalize(page, "html", targets, bib_keys, errors, figure_fn)
        if errors:
            continue
        asts[page.html_path] = _add_figure_tools(ast, page, by_label)
    if not errors:
        # One citeproc run for all pages: a work has the same label on every page.
        asts = bibliography.html_pages(asts, config.bibliography, config.lang)
    for path, ast in asts.items():
        args = ["-f", "json", "-t", "html5", "--mathml", "--wrap=none", "-M", f"lang={config.lang}"]
        bodies[path] = mark_chinese(reader_markup(run_pandoc(args, json.dumps(ast), path)))
    if errors:
        return errors

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE)), autoescape=True)
    tmpl = env.get_template("page.html")
    (out_dir / "site_libs").mkdir(parents=True, exist_ok=True)
    for asset in ("book.css", "book.js", "cite.js"):
        shutil.copyfile(HERE / asset, out_dir / "site_libs" / asset)
    if state["charts"]:
        write_vega_bundle(out_dir / "site_libs" / "vega-bundle.js", cache_dir)
    version = _pandoc_version()
    figures_page = FIGURES_PAGE if parts else None
    entries = [(p.html_path, p.title, p.number, p) for p in pages]
    if figures_page:
        entries.append((figures_page, FIGURES_TITLE, None, None))
        bodies[figures_page] = mark_chinese(figures_page_body(parts, pages, meta))
    # the figures page changes whenever a chapter does
    newest = max(last_modified(config.project_dir, p.chapter.path) for p in pages)
    for i, (path, title, number, page) in enumerate(entries):
        toc = []
        for j, (p_path, p_title, p_number, p) in enumerate(entries):
            toc.append({"href": _rel(path, p_path), "title": p_title, "number": p_number, "current": p_path == path,
                        "appendix_start": p is not None and p.chapter.appendix
                        and (j == 0 or not pages[j - 1].chapter.appendix),
                        "part_end": p is None})
        nav = lambda p: p and {"href": _rel(path, p.html_path), "title": p.title, "number": p.number}
        root = _rel(path, "index.html")[: -len("index.html")]
        page_toc = [{"level": lvl, "id": id_, "number": num, "text": text}
                    for lvl, id_, num, text in (page.headings if page else []) if lvl in (2, 3) and id_]
        html = tmpl.render(
            lang=config.lang, book_title=config.title, subtitle=config.subtitle, page_title=title,
            root=root, toc=toc, body=jinja2.utils.markupsafe.Markup(bodies[path]),
            prev=nav(pages[i - 1] if page and i > 0 else None),
            next=nav(pages[i + 1] if page and i + 1 < len(pages) else None),
            page_toc=page_toc if config.html.get("toc", True) else [],
            has_charts=path in state["charts"], pandoc_version=version,
            book=_book_context(meta, path, title if i else None),
            last_modified=last_modified(config.project_dir, page.chapter.path) if page else newest,
        )
        dest = out_dir / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(html, encoding="utf-8")
    build_search_index(out_dir)
    return []


FIGURES_PAGE = "figures.html"
FIGURES_TITLE = "Figures and tables"


def _book_context(meta, path: str, page_title: str | None) -> dict | None:
    """What every page shows about the book as a citable work: version, licence, the PDF,
    the repository, and the Google Scholar tags in its head."""
    if meta is None:
        return None
    from .citation import meta_tags

    return {
        "version": meta.version, "date": meta.date, "licence": meta.licence, "licence_url": meta.licence_url,
        "code_licence": meta.code_licence, "repo_url": meta.repo_url,
        "pdf": _rel(path, meta.pdf_name), "cite": _rel(path, "index.html") + "#cite-this-report",
        "figures": _rel(path, FIGURES_PAGE), "meta_tags": meta_tags(meta, page_title, path),
    }


def figures_page_body(parts, pages: list[Page], meta) -> str:
    """Every figure and table of the book on one page, chapter by chapter: a thumbnail,
    its number (linked to it in the text), caption, data sources and their terms, the
    downloads and the citation."""
    e = lambda x: _html.escape(str(x), quote=True)
    out = [f"<h1>{FIGURES_TITLE}</h1>",
           '<p class="figures-intro">Every figure and table of the book, with the data it shows and a citation '
           "ready to paste. Each has a stable address, named by its label; its files are in the "
           "<code>figures/</code> folder beside this page.</p>"]
    chapters = {p.chapter.path: p for p in pages}
    current = None
    for part in parts:
        page = chapters[part.chapter]
        if page.chapter.path != current:
            current = page.chapter.path
            head = f"{page.number} " if page.number else ""
            out.append(f'<h2 class="figures-chapter">{e(head)}{e(page.title)}</h2>')
        href = e(f"{part.page}#{part.label}")
        thumb = part.files.get("svg") or part.files.get("png")
        if thumb:
            alt = f"Thumbnail of {part.number_label}"
            thumb_html = f'<a class="figure-thumb" href="{href}"><img src="{e(thumb)}" alt="{e(alt)}" loading="lazy"></a>'
        else:
            thumb_html = f'<a class="figure-thumb figure-thumb-table" href="{href}" aria-label="{e(part.number_label)}">Table</a>'
        sources = part.csl.get("note", "")
        out.append(
            f'<section class="figure-entry" id="entry-{e(part.label)}">{thumb_html}<div class="figure-entry-body">'
            f'<h3><a href="{href}">{e(part.number_label)}</a>: {e(part.title)}</h3>'
            f'<p class="figure-entry-caption">{e(part.caption)}</p>'
            + (f'<p class="figure-entry-sources">{e(sources)}.</p>' if sources else "")
            + figure_tools(part, FIGURES_PAGE) + "</div></section>")
    return "\n".join(out)


# Han ideographs, CJK punctuation and full-width forms: a run of them is a Chinese passage.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def mark_chinese(html: str) -> str:
    """Wrap every run of Chinese characters in the page's text in a span with lang="zh", so
    that screen readers switch voice and browsers pick Chinese glyph shapes and line
    breaking. Done on the HTML, after citeproc, so titles in citations and references are
    marked too; scripts (chart specs) are left alone."""
    parts = re.split(r"(<script\b.*?</script>)", html, flags=re.S)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r">([^<]+)<", lambda m: ">" + CJK.sub(lambda c: f'<span lang="zh">{c.group()}</span>',
                                                               m.group(1)) + "<", parts[i])
    return "".join(parts)


_HEADING = re.compile(r'<(h[2-4]) id="([^"]+)"([^>]*)>(.*?)</\1>', re.S)
_TABLE = re.compile(r"(<table\b.*?</table>)", re.S)


def reader_markup(body: str) -> str:
    """Anchor links on headings; every table in its own scrolling box (a wide table then
    scrolls inside the text column instead of widening the page on a phone)."""
    body = _HEADING.sub(
        lambda m: f'<{m.group(1)} id="{m.group(2)}"{m.group(3)}>{m.group(4)}'
                  f'<a class="anchor" href="#{m.group(2)}" aria-label="Link to this section" data-pagefind-ignore>#</a>'
                  f'</{m.group(1)}>', body)
    return _TABLE.sub(r'<div class="table-scroll" tabindex="0" role="region" aria-label="Table (scrolls sideways)">\1</div>',
                      body)


def last_modified(project_dir: Path, rel: str) -> str:
    """The date the page's source last changed: its last commit, else the file's time."""
    import datetime as dt
    import subprocess

    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", rel], cwd=project_dir,
                             capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", out):
        return out
    return dt.date.fromtimestamp((project_dir / rel).stat().st_mtime).isoformat()


def build_search_index(out_dir: Path):
    """Pagefind's static full-text index (its own binary, from the pinned PyPI wheel):
    the pages' main text only, searched in the browser without a server-side component."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(out_dir), "--output-subdir", "pagefind",
                           "--silent"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RenderError(f"search index (pagefind) failed: {proc.stderr.strip() or proc.stdout.strip()}")


def _pandoc_version() -> str:
    out = run_pandoc(["--version"], "", "pandoc --version")
    return out.split("\n", 1)[0].split()[-1]
