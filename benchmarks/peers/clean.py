"""The light cleaning every peer gets, so that no peer wins or loses on it.

It is what a competent analyst writes in an afternoon, not casetui's normalizer:
lowercase, accents and punctuation dropped, a dozen USPS street words shortened,
the unit cut off the street line, ZIP5, ten-digit phones and a birth year. Both
files come out with the same columns:

    unique_id, first_name, last_name, house_number, street, city, zip5,
    birth_year, phone, phone2

`birth_year` on the voter side is 2026 minus the age, so it can be one year off;
peers compare it with a tolerance of 1.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

AGE_REFERENCE_YEAR = 2026

# The commonest street types and directions; enough that "Main Street" meets the
# voter file's "Main St" without a full Publication 28 table.
STREET_WORDS = {
    "street": "st",
    "avenue": "ave",
    "road": "rd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "boulevard": "blvd",
    "terrace": "ter",
    "parkway": "pkwy",
    "square": "sq",
    "circle": "cir",
    "highway": "hwy",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
}

UNIT = r"(,|#|\b(apt|apartment|unit|suite|ste|fl|floor)\b).*$"

COLUMNS = [
    "unique_id",
    "first_name",
    "last_name",
    "house_number",
    "street",
    "city",
    "zip5",
    "birth_year",
    "phone",
    "phone2",
]


def _ascii_lower(col: str) -> pl.Expr:
    return (
        pl.col(col)
        .str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7f]", "")
        .str.to_lowercase()
    )


def _null_if_empty(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_chars() > 0).then(expr).otherwise(None)


def name(col: str) -> pl.Expr:
    """Letters only: `O'Brien` and `Mc Donald` become `obrien` and `mcdonald`."""
    return _null_if_empty(_ascii_lower(col).str.replace_all(r"[^a-z]", ""))


def city(col: str) -> pl.Expr:
    words = _ascii_lower(col).str.replace_all(r"[^a-z ]", " ")
    return _null_if_empty(words.str.replace_all(r"\s+", " ").str.strip_chars())


def zip5(col: str) -> pl.Expr:
    """Five digits; a spreadsheet that ate the leading zero gets it back."""
    digits = pl.col(col).str.replace_all(r"\D", "").str.slice(0, 5)
    return pl.when(digits.str.len_chars() >= 3).then(digits.str.zfill(5))


def phone(col: str) -> pl.Expr:
    digits = pl.col(col).str.replace_all(r"\D", "")
    digits = (
        pl.when((digits.str.len_chars() == 11) & digits.str.starts_with("1"))
        .then(digits.str.slice(1))
        .otherwise(digits)
    )
    return pl.when(digits.str.len_chars() == 10).then(digits)


def _street_line(col: str) -> pl.Expr:
    line = _ascii_lower(col).str.replace(UNIT, "")
    line = line.str.replace_all(r"[^a-z0-9 ]", " ")
    for word, short in STREET_WORDS.items():
        line = line.str.replace_all(rf"\b{word}\b", short)
    return line.str.replace_all(r"\s+", " ").str.strip_chars()


def address(col: str) -> list[pl.Expr]:
    """House number and street name from one street line, unit dropped."""
    line = _street_line(col)
    house = line.str.extract(r"^(\d+[a-z]?)\b", 1)
    street = line.str.replace(r"^\d+[a-z]?\b\s*", "")
    return [house.alias("house_number"), _null_if_empty(street).alias("street")]


def read_text(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def clean_cases(path: Path) -> pl.DataFrame:
    """The casework export (CiviCRM layout), cleaned."""
    year = pl.col("birth_date").str.extract(r"\b((?:19|20)\d\d)\b", 1)
    return (
        read_text(path)
        .select(
            pl.col("case_id").alias("unique_id"),
            name("first_name").alias("first_name"),
            name("last_name").alias("last_name"),
            *address("street_address"),
            city("city").alias("city"),
            zip5("postal_code").alias("zip5"),
            year.cast(pl.Int32).alias("birth_year"),
            phone("phone").alias("phone"),
            pl.lit(None, dtype=pl.String).alias("phone2"),
        )
        .select(COLUMNS)
    )


def clean_voters(path: Path) -> pl.DataFrame:
    """The voter file (L2 layout), cleaned; a case's phone may be either the cell
    or the landline, so both are kept."""
    age = pl.col("Voters_Age").str.strip_chars().cast(pl.Int32, strict=False)
    return (
        read_text(path)
        .select(
            pl.col("LALVOTERID").alias("unique_id"),
            name("Voters_FirstName").alias("first_name"),
            name("Voters_LastName").alias("last_name"),
            *address("Residence_Addresses_AddressLine"),
            city("Residence_Addresses_City").alias("city"),
            zip5("Residence_Addresses_Zip").alias("zip5"),
            (AGE_REFERENCE_YEAR - age).alias("birth_year"),
            phone("VoterTelephones_CellPhoneFormatted").alias("phone"),
            phone("VoterTelephones_LandlineFormatted").alias("phone2"),
        )
        .select(COLUMNS)
    )
