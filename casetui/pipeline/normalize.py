"""Names, addresses, phones and emails in comparable forms.

Both sides go through the same polars expressions, so a case and a voter that
were typed the same way end up equal. The casework side first gets a per-row pass
that splits one-field names ("Smith, John Jr."), which voter files never need.

Normalized columns (all Utf8 unless said, null when absent):
  first, first_tok      first name joined ("maryann") and its first word ("mary")
  middle, middle_init   middle name and its initial
  last, last_p1, last_p2  surname joined ("delacruz") and its first and last
                        significant parts ("cruz"), for compound surnames
  suffix                jr, sr, ii, iii, iv
  house, street_name    house number and Publication 28 street ("n main st")
  unit                  apartment or suite number without its designator
  city, zip5, phone (10 digits), email (lowercase), birth_year (Int32)
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import polars as pl
from nicknames import NickNamer, name_triplets
from scourgify.address_constants import (
    DIRECTIONAL_REPLACEMENTS,
    OCCUPANCY_TYPE_ABBREVIATIONS,
    STREET_TYPE_ABBREVIATIONS,
)

from casetui.errors import InputError

NAME_FIELDS = ("first_name", "middle_name", "last_name", "name_suffix")
INPUT_FIELDS = (
    *NAME_FIELDS,
    "street",
    "unit",
    "city",
    "state",
    "zip5",
    "zip4",
    "phone",
    "email",
    "birth_year",
)
NORMALIZED = (
    "first",
    "first_tok",
    "middle",
    "middle_init",
    "last",
    "last_p1",
    "last_p2",
    "last_sound",
    "suffix",
    "house",
    "street_name",
    "unit",
    "city",
    "zip5",
    "phone",
    "email",
    "birth_year",
)

VOTER_SLICE = 1_000_000  # voters normalized at a time

_SUFFIXES = {
    "jr": "jr",
    "junior": "jr",
    "sr": "sr",
    "senior": "sr",
    "ii": "ii",
    "2nd": "ii",
    "iii": "iii",
    "3rd": "iii",
    "iv": "iv",
    "4th": "iv",
}
_SUFFIX_AT_END = r"\s+(?:" + "|".join(_SUFFIXES) + r")$"
# Surname particles: dropped from the part form so "de la Cruz" shares "cruz"
# with "Cruz"; the joined form keeps them so "McDonald" equals "Mc Donald".
_PARTICLES = ["de", "la", "del", "della", "di", "da", "van", "von", "der", "den"]
_PARTICLES += ["le", "du", "dos", "das", "y", "mc", "mac", "o", "d", "st", "e"]

_STREET_WORDS = {k.lower(): v.lower() for k, v in STREET_TYPE_ABBREVIATIONS.items()}
_STREET_WORDS |= {k.lower(): v.lower() for k, v in DIRECTIONAL_REPLACEMENTS.items()}
_UNIT_WORDS = sorted(
    {w.lower() for pair in OCCUPANCY_TYPE_ABBREVIATIONS.items() for w in pair} - {"#"}
    | {"no", "num", "number"},
    key=len,
    reverse=True,
)
_UNIT_DESIGNATOR = r"(?:(?:" + "|".join(_UNIT_WORDS) + r")\s*#?|#)"
_UNIT_IN_STREET = r"\s+" + _UNIT_DESIGNATOR + r"\s*([a-z0-9-]+)$"


def _fold(expr: pl.Expr) -> pl.Expr:
    """Lowercase, accents stripped (NFKD then combining marks dropped)."""
    return expr.str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.to_lowercase()


def _null_if_empty(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_chars() > 0).then(expr).otherwise(None)


def _squash(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(r"\s+", " ").str.strip_chars()


def _name(col: str) -> pl.Expr:
    """A name field with apostrophes and periods removed, other punctuation to
    spaces ("O'Brien" -> "obrien", "Garcia-Lopez" -> "garcia lopez")."""
    folded = _fold(pl.col(col)).str.replace_all(r"['`’.]", "")
    return _squash(folded.str.replace_all(r"[^a-z0-9 ]", " "))


def _derived() -> dict[str, list[pl.Expr]]:
    """Per raw column, the normalized columns that depend on it alone. They are
    computed once per distinct value: a voter file repeats its first names,
    surnames, streets and cities thousands of times. Names starting with "_" are
    parts the final select combines."""
    first = _name("first_name").str.replace(_SUFFIX_AT_END, "")
    last_raw = _name("last_name")
    last = last_raw.str.replace(_SUFFIX_AT_END, "")
    parts = last.str.split(" ").list.eval(
        pl.element().filter(~pl.element().is_in(_PARTICLES))
    )
    middle = _name("middle_name").str.replace_all(" ", "")

    # The line with a stand-in for the house number split off per row, if any.
    line = pl.col("_street_tail")
    line = _squash(_fold(line).str.replace_all(r"[^a-z0-9#\- ]", " "))
    line = line.str.replace_all(r"#\s*", " #")
    rest = pl.col("_line").str.replace(_UNIT_IN_STREET, "")
    house = rest.str.extract(r"^(\d+[a-z]?)\b", 1)
    rest = rest.str.replace(r"^\d+[a-z]?(?:-\d+[a-z]?)?\s*", "")
    # The street name proper repeats far more than whole lines (house numbers
    # and units vary), so its word-by-word rewriting runs as a second step on
    # the distinct names alone.
    street_name = (
        pl.col("_street_rest")
        .str.split(" ")
        .list.eval(pl.element().replace(_STREET_WORDS))
        .list.join(" ")
    )
    unit_col = _squash(_fold(pl.col("unit")).str.replace_all(r"[^a-z0-9# -]", " "))
    unit_col = unit_col.str.replace(r"^" + _UNIT_DESIGNATOR + r"\s*", "")
    city = _squash(_fold(pl.col("city")).str.replace_all(r"[^a-z ]", " "))
    return {
        "first_name": [
            _null_if_empty(first.str.replace_all(" ", "")).alias("first"),
            _null_if_empty(first.str.split(" ").list.first()).alias("first_tok"),
        ],
        "middle_name": [
            _null_if_empty(middle).alias("middle"),
            _null_if_empty(middle.str.slice(0, 1)).alias("middle_init"),
        ],
        "last_name": [
            _null_if_empty(last.str.replace_all(" ", "")).alias("last"),
            parts.list.first().alias("last_p1"),
            parts.list.last().alias("last_p2"),
            soundex(pl.col("last")).alias("last_sound"),
            last_raw.str.extract(r"\s(" + "|".join(_SUFFIXES) + r")$", 1).alias(
                "_suffix_in_last"
            ),
        ],
        "name_suffix": [_name("name_suffix").str.replace_all(" ", "").alias("_suffix")],
        "_street_tail": [
            line.alias("_line"),
            _null_if_empty(house).alias("_house_in_line"),
            _squash(rest.str.replace_all("-", " ")).alias("_street_rest"),
            _unit_form(pl.col("_line").str.extract(_UNIT_IN_STREET, 1)).alias(
                "_unit_in_line"
            ),
        ],
        "_street_rest": [_null_if_empty(street_name).alias("street_name")],
        "unit": [_unit_form(_null_if_empty(unit_col)).alias("_unit")],
        "city": [_null_if_empty(city).alias("_city")],
        "birth_year": [
            pl.col("birth_year")
            .str.extract(r"((?:19|20)\d\d)", 1)
            .cast(pl.Int32)
            .alias("_birth_year")
        ],
    }


# American Soundex: a surname's sound, so "Scjmitt" meets "Schmitt" and
# "Hanilton" meets "Hamilton" in blocking, whatever the typo's position.
_SOUND_CODES = {
    c: d
    for d, letters in enumerate(["aeiouy", "bfpv", "cgjkqsxz", "dt", "l", "mn", "r"])
    for c in letters
}


def soundex(name: pl.Expr) -> pl.Expr:
    """The Soundex code of a normalized surname (letters a-z): its first letter
    and three digits ("schmitt" -> "s530"); null for null."""
    coded = name.str.replace_all("[^a-z]", "").str.replace_many(
        {c: str(d) for c, d in _SOUND_CODES.items()} | {"h": "", "w": ""}
    )
    for digit in range(7):  # a run of one sound counts once
        coded = coded.str.replace_all(f"{digit}{digit}+", str(digit))
    first = name.str.slice(0, 1)
    body = pl.when(first.is_in(["h", "w"])).then(coded).otherwise(coded.str.slice(1))
    code = first + body.str.replace_all("0", "") + "000"
    return pl.when(name.str.len_chars() > 0).then(code.str.slice(0, 4))


def _unit_form(unit: pl.Expr) -> pl.Expr:
    return unit.str.replace_all(" ", "").str.replace(r"^0+([0-9])", "$1")


def _combined() -> list[pl.Expr]:
    """The normalized columns that need more than one raw column, or none worth
    computing per distinct value (phones and emails are nearly all distinct)."""
    zip_digits = pl.col("_zip_digits")
    digits = pl.col("_phone_digits")
    digits = (
        pl.when((digits.str.len_chars() == 11) & digits.str.starts_with("1"))
        .then(digits.str.slice(1))
        .otherwise(digits)
    )
    email = pl.col("email").str.strip_chars().str.to_lowercase()
    return [
        pl.coalesce("_house_split", "_house_in_line").alias("house"),
        pl.coalesce("_suffix", "_suffix_in_last")
        .replace_strict(_SUFFIXES, default=None)
        .alias("suffix"),
        pl.coalesce("_unit", "_unit_in_line").alias("unit"),
        pl.col("_city").alias("city"),
        # A ZIP code that lost its leading zero was restored by the layout
        # where the state allows it (values.py); one still short is compared
        # as written, never padded here.
        pl.when(zip_digits.str.len_chars().is_between(3, 5))
        .then(zip_digits)
        .alias("zip5"),
        pl.when(digits.str.len_chars() == 10).then(digits).alias("phone"),
        pl.when(email.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"))
        .then(email)
        .alias("email"),
        pl.col("_birth_year").alias("birth_year"),
    ]


def _raw(frame: pl.LazyFrame, id_col: str) -> pl.LazyFrame:
    """The id and every input field as text (null where the file has none)."""
    names = frame.collect_schema().names()
    missing = [pl.lit(None, pl.Utf8).alias(c) for c in INPUT_FIELDS if c not in names]
    frame = frame.with_columns(missing).with_columns(
        pl.col(c).cast(pl.Utf8) for c in INPUT_FIELDS
    )
    if "dob" in names:
        frame = frame.with_columns(pl.coalesce("birth_year", "dob").alias("birth_year"))
    return frame.select(pl.col(id_col).cast(pl.Utf8), *INPUT_FIELDS)


def _normalize(frame: pl.LazyFrame, id_col: str) -> pl.LazyFrame:
    raw = _raw(frame, id_col).collect()
    return _finish(_derive(raw)).select(id_col, *NORMALIZED)


# A street line's leading house number, as the normalized line would show it.
# Split off per row, it leaves far fewer distinct lines to normalize: a
# street's name and unit repeat across its houses.
_HOUSE_FIRST = r"^\s*(\d+[A-Za-z]?)\b(?:-\d+[A-Za-z]?)?(.*)$"


def _split_house(raw: pl.DataFrame) -> pl.DataFrame:
    parts = pl.col("street").str.extract_groups(_HOUSE_FIRST)
    split = raw.with_columns(parts.alias("_parts"))
    house = pl.col("_parts").struct[0]
    # A stand-in number keeps the rest of the line as it was ("12 Apt 4" is a
    # unit, "12 1/2 Main" a half number); the split-off number replaces it.
    tail = pl.when(house.is_not_null()).then("0 " + pl.col("_parts").struct[1])
    return split.select(
        pl.exclude("street", "_parts"),
        house.str.to_lowercase().alias("_house_split"),
        tail.otherwise(pl.col("street")).alias("_street_tail"),
    )


def _derive(raw: pl.DataFrame) -> pl.DataFrame:
    derived = _derived()
    first = {k: v for k, v in derived.items() if k in (*INPUT_FIELDS, "_street_tail")}
    then = {k: v for k, v in derived.items() if k not in first}
    return _look_up(_look_up(_split_house(raw), first), then)


def _finish(derived: pl.DataFrame) -> pl.LazyFrame:
    # The digits first, as columns: each is read several times below, and a
    # regular expression over a million phones is worth running once.
    digits = derived.lazy().with_columns(
        pl.col("zip5")
        .str.replace_all(r"[^0-9]", "")
        .str.slice(0, 5)
        .alias("_zip_digits"),
        pl.col("phone").str.replace_all(r"[^0-9]", "").alias("_phone_digits"),
    )
    return digits.with_columns(_combined())


def _look_up(frame: pl.DataFrame, derived: dict[str, list[pl.Expr]]) -> pl.DataFrame:
    """Add each source column's derived columns, computed once per distinct
    value: one narrow join per source and a horizontal stack, since joining the
    whole frame once per source would copy every column each time."""
    lookups = []
    for source, exprs in derived.items():
        values = frame.lazy().select(source).unique()
        for expr in exprs:
            # One at a time: a later column reads an earlier one ("_line"),
            # which is then computed once rather than once per reader.
            values = values.with_columns(expr)
        looked_up = (
            frame.lazy()
            .select(source)
            .join(
                values, on=source, how="left", nulls_equal=True, maintain_order="left"
            )
        )
        lookups.append(looked_up.drop(source, "_line", strict=False))
    return pl.concat([frame, *pl.collect_all(lookups)], how="horizontal")


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def split_full_name(full: str) -> dict[str, str | None]:
    """Split a one-field name into parts. "Smith, John A. Jr." and
    "John A. Smith Jr." both give first "John", middle "A.", last "Smith",
    suffix "Jr."; a surname with particles ("Maria de la Cruz") stays whole.
    Returns a dict keyed by the canonical name fields (values may be None)."""
    text = re.sub(r"\s+", " ", _ascii_fold(full)).strip()
    suffix = None
    match = re.search(r"[ ,]+(jr|sr|junior|senior|ii|iii|iv|2nd|3rd)\.?$", text, re.I)
    if match:
        suffix, text = match.group(1), text[: match.start()].strip(" ,")
    if "," in text:
        last, _, rest = text.partition(",")
        given = rest.split()
        first = given[0] if given else None
        middle = " ".join(given[1:]) or None
        return {
            "first_name": first,
            "middle_name": middle,
            "last_name": last.strip() or None,
            "name_suffix": suffix,
        }
    words = text.split()
    if len(words) < 2:
        return {
            "first_name": None,
            "middle_name": None,
            "last_name": words[0] if words else None,
            "name_suffix": suffix,
        }
    start = len(words) - 1
    while start > 1 and words[start - 1].lower().strip(".") in _PARTICLES:
        start -= 1
    return {
        "first_name": words[0],
        "middle_name": " ".join(words[1:start]) or None,
        "last_name": " ".join(words[start:]),
        "name_suffix": suffix,
    }


def normalize_cases(cases: pl.DataFrame) -> pl.DataFrame:
    """Return the cases' comparable forms: case_id, contact_id and the columns
    listed at the top of this module, one row per case. Cases that only carry
    a full_name get it split first. Raises nothing on odd values: what cannot
    be read becomes null and simply weighs nothing in matching."""
    if "case_id" not in cases.columns:
        raise InputError(
            "No case ids",
            "The casework frame has no case_id column; map one in the layout step.",
        )
    cases = cases.with_columns(
        pl.lit(None, pl.Utf8).alias(c)
        for c in (*NAME_FIELDS, "full_name", "contact_id")
        if c not in cases.columns
    )
    needs_split = (
        pl.col("full_name").is_not_null()
        & pl.col("first_name").is_null()
        & pl.col("last_name").is_null()
    )
    if cases.select(needs_split.any()).item():
        split = [
            split_full_name(full) if full and first is None and last is None else None
            for full, first, last in cases.select(
                "full_name", "first_name", "last_name"
            ).iter_rows()
        ]
        for field in NAME_FIELDS:
            parts = pl.Series([s[field] if s else None for s in split], dtype=pl.Utf8)
            cases = cases.with_columns(pl.coalesce(pl.col(field), parts).alias(field))
    normalized = _normalize(cases.lazy(), "case_id").collect()
    return normalized.insert_column(1, cases["contact_id"].cast(pl.Utf8))


def _checked_voters(voters: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    lazy = voters.lazy()
    if "voter_id" not in lazy.collect_schema().names():
        raise InputError(
            "No voter ids",
            "The voter file has no voter_id column; map one in the layout step.",
        )
    return lazy


def normalize_voters(voters: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Return the voters' comparable forms: voter_id and the columns listed at
    the top of this module, computed with polars expressions only (no per-row
    Python), so a multi-million-row file normalizes in seconds. Raises
    InputError when there is no voter_id column.

    A big file is normalized VOTER_SLICE rows at a time: the working columns
    then take a slice's memory, not the whole file's."""
    lazy = _checked_voters(voters)
    if isinstance(voters, pl.LazyFrame) or voters.height <= VOTER_SLICE:
        return _normalize(lazy, "voter_id").collect()
    return normalize_voter_slices(voter_slices(voters))


def voter_slices(voters: pl.DataFrame) -> list[pl.DataFrame]:
    """`voters` cut into slices of VOTER_SLICE rows (views, not copies)."""
    starts = range(0, max(voters.height, 1), VOTER_SLICE)
    return [voters.slice(start, VOTER_SLICE) for start in starts]


def normalize_voter_slices(slices: list[pl.DataFrame]) -> pl.DataFrame:
    """normalize_voters over `slices`, emptying the list as it goes: once the
    caller has let go of the whole frame, each slice's raw rows are freed as
    soon as it is normalized, so a file of millions is not held twice."""
    _checked_voters(slices[0])
    parts = []
    while slices:
        parts.append(_normalize(slices.pop(0).lazy(), "voter_id").collect())
    return pl.concat(parts, rechunk=False)


@cache
def nickname_pairs() -> pl.DataFrame:
    """Return the pairs of first names that may be the same person (name_a,
    name_b), both directions, from the nicknames package: a name, its
    canonical forms, its nicknames and its canonical forms' other nicknames."""
    namer = NickNamer()
    names: set[str] = set()
    for triplet in name_triplets():
        names.update((triplet.name1, triplet.name2))
    pairs: set[tuple[str, str]] = set()
    for name in names:
        related = set(namer.canonicals_of(name)) | set(namer.nicknames_of(name))
        for canonical in namer.canonicals_of(name):
            related |= set(namer.nicknames_of(canonical))
        related.discard(name)
        pairs.update((name, other) for other in related)
        pairs.update((other, name) for other in related)
    rows = sorted(pairs)
    return pl.DataFrame(
        {"name_a": [a for a, _ in rows], "name_b": [b for _, b in rows]},
        schema={"name_a": pl.Utf8, "name_b": pl.Utf8},
    )
