"""CSV records read strictly, for release files and curated tables alike.

Why not pandas or a lenient reader: a stray quote makes them join the following lines
into one field, silently, and every later row is then reported one line off. Here a
quote that does not close a field stops with the line it opened on.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from analysis.errors import ExtractError


def records(text: str, where: str | Path) -> tuple[list[tuple[int, list[str]]], int]:
    """(1-based first line, fields) of every record, and the last line read."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    found: list[tuple[int, list[str]]] = []
    end = 0
    while True:
        start = end + 1
        try:
            fields = next(reader)
        except StopIteration:
            return found, end
        except csv.Error as exc:
            raise ExtractError(where, f"broken CSV quoting ({exc}): a quote opened on or after line {start} "
                                      f"does not close as a field", row=start) from None
        end = reader.line_num
        found.append((start, fields))
