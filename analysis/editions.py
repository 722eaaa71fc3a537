"""Which edition of the USGS Mineral Commodity Summaries the book is built as of.

Chosen here and only here: by default the latest edition in the extracts; a build made as
of an earlier edition sets MCS_VINTAGE (`make report MCS_VINTAGE=2025`). The cut is
applied where the data is read (`analysis.db.connect`): every MCS table is seen as it was
when that edition appeared, so "the latest edition" in every query, figure and inline value
is the vintage, and editions published after it do not exist for the build. Tables that are
not MCS statistics (the federal lists of critical minerals, other sources) are not cut.

Reading the setting is announced as an input (a `render.input.env` audit event), so the
renderer re-runs exactly the chapters that read an MCS table when the vintage changes.
"""
from __future__ import annotations

import os
import sys

from analysis.errors import PipelineError

ENV = "MCS_VINTAGE"
MCS_PREFIX = "core_usgs_mcs__"
# The column that says which edition a row was published in; None: the table is not cut.
EDITION_COLUMN = {
    "core_usgs_mcs__revisions": "edition_to",  # a revision is known once its later edition is out
    "core_usgs_mcs__critical_minerals": None,  # federal lists, not MCS statistics
}


def edition_column(table: str) -> str | None:
    """The edition column a table is cut on, or None for tables the vintage does not touch."""
    if not table.startswith(MCS_PREFIX):
        return None
    return EDITION_COLUMN.get(table, "edition")


def mcs_vintage(*, announce: bool = True) -> int | None:
    """The MCS edition the build is made as of (None: the latest in the extracts).

    `announce=False` reads it without counting it as an input (for code that only
    prepares a cut that may never be read)."""
    if announce:
        sys.audit("render.input.env", ENV)
    value = os.environ.get(ENV, "").strip()
    if not value or value.lower() == "latest":
        return None
    if not value.isdigit() or len(value) != 4:
        raise PipelineError(f"{ENV}={value!r}: give an edition year such as 2025, or leave it unset for the latest")
    return int(value)
