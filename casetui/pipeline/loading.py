"""Reading a whole file through its layout: the one path the wizard, `casetui
inspect`, `casetui run` and `casetui match` share.

A file is first peeked at (a few hundred rows) to find its layout, including the
layouts of files without a header row; then read whole (a voter file only for the
columns its layout maps), mapped, and described in a LoadReport.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from casetui.errors import InputError
from casetui.pipeline import values
from casetui.pipeline.ingest import Table, peek_records, read_table
from casetui.pipeline.layouts import (
    Layout,
    check_headerless,
    choose_layout,
    columns_read,
    detect_headerless,
    detect_layout,
    mapped_headers,
)
from casetui.pipeline.mapping import map_table
from casetui.pipeline.report import LoadReport
from casetui.pipeline.values import Finding

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
PREVIEW_ROWS = 200
# A row without these cannot be decided on or exported: held out, listed by row.
HELD_WITHOUT = {"casework": "case_id", "voter": "voter_id"}
MAP_SLICE = 250_000  # rows mapped at a time


class LoadCancelled(InputError):
    """The operator stopped a load; nothing was stored."""


@dataclass
class Peek:
    """The first rows of a file and the layout they fit (None when none does)."""

    table: Table
    layout: Layout | None
    score: float
    records: list[list[str]] = field(default_factory=list)
    """The first records as written, for checking a layout without a header."""

    @property
    def headers(self) -> list[str]:
        return list(self.table.frame.columns)


@dataclass
class LoadResult:
    """A file read whole and mapped to canonical fields."""

    frame: pl.DataFrame
    table: Table
    layout: Layout
    report: LoadReport
    mapped: dict[str, list[str]]
    """Canonical field -> the file's headers that fill it."""


def peek(path: Path, kind: str, rows: int = PREVIEW_ROWS) -> Peek:
    """Read the first `rows` rows and find the layout. Raises InputError when
    the file cannot be read."""
    _delimiter, records = peek_records(path)
    headerless = detect_headerless(records, kind)
    if headerless is not None:
        table = read_table(path, max_rows=rows, names=list(headerless.columns))
        return Peek(table, headerless, 1.0, records)
    table = read_table(path, max_rows=rows)
    layout, score = detect_layout(list(table.frame.columns), kind)
    return Peek(table, layout, score, records)


def load_file(
    path: Path,
    kind: str,
    layout_name: str | None = None,
    layout: Layout | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    layout_option: str | None = None,
) -> LoadResult:
    """Read `path` whole through a layout (the one given, the one named, or the
    one detected) and return the canonical frame with its load report.
    `layout_option` is the command's option that names a layout, for the advice
    when none fits.

    Raises InputError or LayoutError naming the file (and row or column) when it
    cannot be read or fits no layout, and LoadCancelled when `cancelled()` turns
    true between stages.
    """

    def stage(name: str, fraction: float) -> None:
        if cancelled is not None and cancelled():
            raise LoadCancelled("Load cancelled", f"{path.name}: nothing was stored.")
        if progress is not None:
            progress(name, fraction)

    stage("looking at the first rows", 0.0)
    first = peek(path, kind)
    if layout is None:
        if layout_name is None and first.layout is not None:
            layout = first.layout
        else:
            layout = choose_layout(
                first.headers, kind, layout_name, path, layout_option
            )
    if not layout.has_header:
        check_headerless(first.records, layout, path)
    names = None if layout.has_header else list(layout.columns)
    headers = first.headers if layout.has_header else list(layout.columns)
    # A voter file is read for its mapped columns only; casework whole, so the
    # scrub report can say what it dropped.
    wanted = columns_read(headers, layout) if kind == "voter" else None

    stage("reading the file", 0.1)
    table = read_table(path, columns=wanted, names=names)
    stage("mapping columns and checking values", 0.6)
    rows, read, width = table.row_numbers(), table.frame.height, table.frame.width
    # The raw rows are let go slice by slice as they are mapped, so a voter file
    # is not held twice; the report keeps their counts only.
    slices = _cut(table.frame)
    table = replace(table, frame=table.frame.clear(), rows=rows)
    frame, findings = _map_in_slices(slices, rows, layout, path)
    frame, held = _hold(frame, kind, rows)
    if held is not None:
        findings.insert(0, held)
    stage("done", 1.0)

    report = LoadReport(
        file=path.name,
        encoding=table.encoding,
        delimiter=table.delimiter,
        layout=layout.name,
        rows_read=read,
        rows_held=held.count if held else 0,
        columns_read=width,
        columns_dropped=list(table.dropped),
        columns_unused=len(set(headers) - columns_read(headers, layout)),
        notes=list(table.notes),
        findings=findings,
    )
    log.info(
        "loaded %s: rows=%d held=%d repaired=%d flagged=%d",
        kind,
        report.rows_read,
        report.rows_held,
        report.repaired,
        report.flagged,
    )
    return LoadResult(frame, table, layout, report, mapped_headers(headers, layout))


def require_rows(result: LoadResult, path: Path) -> None:
    """Raise InputError when the file gave no row to work with: a header only,
    or every row held out for want of an id. Every command refuses such a file
    alike; an empty match or export would look like a result."""
    if result.frame.height:
        return
    if result.report.rows_read == 0:
        raise InputError(
            "No rows", f"{path.name} has a header but no rows. Export the file again."
        )
    raise InputError(
        "No rows",
        f"{path.name}: none of its {result.report.rows_read:,} rows has a "
        f"{HELD_WITHOUT[result.layout.kind]}, so none can be used. Check the "
        "column mapped to it (`casetui inspect`).",
    )


def _cut(frame: pl.DataFrame) -> list[pl.DataFrame]:
    """`frame` in slices of MAP_SLICE rows; one empty slice for an empty frame,
    which maps to an empty canonical frame."""
    starts = range(0, max(frame.height, 1), MAP_SLICE)
    return [frame.slice(start, MAP_SLICE) for start in starts]


def _map_in_slices(
    slices: list[pl.DataFrame], rows: pl.Series, layout: Layout, path: Path
) -> tuple[pl.DataFrame, list[Finding]]:
    """map_table over slices of MAP_SLICE rows, emptying `slices` as it goes:
    the working columns take a slice's memory, not a whole voter file's, and
    each raw slice is freed once mapped. Findings are summed by kind."""
    frames: list[pl.DataFrame] = []
    findings: dict[tuple[str, str, bool], Finding] = {}
    start = 0
    while slices:
        raw = slices.pop(0)
        frame, found = map_table(raw, layout, path, rows.slice(start, raw.height))
        start += raw.height
        del raw
        frames.append(frame)
        for each in found:
            key = (each.field, each.what, each.repaired)
            if key in findings:
                seen = findings[key]
                seen.count += each.count
                seen.rows = (seen.rows + each.rows)[: values.ROWS_KEPT]
            else:
                findings[key] = each
    return pl.concat(frames, rechunk=False), list(findings.values())


def _hold(
    frame: pl.DataFrame, kind: str, rows: pl.Series
) -> tuple[pl.DataFrame, Finding | None]:
    """Take out the rows without an id, and say which they were."""
    column = HELD_WITHOUT[kind]
    missing = frame[column].is_null()
    count = int(missing.sum())
    if not count:
        return frame, None
    numbers = rows.filter(missing).head(10).to_list()
    finding = Finding(column, "no id: row held out of the load", False, count, numbers)
    return frame.filter(~missing), finding
