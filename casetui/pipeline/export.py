"""Export: the campaign import files and the manifest that says how they were made.

Every target is built from one frame of exportable links, and that frame is where
the hard rule lives: a suppressed case, a case whose category is sensitive or
unknown to the codebook, or a link without a voter never produces a row, whatever
the caller passed in. Names, addresses and phones come from the voter file (the
campaign's own data), never from the casework record; an email only travels where
the case carries an opt-in.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from casetui.errors import InputError
from casetui.pipeline import spreadsheet
from casetui.pipeline.summary import summary_markdown
from casetui.pipeline.targets import (
    BUILDERS,
    FILE_NAMES,
    NGPVAN_DEFAULT,
    SPLIT_TARGETS,
    TARGETS,
    check_ngpvan_columns,
    ngpvan,
)

if TYPE_CHECKING:
    from casetui.pipeline.codebook import Codebook

MANIFEST = "manifest.json"
SUMMARY = "summary.md"
PART_LIMIT = 20_000_000  # bytes: NationBuilder refuses bigger import files
STALE_DAYS = 730  # a case older than this likely has a stale address


@dataclass(frozen=True)
class ExportOptions:
    """How the files are shaped: the NGP VAN columns, the size past which a
    NationBuilder file is split, the age that flags an address as stale, and the
    links a previous session exported already (case_id, voter_id, category), which
    a sync session leaves out."""

    ngpvan_columns: tuple[str, ...] = NGPVAN_DEFAULT
    part_limit: int = PART_LIMIT
    stale_days: int = STALE_DAYS
    today: date | None = None
    exported_before: pl.DataFrame | None = None


@dataclass
class ExportRequest:
    out_dir: Path
    targets: list[str]
    cases: pl.DataFrame  # canonical scrubbed cases
    voters: pl.DataFrame  # canonical voters (the linked ones suffice)
    links: pl.DataFrame  # case_id, voter_id, score, decided_by
    suppressed: set[str]  # case ids that must not appear
    codebook: Codebook
    manifest: dict[str, Any] = field(default_factory=dict)
    options: ExportOptions = field(default_factory=ExportOptions)


def _text(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column not in frame.columns:
        return pl.lit(None, dtype=pl.Utf8).alias(column)
    return pl.col(column).cast(pl.Utf8).str.strip_chars().alias(column)


def _date(column: str) -> pl.Expr:
    """ISO (with or without a time) or US month/day/year text as a Date."""
    text = pl.col(column)
    return pl.coalesce(
        text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
        text.str.extract(r"^(\d{1,2}/\d{1,2}/\d{4})").str.to_date(
            "%m/%d/%Y", strict=False
        ),
    )


def _category_table(raw: pl.Series, codebook: Codebook) -> pl.DataFrame:
    """The known, non-sensitive categories among `raw`, with tag and activist code."""
    rows = []
    for value in raw.drop_nulls().unique().to_list():
        category = codebook.category(value)
        if category is not None and not category.sensitive:
            code, code_id = category.activist_code, category.activist_code_id
            rows.append(
                (value, category.name, category.label, category.tag, code, code_id)
            )
    return pl.DataFrame(
        rows,
        schema={"raw_category": pl.Utf8, "category": pl.Utf8, "label": pl.Utf8,
                "tag": pl.Utf8, "activist_code": pl.Utf8,
                "activist_code_id": pl.Utf8},
        orient="row",
    )  # fmt: skip


def exportable(req: ExportRequest) -> tuple[pl.DataFrame, dict[str, int]]:
    """Return the links allowed out (one row per case: case_id, voter_id, score,
    decided_by, date, email, category, label, tag, activist_code,
    activist_code_id, stale) and, by reason, how many links were held back."""
    links = req.links.select(
        _text(req.links, "case_id"), _text(req.links, "voter_id"),
        pl.col("score").cast(pl.Float64) if "score" in req.links.columns
        else pl.lit(None, dtype=pl.Float64).alias("score"),
        _text(req.links, "decided_by"),
    ).unique(subset="case_id", keep="first", maintain_order=True)  # fmt: skip
    held: dict[str, int] = {}

    def keep(frame: pl.DataFrame, condition: pl.Expr, reason: str) -> pl.DataFrame:
        kept = frame.filter(condition)
        held[reason] = frame.height - kept.height
        return kept

    links = keep(links, pl.col("voter_id").fill_null("") != "", "no_voter")
    links = keep(links, ~pl.col("case_id").is_in(list(req.suppressed)), "suppressed")
    cases = req.cases.select(
        _text(req.cases, "case_id"),
        _text(req.cases, "category").alias("raw_category"),
        pl.coalesce(
            [_date(c) for c in ("closed", "opened") if c in req.cases.columns]
            or [pl.lit(None, dtype=pl.Date)]
        ).alias("date"),
        pl.when(
            pl.col("email_opt_in").cast(pl.Boolean, strict=False).fill_null(False)
            if "email_opt_in" in req.cases.columns
            else pl.lit(False)
        )
        .then(_text(req.cases, "email"))
        .alias("email"),
    )
    joined = links.join(cases, on="case_id", how="left")
    categories = _category_table(cases["raw_category"], req.codebook)
    with_category = joined.join(categories, on="raw_category", how="left")
    allowed = keep(
        with_category, pl.col("category").is_not_null(), "category_not_exportable"
    )
    before = req.options.exported_before
    if before is not None:
        seen = before.select(
            _text(before, "case_id"), _text(before, "voter_id"),
            _text(before, "category"), pl.lit(True).alias("_seen"),
        ).unique()  # fmt: skip
        allowed = keep(
            allowed.join(seen, on=["case_id", "voter_id", "category"], how="left"),
            pl.col("_seen").is_null(),
            "exported_before",
        ).drop("_seen")
    today = req.options.today or date.today()
    cutoff = today - timedelta(days=req.options.stale_days)
    stale = (pl.col("date") < cutoff).fill_null(False).alias("stale")
    return allowed.drop("raw_category").with_columns(stale), held


def write_private(path: Path, data: bytes) -> str:
    """Write `data` to `path` with mode 0600 (atomically) and return its sha256."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


def check_out_folder(folder: Path) -> None:
    """Raise InputError unless `folder` is a folder this user can write into,
    or one that can be created: asked before any work, so that a long run does
    not fail at its very end."""
    try:
        existing = next(p for p in [folder, *folder.parents] if p.exists())
    except OSError as exc:
        raise _no_folder(folder, exc.strerror or "cannot be looked at") from exc
    if not existing.is_dir():
        where = "is a file" if existing == folder else f"is inside {existing}, a file"
        raise _no_folder(folder, f"it {where}, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise _no_folder(folder, f"{existing} is not writable by you")


def make_out_folder(folder: Path) -> None:
    """Create `folder` and every missing level above it owner-only (0700);
    raises InputError when it cannot be made (see check_out_folder)."""
    check_out_folder(folder)
    for level in reversed([folder, *folder.parents]):
        if level.exists():
            continue
        try:
            level.mkdir(mode=0o700)  # each new level owner-only, not just the last
        except OSError as exc:
            raise _no_folder(folder, exc.strerror or type(exc).__name__) from exc


def _no_folder(folder: Path, why: str) -> InputError:
    return InputError(
        "Cannot write there",
        f"{folder} cannot be used as the output folder: {why}. Choose another "
        "folder (a missing one is created, owner-only).",
    )


def target_files(out_dir: Path, target: str) -> list[Path]:
    """The files of `target` in `out_dir`: its file, or its numbered parts."""
    name = Path(FILE_NAMES[target])
    found = [out_dir / name] if (out_dir / name).is_file() else []
    if target in SPLIT_TARGETS:
        found += sorted(out_dir.glob(f"{name.stem}-part*{name.suffix}"))
    return found


def _csv_parts(frame: pl.DataFrame, limit: int) -> list[tuple[bytes, int]]:
    """The frame as UTF-8 CSV, split into parts of at most `limit` bytes, each
    with the header; returns (bytes, rows) per part."""
    data = frame.write_csv().encode("utf-8")
    if len(data) <= limit or frame.height <= 1:
        return [(data, frame.height)]
    parts: list[tuple[bytes, int]] = []
    start = 0
    per_part = max(1, int(frame.height * limit / len(data) * 0.98))
    while start < frame.height:
        size = per_part
        while True:
            chunk = frame.slice(start, size)
            data = chunk.write_csv().encode("utf-8")
            if len(data) <= limit or size == 1:
                break
            size = max(1, int(size * 0.9))
        parts.append((data, chunk.height))
        start += chunk.height
    return parts


def _encode(target: str, frame: pl.DataFrame, limit: int) -> list[tuple[bytes, int]]:
    if target == "parquet":
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        return [(buffer.getvalue(), frame.height)]
    if target in SPLIT_TARGETS:
        return _csv_parts(frame, limit)
    return [(frame.write_csv().encode("utf-8"), frame.height)]


def _part_name(target: str, number: int, count: int) -> str:
    name = Path(FILE_NAMES[target])
    return name.name if count == 1 else f"{name.stem}-part{number}{name.suffix}"


def _write(path: Path, data: bytes) -> str:
    try:
        return write_private(path, data)
    except OSError as exc:
        raise InputError(
            "Cannot write exports",
            f"{path} could not be written ({exc.strerror}); choose another "
            "output folder.",
        ) from exc


def write_exports(req: ExportRequest) -> list[Path]:
    """Write each chosen target, manifest.json and summary.md into `req.out_dir`
    (files 0600, UTF-8) and return the paths written, manifest and summary last.

    Raises InputError for an unknown target or NGP VAN column, or an out_dir
    that cannot be written."""
    unknown = [t for t in req.targets if t not in TARGETS]
    if unknown:
        raise InputError(
            "Unknown export target",
            f"{', '.join(unknown)}: choose from {', '.join(TARGETS)}.",
        )
    van_columns = check_ngpvan_columns(req.options.ngpvan_columns)
    try:
        req.out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise InputError(
            "Cannot write exports",
            f"{req.out_dir} could not be created ({exc.strerror}); choose another "
            "output folder.",
        ) from exc

    links, held = exportable(req)
    written: list[Path] = []
    outputs: dict[str, dict[str, Any]] = {}
    for target in req.targets:
        if target == "ngpvan":
            frame = ngpvan(links, req.voters, van_columns)
        else:
            frame = BUILDERS[target](links, req.voters)
        neutralised = None
        if target in spreadsheet.SPREADSHEET_TARGETS:
            frame, neutralised = spreadsheet.neutralise(frame)
        for old in target_files(req.out_dir, target):
            old.unlink()  # a part left from a bigger export would look current
        parts = _encode(target, frame, req.options.part_limit)
        files = []
        for number, (data, rows) in enumerate(parts, start=1):
            path = req.out_dir / _part_name(target, number, len(parts))
            digest = _write(path, data)
            files.append({"file": path.name, "rows": rows, "sha256": digest})
            written.append(path)
        outputs[target] = (
            files[0] if len(files) == 1 else {"rows": frame.height, "parts": files}
        )
        if neutralised is not None:
            outputs[target]["formulas_neutralised"] = neutralised

    manifest = {
        **req.manifest,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "exported_cases": links.height,
        "stale_addresses": {
            "older_than_days": req.options.stale_days,
            "cases": int(links["stale"].sum()),
        },
        "held_back": held,
        "ngpvan_columns": list(van_columns),
        "exports": outputs,
        "spreadsheet_safety": spreadsheet.RULE,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"
    _write(req.out_dir / MANIFEST, text.encode("utf-8"))
    _write(req.out_dir / SUMMARY, summary_markdown(manifest).encode("utf-8"))
    written += [req.out_dir / MANIFEST, req.out_dir / SUMMARY]
    return written
