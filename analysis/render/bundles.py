"""A citable, downloadable bundle for every labelled figure and table of the book.

`_book/figures/<label>.{svg,png,csv,vl.json,bib,json}` for a figure and
`<label>.{csv,bib,json}` for a table, named by the label the chapter gives it (so the
address survives renumbering and rebuilds) and byte-stable across builds of the same
sources.  The CSV of a chart is exactly the data handed to Vega-Lite (`figure_frame`);
the CSV of a table is the table as printed (`table_frame`).

A chart names the releases it draws on in its spec's `usermeta.sources` (ids of
`data/sources.csv`, or bibliography keys); charts of curated facts name theirs row by
row in a `source_key` column.  Those sources give each bundle its data note and each
publisher's own terms beside the report's licence.
"""
from __future__ import annotations

import hashlib
import json
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .book import Page, Target
from .citation import BookMeta, part_csl, to_bibtex, to_text
from .pandoc import stringify, walk

PNG_DPI = 300
# Chart sizes are CSS pixels (96 per inch), as the PDF places the SVG; at 300 dpi the PNG
# then prints at the size the figure has in the book.
PNG_SCALE = 72 / 96
CITE_PREFIX = "minerals-report"


@dataclass
class Part:
    """One labelled figure or table, with what its bundle and its citation need."""
    label: str  # fig-x / tbl-x
    kind: str  # fig | tbl
    number_label: str  # "Figure 1.1"
    title: str  # the caption's first sentence
    caption: str
    page: str  # html path
    chapter: str
    spec: dict | None = None  # Vega-Lite spec (figures drawn as charts)
    static: dict | None = None  # an SVG/PNG output, or {"kind": "file", "path": ...} for an author's image
    output: str | None = None  # the executed output's name (render-figure:<name>) drawn in it
    cited: list[str] = field(default_factory=list)  # bibliography keys cited in the caption
    table: tuple[list[str], list[list[str]]] | None = None
    sources: list[dict] = field(default_factory=list)
    files: dict = field(default_factory=dict)  # ext -> relative path in the book
    csl: dict | None = None

    @property
    def key(self) -> str:
        return f"{CITE_PREFIX}:{self.label}"


# --- data ----------------------------------------------------------------------

def _inline_values(spec) -> list[list[dict]]:
    found = []

    def visit(node):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                found.append(data["values"])
            for v in node.values():
                visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)

    visit({k: v for k, v in spec.items() if k != "datasets"})
    return found


def figure_records(spec: dict) -> tuple[list[str], list[dict]]:
    """(columns, rows) of the data a Vega-Lite spec draws: every row of every dataset it
    holds, in order, once (a dataset repeated for a second layer is not repeated).
    Columns whose names start with `_` are the pipeline's own bookkeeping and are left out."""
    datasets = list((spec.get("datasets") or {}).values()) + _inline_values(spec)
    seen: set[str] = set()
    rows: list[dict] = []
    columns: dict[str, None] = {}
    for ds in datasets:
        keys = [json.dumps(r, sort_keys=True, ensure_ascii=False) for r in ds]
        if keys and all(k in seen for k in keys):
            continue
        seen.update(keys)
        for r in ds:
            if not isinstance(r, dict):
                r = {"value": r}
            for c in r:
                if not str(c).startswith("_"):
                    columns.setdefault(str(c), None)
            rows.append(r)
    return list(columns), rows


def figure_frame(spec: dict):
    """The data a chart draws, as a DataFrame (columns as in the chart's data, units in
    their names; flags and bounds are columns of their own)."""
    import pandas as pd

    columns, rows = figure_records(spec)
    return pd.DataFrame.from_records([{c: r.get(c) for c in columns} for r in rows], columns=columns)


def write_csv(columns: list[str], rows: list[list]) -> bytes:
    """The same CSV dialect and number format as the ledger of printed values."""
    from .ledger import to_csv

    return to_csv(columns, rows).encode("utf-8")


def table_frame(table_el: dict) -> tuple[list[str], list[list[str]]]:
    """(columns, rows) of a pandoc Table element, cell text as printed."""
    _attr, _caption, _specs, head, bodies, _foot = table_el["c"]
    header_rows = head[1]
    columns = [stringify(cell[4]) for cell in header_rows[-1][1]] if header_rows else []
    rows = []
    for body in bodies:
        for row in body[2] + body[3]:
            rows.append([stringify(cell[4]) for cell in row[1]])
    if not columns and rows:
        columns = [f"column_{i + 1}" for i in range(len(rows[0]))]
    return columns, rows


# --- collecting the parts --------------------------------------------------------

def _caption_text(fig_el: dict, prefix: str) -> str:
    cap = fig_el["c"][1][1]
    text = stringify(cap).replace("\u00a0", " ")
    prefix = prefix.replace("\u00a0", " ")
    if text.startswith(prefix):
        text = text[len(prefix):].lstrip(":").strip()
    return text


def chart_title(spec: dict | None) -> str | None:
    """The chart's own title (data-driven: it names the edition and years drawn)."""
    title = (spec or {}).get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title).strip() if title else None


def first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.!?])(\s+[A-Z(]|$)", text)
    s = m.group(1) if m else text
    s = s.rstrip(".").strip()
    if len(s) > 110:  # a title, not the whole caption: cut at the first clause break
        cut = min((i for i in (s.find(": ", 30), s.find("; ", 30), s.find(" (", 30)) if i > 0), default=len(s))
        s = s[:cut]
    return s


def collect_parts(pages: list[Page], targets: dict[str, Target], project_dir: Path) -> list[Part]:
    parts: list[Part] = []
    for page in pages:
        def fn(el):
            if el["t"] != "Figure":
                return None
            id_ = el["c"][0][0]
            kind = id_.split("-", 1)[0]
            if kind not in ("fig", "tbl") or id_ not in targets:
                return None
            t = targets[id_]
            caption = _caption_text(el, t.label)
            part = Part(id_, kind, t.label.replace("\u00a0", " "), first_sentence(caption), caption,
                        page.html_path, page.chapter.path)
            from .bibliography import cited_keys

            part.cited = cited_keys(el["c"][1][1])

            def inner(x):
                if x["t"] == "Image":
                    src = x["c"][2][0]
                    if part.spec is not None or part.static is not None:
                        return None
                    if src.startswith("render-figure:"):
                        part.output = src.split(":", 1)[1]
                        fig = page.figures[part.output]
                        if fig["kind"] == "vegalite":
                            part.spec = fig["data"]
                        else:
                            part.static = fig
                    elif not re.match(r"^[a-z]+:", src) and not src.startswith("/"):
                        part.static = {"kind": "file", "path": str(project_dir / Path(page.chapter.path).parent / src)}
                elif x["t"] == "Table" and part.table is None:
                    part.table = table_frame(x)
                return None

            walk(el["c"][2], inner)
            part.title = chart_title(part.spec) or part.title
            parts.append(part)
            return None

        walk(page.ast["blocks"], fn)
    return parts


# --- sources and terms -----------------------------------------------------------

class SourceIndex:
    """What the bundles say about the data behind a figure: the releases of
    `data/sources.csv` (publisher, title, DOI, licence) and the entries of
    the bibliography (for curated facts)."""

    def __init__(self, project_dir: Path, bib_items: dict[str, dict], bibliography: list[Path] = (),
                 lang: str = "en"):
        self.bibliography, self.lang = list(bibliography), lang
        self._references: dict[str, str] | None = None
        self.releases: dict[str, dict] = {}
        manifest = Path(project_dir) / "data" / "sources.csv"
        if manifest.is_file():
            import csv

            with manifest.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    self.releases.setdefault(row["source_id"], row)
        self.bib = bib_items

    def reference(self, key: str) -> str:
        """A document's entry as the book's bibliography prints it (citeproc, plain text):
        one run for every key the bundles name."""
        if self._references is None:
            from .bibliography import citeproc
            from .pandoc import Para, attr, stringify

            keys = sorted(self.bib)
            cites = [{"t": "Cite", "c": [[{"citationId": k, "citationPrefix": [], "citationSuffix": [],
                                           "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 0,
                                           "citationHash": 0} for k in keys], []]}]
            out = citeproc([Para(cites), {"t": "Div", "c": [attr("refs"), []]}], self.bibliography, self.lang,
                           "figure sources") if keys and self.bibliography else []
            refs = next((b for b in out if b["t"] == "Div" and b["c"][0][0] == "refs"), None)
            self._references = {e["c"][0][0][len("ref-"):]: stringify(e["c"][1]) for e in (refs or {"c": [0, []]})["c"][1]}
        return self._references.get(key, key)

    def describe(self, ids: list[str]) -> list[dict]:
        out = []
        for sid in ids:
            if sid in self.releases:
                r = self.releases[sid]
                out.append({"id": sid, "kind": "release", "publisher": r["publisher"], "title": r["title"],
                            "doi_or_url": r["doi_or_url"], "terms": r["licence"]})
            elif sid in self.bib:
                out.append({"id": sid, "kind": "document", "reference": self.reference(sid), "terms": ""})
            else:
                out.append({"id": sid, "kind": "unknown", "reference": sid, "terms": ""})
        return out


def part_source_ids(part: Part) -> list[str]:
    ids: list[str] = []
    if part.spec is not None:
        declared = (part.spec.get("usermeta") or {}).get("sources") or []
        ids += [str(s) for s in declared]
        if not ids:
            _, rows = figure_records(part.spec)
            ids += sorted({str(r["source_key"]) for r in rows if r.get("source_key")})
    return list(dict.fromkeys(ids + part.cited))


def data_note(sources: list[dict]) -> str:
    releases = [s for s in sources if s["kind"] == "release"]
    docs = [s for s in sources if s["kind"] != "release"]
    bits = []
    for s in releases:
        where = f" ({s['doi_or_url']})" if s["doi_or_url"] else ""
        bits.append(f"{s['publisher']}, {s['title']}{where}")
    if docs:
        if len(docs) <= 3:
            bits += [s["reference"].rstrip(".") for s in docs]
        else:
            bits.append(f"facts compiled by the authors from {len(docs)} documents, each row's source "
                        "named in the data file")
    return ("Data: " + "; ".join(bits)) if bits else ""


def terms_note(meta: BookMeta, sources: list[dict]) -> str:
    """The report's licence for the figure and its files, then each publisher's own terms."""
    own = f"{meta.licence}, {', '.join(meta.authors)}"
    terms = list(dict.fromkeys(f"{s['publisher']}: {s['terms'].replace('(c)', '©')}" for s in sources
                               if s["kind"] == "release" and s["terms"]))
    if terms:
        return f"{own}. The data keep their publishers' terms ({'; '.join(terms)})"
    return f"{own}. Documents quoted keep their own terms"


# --- writing -----------------------------------------------------------------------

def png_with_text(png: bytes, text: dict[str, str]) -> bytes:
    """Insert iTXt chunks (title, source, licence) after a PNG's header chunk."""
    chunks = b""
    for k, v in text.items():
        data = k.encode("latin-1") + b"\x00\x00\x00\x00\x00" + v.encode("utf-8")
        chunks += struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    ihdr_end = 8 + 8 + 13 + 4
    return png[:ihdr_end] + chunks + png[ihdr_end:]


def png_dpi(png: bytes) -> float | None:
    i = png.find(b"pHYs")
    if i < 0:
        return None
    x, _y, unit = struct.unpack(">IIB", png[i + 4:i + 13])
    return x * 0.0254 if unit == 1 else None


def svg_with_metadata(svg: bytes, title: str, rights: str, url: str) -> bytes:
    from html import escape

    meta = (f"<title>{escape(title)}</title><desc>{escape(rights)} {escape(url)}</desc>")
    text = svg.decode("utf-8")
    m = re.search(r"<svg\b[^>]*>", text)
    if not m or "<title>" in text[: m.end() + 20]:
        return svg
    return (text[: m.end()] + meta + text[m.end():]).encode("utf-8")


def write_bundles(parts: list[Part], meta: BookMeta, sources: SourceIndex, out_dir: Path, svg_cache,
                  png_cache) -> list[Part]:
    """Write every part's bundle into `out_dir/figures/` and fill `part.files`/`part.csl`."""
    fig_dir = out_dir / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    for part in parts:
        part.sources = sources.describe(part_source_ids(part))
        note = data_note(part.sources)
        licence = terms_note(meta, part.sources)
        part.csl = part_csl(meta, key=part.key, kind=part.kind, label=part.number_label, title=part.title,
                            page=part.page, anchor=part.label, note=note, licence=licence)
        files: dict[str, bytes] = {}
        if part.spec is not None:
            _, svg = svg_cache({"kind": "vegalite", "data": part.spec})
            files["svg"] = svg_with_metadata(svg, f"{part.number_label}: {part.title}", licence, part.csl["URL"])
            files["png"] = png_with_text(png_cache(part.spec), {
                "Title": f"{part.number_label}: {part.title}", "Author": ", ".join(meta.authors),
                "Copyright": licence, "Source": part.csl["URL"]})
            columns, rows = figure_records(part.spec)
            files["csv"] = write_csv(columns, [[r.get(c) for c in columns] for r in rows])
            spec = dict(part.spec)
            spec["usermeta"] = {**(spec.get("usermeta") or {}), "citation": to_text(part.csl), "license": licence}
            files["vl.json"] = (json.dumps(spec, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        elif part.static is not None:
            if part.static["kind"] == "file":
                path = Path(part.static["path"])
                if path.is_file():
                    files[path.suffix.lstrip(".").lower()] = path.read_bytes()
            else:
                ext, data = svg_cache(part.static)
                files[ext] = data
        if part.table is not None:
            files["csv"] = write_csv(*part.table)
        files["bib"] = to_bibtex(part.csl).encode("utf-8")
        files["json"] = (json.dumps([part.csl], ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        for ext, data in files.items():
            rel = f"figures/{part.label}.{ext}"
            (out_dir / rel).write_bytes(data)
            part.files[ext] = rel
    return parts


def png_cache_fn(cache_dir: Path):
    """PNG exports take about a second each: cache them by spec, like the SVGs."""
    def get(spec: dict) -> bytes:
        import vl_convert as vlc

        h = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:24]
        path = cache_dir / "png" / f"{h}-{PNG_DPI}.png"
        if path.exists():
            return path.read_bytes()
        data = vlc.vegalite_to_png(spec, scale=PNG_SCALE, ppi=PNG_DPI)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data

    return get
