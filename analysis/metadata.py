"""Table metadata as data: one YAML sidecar beside each extract module
(`analysis/extract/<source>.meta.yml`, as Our World in Data keeps `.meta.yml` files).

Why a sidecar and not a Python dict: the pipeline checks every table it writes against it,
and Appendix A prints it for readers; both read the same file, and the book never imports
extract code to describe the data. Each sidecar maps table name -> description,
primary_key, optional edition_column, and fields (name -> type, description).
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

EXTRACT_DIR = Path(__file__).resolve().parent / "extract"
#: every source family, in build order (a module `analysis/extract/<name>.py` each)
SOURCES: tuple[str, ...] = ("usgs_mcs_world", "usgs_mcs_salient", "usgs_mcs_trends", "usitc", "comtrade", "bgs", "usgs_ree")


def sidecar(source: str) -> Path:
    return EXTRACT_DIR / f"{source}.meta.yml"


@functools.cache
def resources(source: str) -> dict[str, dict]:
    """The tables one source family writes, with their metadata, in the sidecar's order."""
    path = sidecar(source)
    tables = yaml.safe_load(path.read_text(encoding="utf-8"))
    for table, meta in tables.items():
        missing = [k for k in ("description", "primary_key", "fields") if k not in meta]
        if missing:
            raise ValueError(f"{path}: table {table} lacks {missing[0]!r}")
    return tables


def all_resources(sources: tuple[str, ...] = SOURCES) -> dict[str, dict]:
    """Every extract table's metadata, in build order."""
    return {table: meta for source in sources for table, meta in resources(source).items()}
