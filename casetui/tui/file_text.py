"""What the file step writes about its files: status lines, an inspection's
summary, a load's report and the line saying what to do next. Plain text, no
widgets, so the screen module holds only the screen."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from casetui.session.store import FileRecord
from casetui.workflow import FileInspection, LoadedFile

ROLE_TITLES = {"casework": "Casework file", "voter": "Voter file"}


def next_step(loaded: Collection[str]) -> str:
    """The line above the keys: which file is still to load, or how to go on."""
    todo = [role for role in ROLE_TITLES if role not in loaded]
    if not todo:
        return "Both files are loaded: ctrl+n continues to suppression."
    if len(todo) == len(ROLE_TITLES):
        return "Load both files: Enter inspects the one at the cursor, ctrl+l loads it."
    return (
        f"{ROLE_TITLES[todo[0]]} still to load: Enter or ctrl+r inspects it, "
        "ctrl+l loads it."
    )


def status(record: FileRecord | None) -> str:
    """The line under a path: what the session has loaded for it."""
    if record is None:
        return "[ ] not loaded"
    return (
        f"[x] loaded {record.path.name}: {record.rows:,} rows, layout {record.layout}"
    )


def summary(inspection: FileInspection) -> str:
    """An inspection's layout, encoding, delimiter and notes."""
    layout = inspection.layout
    found = (
        f"{layout.title} ({layout.name}), header match {inspection.score:.0%}"
        if layout
        else "no known layout matches: map the columns below"
    )
    lines = [
        f"Layout: {found}",
        f"Encoding: {inspection.encoding}   Delimiter: "
        f"{delimiter_name(inspection.delimiter)}   Columns: "
        f"{len(inspection.headers)}",
        *(f"Note: {note}" for note in inspection.notes),
    ]
    return "\n".join(lines)


def load_report(loaded: LoadedFile) -> str:
    """What a load read, and for casework what the scrub removed (counts only)."""
    lines = [
        f"Loaded {loaded.path.name}: {loaded.rows:,} rows with layout {loaded.layout}."
    ]
    if loaded.report is not None:
        lines += ["Load report:"]
        lines += [f"  {line}" for line in loaded.report.lines()]
    if loaded.scrub is not None:
        lines += ["Scrub report (what was removed before storing):"]
        lines += [f"  {line}" for line in loaded.scrub.lines()]
    return "\n".join(lines)


def same_file(typed: Path, loaded: Path) -> bool:
    """Whether the path typed names the file loaded (stored resolved)."""
    try:
        return typed.expanduser().resolve() == loaded
    except OSError:
        return False


def delimiter_name(delimiter: str | None) -> str:
    names = {",": "comma", "\t": "tab", "|": "pipe", ";": "semicolon"}
    if delimiter is None:
        return "none (spreadsheet)"
    return names.get(delimiter, repr(delimiter))
