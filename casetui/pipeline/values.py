"""Values that spreadsheets and old systems damage, read on purpose: ZIP codes,
phone numbers and dates.

A value is repaired only when the repair is certain (`2134.0` is `02134` in
Massachusetts; `6.175550123E9` is `6175550123`). Anything else is flagged and left
empty, so it is never matched or exported as if it were exact. Each repair and flag
is a Finding: the field, what happened, how many rows, and their row numbers (never
the value). All of it is vectorised polars work, since the voter file can be
millions of rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import polars as pl

ROW = "_row"
"""The column holding each record's row number in its file (the header is row 1)."""
ROWS_KEPT = 10
"""Row numbers kept per finding; the count is always exact."""

# The first digits a ZIP code may have in each state whose ZIPs begin with 0: a
# spreadsheet that dropped the zero is undone only where the state agrees.
ZERO_ZIP_PREFIXES = {
    "CT": ("06",),
    "MA": ("01", "02", "055"),
    "ME": ("039", "04"),
    "NH": ("03",),
    "NJ": ("07", "08"),
    "RI": ("028", "029"),
    "VT": ("05",),
    "PR": ("006", "007", "009"),
    "VI": ("008",),
    "NY": ("005",),
    "AE": ("09",),
}


@dataclass
class Finding:
    """What was done to one field's values: repaired (changed to a value that is
    certain) or flagged (not understood, left empty)."""

    field: str
    what: str
    repaired: bool
    count: int
    rows: list[int] = dataclasses.field(default_factory=list)

    def line(self) -> str:
        """The finding as one line for a report, with up to ROWS_KEPT rows."""
        verb = "repaired" if self.repaired else "flagged"
        line = f"{self.field}: {self.count} {verb}, {self.what}"
        if not self.rows:
            return line
        shown = ", ".join(str(row) for row in self.rows)
        if self.count > len(self.rows):
            shown += f" and {self.count - len(self.rows)} more"
        return f"{line} ({'row' if self.count == 1 else 'rows'} {shown})"


def _finding(
    frame: pl.DataFrame, mask: pl.Expr, name: str, what: str, repaired: bool
) -> Finding | None:
    hits = frame.filter(mask)
    if hits.height == 0:
        return None
    rows = hits[ROW].head(ROWS_KEPT).to_list() if ROW in hits.columns else []
    return Finding(name, what, repaired, hits.height, rows)


def _collect(frame: pl.DataFrame, checks: list[tuple[pl.Expr, str, str, bool]]):
    found = [_finding(frame, mask, name, what, ok) for mask, name, what, ok in checks]
    return [each for each in found if each is not None]


# -- ZIP codes ---------------------------------------------------------------------


def _zero_state_agrees(padded: pl.Expr) -> pl.Expr:
    state = pl.col("state")
    agrees = pl.lit(False)
    for code, prefixes in ZERO_ZIP_PREFIXES.items():
        starts = pl.any_horizontal([padded.str.starts_with(p) for p in prefixes])
        agrees = agrees | ((state == code) & starts)
    return agrees.fill_null(False)


def by_value(
    frame: pl.DataFrame, keys: list[str], columns: list[pl.Expr]
) -> pl.DataFrame:
    """Add `columns`, computed once per distinct value of `keys`: a voter file
    repeats its ZIP codes and states hundreds of thousands of times."""
    distinct = frame.lazy().select(keys).unique()
    for column in columns:  # one at a time: later ones read earlier ones
        distinct = distinct.with_columns(column)
    return frame.join(
        distinct.collect(), on=keys, how="left", nulls_equal=True, maintain_order="left"
    )


def _zip5_columns() -> list[pl.Expr]:
    raw = pl.col("zip5").str.strip_chars()
    as_number = raw.str.contains(r"^\d+\.0+$")
    text = pl.when(as_number).then(raw.str.replace(r"\.0+$", "")).otherwise(raw)
    text = text.str.replace(r"^(\d+)[- ](\d{1,4})$", "$1+$2")
    base = pl.col("_zip_text").str.extract(r"^(\d+)(?:\+\d+)?$", 1)
    plus = pl.col("_zip_text").str.extract(r"^\d+\+(\d{1,4})$", 1)
    length = pl.col("_base").str.len_chars()
    nine = (
        pl.when(pl.col("_plus").is_null())
        .then(length.is_in([7, 8, 9]))
        .otherwise(False)
    )
    base_ = pl.col("_base")
    padded = pl.when(nine).then(base_.str.zfill(9)).otherwise(base_.str.zfill(5))
    short = pl.when(nine).then(length < 9).otherwise(length.is_in([3, 4]))
    ok_length = pl.when(nine).then(True).otherwise(length.is_in([3, 4, 5]))
    lost = pl.col("_ok_length") & short
    restored = pl.col("_lost") & _zero_state_agrees(pl.col("_padded"))
    return [
        text.alias("_zip_text"),
        as_number.fill_null(False).alias("_zip_number"),
        base.alias("_base"),
        plus.alias("_plus"),
        nine.alias("_nine"),
        ok_length.fill_null(False).alias("_ok_length"),
        padded.str.slice(0, 5).alias("_padded"),
        lost.fill_null(False).alias("_lost"),
        restored.fill_null(False).alias("_restored"),
        # No state at all (or not a US one): nothing says a zero was lost, and
        # nothing says it was not; the digits are kept as written, unpadded.
        (pl.col("_lost") & ~pl.col("_nine") & pl.col("state").is_null()).alias(
            "_unpadded"
        ),
        (pl.col("_lost") & ~pl.col("_restored") & ~pl.col("_unpadded")).alias(
            "_doubtful"
        ),
        (pl.col("_zip_text").is_not_null() & ~pl.col("_ok_length")).alias("_bad_zip"),
        pl.coalesce(
            pl.col("_plus").str.zfill(4),
            pl.when(pl.col("_nine")).then(base_.str.zfill(9).str.slice(5, 4)),
        ).alias("_zip4_in_zip"),
    ]


def _zip4_columns() -> list[pl.Expr]:
    plus4 = pl.col("zip4").str.strip_chars().str.replace(r"\.0+$", "")
    ok = pl.col("_plus4").str.contains(r"^\d{1,4}$")
    return [
        plus4.alias("_plus4"),
        ok.fill_null(False).alias("_zip4_ok"),
        (pl.col("_plus4").is_not_null() & ~pl.col("_zip4_ok")).alias("_bad_zip4"),
        (pl.col("_zip4_ok") & (pl.col("_plus4").str.len_chars() < 4)).alias(
            "_zip4_pad"
        ),
    ]


def repair_zips(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Finding]]:
    """Return the frame with `zip5` as five digits and `zip4` as four (or null),
    and the findings. Needs the columns zip5, zip4 and state (two-letter code).

    `02134-1234` and `021341234` split; `2134.0` (a spreadsheet's number) loses
    its `.0`; a lost leading zero comes back only where the state's ZIPs begin
    with those digits. A ZIP that is still not five or nine digits is flagged and
    left empty, never guessed.
    """
    frame = by_value(frame, ["zip5", "state"], _zip5_columns())
    frame = by_value(frame, ["zip4"], _zip4_columns())
    checks = [
        (pl.col("_zip_number"), "zip5", "spreadsheet number read as text", True),
        (pl.col("_restored"), "zip5", "leading zero restored (state agrees)", True),
        (
            pl.col("_doubtful"),
            "zip5",
            "fewer than five digits and the state does not say a zero was lost; "
            "left empty",
            False,
        ),
        (
            pl.col("_unpadded"),
            "zip5",
            "fewer than five digits and no US state to say why; kept as written",
            False,
        ),
        (pl.col("_bad_zip"), "zip5", "not a ZIP code; left empty", False),
        (pl.col("_bad_zip4"), "zip4", "not a ZIP+4 code; left empty", False),
        (pl.col("_zip4_pad"), "zip4", "leading zeros restored", True),
    ]
    findings = _collect(frame, checks)
    good = ~pl.col("_bad_zip") & ~pl.col("_doubtful")
    frame = frame.with_columns(
        pl.when(pl.col("_unpadded"))
        .then(pl.col("_base"))
        .when(good)
        .then(pl.col("_padded"))
        .alias("zip5"),
        pl.coalesce(
            pl.when(pl.col("_zip4_ok")).then(pl.col("_plus4").str.zfill(4)),
            pl.when(good).then(pl.col("_zip4_in_zip")),
        ).alias("zip4"),
    )
    helpers = [c for c in frame.columns if c.startswith("_") and c != ROW]
    return frame.drop(helpers), findings


# -- phone numbers -------------------------------------------------------------


def repair_phones(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Finding]]:
    """Return the frame with `phone` as ten digits (or null) and the findings.

    `+1 (617) 555-0199` reads 6175550199 and an extension is dropped. Excel's
    scientific notation is undone when every digit survived (`6.175550123E9`);
    when digits were lost (`1.61755501E+10`) the phone is flagged as lossy and
    left empty, so it is never matched or exported as if exact.
    """
    raw = frame["phone"].str.strip_chars()
    cleaned = (
        raw.str.replace(r"(?i)\s*(?:x|ext\.?|extension)\s*\d{1,6}$", "")
        .str.replace(r"\.0+$", "")
        .str.replace_all(r"[\s().+\-/]", "")
    )
    found = pl.select(pl.when(cleaned.str.contains(r"^\d+$")).then(cleaned)).to_series()
    unspread = raw.str.contains(r"^\d{10,11}\.0+$").fill_null(False)
    lossy = pl.Series("lossy", [False] * frame.height, dtype=pl.Boolean)
    # Scientific notation needs an "e": only those few phones are parsed for it.
    maybe_sci = raw.str.contains("[eE]").fill_null(False).arg_true()
    if len(maybe_sci):
        digits, exact, inexact = _unspread(
            raw.gather(maybe_sci), found.gather(maybe_sci)
        )
        found = found.scatter(maybe_sci, digits)
        unspread = unspread.scatter(maybe_sci, exact | unspread.gather(maybe_sci))
        lossy = lossy.scatter(maybe_sci, inexact)
    phone = pl.select(
        pl.when((found.str.len_chars() == 11) & found.str.starts_with("1"))
        .then(found.str.slice(1))
        .otherwise(found)
        .alias("phone")
    ).to_series()
    phone = pl.select(pl.when(phone.str.len_chars() == 10).then(phone)).to_series()
    flags = pl.DataFrame(
        {
            "_unspread": unspread,
            "_lossy": lossy,
            "_bad_phone": raw.is_not_null() & phone.is_null() & ~lossy,
        }
    )
    if ROW in frame.columns:
        flags = flags.with_columns(frame[ROW])
    checks = [
        (pl.col("_unspread"), "phone", "spreadsheet number read as text", True),
        (
            pl.col("_lossy"),
            "phone",
            "digits lost in scientific notation (lossy); left empty",
            False,
        ),
        (pl.col("_bad_phone"), "phone", "not a ten-digit phone; left empty", False),
    ]
    return frame.with_columns(phone.alias("phone")), _collect(flags, checks)


def _unspread(raw: pl.Series, plain: pl.Series) -> tuple[pl.Series, ...]:
    """Phones that may be a spreadsheet's scientific notation, and their plain
    reading. Returns (digits: all of them where every one survived, null where
    some were lost, the plain reading where the phone is not scientific; exact;
    lossy)."""
    pattern = r"^\+?(\d)(?:\.(\d+))?[eE]\+?(\d{1,2})$"
    parts = raw.str.extract_groups(pattern).struct.unnest()
    lead, rest, power = (pl.col(name) for name in parts.columns)
    digits = pl.concat_str([lead, rest.fill_null("")])
    is_sci = lead.is_not_null()
    exact = (is_sci & (digits.str.len_chars() == power.cast(pl.Int32) + 1)).fill_null(
        False
    )
    out = parts.with_columns(plain.alias("plain")).select(
        pl.when(exact)
        .then(digits)
        .when(is_sci)
        .then(None)
        .otherwise(pl.col("plain"))
        .alias("digits"),
        exact.alias("exact"),
        (is_sci & ~exact).alias("lossy"),
    )
    return out["digits"], out["exact"], out["lossy"]


# -- dates -------------------------------------------------------------------------


def _century(two_digits: pl.Expr, today: dt.date) -> pl.Expr:
    """A two-digit year in the latest century that keeps it out of the future."""
    year = two_digits.cast(pl.Int32)
    return pl.when(year + 2000 <= today.year).then(year + 2000).otherwise(year + 1900)


def read_dates(
    frame: pl.DataFrame, name: str, today: dt.date | None = None
) -> tuple[pl.DataFrame, list[Finding]]:
    """Return the frame with column `name` as ISO dates (YYYY-MM-DD text, null
    when unreadable) and the findings.

    Reads ISO (`1956-03-04`, a time after it ignored), `19560304`, and US
    month-first (`3/4/1956`, `3-4-56`). A two-digit year never lands in the future.
    A column holding dates that can only be day-first (`13/04/1956`) is flagged as
    ambiguous: those values are left empty, and the rest may be misread too.
    """
    today = today or dt.date.today()
    text = pl.col(name).str.strip_chars()
    iso = text.str.extract_groups(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
    compact = text.str.extract_groups(r"^((?:18|19|20)\d\d)(\d\d)(\d\d)$")
    us = text.str.extract_groups(
        r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:\s.*)?$"
    )
    us_year = us.struct.field("3")
    year = pl.coalesce(
        iso.struct.field("1").cast(pl.Int32),
        compact.struct.field("1").cast(pl.Int32),
        pl.when(us_year.str.len_chars() == 2)
        .then(_century(us_year, today))
        .otherwise(us_year.cast(pl.Int32)),
    )
    month = pl.coalesce(
        iso.struct.field("2"), compact.struct.field("2"), us.struct.field("1")
    ).cast(pl.Int32)
    day = pl.coalesce(
        iso.struct.field("3"), compact.struct.field("3"), us.struct.field("2")
    ).cast(pl.Int32)
    iso_text = pl.format(
        "{}-{}-{}",
        year.cast(pl.Utf8),
        month.cast(pl.Utf8).str.zfill(2),
        day.cast(pl.Utf8).str.zfill(2),
    )
    # Once per distinct date: a voter file repeats its birth dates.
    frame = by_value(
        frame,
        [name],
        [
            iso_text.str.to_date("%Y-%m-%d", strict=False).alias("_date"),
            (us.struct.field("1").cast(pl.Int32) > 12)
            .fill_null(False)
            .alias("_day_first"),
        ],
    )
    frame = frame.with_columns(
        (text.is_not_null() & pl.col("_date").is_null() & ~pl.col("_day_first")).alias(
            "_bad_date"
        )
    )
    checks = [
        (
            pl.col("_day_first"),
            name,
            "day-first dates in a month-first column (ambiguous); left empty, "
            "and the column's other dates may be misread",
            False,
        ),
        (pl.col("_bad_date"), name, "not a date; left empty", False),
    ]
    findings = _collect(frame, checks)
    frame = frame.with_columns(pl.col("_date").cast(pl.Utf8).alias(name))
    return frame.drop("_date", "_day_first", "_bad_date"), findings


def read_birth_years(
    frame: pl.DataFrame, today: dt.date | None = None
) -> tuple[pl.DataFrame, list[Finding]]:
    """Return the frame with `birth_year` as four digits (a two-digit year never
    in the future; `1956.0` read as 1956) or null, and the findings."""
    today = today or dt.date.today()
    text = pl.col("birth_year").str.strip_chars().str.replace(r"\.0+$", "")
    year = (
        pl.when(text.str.contains(r"^\d{4}$"))
        .then(text.cast(pl.Int32, strict=False))
        .when(text.str.contains(r"^\d{2}$"))
        .then(_century(text, today))
    )
    plausible = year.is_between(today.year - 125, today.year)
    frame = by_value(
        frame,
        ["birth_year"],
        [pl.when(plausible).then(year.cast(pl.Utf8)).alias("_year")],
    )
    checks = [
        (
            text.is_not_null() & pl.col("_year").is_null(),
            "birth_year",
            "not a plausible birth year; left empty",
            False,
        )
    ]
    findings = _collect(frame, checks)
    frame = frame.with_columns(pl.col("_year").alias("birth_year"))
    return frame.drop("_year"), findings
