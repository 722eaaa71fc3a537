"""Appendix A: the releases the book is built from, as the source manifest records them."""
from __future__ import annotations

import pandas as pd

from analysis.paths import SOURCES_CSV


def sources_table() -> pd.DataFrame:
    """One row per release: who published it, where to find it, its licence, and its size."""
    files = pd.read_csv(SOURCES_CSV, dtype={"bytes": "int64"})
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
