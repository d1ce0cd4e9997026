"""Every wizard step without the wizard: `casetui run`."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from casetui.checklist import read_attestations_file
from casetui.errors import InputError
from casetui.pipeline.export import TARGETS
from casetui.session.store import Session
from casetui.workflow import Conversion


def run_headless(
    *,
    casework: Path,
    voters: Path,
    attestations: Path,
    out_dir: Path,
    codebook: Path | None,
    targets: list[str],
    session_name: str | None,
    casework_layout: str | None,
    voter_layout: str | None,
    console: Console,
) -> Conversion:
    """Run checklist, files, suppression, match and export; return the conversion.

    Raises GateError (incomplete attestations) before any data file is read, and
    InputError / LayoutError / CodebookError for bad inputs.
    """
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        raise InputError(
            "Unknown export target",
            f"{', '.join(unknown)}: choose from {', '.join(TARGETS)}.",
        )
    operator, items = read_attestations_file(attestations)
    if codebook is not None:
        items["codebook"] = {**items["codebook"], "path": str(codebook)}

    started = time.perf_counter()
    session = Session.create(session_name)
    conversion = Conversion(session)
    session.set_operator(operator)
    for key, details in items.items():
        conversion.attest(key, details)
    conversion.complete_checklist()
    console.print(f"session {session.name} ({session.id}): checklist attested")

    for role, path, layout in (
        ("casework", casework, casework_layout),
        ("voter", voters, voter_layout),
    ):
        loaded = conversion.load(role, path, layout_name=layout)
        console.print(f"{role}: {loaded.rows:,} rows, layout {loaded.layout}")
        for note in loaded.notes:
            console.print(f"  note: {note}")
        if loaded.scrub is not None:
            for line in loaded.scrub.lines():
                console.print(f"  scrub: {line}")
    conversion.complete_files()

    for rule in conversion.run_suppression():
        if rule.hits:
            console.print(f"suppressed by {rule.rule}: {rule.hits}")
    conversion.complete_suppression()

    summary = conversion.run_match()
    console.print(
        f"match: {summary.accepted} accepted, {summary.review} for review, "
        f"{summary.rejected} no match ({summary.seconds:.1f} s)"
    )
    conversion.complete_match()

    written = conversion.export(out_dir, targets)
    for path in written:
        console.print(f"wrote {path}")
    if summary.review:
        console.print(
            f"{summary.review} uncertain matches are pending: review them with "
            f"`casetui tui --session {session.name}`, then export again."
        )
    console.print(f"done in {time.perf_counter() - started:.1f} s")
    return conversion
