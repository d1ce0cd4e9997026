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
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from casetui.errors import InputError
from casetui.pipeline import spreadsheet

if TYPE_CHECKING:
    from casetui.pipeline.codebook import Codebook

TARGETS = {
    "ngpvan": "NGP VAN activist-code upload",
    "nationbuilder": "NationBuilder people import",
    "ecanvasser": "eCanvasser contact sheet",
    "csv": "Plain CSV of linked cases",
}
FILE_NAMES = {
    "ngpvan": "ngpvan-activist-codes.csv",
    "nationbuilder": "nationbuilder-people.csv",
    "ecanvasser": "ecanvasser-contacts.csv",
    "csv": "linked-cases.csv",
}
MANIFEST = "manifest.json"


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
            rows.append((value, category.name, category.tag, category.activist_code))
    return pl.DataFrame(
        rows,
        schema={"raw_category": pl.Utf8, "category": pl.Utf8, "tag": pl.Utf8,
                "activist_code": pl.Utf8},
        orient="row",
    )  # fmt: skip


def exportable(req: ExportRequest) -> tuple[pl.DataFrame, dict[str, int]]:
    """Return the links allowed out (one row per case: case_id, voter_id, score,
    decided_by, category, tag, activist_code, date, email) and, by reason, how
    many links were held back."""
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
    return allowed.drop("raw_category"), held


def _voter_fields(voters: pl.DataFrame) -> pl.DataFrame:
    zip5, zip4 = _text(voters, "zip5"), _text(voters, "zip4")
    return voters.select(
        _text(voters, "voter_id"),
        _text(voters, "first_name"),
        _text(voters, "last_name"),
        _text(voters, "street"),
        _text(voters, "unit"),
        _text(voters, "city"),
        _text(voters, "state"),
        pl.when(zip4.is_not_null() & (zip4 != ""))
        .then(pl.concat_str([zip5, zip4], separator="-"))
        .otherwise(zip5)
        .alias("zip"),
        _text(voters, "phone"),
    ).unique(subset="voter_id", keep="first")


def _people(links: pl.DataFrame, voters: pl.DataFrame) -> pl.DataFrame:
    """One row per linked voter with their tags and an opted-in email; voters
    missing from the voter frame are left out (nothing to import them by)."""
    per_voter = links.group_by("voter_id", maintain_order=True).agg(
        pl.col("tag").drop_nulls().unique().sort().str.join(",").alias("tags"),
        pl.col("email").drop_nulls().first().alias("email"),
    )
    people = per_voter.join(_voter_fields(voters), on="voter_id", how="inner")
    return people.sort("voter_id")


def _ngpvan(links: pl.DataFrame, voters: pl.DataFrame) -> pl.DataFrame:
    return (
        links.filter(pl.col("activist_code").is_not_null())
        .group_by("voter_id", "activist_code")
        .agg(pl.col("date").max())
        .sort("voter_id", "activist_code")
        .select(
            pl.col("voter_id").alias("VANID"),
            pl.col("activist_code").alias("ActivistCode"),
            pl.col("date").dt.strftime("%m/%d/%Y").alias("DateCanvassed"),
        )
    )


def _nationbuilder(links: pl.DataFrame, voters: pl.DataFrame) -> pl.DataFrame:
    return _people(links, voters).select(
        "first_name", "last_name",
        pl.col("street").alias("address1"), pl.col("unit").alias("address2"),
        "city", "state", "zip", "phone", "email",
        pl.col("tags").alias("tag_list"), pl.col("voter_id").alias("external_id"),
    )  # fmt: skip


def _ecanvasser(links: pl.DataFrame, voters: pl.DataFrame) -> pl.DataFrame:
    return _people(links, voters).select(
        pl.col("first_name").alias("First Name"),
        pl.col("last_name").alias("Last Name"),
        pl.concat_str(["street", "unit"], separator=" ", ignore_nulls=True)
        .alias("Address"),
        pl.col("city").alias("City"), pl.col("state").alias("State"),
        pl.col("zip").alias("Zip"), pl.col("phone").alias("Phone"),
        pl.col("email").alias("Email"), pl.col("tags").alias("Tags"),
    )  # fmt: skip


def _plain(links: pl.DataFrame, voters: pl.DataFrame) -> pl.DataFrame:
    return links.select(
        "case_id", "voter_id", "category", "tag", "activist_code",
        pl.col("score").round(4), "decided_by",
    )  # fmt: skip


_BUILDERS = {
    "ngpvan": _ngpvan,
    "nationbuilder": _nationbuilder,
    "ecanvasser": _ecanvasser,
    "csv": _plain,
}


def write_private(path: Path, data: bytes) -> str:
    """Write `data` to `path` with mode 0600 (atomically) and return its sha256."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


def write_exports(req: ExportRequest) -> list[Path]:
    """Write each chosen target and manifest.json into `req.out_dir` (files 0600)
    and return the paths written, manifest last.

    Raises InputError for an unknown target or an out_dir that cannot be written."""
    unknown = [t for t in req.targets if t not in TARGETS]
    if unknown:
        raise InputError(
            "Unknown export target",
            f"{', '.join(unknown)}: choose from {', '.join(TARGETS)}.",
        )
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
        frame = _BUILDERS[target](links, req.voters)
        neutralised = None
        if target in spreadsheet.SPREADSHEET_TARGETS:
            frame, neutralised = spreadsheet.neutralise(frame)
        path = req.out_dir / FILE_NAMES[target]
        try:
            digest = write_private(path, frame.write_csv().encode("utf-8"))
        except OSError as exc:
            raise InputError(
                "Cannot write exports",
                f"{path} could not be written ({exc.strerror}); choose another "
                "output folder.",
            ) from exc
        outputs[target] = {"file": path.name, "rows": frame.height, "sha256": digest}
        if neutralised is not None:
            outputs[target]["formulas_neutralised"] = neutralised
        written.append(path)

    manifest = {
        **req.manifest,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "exported_cases": links.height,
        "held_back": held,
        "exports": outputs,
        "spreadsheet_safety": spreadsheet.RULE,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"
    write_private(req.out_dir / MANIFEST, text.encode("utf-8"))
    written.append(req.out_dir / MANIFEST)
    return written
