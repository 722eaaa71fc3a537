"""Shared fixtures. Tests run on the real releases: acquired once, extracted once."""
from __future__ import annotations

import pytest

from analysis import paths


@pytest.fixture(scope="session")
def extracts():
    """The validated extracts the book reads; built here if `make test` did not build them."""
    out = paths.extracts_dir()
    if not (out / "_manifest.json").is_file():
        from analysis.acquire import acquire
        from analysis.extract.pipeline import build_extracts

        acquire()
        build_extracts(paths.raw_dir(), out, progress=False)
    return out
