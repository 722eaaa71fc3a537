"""Errors that tell a maintainer exactly where an input went wrong."""
from __future__ import annotations


class PipelineError(Exception):
    """Base class: any failure the CLI reports without a traceback."""


class SourceError(PipelineError):
    """A release file is missing, or its checksum is not the one the manifest expects."""


class ExtractError(PipelineError):
    """A release file does not look as the extract expects.

    Always names the file and, where it applies, the column and the 1-based row, so the
    maintainer can open the file at the offending cell.
    """

    def __init__(self, file: str, message: str, *, column: str | None = None, row: int | None = None):
        self.file, self.column, self.row, self.detail = str(file), column, row, message
        where = [f"file {self.file}"]
        if column is not None:
            where.append(f"column {column!r}")
        if row is not None:
            where.append(f"row {row}")
        super().__init__(f"{', '.join(where)}: {message}")


class ValidationError(PipelineError):
    """One or more validation checks returned failing rows."""
