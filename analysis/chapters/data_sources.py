"""Appendix A: the releases the book is built from, as the source manifest records them."""
from __future__ import annotations

import json
import re

import pandas as pd

from analysis import db, metadata, paths


def sources_table() -> pd.DataFrame:
    """One row per release: who published it, where to find it, its licence, and its size."""
    files = db.query("release_files")
    table = (
        files.groupby(["source_id", "publisher", "title", "doi_or_url", "licence"], sort=True)
        .agg(files=("path", "size"), size_mb=("bytes", lambda b: round(b.sum() / 1e6, 1)))
        .reset_index()
    )
    table = table.drop(columns="source_id")
    return table.rename(columns={
        "publisher": "Publisher", "title": "Release",
        "doi_or_url": "DOI or address", "licence": "Licence", "files": "Files", "size_mb": "MB",
    })[["Release", "Publisher", "DOI or address", "Licence", "Files", "MB"]]


def errata_table() -> pd.DataFrame:
    """Official corrections, as applied: a reader citing a figure can see what changed."""
    errata = db.query("errata_applied")
    return errata.rename(columns={
        "edition": "Edition", "commodity_id": "Commodity", "country_name": "Country", "year": "Year",
        "value_published": "As published", "value_corrected": "Corrected", "source": "Source",
        "rows_corrected": "Rows corrected",
    })


def revisions_summary() -> pd.DataFrame:
    """How much each new edition of the MCS revised the previous one's figures."""
    table = db.query("revisions_by_edition")
    table["table"] = table["table"].str.replace("world_", "", regex=False).str.capitalize()
    table.insert(0, "Editions", table.pop("edition_from").astype(str) + " → " + table.pop("edition_to").astype(str))
    return table.rename(columns={
        "table": "Table", "revised_rows": "Values revised", "commodities": "Commodities",
        "revised_over_10_pct": "Revised by more than 10%",
    })


def _first_sentence(text: str) -> str:
    return re.split(r"(?<!Fig)(?<!\bT)(?<!\bno)\. (?=[A-Z])", text, maxsplit=1)[0].rstrip(".") + "."


def extract_tables() -> pd.DataFrame:
    """The data dictionary in brief, from the tables' own metadata (the extract modules'
    .meta.yml sidecars) and the build manifest, so it can never drift from what the
    extract step writes."""
    manifest = json.loads((paths.extracts_dir() / paths.MANIFEST).read_text(encoding="utf-8"))
    rows = []
    for table, resource in metadata.all_resources().items():
        rows.append({
            "Table": table,
            "What it holds": _first_sentence(resource["description"]),
            "One row per": ", ".join(resource["primary_key"]),
            "Rows": f"{manifest['tables'][table]['rows']:,}",
        })
    return pd.DataFrame(rows)


def file_count(sources: pd.DataFrame) -> int:
    """Files the book reads, summed over the releases of sources_table()."""
    return int(sources["Files"].sum())


def release_count(sources: pd.DataFrame) -> int:
    return int(len(sources))


# --------------------------------------------------------------------------------------
# Build provenance: what a reviewer needs to reproduce a cited figure (the renderer
# prints the book's version and build date beside it).

def release_checksum(sha256s) -> str:
    """One SHA-256 for a release: over its files' SHA-256 values, sorted, one per line."""
    import hashlib

    return hashlib.sha256("\n".join(sorted(sha256s)).encode("ascii")).hexdigest()


def provenance_table() -> pd.DataFrame:
    """Each release as built: edition, publisher, number of files and the release checksum,
    printed in four groups of 16 so it wraps on a page and can be read aloud."""
    files = db.query("release_files")
    rows = []
    for source_id, g in files.groupby("source_id", sort=True):
        digest = release_checksum(g["sha256"])
        rows.append({
            "Release (edition)": g["title"].iloc[0],
            "Publisher": g["publisher"].iloc[0],
            "Files": len(g),
            "SHA-256 of the files' SHA-256 values": " ".join(digest[i:i + 16] for i in range(0, 64, 16)),
        })
    return pd.DataFrame(rows)
