"""The checking commands: `codebook check`, `audit verify` and `export` from a
session. Registered on the main app by casetui.cli."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from casetui.cli import app, err, out, plain_errors
from casetui.errors import InputError, agree, counted
from casetui.pipeline.targets import DEFAULT_TARGETS

codebook_app = typer.Typer(
    help="Check a codebook.", no_args_is_help=True, rich_markup_mode=None
)
audit_app = typer.Typer(
    help="Check a session's audit log.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(codebook_app, name="codebook")
app.add_typer(audit_app, name="audit")


@codebook_app.command("check")
@plain_errors
def codebook_check(
    path: Annotated[Path, typer.Argument(help="The codebook TOML file.")],
    casework: Annotated[
        Path | None,
        typer.Option(help="A casework export: list the case types not covered."),
    ] = None,
    casework_layout: Annotated[str | None, typer.Option(help="Force a layout.")] = None,
) -> None:
    """Validate a codebook; with --casework, list the case types it does not
    cover (their cases get no tag and are not exported). Exits 2 when the
    codebook is invalid, 1 when case types are uncovered."""
    from casetui.pipeline.codebook import load_codebook

    book = load_codebook(path)
    categories = book.official_categories()
    sensitive = sum(c.sensitive for c in categories)
    out.print(f"{path.name}: {book.name}, version {book.version}")
    out.print(
        f"  {len(categories)} categories ({sensitive} sensitive), "
        f"{len(book.keywords)} keyword rules, "
        f"{len(book.negative_outcomes)} negative outcomes, "
        f"{len(book.negative_statuses)} negative statuses"
    )
    out.print(f"  sha256 {book.sha256}")
    if casework is None:
        out.print("valid")
        return

    from casetui.pipeline.loading import load_file, require_rows

    loaded = load_file(
        casework, "casework", casework_layout, layout_option="--casework-layout"
    )
    require_rows(loaded, casework)
    frame = loaded.frame
    if "category" not in frame.columns:
        err.print(f"{casework.name}: no case type column is mapped; see `inspect`.")
        raise typer.Exit(2)
    raw = [None if v is None else str(v) for v in frame["category"].to_list()]
    uncovered = book.uncovered(raw)
    if not uncovered:
        out.print(f"valid; it covers every case type in {casework.name}")
        return
    types, cases = len(uncovered), sum(uncovered.values())
    out.print(
        f"valid, but {counted(types, 'case type')} in {casework.name} "
        f"({counted(cases, 'case')}) {agree(types, 'is', 'are')} not covered: "
        f"{agree(cases, 'its case gets', 'their cases get')} no tag and "
        f"{agree(cases, 'is', 'are')} not exported."
    )
    for name, count in uncovered.items():
        out.print(f"  {count:>6}  {name[:60]}")
    out.print("Add each as a [[category]] or as an alias of one (docs/codebook.md).")
    raise typer.Exit(1)


@audit_app.command("verify")
@plain_errors
def audit_verify(
    session: Annotated[str, typer.Argument(help="Session id or name.")],
    manifest: Annotated[
        Path | None,
        typer.Option(
            help="An export's manifest.json: also check the log still "
            "holds every entry it had at that export."
        ),
    ] = None,  # fmt: skip
) -> None:
    """Check the session's audit log: every entry chained to the one before.
    Exits 0 when whole, 1 with the first broken entry when anything was edited,
    removed or reordered (or, with --manifest, when the log no longer holds the
    head that export recorded), 2 when the manifest cannot be read."""
    from casetui.session.store import Session

    recorded = None if manifest is None else _manifest_head(manifest)
    with Session.open(session) as opened:
        broken = opened.verify_audit()
        entries = opened.audit_entries()
        name, session_id = opened.name, opened.id
    if broken is not None:
        err.print(
            f"Audit log of session {name} ({session_id}) is broken at entry "
            f"{broken}: it was edited, removed or reordered after it was written. "
            "Entries from there on cannot be trusted."
        )
        raise typer.Exit(1)
    if manifest is not None and recorded is not None:
        _check_head(manifest, recorded, entries)
    head = entries[-1] if entries else {"seq": 0, "hash": "-"}
    out.print(
        f"Audit log of session {name} ({session_id}) is whole: {len(entries)} "
        f"entries, the latest {head['seq']} with hash {head['hash']}."
    )
    if manifest is not None and recorded is not None:
        seq, digest = recorded
        out.print(
            f"It matches {manifest.name}: the audit head that export recorded, "
            f"entry {seq} with hash {digest[:16]}..., is in the log unchanged, "
            f"with {sum(e['seq'] > seq for e in entries)} entries after it."
        )


def _manifest_head(manifest: Path) -> tuple[int, str]:
    """The (seq, hash) of the audit head an export's manifest recorded; raises
    InputError naming the file when it is missing, unreadable or no manifest."""
    try:
        text = manifest.read_text("utf-8")
    except FileNotFoundError:
        raise InputError(
            "Manifest not found",
            f"{manifest} does not exist. Give the manifest.json in the export's "
            "output folder.",
        ) from None
    except IsADirectoryError:
        raise InputError(
            "Manifest not found",
            f"{manifest} is a folder. Give the manifest.json inside it.",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise InputError(
            "Manifest cannot be read", f"{manifest} cannot be read ({reason})."
        ) from None
    try:
        head = json.loads(text)["audit_head"]
        return int(head["seq"]), str(head["hash"])
    except (ValueError, KeyError, TypeError):
        raise InputError(
            "Not an export manifest",
            f"{manifest}: not an export manifest with an audit_head. Give the "
            "manifest.json an export wrote.",
        ) from None


def _check_head(manifest: Path, recorded: tuple[int, str], entries: list[dict]) -> None:
    """Exit 1 when the log lacks, or differs at, the head the manifest recorded."""
    seq, digest = recorded
    by_seq = {e["seq"]: e["hash"] for e in entries}
    if by_seq.get(seq) != digest:
        err.print(
            f"Audit log does not match {manifest.name}: the export recorded entry "
            f"{seq} with hash {digest[:16]}..., which the log "
            + (
                "no longer holds (entries were cut off the end)."
                if seq not in by_seq
                else "holds with another hash."
            )  # fmt: skip
        )
        raise typer.Exit(1)


@app.command("export")
@plain_errors
def export_command(
    session: Annotated[str, typer.Argument(help="Session id or name.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the exports.")],
    targets: Annotated[
        str, typer.Option(help="Comma-separated targets (see docs/exports.md).")
    ] = ",".join(DEFAULT_TARGETS),
    ngpvan_columns: Annotated[
        str | None,
        typer.Option(help="NGP VAN columns, e.g. VANID,ActivistCode,DateCanvassed."),
    ] = None,
) -> None:
    """Export a session again (after reviewing it in the wizard). Refused, exit
    2, until every checklist item and the suppression review are complete."""
    from casetui.export_step import VAN_CONTACT_WARNING
    from casetui.session.store import Session
    from casetui.workflow import Conversion

    with Session.open(session) as opened:
        conversion = Conversion(opened)
        conversion.check_export_gate()
        if ngpvan_columns:
            conversion.set_ngpvan_columns(ngpvan_columns.split(","))
        chosen = [t.strip() for t in targets.split(",") if t.strip()]
        for path in conversion.export(out_dir, chosen):
            out.print(f"wrote {path}")
        if "ngpvan" in chosen:
            out.print(f"Note: {VAN_CONTACT_WARNING}")
