"""Errors meant for people: each carries a title and a message that says what is
wrong, where, and what to do. Messages never quote personal values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class CasetuiError(Exception):
    """An error an operator can act on. `str()` gives the full message."""

    title: str
    message: str

    def __str__(self) -> str:
        return f"{self.title}: {self.message}"


class InputError(CasetuiError):
    """A file that cannot be read as given (encoding, shape, missing column)."""


class LayoutError(CasetuiError):
    """A file whose columns do not fit any known layout or the mapping given."""


class CodebookError(CasetuiError):
    """A codebook that is missing, malformed or inconsistent."""


class SessionError(CasetuiError):
    """A session that cannot be opened, is corrupt, or is in the wrong step."""


class GateError(CasetuiError):
    """A step asked for before the steps it depends on are complete."""


def where(path: Path | str, row: int | None = None, column: str | None = None) -> str:
    """Return 'file.csv, row 12, column "zip"' for messages (rows count from 1,
    the header being row 1)."""
    parts = [Path(path).name]
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f'column "{column}"')
    return ", ".join(parts)
