"""Mapping a file's columns to canonical fields, reading its values on purpose.

Layouts (casetui.pipeline.layouts) say which header fills which field; this module
fills them: parts joined, flags read as yes/no, states as two-letter codes, and
ZIP codes, phones, dates and birth years through casetui.pipeline.values, which
repairs what is certain and flags the rest. Vectorised polars work throughout.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import polars as pl

from casetui.errors import LayoutError, where
from casetui.pipeline import values
from casetui.pipeline.layouts import (
    FLAG_FIELDS,
    KINDS,
    Layout,
    _header_keys,
    _missing_required,
    _present,
    describe_missing,
)
from casetui.pipeline.values import ROW, Finding

log = logging.getLogger(__name__)

TRUE_WORDS = ("1", "y", "yes", "true", "t", "x")
FALSE_WORDS = ("0", "n", "no", "false", "f", "")
STATE_NAMES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR",
    "california": "CA", "colorado": "CO", "connecticut": "CT", "delaware": "DE",
    "district of columbia": "DC", "florida": "FL", "georgia": "GA", "hawaii": "HI",
    "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS",
    "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS",
    "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI",
    "south carolina": "SC", "south dakota": "SD", "tennessee": "TN", "texas": "TX",
    "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "puerto rico": "PR",
    "virgin islands": "VI", "guam": "GU",
}  # fmt: skip

DATE_FIELDS = ("dob", "opened", "closed")
US_STATES = frozenset(STATE_NAMES.values()) | {"AA", "AE", "AP", "AS", "MP", "FM"}


def _text(name: str) -> pl.Expr:
    return pl.col(name).str.strip_chars().replace("", None)


def _flag(name: str) -> pl.Expr:
    word = pl.col(name).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    return (
        pl.when(word.is_in(TRUE_WORDS))
        .then(True)
        .when(word.is_in(FALSE_WORDS))
        .then(False)
        .otherwise(None)
    )


def _combined(layout: Layout, canonical: str, sources: list[str]) -> pl.Expr:
    how = layout.how(canonical)
    if canonical in FLAG_FIELDS:
        flags = [_flag(s) for s in sources]
        if how == "first":
            return pl.coalesce(flags)
        return pl.any_horizontal(flags)
    texts = [_text(s) for s in sources]
    if len(texts) == 1:
        return texts[0]
    if how == "first":
        return pl.coalesce(texts)
    joined = pl.concat_str(texts, separator=" ", ignore_nulls=True)
    return pl.when(joined == "").then(None).otherwise(joined)


def _unread_flags(
    frame: pl.DataFrame, found: dict[str, list[str]]
) -> list[tuple[pl.Expr, str]]:
    """For each flag field, the rows whose source holds a word that is neither
    yes nor no: such a flag is unknown, which the suppression step treats
    carefully, and the report says so."""
    checks = []
    for canonical in FLAG_FIELDS & set(found):
        words = [
            pl.col(s).str.strip_chars().str.to_lowercase() for s in found[canonical]
        ]
        odd = pl.any_horizontal(
            w.is_not_null() & ~w.is_in((*TRUE_WORDS, *FALSE_WORDS)) for w in words
        )
        checks.append((odd, canonical))
    return checks


def _as_of(layout: Layout, source: Path) -> dt.date:
    if layout.age_as_of != "file":
        try:
            return dt.date.fromisoformat(layout.age_as_of)
        except ValueError as exc:
            raise LayoutError(
                "Layout file invalid",
                f'layout {layout.name}: age as_of must be YYYY-MM-DD or "file".',
            ) from exc
    try:
        return dt.date.fromtimestamp(source.stat().st_mtime)
    except OSError:
        return dt.date.today()


def _year_from_age(layout: Layout, source: Path) -> pl.Expr:
    """An age as of a date puts the birthday in one of two years; the later one
    is likelier once the date is past mid-year. Off by one at worst."""
    as_of = _as_of(layout, source)
    base = as_of.year - (0 if as_of.timetuple().tm_yday > 182 else 1)
    age = pl.col("age").str.extract(r"^(\d{1,3})(?:\.0+)?$", 1).cast(pl.Int32)
    return (pl.lit(base) - age).cast(pl.Utf8)


def _state() -> pl.Expr:
    upper = pl.col("state").str.to_uppercase().str.replace_all(r"[^A-Z ]", "")
    by_name = (
        pl.col("state")
        .str.to_lowercase()
        .str.strip_chars()
        .replace_strict(STATE_NAMES, default=None, return_dtype=pl.Utf8)
    )
    return pl.coalesce(pl.when(upper.is_in(US_STATES)).then(upper), by_name)


def map_table(
    frame: pl.DataFrame,
    layout: Layout,
    source: Path,
    rows: pl.Series | None = None,
    today: dt.date | None = None,
) -> tuple[pl.DataFrame, list[Finding]]:
    """Return `frame` mapped to the canonical fields of the layout's kind, every
    field present (null when unmapped), text except the Boolean flags, and the
    findings: values repaired or flagged, by field and row number (`rows` gives
    each record's row in the file; by default 2, 3, ...).

    Raises LayoutError naming the file and the missing column when a required
    field (case_id, last_name or full_name, category; voter_id, last_name) has
    none of its headers in the file.
    """
    keys = _header_keys(list(frame.columns))
    lookup = dict(layout.fields)
    if layout.age_column:
        lookup["age"] = (layout.age_column,)
    found = _present(lookup, keys)
    missing = _missing_required(layout.kind, found)
    if missing:
        raise LayoutError(
            "Required column missing",
            f"{where(source)} has no column for {describe_missing(layout, missing)}"
            ". Choose another layout or map the columns by hand.",
        )

    if rows is None:
        rows = pl.int_range(2, frame.height + 2, eager=True)
    odd_flags = _unread_flags(frame, found)
    staged = frame.select(
        *(
            _combined(layout, canonical, sources).alias(canonical)
            for canonical, sources in found.items()
        ),
        *(odd.alias(f"_odd_{name}") for odd, name in odd_flags),
        rows.alias(ROW),
    )
    findings: list[Finding] = []
    for _odd, name in odd_flags:
        odd = staged.filter(pl.col(f"_odd_{name}"))
        if odd.height:
            rows_hit = odd[ROW].head(values.ROWS_KEPT).to_list()
            findings.append(
                Finding(name, "not a yes/no word; unknown", False, odd.height, rows_hit)
            )
    fields = KINDS[layout.kind]
    for name in (*fields, *DATE_FIELDS, "age"):
        if name not in staged.columns:
            dtype = pl.Boolean if name in FLAG_FIELDS else pl.Utf8
            staged = staged.with_columns(pl.lit(None, dtype).alias(name))

    staged = values.by_value(staged, ["state"], [_state().alias("_state")])
    bad_state = pl.col("state").is_not_null() & pl.col("_state").is_null()
    if n := int(staged.select(bad_state.sum()).item()):
        hits = staged.filter(bad_state)[ROW].head(10).to_list()
        findings.append(Finding("state", "not a US state; left empty", False, n, hits))
    staged = staged.with_columns(pl.col("_state").alias("state")).drop("_state")

    staged, found_zips = values.repair_zips(staged)
    staged, found_phones = values.repair_phones(staged)
    findings += found_zips + found_phones
    for name in DATE_FIELDS:
        if name in found:
            staged, found_dates = values.read_dates(staged, name, today)
            findings += found_dates
    staged, found_years = values.read_birth_years(staged, today)
    findings += found_years
    years = [pl.col("birth_year"), pl.col("dob").str.slice(0, 4)]
    if "age" in found:
        years.append(_year_from_age(layout, source))
    staged = staged.with_columns(pl.coalesce(years).alias("birth_year"))

    log.info(
        "mapped %d rows with layout %s; %d finding(s)",
        staged.height,
        layout.name,
        len(findings),
    )
    return staged.select(fields), findings
