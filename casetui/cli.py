"""The `casetui` command line: the wizard (`tui`, `demo`) and every step headless."""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from casetui import __version__
from casetui.errors import CasetuiError
from casetui.log import setup_logging
from casetui.paths import codebooks_dir, log_dir, samples_dir

app = typer.Typer(
    help="Turn casework into campaign imports, carefully: attested, scrubbed, "
    "suppressed, matched with a person confirming, audited.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
out = Console(markup=False, highlight=False)
err = Console(stderr=True, markup=False, highlight=False)
log = logging.getLogger("casetui.cli")

F = TypeVar("F", bound=Callable[..., Any])


def plain_errors(command: F) -> F:
    """Turn CasetuiError into a plain message and exit code 2; anything else into a
    pointer to the log (which holds the stack, never the exception's text, since
    that text may quote a value from the data)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        setup_logging()
        try:
            return command(*args, **kwargs)
        except CasetuiError as exc:
            log.info("stopped: %s", exc.title)
            err.print(exc.title, style="bold", markup=False, highlight=False)
            err.print(exc.message, markup=False, highlight=False)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("Interrupted. Everything decided so far is saved in the session.")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            stack = "".join(traceback.format_tb(exc.__traceback__))
            log.error("unexpected %s\n%s", type(exc).__name__, stack)
            err.print(
                f"casetui stopped on an unexpected error ({type(exc).__name__}). "
                f"Nothing decided so far is lost. Details: {log_dir() / 'casetui.log'}"
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def version_callback(value: bool) -> None:
    if value:
        out.print(f"casetui {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """casetui's commands."""


def _open_or_create(name: str | None) -> Any:
    from casetui.errors import SessionError
    from casetui.session.store import Session

    if name is None:
        return Session.create().hold()
    try:
        session = Session.open(name)
    except SessionError:
        if any(info.name == name or info.id == name for info in Session.list_all()):
            raise
        if re.fullmatch(r"\d{8}-\d{6}(-[0-9a-f]{0,6})?", name):
            # Shaped like an id: a mistyped or purged one, not a new name.
            raise SessionError(
                "Session not found",
                f'No session has the id "{name}". Run `casetui sessions` to list '
                "them; give a name instead to start a new one.",
            ) from None
        return Session.create(name).hold()
    try:
        return session.hold()
    except SessionError:
        session.close()
        raise


@app.command()
@plain_errors
def tui(
    session: Annotated[
        str | None, typer.Option(help="Session to resume (id or name); new if absent.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Start a new session as a sync of this earlier one."),
    ] = None,
) -> None:
    """Open the wizard (resuming a session, or starting a new one)."""
    from casetui.sync import start_from
    from casetui.tui.app import run_tui
    from casetui.workflow import Conversion

    opened = _open_or_create(session)
    if since is not None:
        if opened.setting("since_session") is None and opened.files():
            err.print("--since starts a new session; this one has files already.")
            raise typer.Exit(2)
        if opened.setting("since_session") is None:
            start_from(opened, since)
    run_tui(Conversion(opened))


@app.command()
@plain_errors
def demo(
    session: Annotated[
        str | None, typer.Option(help="Resume this demo session instead of a new one.")
    ] = None,
) -> None:
    """Open the wizard on the bundled synthetic sample files."""
    from casetui.tui.app import run_tui
    from casetui.workflow import Conversion

    name = session or datetime.now().strftime("demo-%Y%m%d-%H%M%S")
    files = {
        "casework": samples_dir() / "casework_civicrm.csv",
        "voter": samples_dir() / "voters_l2.csv",
    }
    run_tui(Conversion(_open_or_create(name)), demo_files=files)


@app.command()
@plain_errors
def run(
    casework: Annotated[Path, typer.Option(help="The casework export (CSV or XLSX).")],
    voters: Annotated[Path, typer.Option(help="The voter file.")],
    attestations: Annotated[
        Path, typer.Option(help="TOML file attesting every checklist item.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the exports.")],
    codebook: Annotated[
        Path | None, typer.Option(help="Codebook TOML (default: the attested one).")
    ] = None,
    targets: Annotated[
        str,
        typer.Option(
            help="Comma-separated, from ngpvan,nationbuilder,ecanvasser,csv,"
            "parquet,report_card"
        ),
    ] = "ngpvan,nationbuilder,ecanvasser,csv,report_card",
    session: Annotated[
        str | None, typer.Option(help="Session name (new when absent).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="An earlier session: take in only cases new or changed since its "
            "last export, and export only what it did not."
        ),
    ] = None,
    ngpvan_columns: Annotated[
        str | None,
        typer.Option(help="NGP VAN columns, e.g. VANID,ActivistCode,DateCanvassed."),
    ] = None,
    stale_after: Annotated[
        int | None,
        typer.Option(help="Flag cases older than this many days (default 730)."),
    ] = None,
    casework_layout: Annotated[str | None, typer.Option(help="Force a layout.")] = None,
    voter_layout: Annotated[str | None, typer.Option(help="Force a layout.")] = None,
) -> None:
    """Run every step headless. Uncertain matches stay pending in the session for
    review in the wizard; the exports hold only sure and confirmed matches."""
    from casetui.headless import run_headless

    conversion = run_headless(
        casework=casework,
        voters=voters,
        attestations=attestations,
        out_dir=out_dir,
        codebook=codebook,
        targets=[t.strip() for t in targets.split(",") if t.strip()],
        session_name=session,
        casework_layout=casework_layout,
        voter_layout=voter_layout,
        console=out,
        since=since,
        ngpvan_columns=ngpvan_columns.split(",") if ngpvan_columns else None,
        stale_after=stale_after,
    )
    conversion.session.close()


@app.command("match")
@plain_errors
def match_command(
    casework: Annotated[Path, typer.Argument(help="The casework export.")],
    voters: Annotated[Path, typer.Argument(help="The voter file.")],
    out_file: Annotated[
        Path, typer.Option("--out", help="Pairs file to write (.csv or .parquet).")
    ],
    casework_layout: Annotated[str | None, typer.Option(help="Force a layout.")] = None,
    voter_layout: Annotated[str | None, typer.Option(help="Force a layout.")] = None,
    all_pairs: Annotated[
        bool,
        typer.Option(
            "--all-pairs",
            help="Write every compared pair, the hopeless ones too (for measuring "
            "blocking), not only each case's ten best and those worth a review.",
        ),
    ] = False,
) -> None:
    """Match a casework file to a voter file and write the scored pairs kept: case
    id, voter id, score, rank, band and the one-to-one assignment. No session, no
    export: for data teams and benchmarks."""
    from casetui.headless import match_files

    match_files(
        casework=casework,
        voters=voters,
        out=out_file,
        casework_layout=casework_layout,
        voter_layout=voter_layout,
        console=out,
        all_pairs=all_pairs,
    )


@app.command()
@plain_errors
def layouts() -> None:
    """List the built-in and saved file layouts."""
    from casetui.pipeline.layouts import all_layouts

    table = Table("name", "kind", "title", "where")
    for layout in all_layouts():
        where = (
            "built in"
            if layout.path is None or "casetui" in layout.path.parts
            else str(layout.path)
        )
        table.add_row(layout.name, layout.kind, layout.title, where)
    out.print(table)


@app.command()
@plain_errors
def inspect(
    path: Annotated[Path, typer.Argument(help="A casework export or voter file.")],
    kind: Annotated[str, typer.Option(help="casework or voter")] = "casework",
    layout: Annotated[
        str | None, typer.Option(help="Read it with this layout, not the detected one.")
    ] = None,
) -> None:
    """Read a file whole and show what casetui understood: encoding, delimiter,
    layout, rows, the canonical fields mapped, and the load report. No values are
    shown. Exits 2 with a message when the file cannot be read or mapped, or
    has no rows."""
    from casetui.pipeline.loading import load_file, peek, require_rows
    from casetui.pipeline.report import DELIMITER_NAMES

    if kind not in ("casework", "voter"):
        err.print(f"--kind must be casework or voter, not {kind!r}.")
        raise typer.Exit(2)
    first = peek(path, kind)
    table = first.table
    out.print(f"file: {path.name}")
    out.print(f"encoding: {table.encoding}")
    delimiter = DELIMITER_NAMES.get(table.delimiter, repr(table.delimiter))
    out.print(f"delimiter: {delimiter}")
    out.print(f"columns: {len(first.headers)}")
    if first.layout is None and layout is None:
        for note in table.notes:
            out.print(f"note: {note}")
    with _progress_bar(path.name) as update:
        result = load_file(
            path, kind, layout, progress=update, layout_option="--layout"
        )
    score = (
        f" (header match {first.score:.0%})"
        if first.layout and first.layout.name == result.layout.name
        else ""
    )
    out.print(f"layout: {result.layout.name}, {result.layout.title}{score}")
    out.print(f"rows: {result.frame.height:,}")
    out.print("canonical fields:")
    for field, headers in result.mapped.items():
        out.print(f"  {field} <- {', '.join(headers)}")
    out.print("load report:")
    for line in result.report.lines():
        out.print(f"  {line}")
    require_rows(result, path)


@contextlib.contextmanager
def _progress_bar(name: str) -> Iterator[Callable[[str, float], None]]:
    """A progress bar on stderr (nothing when stderr is not a terminal)."""
    from rich.progress import Progress

    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(f"reading {name}", total=1.0)

        def update(stage: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=f"{name}: {stage}")

        yield update


@app.command()
@plain_errors
def codebooks() -> None:
    """List the shipped codebooks."""
    from casetui.pipeline.codebook import load_codebook

    for path in sorted(codebooks_dir().glob("*.toml")):
        book = load_codebook(path)
        out.print(
            f"{path}  {book.name} v{book.version}  "
            f"{len(set(book.categories.values()))} categories"
        )


# The checking commands (codebook check, audit verify, export) and the session
# commands (sessions, purge) live apart.
import casetui.cli_checks  # noqa: E402, F401
import casetui.cli_sessions  # noqa: E402, F401


def main() -> None:
    """Console-script entry point."""
    app(prog_name="casetui")


if __name__ == "__main__":
    main()
