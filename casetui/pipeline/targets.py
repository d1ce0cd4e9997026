"""The export targets: one builder per destination, each turning the exportable
links (one row per case, already cleared of everything that must stay out) and
the linked voters into the table that destination imports. docs/exports.md lists
every column; a test reads that page and checks the files against it.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from casetui.errors import InputError

TARGETS = {
    "ngpvan": "NGP VAN activist-code upload",
    "nationbuilder": "NationBuilder people import",
    "ecanvasser": "eCanvasser contact sheet",
    "csv": "Plain CSV of linked cases",
    "parquet": "Parquet of linked cases",
    "report_card": "Report card: people by what was delivered",
}
DEFAULT_TARGETS = ("ngpvan", "nationbuilder", "ecanvasser", "csv", "report_card")
FILE_NAMES = {
    "ngpvan": "ngpvan-activist-codes.csv",
    "nationbuilder": "nationbuilder-people.csv",
    "ecanvasser": "ecanvasser-contacts.csv",
    "csv": "linked-cases.csv",
    "parquet": "linked-cases.parquet",
    "report_card": "report-card.csv",
}
# Targets whose file is split into numbered parts past the size limit.
SPLIT_TARGETS = frozenset({"nationbuilder"})

NGPVAN_COLUMNS = ("VANID", "ActivistCode", "ActivistCodeID", "DateCanvassed")
NGPVAN_DEFAULT = ("VANID", "ActivistCode", "DateCanvassed")


def check_ngpvan_columns(columns: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Return the NGP VAN columns in file order (VANID first).

    Raises InputError for an unknown column, no VANID, or no activist code
    column (name or id)."""
    unknown = [c for c in columns if c not in NGPVAN_COLUMNS]
    if unknown:
        raise InputError(
            "Unknown NGP VAN column",
            f"{', '.join(unknown)}: choose from {', '.join(NGPVAN_COLUMNS)}.",
        )
    if "VANID" not in columns:
        raise InputError(
            "VANID needed", "The NGP VAN upload needs its VANID column; add it."
        )
    if not {"ActivistCode", "ActivistCodeID"} & set(columns):
        raise InputError(
            "Activist code needed",
            "The NGP VAN upload needs ActivistCode or ActivistCodeID (or both).",
        )
    return tuple(c for c in NGPVAN_COLUMNS if c in columns)


def _voter_fields(voters: pl.DataFrame) -> pl.DataFrame:
    def text(column: str) -> pl.Expr:
        if column not in voters.columns:
            return pl.lit(None, dtype=pl.Utf8).alias(column)
        return pl.col(column).cast(pl.Utf8).str.strip_chars().alias(column)

    zip5, zip4 = text("zip5"), text("zip4")
    return voters.select(
        text("voter_id"), text("first_name"), text("last_name"), text("street"),
        text("unit"), text("city"), text("state"),
        pl.when(zip4.is_not_null() & (zip4 != ""))
        .then(pl.concat_str([zip5, zip4], separator="-"))
        .otherwise(zip5)
        .alias("zip"),
        text("phone"),
    ).unique(subset="voter_id", keep="first")  # fmt: skip


def _people(links: pl.DataFrame, voters: pl.DataFrame) -> pl.DataFrame:
    """One row per linked voter with their tags and an opted-in email; voters
    missing from the voter frame are left out (nothing to import them by)."""
    per_voter = links.group_by("voter_id", maintain_order=True).agg(
        pl.col("tag").drop_nulls().unique().sort().str.join(",").alias("tags"),
        pl.col("email").drop_nulls().first().alias("email"),
    )
    people = per_voter.join(_voter_fields(voters), on="voter_id", how="inner")
    return people.sort("voter_id")


def _address() -> pl.Expr:
    return pl.concat_str(["street", "unit"], separator=" ", ignore_nulls=True)


def ngpvan(
    links: pl.DataFrame, voters: pl.DataFrame, columns: tuple[str, ...]
) -> pl.DataFrame:
    """One row per voter and activist code, the chosen columns, VANID first."""
    wanted = []
    if "ActivistCode" in columns:
        wanted.append(pl.col("activist_code").is_not_null())
    if "ActivistCodeID" in columns:
        wanted.append(pl.col("activist_code_id").is_not_null())
    rows = (
        links.filter(pl.any_horizontal(wanted))
        .group_by("voter_id", "activist_code", "activist_code_id")
        .agg(pl.col("date").max())
        .sort("voter_id", "activist_code", "activist_code_id", nulls_last=True)
    )
    named = {
        "VANID": pl.col("voter_id"),
        "ActivistCode": pl.col("activist_code"),
        "ActivistCodeID": pl.col("activist_code_id"),
        "DateCanvassed": pl.col("date").dt.strftime("%m/%d/%Y"),
    }
    return rows.select(named[c].alias(c) for c in columns)


def nationbuilder(links: pl.DataFrame, voters: pl.DataFrame) -> pl.DataFrame:
    """One row per voter in NationBuilder's people-import columns."""
    return _people(links, voters).select(
        "first_name", "last_name",
        pl.col("street").alias("address1"), pl.col("unit").alias("address2"),
        "city", "state", "zip", "phone", "email",
        pl.when(pl.col("email").is_not_null()).then(pl.lit("true"))
        .alias("email_opt_in"),
        pl.col("tags").alias("tag_list"), pl.col("voter_id").alias("external_id"),
    )  # fmt: skip


def ecanvasser(links: pl.DataFrame, voters: pl.DataFrame) -> pl.DataFrame:
    """One row per voter in eCanvasser's contact-import columns."""
    return _people(links, voters).select(
        pl.col("first_name").alias("First Name"),
        pl.col("last_name").alias("Last Name"),
        _address().alias("Address"),
        pl.col("city").alias("City"), pl.col("state").alias("State"),
        pl.col("zip").alias("Zip"), pl.col("phone").alias("Phone"),
        pl.col("email").alias("Email"), pl.col("tags").alias("Tags"),
    )  # fmt: skip


def linked_cases(links: pl.DataFrame, voters: pl.DataFrame) -> pl.DataFrame:
    """One row per exported case: ids, category, codes, score, who decided."""
    return links.select(
        "case_id", "voter_id", "category", "tag", "activist_code",
        pl.col("score").round(4), "decided_by",
        pl.col("date").dt.strftime("%Y-%m-%d").alias("case_date"),
        pl.col("stale").alias("stale_address"),
    )  # fmt: skip


def report_card(links: pl.DataFrame, voters: pl.DataFrame) -> pl.DataFrame:
    """The people to thank first, grouped by what the office delivered: one row
    per voter and category label, sorted by label, then last and first name."""
    per_label = links.group_by("voter_id", "label").agg(
        pl.len().alias("cases"),
        pl.col("date").max().dt.strftime("%Y-%m-%d").alias("latest_case"),
        pl.col("stale").all().alias("stale_address"),
    )
    people = per_label.join(_voter_fields(voters), on="voter_id", how="inner")
    return people.sort("label", "last_name", "first_name", "voter_id").select(
        pl.col("label").alias("delivered"),
        "first_name", "last_name", _address().alias("address"), "city", "state",
        "zip", "phone", "cases", "latest_case", "stale_address", "voter_id",
    )  # fmt: skip


Builder = Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]

BUILDERS: dict[str, Builder] = {
    "nationbuilder": nationbuilder,
    "ecanvasser": ecanvasser,
    "csv": linked_cases,
    "parquet": linked_cases,
    "report_card": report_card,
}
