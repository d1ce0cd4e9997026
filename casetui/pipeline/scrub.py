"""Scrub the casework: drop what the campaign must not hold, redact identifiers
left in the free text it keeps, and report what was removed by column and count
(never by value).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from casetui.pipeline.layouts import CASEWORK_FIELDS

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
# Columns never kept: case notes (medical, immigration and family detail live
# there) and the full date of birth (the birth year is enough to match).
DROPPED = {
    "notes": "case notes can hold medical, immigration and family detail",
    "dob": "full date of birth is not needed (birth year kept)",
}
# Text that people type into: identifiers turn up here. Structured columns
# (ids, phone, zip, dates) are left alone, where the patterns would misfire.
FREE_TEXT = ("subject", "category", "status", "outcome", "full_name", "street", "unit")

_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+"
    r"\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
)
_MBI_LETTER = "[AC-HJKMNP-RT-Y]"
_MBI = (
    rf"[1-9]{_MBI_LETTER}[AC-HJKMNP-RT-Y0-9]\d-?{_MBI_LETTER}"
    rf"[AC-HJKMNP-RT-Y0-9]\d-?{_MBI_LETTER}{{2}}\d{{2}}"
)
# (name, pattern, replacement). Order matters: Medicare numbers contain an
# SSN-shaped run, so they are matched first and counted as Medicare ids.
# Each pattern keeps its label (e.g. "DOB ") and redacts only the value.
PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("medicare_id", rf"(?i)\b(?:{_MBI})\b", REDACTED),
    ("medicare_id", r"\b\d{3}-?\d{2}-?\d{4}[A-Z]\d?\b", REDACTED),
    ("ssn", r"\b\d{3}-\d{2}-\d{4}\b", REDACTED),
    ("ssn", r"\b\d{3} \d{2} \d{4}\b", REDACTED),
    (
        "ssn",
        r"(?i)(\b(?:ssn|ss#|ss no\.?|soc(?:ial)? sec(?:urity)?(?: (?:no\.?|number|#))?)"
        r"\s*[:#]?\s*)\d{9}\b",
        "${1}" + REDACTED,
    ),
    (
        "dob",
        r"(?i)(\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|born(?: on)?|b-?day)"
        rf"\s*[:=-]?\s*){_DATE}",
        "${1}" + REDACTED,
    ),
    (
        "a_number",
        r"\bA(?:-?(?i:number|no\.?))?\s*[:#-]?\s*\d{3}[- ]?\d{3}[- ]?\d{2,3}\b",
        REDACTED,
    ),
    ("card_number", r"\b\d{13,19}\b", REDACTED),
    ("card_number", r"\b\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{1,7}\b", REDACTED),
    ("card_number", r"\b\d{4}[ -]\d{6}[ -]\d{5}\b", REDACTED),
)


@dataclass
class ScrubReport:
    """What scrub removed: columns dropped (with why) and redaction counts."""

    dropped_columns: list[tuple[str, str]] = field(default_factory=list)
    redactions: dict[str, dict[str, int]] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)
    """Canonical field -> the file's headers it was read from, where known."""

    @property
    def total_redactions(self) -> int:
        return sum(sum(by.values()) for by in self.redactions.values())

    def lines(self) -> list[str]:
        """Return a human summary, one line per dropped column or redacted column;
        counts and column names only, never a value."""
        lines = [
            f"dropped column {name}{self._from(name)}: {why}"
            for name, why in self.dropped_columns
        ]
        for column, counts in self.redactions.items():
            parts = ", ".join(
                f"{n} {name.replace('_', ' ')}" for name, n in counts.items()
            )
            lines.append(f"redacted in {column}: {parts}")
        if not self.redactions:
            lines.append("no identifiers found in the free text kept")
        return lines

    def _from(self, name: str) -> str:
        headers = self.headers.get(name)
        return f" (from {', '.join(headers)})" if headers else ""


def scrub(
    cases: pl.DataFrame,
    *,
    keep_birth_year: bool = True,
    present: Mapping[str, list[str]] | None = None,
) -> tuple[pl.DataFrame, ScrubReport]:
    """Return the cases without notes, full dates of birth and non-canonical
    columns, with SSNs, dates of birth, A-numbers, Medicare ids and card numbers
    in the kept free text replaced by "[redacted]", and a report of what was done.

    `present` maps the canonical fields the file filled to its headers: the
    mapped frame has every field, and the report lists only the columns the
    file had. With keep_birth_year False the birth year is emptied too. Raises
    nothing: a column it expects but does not find is simply not there to scrub.
    """
    report = ScrubReport(headers={k: list(v) for k, v in (present or {}).items()})

    if "birth_year" in cases.columns and "dob" in cases.columns and keep_birth_year:
        year = pl.col("dob").cast(pl.Utf8).str.extract(r"((?:18|19|20)\d\d)", 1)
        cases = cases.with_columns(pl.coalesce(pl.col("birth_year"), year))
    if not keep_birth_year and "birth_year" in cases.columns:
        if cases["birth_year"].is_not_null().any():
            report.dropped_columns.append(
                ("birth_year", "emptied: birth year not kept")
            )
        cases = cases.with_columns(pl.lit(None, pl.Utf8).alias("birth_year"))

    for name in cases.columns:
        if present is not None and name not in present:
            continue  # a field the file did not have: nothing was dropped
        if name in DROPPED:
            report.dropped_columns.append((name, DROPPED[name]))
        elif name not in CASEWORK_FIELDS:
            report.dropped_columns.append((name, "not a casework field"))
    cases = cases.drop(
        [n for n in cases.columns if n in DROPPED or n not in CASEWORK_FIELDS]
    )

    for column in FREE_TEXT:
        if column not in cases.columns or cases[column].dtype != pl.Utf8:
            continue
        text = pl.col(column)
        counts: dict[str, int] = {}
        for name, pattern, replacement in PATTERNS:
            hits = int(cases.select(text.str.count_matches(pattern).sum()).item() or 0)
            if hits:
                counts[name] = counts.get(name, 0) + hits
                cases = cases.with_columns(text.str.replace_all(pattern, replacement))
        if counts:
            report.redactions[column] = counts

    log.info(
        "scrubbed %d cases: %d columns dropped, %d redactions",
        cases.height,
        len(report.dropped_columns),
        report.total_redactions,
    )
    return cases, report


NOT_SHOWN = "[not shown]"
# Headers that hold what scrub drops, in files whose layout is not known yet.
_SENSITIVE_HEADER = r"(?i)note|detail|comment|narrative|descr|ssn|social|birth|dob"


def preview_safe(
    frame: pl.DataFrame, dropped_headers: set[str] | None = None
) -> pl.DataFrame:
    """Return preview rows fit to show on a screen before the file is scrubbed:
    the columns scrub would drop (`dropped_headers`, or by their header's name
    when the layout is not known) read "[not shown]", and identifiers in every
    other column are redacted."""
    hidden = set(dropped_headers or ())
    hidden |= {n for n in frame.columns if re.search(_SENSITIVE_HEADER, n)}
    shown = []
    for name in frame.columns:
        column = pl.col(name).cast(pl.Utf8)
        if name in hidden:
            column = pl.when(column.is_not_null()).then(pl.lit(NOT_SHOWN))
        else:
            for _kind, pattern, replacement in PATTERNS:
                column = column.str.replace_all(pattern, replacement)
        shown.append(column.alias(name))
    return frame.select(shown)
