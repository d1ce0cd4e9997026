"""Formula injection: a cell that a spreadsheet would run as a formula.

Excel, LibreOffice and Google Sheets read a CSV cell that starts with `=`, `+`,
`-` or `@` as a formula, and a leading tab or carriage return can hide such a
start; a name like `=HYPERLINK("http://...")` in a voter file would then run on the
campaign's laptop. In the exports meant to be opened in a spreadsheet, such a cell
gets a single quote in front (`'=HYPERLINK(...)`), which spreadsheets show as text.

The rule spares what is plainly a number: a cell made only of digits, spaces and
`+ - ( ) .`, with at least one digit (a phone number such as `+1 (555) 010-0199`, a
negative amount such as `-12.5`). Such a cell can do arithmetic at worst, never call
a function or reach outside the sheet, and a quote would corrupt a phone number.
"""

from __future__ import annotations

import polars as pl

# The exports an operator or a canvasser opens in a spreadsheet. The NGP VAN and
# NationBuilder files are uploads that those systems store as text, as given.
SPREADSHEET_TARGETS = frozenset({"ecanvasser", "csv", "report_card"})

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
RULE = (
    "in the eCanvasser sheet, the plain CSV and the report card, cells starting "
    "with = + - @ tab or carriage return were prefixed with a single quote so "
    "that spreadsheets show them as text; cells made only of digits, spaces and "
    "+ - ( ) . (phone numbers, negative numbers) were left as they are"
)

_TRIGGER = r"^[=+\-@\t\r]"
_NUMBER = r"^[+\-]?[0-9 ().+\-]*[0-9][0-9 ().+\-]*$"


def risky(value: str) -> bool:
    """Return True when a spreadsheet would read `value` as a formula."""
    if not value.startswith(TRIGGERS):
        return False
    return not (value[0] in "+-" and _is_number(value))


def _is_number(value: str) -> bool:
    stripped = value.replace(" ", "")
    return any(c.isdigit() for c in value) and all(
        c.isdigit() or c in "+-()." for c in stripped
    )


def neutralise(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Return `frame` with every risky text cell prefixed with a single quote, and
    how many cells were changed. Non-text columns are left alone."""
    changed = 0
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype != pl.Utf8:
            columns.append(column)
            continue
        hit = column.str.contains(_TRIGGER) & ~column.str.contains(_NUMBER)
        changed += int(frame.select(hit.fill_null(False).sum()).item())
        columns.append(
            pl.when(hit).then(pl.lit("'") + column).otherwise(column).alias(name)
        )
    return (frame.select(columns) if changed else frame), changed
