"""The session commands: `sessions` lists them, `purge` removes one.
Registered on the main app by casetui.cli."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.measure import Measurement
from rich.table import Table

from casetui.cli import app, out, plain_errors

if TYPE_CHECKING:
    from casetui.session.store import SessionInfo

# The name and the id are what `tui --session` and `purge` take: they are never
# wrapped or cut. The other columns make way, the last first, on a narrow
# terminal (the operator, then the time, then the step).
COLUMNS = ("name", "id", "step", "updated", "operator")
ORDER = ("name", "step", "operator", "updated", "id")


@app.command()
@plain_errors
def sessions() -> None:
    """List the sessions on this machine, newest first."""
    from casetui.session.store import Session

    infos = sorted(Session.list_all(), key=lambda i: i.updated, reverse=True)
    if not infos:
        out.print("No sessions yet. Start one with `casetui demo` or `casetui tui`.")
        return
    shown = list(COLUMNS)
    while len(shown) >= 3:
        table = _table(infos, shown)
        if _natural_width(table) <= out.width:
            out.print(table)
            return
        shown.pop()
    for info in infos:  # too narrow for a table: one session in two lines
        out.print(info.name, soft_wrap=True)
        details = [info.id, info.step, _updated(info), info.operator or ""]
        out.print("  " + "  ".join(d for d in details if d), soft_wrap=True)


def _table(infos: list[SessionInfo], shown: list[str]) -> Table:
    """The sessions with the columns `shown`, in the order of ORDER; no cell
    wraps, so a name or id can be read and copied whole."""
    values = {
        "name": lambda i: i.name,
        "step": lambda i: i.step,
        "operator": lambda i: i.operator or "",
        "updated": _updated,
        "id": lambda i: i.id,
    }
    columns = [c for c in ORDER if c in shown]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in columns:
        table.add_column(column, no_wrap=True)
    for info in infos:
        table.add_row(*(values[c](info) for c in columns))
    return table


def _natural_width(table: Table) -> int:
    """The width `table` takes with no cell wrapped or cut."""
    unbounded = out.options.update_width(10_000)
    return Measurement.get(out, unbounded, table).maximum


def _updated(info: SessionInfo) -> str:
    return info.updated[:16].replace("T", " ")


@app.command()
@plain_errors
def purge(
    session: Annotated[str, typer.Argument(help="Session id or name to remove.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False,
) -> None:
    """Delete a session's data (its database, derived tables and audit log)."""
    from casetui.errors import SessionError
    from casetui.session.lock import holder
    from casetui.session.store import Session, removed_summary

    path = Session.locate(session)
    held_by = holder(path)
    if held_by is not None:
        raise SessionError(
            "Session in use",
            f"Session {path.name} is open in another casetui: "
            f"{held_by.describe()}. Close it there before purging.",
        )
    try:
        with Session.open(path.name) as opened:
            name, export_folder = opened.name, opened.setting("export_folder")
    except SessionError:
        name, export_folder = path.name, None  # damaged: still removable
    removed = removed_summary(path)
    if not yes and not typer.confirm(f"Remove session {name} ({removed})?"):
        out.print("Nothing removed.")
        return
    shutil.rmtree(path)
    out.print(f"Removed session {name} from {path}: {removed}.")
    if export_folder and Path(export_folder).is_dir():
        out.print(
            f"Not removed: the exports in {export_folder}, which are yours to "
            "deliver or delete."
        )
