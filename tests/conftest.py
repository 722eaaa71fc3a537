"""Shared fixtures. Tests run on the real releases: acquired once, extracted once."""
from __future__ import annotations

import pytest

from analysis import paths


@pytest.fixture(scope="session")
def extracts():
    """The validated extracts the book reads, rebuilt here unless they are up to date with
    the release files and the extract code (so tests never read stale extracts)."""
    from analysis.acquire import acquire
    from analysis.extract.pipeline import build_extracts, up_to_date

    out = paths.extracts_dir()
    acquire()
    if not up_to_date(paths.raw_dir(), out):
        build_extracts(paths.raw_dir(), out, progress=False)
    return out


@pytest.fixture(scope="module")
def con(extracts):
    """A DuckDB connection with a view per extract table, closed after each module."""
    from analysis import db

    connection = db.connect(extracts)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def rendered_book(tmp_path_factory, extracts):
    """The real book rendered once per session (HTML, PDF and the ledger in data/), for
    every test that reads what a reader gets; chapters come from the render cache when
    nothing they depend on changed."""
    from analysis.render import render_book

    out = tmp_path_factory.mktemp("book")
    render_book(paths.ROOT, out, formats=("html", "pdf"))
    return out
