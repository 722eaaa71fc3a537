"""Where things live. One module so that tests can point the whole pipeline elsewhere."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
CURATED_DIR = DATA_DIR / "curated"
SOURCES_CSV = DATA_DIR / "sources.csv"
SQL_DIR = Path(__file__).resolve().parent / "sql"
#: what the extract build wrote (tables, row counts, inputs), beside the parquet files
MANIFEST = "_manifest.json"


def sources_csv() -> Path:
    """The source manifest; `MINERALS_SOURCES_CSV` points a trial of a new release elsewhere."""
    return Path(os.environ.get("MINERALS_SOURCES_CSV", SOURCES_CSV))


def curated_dir() -> Path:
    """The curated tables; `MINERALS_CURATED_DIR` lets tests check an edited copy."""
    return Path(os.environ.get("MINERALS_CURATED_DIR", CURATED_DIR))


def raw_dir() -> Path:
    """Acquired, checksum-verified release files (ignored by git)."""
    return Path(os.environ.get("MINERALS_RAW_DIR", DATA_DIR / "raw"))


def extracts_dir() -> Path:
    """Validated parquet extracts (ignored by git); replaced atomically as a whole."""
    return Path(os.environ.get("MINERALS_EXTRACTS_DIR", DATA_DIR / "extracts"))


def mirror_dir() -> Path | None:
    """The offline mirror of official releases, if one is configured or sits beside the repo."""
    env = os.environ.get("DATA_MIRROR")
    if env:
        return Path(env)
    default = ROOT.parent / "shared" / "data"
    return default if default.is_dir() else None
