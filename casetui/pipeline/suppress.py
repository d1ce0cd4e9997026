"""Suppression: the cases that must not reach a campaign file, and why.

Each rule yields hits (case_id, rule, detail). The detail names a category, an
outcome, a codebook keyword or how the suppression list matched, never a personal
value. A case with several hits stays out until every one of them is overridden.
An operator may override a hit with a reason, except for the two category rules:
a sensitive or unknown category stays out of every export whatever the override
says (the export enforces that too), and the fix for an unknown one is to add it
to the codebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from casetui.errors import InputError
from casetui.pipeline.ingest import read_table
from casetui.pipeline.layouts import mapping_from

if TYPE_CHECKING:
    from casetui.pipeline.codebook import Codebook

RULES: dict[str, str] = {
    "sensitive_category": "Category the codebook marks sensitive: never exported",
    "unknown_category": "Category not in the codebook: add it there to decide",
    "negative_outcome": "Status or outcome the codebook counts as negative",
    "deceased": "Constituent marked deceased in the casework export",
    "do_not_contact": "Marked do-not-contact, do-not-mail or opted out in the export",
    "keyword_rule": "Case subject holds a word from a codebook keyword rule",
    "opt_out_list": "On the suppression list (case id, email, phone, name and address)",
}
NOT_OVERRIDABLE = frozenset({"sensitive_category", "unknown_category"})

HIT_SCHEMA = pl.Schema({"case_id": pl.Utf8, "rule": pl.Utf8, "detail": pl.Utf8})
_HIT_COLUMNS = list(HIT_SCHEMA.names())
_DETAIL_MAX = 60  # a CRM category is a short label; anything longer is cut


def _empty_hits() -> pl.DataFrame:
    return pl.DataFrame(schema=HIT_SCHEMA)


def _text(cases: pl.DataFrame, column: str) -> pl.Expr:
    """The column as stripped text, or nulls when the export lacks it."""
    if column not in cases.columns:
        return pl.lit(None, dtype=pl.Utf8)
    return pl.col(column).cast(pl.Utf8).str.strip_chars()


def _flag(cases: pl.DataFrame, column: str) -> pl.Expr:
    if column not in cases.columns:
        return pl.lit(False)
    return pl.col(column).cast(pl.Boolean, strict=False).fill_null(False)


def _category_hits(cases: pl.DataFrame, codebook: Codebook) -> pl.DataFrame:
    raw = cases.select("case_id", _text(cases, "category").alias("raw"))
    rows = []
    for value in raw["raw"].unique().to_list():
        category = codebook.category(value) if value else None
        if category is None:
            label = (value or "(blank)")[:_DETAIL_MAX]
            rows.append((value, "unknown_category", label))
        elif category.sensitive:
            rows.append((value, "sensitive_category", category.name))
    lookup = pl.DataFrame(
        rows, schema={"raw": pl.Utf8, "rule": pl.Utf8, "detail": pl.Utf8}, orient="row"
    )
    return raw.join(lookup, on="raw", how="inner", nulls_equal=True).select(
        _HIT_COLUMNS
    )


def _negative_hits(cases: pl.DataFrame, codebook: Codebook) -> pl.DataFrame:
    pairs = cases.select(
        "case_id",
        _text(cases, "status").alias("status"),
        _text(cases, "outcome").alias("outcome"),
    )
    rows = []
    for status, outcome in pairs.select("status", "outcome").unique().iter_rows():
        if codebook.is_negative(status, outcome):
            named = outcome if codebook.is_negative(None, outcome) else status
            rows.append((status, outcome, (named or "")[:_DETAIL_MAX]))
    lookup = pl.DataFrame(
        rows,
        schema={"status": pl.Utf8, "outcome": pl.Utf8, "detail": pl.Utf8},
        orient="row",
    )
    hits = pairs.join(lookup, on=["status", "outcome"], how="inner", nulls_equal=True)
    return hits.select(
        "case_id", pl.lit("negative_outcome").alias("rule"), "detail"
    ).cast(HIT_SCHEMA)


def _flag_hits(cases: pl.DataFrame, column: str, detail: str) -> pl.DataFrame:
    return cases.filter(_flag(cases, column)).select(
        pl.col("case_id").cast(pl.Utf8),
        pl.lit(column).alias("rule"),
        pl.lit(detail).alias("detail"),
    )


def _person_keys(frame: pl.DataFrame) -> list[tuple[str, pl.Expr]]:
    """Comparable keys for opt-out matching: (how, expression), null when absent."""

    def alnum(column: str) -> pl.Expr:
        return _text(frame, column).str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")

    digits = _text(frame, "phone").str.replace_all(r"\D", "").str.slice(-10)
    zip5 = _text(frame, "zip5").str.slice(0, 5)
    name_zip = pl.concat_str(
        [alnum("first_name"), alnum("last_name"), zip5], separator="|"
    )
    name_street = pl.concat_str(
        [alnum("first_name"), alnum("last_name"), alnum("street")], separator="|"
    )
    return [
        ("case id", _text(frame, "case_id")),
        ("phone", pl.when(digits.str.len_chars() == 10).then(digits)),
        ("email", _text(frame, "email").str.to_lowercase()),
        ("name and address", name_street),
        ("name and zip", name_zip),
    ]


def _opt_out_hits(cases: pl.DataFrame, opt_out: pl.DataFrame) -> pl.DataFrame:
    found = []
    case_keys = dict(_person_keys(cases))
    for how, expr in _person_keys(opt_out):
        wanted = opt_out.select(expr.alias("key")).drop_nulls().unique()
        if wanted.is_empty():
            continue
        matched = cases.select("case_id", case_keys[how].alias("key")).join(
            wanted, on="key", how="semi"
        )
        found.append(
            matched.select(
                pl.col("case_id").cast(pl.Utf8),
                pl.lit("opt_out_list").alias("rule"),
                pl.lit(f"matched by {how}").alias("detail"),
            )
        )
    if not found:
        return _empty_hits()
    # one hit per case: the first way it matched (case id, phone, email, name)
    return pl.concat(found).unique(subset="case_id", keep="first", maintain_order=True)


OPT_OUT_FIELDS = ("case_id", "first_name", "last_name", "street", "zip5", "phone",
                  "email")  # fmt: skip


def _keyword_hits(cases: pl.DataFrame, codebook: Codebook) -> pl.DataFrame:
    """One hit per case whose subject holds a keyword: the first rule that fires."""
    if not codebook.keywords or "subject" not in cases.columns:
        return _empty_hits()
    subjects = cases.select("case_id", _text(cases, "subject").alias("subject"))
    rows = []
    for subject in subjects["subject"].drop_nulls().unique().to_list():
        for rule in codebook.keywords:
            word = rule.first_match(subject)
            if word is not None:
                rows.append((subject, f"{rule.name}: {word}"[:_DETAIL_MAX]))
                break
    lookup = pl.DataFrame(
        rows, schema={"subject": pl.Utf8, "detail": pl.Utf8}, orient="row"
    )
    return subjects.join(lookup, on="subject", how="inner").select(
        "case_id", pl.lit("keyword_rule").alias("rule"), "detail"
    )


def read_opt_out(path: Path) -> pl.DataFrame:
    """Read a suppression list (CSV, XLSX...: case ids, or people who asked not
    to be contacted) into case_id, first_name, last_name, street, zip5, phone and
    email, by header similarity.

    Raises InputError when the file cannot be read or has no column to match
    by (a case id, a phone, an email, or first and last name with a street
    address or a ZIP code)."""
    table = read_table(path)
    mapping = mapping_from(list(table.frame.columns), "casework")
    found = {f: h for f in OPT_OUT_FIELDS if (h := mapping.get(f))}
    named = {"first_name", "last_name"} <= set(found)
    by_name = named and bool({"zip5", "street"} & set(found))
    if not (by_name or {"case_id", "phone", "email"} & set(found)):
        raise InputError(
            "Suppression list unusable",
            f"{path.name}: no column to match by. It needs a case id, a phone, "
            "an email, or first and last name with a street address or a ZIP "
            "code.",
        )
    return table.frame.select(
        pl.col(found[f]).alias(f) if f in found else pl.lit(None, pl.Utf8).alias(f)
        for f in OPT_OUT_FIELDS
    )


def find_suppressions(
    cases: pl.DataFrame, codebook: Codebook, opt_out: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Return one row per (case_id, rule) hit with columns case_id, rule, detail,
    sorted by case and in RULES order.

    `opt_out` holds people who asked not to be contacted, with any of the columns
    first_name, last_name, zip5, phone, email. A missing flag or status column in
    the cases means that rule finds nothing. Raises InputError when the cases have
    no case_id column."""
    if "case_id" not in cases.columns:
        raise InputError(
            "No case ids",
            "The casework has no case_id column; map one in the file's layout.",
        )
    cases = cases.with_columns(pl.col("case_id").cast(pl.Utf8))
    parts = [
        _category_hits(cases, codebook),
        _negative_hits(cases, codebook),
        _flag_hits(cases, "deceased", "deceased flag"),
        _flag_hits(cases, "do_not_contact", "do-not-contact flag"),
        _keyword_hits(cases, codebook),
    ]
    if opt_out is not None and opt_out.height:
        parts.append(_opt_out_hits(cases, opt_out))
    order = {rule: i for i, rule in enumerate(RULES)}
    hits = pl.concat([p.select(_HIT_COLUMNS).cast(HIT_SCHEMA) for p in parts])
    return (
        hits.unique(subset=["case_id", "rule"], keep="first", maintain_order=True)
        .with_columns(pl.col("rule").replace_strict(order).alias("_order"))
        .sort("case_id", "_order")
        .drop("_order")
    )


def suppressed_case_ids(
    hits: pl.DataFrame, overrides: dict[tuple[str, str], str]
) -> set[str]:
    """Return the ids of cases kept out: those with a hit that has no override, and
    every sensitive or unknown category hit whatever the overrides say."""
    kept_out = set()
    for case_id, rule in hits.select("case_id", "rule").iter_rows():
        if rule in NOT_OVERRIDABLE or (case_id, rule) not in overrides:
            kept_out.add(case_id)
    return kept_out
