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


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """Return '1 case type' or '3 case types' (`plural` for nouns that do not
    just take an s)."""
    return f"{count:,} {agree(count, noun, plural or noun + 's')}"


def agree(count: int, one: str, many: str) -> str:
    """Return the word that agrees with `count`: agree(1, "is", "are") is "is"."""
    return one if count == 1 else many
