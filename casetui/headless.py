"""Every wizard step without the wizard: `casetui run`."""

from __future__ import annotations

import io
import json
import shlex
import shutil
import time
from pathlib import Path

from rich.console import Console

from casetui.checklist import read_attestations_file
from casetui.errors import CasetuiError, InputError, agree, counted
from casetui.export_step import VAN_CONTACT_WARNING
from casetui.pipeline.export import (
    MANIFEST,
    TARGETS,
    check_out_folder,
    make_out_folder,
    write_private,
)
from casetui.pipeline.layouts import check_unique_cases
from casetui.pipeline.loading import load_file, require_rows
from casetui.pipeline.match import MatchResult, match, pair_table
from casetui.pipeline.targets import check_ngpvan_columns
from casetui.session.store import Session
from casetui.sync import start_from
from casetui.workflow import Conversion

PAIRS_SUFFIXES = (".csv", ".parquet")


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
    since: str | None = None,
    ngpvan_columns: list[str] | None = None,
    stale_after: int | None = None,
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
    check_out_folder(out_dir)
    operator, items = read_attestations_file(attestations)
    if codebook is not None:
        items["codebook"] = {**items["codebook"], "path": str(codebook)}

    if ngpvan_columns is not None:
        check_ngpvan_columns(ngpvan_columns)
    started = time.perf_counter()
    session = Session.create(session_name).hold()
    try:
        if since is not None:
            previous = start_from(session, since)
            console.print(
                f"sync from session {previous}: cases new or changed since "
                f"{session.setting('since_at')}"
            )
        if ngpvan_columns is not None:
            Conversion(session).set_ngpvan_columns(ngpvan_columns)
        if stale_after is not None:
            Conversion(session).set_stale_days(stale_after)
        conversion = _prepare(
            session,
            operator,
            items,
            (casework, voters),
            (casework_layout, voter_layout),
            console,
        )
    except CasetuiError:
        # Nothing was decided yet: a session left behind would only hold a copy
        # of the files that could not be used.
        session.close()
        shutil.rmtree(session.path, ignore_errors=True)
        raise

    summary = conversion.run_match()
    console.print(
        f"match: {summary.accepted} accepted, {summary.review} for review, "
        f"{summary.rejected} no match ({summary.seconds:.1f} s)"
    )
    conversion.complete_match()

    try:
        written = conversion.export(out_dir, targets)
    except CasetuiError as exc:
        # Matched already: the work is kept rather than thrown away.
        name = shlex.quote(session.name)
        raise type(exc)(
            exc.title,
            f"{exc.message} Session {session.name} is kept with its matches: "
            f"export it with `casetui export {name} --out FOLDER`, or remove "
            f"it with `casetui purge {name}`.",
        ) from exc
    for path in written:
        console.print(f"wrote {path}")
    manifest = json.loads((out_dir / MANIFEST).read_text("utf-8"))
    stale = manifest["stale_addresses"]
    if stale["cases"]:
        console.print(
            f"{counted(stale['cases'], 'exported case')} "
            f"{agree(stale['cases'], 'is', 'are')} older than "
            f"{stale['older_than_days']} days: "
            f"{agree(stale['cases'], 'its address is', 'their addresses are')} "
            "likely stale "
            "(stale_address in linked-cases.csv and report-card.csv)"
        )
    uncovered = manifest["uncovered_categories"]
    if uncovered:
        types, cases = len(uncovered), sum(uncovered.values())
        console.print(
            f"{counted(types, 'case type')} {agree(types, 'is', 'are')} not in "
            f"the codebook; {agree(types, 'its', 'their')} "
            f"{counted(cases, 'case')} got no tag and "
            f"{agree(cases, 'was', 'were')} not exported: "
            + ", ".join(list(uncovered)[:8])
        )
    if "ngpvan" in targets:
        console.print(f"Note: {VAN_CONTACT_WARNING}")
    if summary.review:
        console.print(
            f"{counted(summary.review, 'uncertain match', 'uncertain matches')} "
            f"{agree(summary.review, 'is', 'are')} pending: review "
            f"{agree(summary.review, 'it', 'them')} with "
            f"`casetui tui --session {shlex.quote(session.name)}`, then export again."
        )
    console.print(f"done in {time.perf_counter() - started:.1f} s")
    return conversion


def _prepare(
    session: Session,
    operator: str,
    items: dict[str, dict[str, str]],
    files: tuple[Path, Path],
    layouts: tuple[str | None, str | None],
    console: Console,
) -> Conversion:
    """Attest, load the casework and voter files, apply the suppression rules."""
    conversion = Conversion(session)
    session.set_operator(operator)
    for key, details in items.items():
        conversion.attest(key, details)
    conversion.complete_checklist()
    console.print(f"session {session.name} ({session.id}): checklist attested")

    for role, path, layout in zip(("casework", "voter"), files, layouts, strict=True):
        loaded = conversion.load(
            role, path, layout_name=layout, layout_option=f"--{role}-layout"
        )
        console.print(f"{role}: {loaded.rows:,} rows, layout {loaded.layout}")
        if loaded.report is not None:
            for line in loaded.report.lines()[1:]:
                console.print(f"  {line}")
        if loaded.scrub is not None:
            for line in loaded.scrub.lines():
                console.print(f"  scrub: {line}")
    conversion.complete_files()

    for rule in conversion.run_suppression():
        if rule.hits:
            console.print(f"suppressed by {rule.rule}: {rule.hits}")
    conversion.complete_suppression()

    return conversion


def match_files(
    *,
    casework: Path,
    voters: Path,
    out: Path,
    casework_layout: str | None,
    voter_layout: str | None,
    console: Console,
    all_pairs: bool = False,
) -> MatchResult:
    """Match two files without a session and write the scored pairs kept (every
    compared pair with `all_pairs`) to `out` (CSV, or Parquet when the name ends
    in .parquet); return the result.

    The file holds ids, scores, bands and reasons only, never a name or an
    address. Raises InputError or LayoutError for files that cannot be read,
    and InputError, before any is read, for an `out` that cannot be written."""
    _check_pairs_file(out)
    started = time.perf_counter()
    frames = {}
    for kind, path, forced in (
        ("casework", casework, casework_layout),
        ("voter", voters, voter_layout),
    ):
        loaded = load_file(path, kind, forced, layout_option=f"--{kind}-layout")
        require_rows(loaded, path)
        frames[kind] = loaded.frame
        report = loaded.report
        console.print(
            f"{kind}: {frames[kind].height:,} rows, layout {loaded.layout.name}; "
            f"values repaired {report.repaired:,}, flagged {report.flagged:,}, "
            f"rows held {report.rows_held:,}"
        )
        del loaded  # its raw table would live on through the match
    check_unique_cases(frames["casework"], casework)

    # Handed over, not kept: match() can let the raw voter rows go once their
    # normal forms exist.
    result = match(frames.pop("casework"), frames.pop("voter"), keep_all=all_pairs)
    pairs = pair_table(result)
    make_out_folder(out.parent)
    if out.suffix.lower() == ".parquet":
        buffer = io.BytesIO()
        pairs.write_parquet(buffer)
        data = buffer.getvalue()
    else:
        data = pairs.write_csv().encode()
    try:
        write_private(out, data)
    except OSError as exc:
        raise InputError(
            "Cannot write the pairs file",
            f"{out} could not be written ({exc.strerror}); choose another --out.",
        ) from exc
    stats = result.stats
    console.print(
        f"match: {stats['band_accept']:,} accepted, {stats['band_review']:,} for "
        f"review, {stats['band_reject']:,} no match; {pairs.height:,} pairs written "
        f"to {out} in {time.perf_counter() - started:.1f} s"
    )
    if result.weights is not None:
        console.print(f"weights: {result.weights.note}")
    return result


def _check_pairs_file(out: Path) -> None:
    """Raise InputError unless `out` names a .csv or .parquet file that can be
    written: the suffix says the format, so any other would be a guess."""
    if out.suffix.lower() not in PAIRS_SUFFIXES:
        raise InputError(
            "Pairs file type",
            f"{out.name}: name the pairs file .csv or .parquet; the name says "
            "which format is written.",
        )
    if out.is_dir():
        raise InputError(
            "Cannot write the pairs file",
            f"{out} is a folder; name a file in it, e.g. pairs.csv.",
        )
    check_out_folder(out.parent)
