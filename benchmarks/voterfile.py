"""The district's voters written as an L2 voter file, a chunk of rows at a time
so five million never exist as text all at once.

L2 prints names without accents; here some compound surnames are squashed
(O'Brien as Obrien, de la Cruz as Delacruz), as many voter files have them, and
the unit sits on the address line or the extra line.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks.district import District
from benchmarks.people import AS_OF, PARTIES, SUFFIXES
from benchmarks.pools import Numbers, Pools, plain

VOTER_HEADER = (
    "LALVOTERID,Voters_Active,Voters_StateVoterID,Voters_FirstName,"
    "Voters_MiddleName,Voters_LastName,Voters_NameSuffix,"
    "Residence_Addresses_AddressLine,Residence_Addresses_ExtraAddressLine,"
    "Residence_Addresses_City,Residence_Addresses_State,Residence_Addresses_Zip,"
    "Residence_Addresses_ZipPlus4,VoterTelephones_LandlineFormatted,"
    "VoterTelephones_CellPhoneFormatted,Voters_Gender,Voters_Age,Parties_Description"
).split(",")
SQUASHED_ON_ROLL = 0.3  # of O'Brien, McDonald, de la Cruz: Obrien, Mcdonald...
UNIT_ON_ROLL_LINE = 0.7  # of flats: the unit on the address line, else extra line
ZIP4_ON_ROLL = 0.85
# Each building uses one designator: Apt mostly, then Unit, then #.
DESIGNATORS = ["Apt", "Apt", "Apt", "Apt", "Unit", "Unit", "#"]
CHUNK = 500_000


@dataclass(frozen=True)
class Texts:
    """The strings rows are gathered from, made once per file."""

    given: pl.Series
    lasts: pl.Series  # the surname pool, then each surname squashed
    compound: np.ndarray  # per surname: has a particle, apostrophe or Mc/Mac
    streets: pl.Series
    zips: pl.Series
    cities: pl.Series

    @classmethod
    def of(cls, d: District, pools: Pools) -> Texts:
        lasts = pl.Series([plain(n) for n in pools.surnames.values], dtype=pl.Utf8)
        low = lasts.str.replace_all(r"['. ]", "").str.to_lowercase()
        squashed = low.str.slice(0, 1).str.to_uppercase() + low.str.slice(1)
        return cls(
            given=pl.Series([plain(n) for n in d.given.names], dtype=pl.Utf8),
            lasts=pl.concat([lasts, squashed]),
            compound=lasts.str.contains(r"['. ]|^Mac[A-Z]|^Mc[A-Z]").to_numpy(),
            streets=pl.Series(d.street_name, dtype=pl.Utf8),
            zips=pl.Series(d.zip5, dtype=pl.Utf8),
            cities=pl.Series(d.zip_city, dtype=pl.Utf8),
        )


def _pick(values: pl.Series, index: np.ndarray) -> pl.Series:
    """values[index], null where index < 0."""
    index = pl.Series(index, dtype=pl.Int64)
    return values.gather(index.set(index < 0, None))


def _raw(d: District, t: Texts, c: dict[str, np.ndarray], rng) -> pl.DataFrame:
    """One chunk's values, gathered but not yet laid out."""
    n = len(c["unit"])
    building = d.unit_building[c["unit"]]
    street = d.building_street[building]
    zip_of = d.street_zip[street]
    squash = t.compound[c["last_a"]] & (rng.random(n) < SQUASHED_ON_ROLL)
    half = len(t.compound)
    return pl.DataFrame(
        {
            "voter_no": c["voter_no"],
            "active": c["active"],
            "first": t.given.gather(c["printed_first"]),
            "middle": _pick(t.given, c["middle"]),
            "initial_only": c["middle_initial"],
            "last_a": t.lasts.gather(c["last_a"] + half * squash),
            "last_b": _pick(t.lasts, c["last_b"]),
            "suffix": _pick(
                pl.Series(SUFFIXES), np.where(c["suffix"] > 0, c["suffix"], -1)
            ),
            "number": d.building_number[building],
            "street": t.streets.gather(street),
            "label": d.unit_label.gather(c["unit"]),
            "designator": pl.Series(DESIGNATORS).gather(building % len(DESIGNATORS)),
            "on_line": rng.random(n) < UNIT_ON_ROLL_LINE,
            "city": t.cities.gather(zip_of),
            "zip": t.zips.gather(zip_of),
            "zip4": d.building_zip4[building],
            "zip4_shown": rng.random(n) < ZIP4_ON_ROLL,
            "landline": Numbers.text(pl.Series(c["landline"], dtype=pl.Int64)),
            "cell": Numbers.text(pl.Series(c["cell"], dtype=pl.Int64)),
            "male": c["sex"] == 1,
            "born": pl.Series(c["dob"], dtype=pl.Int32).cast(pl.Date),
            "party": pl.Series(list(PARTIES)).gather(c["party"]),
            "district_no": rng.integers(1, 100, n),
            "serial": rng.integers(0, 1000, n),
        }
    )


def _phone(column: str) -> pl.Expr:
    ten = pl.col(column)
    return pl.concat_str(
        pl.lit("("), ten.str.slice(0, 3), pl.lit(") "), ten.str.slice(3, 3),
        pl.lit("-"), ten.str.slice(6),
    )  # fmt: skip


def _columns() -> list[pl.Expr]:
    """The L2 columns from a raw chunk."""
    flat = pl.col("label") != ""
    space = pl.when(pl.col("designator") == "#").then(pl.lit("")).otherwise(pl.lit(" "))
    unit = pl.concat_str("designator", space, "label")
    line = pl.concat_str(pl.col("number").cast(pl.Utf8), pl.lit(" "), "street")
    last = pl.concat_str("last_a", pl.lit("-"), "last_b").fill_null(pl.col("last_a"))
    born = pl.col("born").dt
    late = (born.month() > AS_OF.month) | (
        (born.month() == AS_OF.month) & (born.day() > AS_OF.day)
    )
    # Massachusetts-style state id: district, surname letters, birthday, serial.
    state_id = pl.concat_str(
        pl.col("district_no").cast(pl.Utf8).str.zfill(2),
        last.str.replace_all(r"[^A-Za-z]", "").str.to_uppercase().str.slice(0, 3)
        .str.pad_end(3, "X"),
        born.strftime("%m%d"),
        pl.col("serial").cast(pl.Utf8).str.zfill(3),
    )  # fmt: skip
    return [
        pl.concat_str(pl.lit("LALMA"), pl.col("voter_no").cast(pl.Utf8)).alias(
            "LALVOTERID"
        ),
        pl.when("active")
        .then(pl.lit("A"))
        .otherwise(pl.lit("I"))
        .alias("Voters_Active"),
        state_id.alias("Voters_StateVoterID"),
        pl.col("first").alias("Voters_FirstName"),
        pl.when("initial_only")
        .then(pl.col("middle").str.slice(0, 1))
        .otherwise(pl.col("middle"))
        .alias("Voters_MiddleName"),
        last.alias("Voters_LastName"),
        pl.col("suffix").alias("Voters_NameSuffix"),
        pl.when(flat & pl.col("on_line"))
        .then(pl.concat_str(line, pl.lit(" "), unit))
        .otherwise(line)
        .alias("Residence_Addresses_AddressLine"),
        pl.when(flat & ~pl.col("on_line"))
        .then(unit)
        .alias("Residence_Addresses_ExtraAddressLine"),
        pl.col("city").alias("Residence_Addresses_City"),
        pl.lit("MA").alias("Residence_Addresses_State"),
        pl.col("zip").alias("Residence_Addresses_Zip"),
        pl.when("zip4_shown")
        .then(pl.col("zip4").cast(pl.Utf8))
        .alias("Residence_Addresses_ZipPlus4"),
        _phone("landline").alias("VoterTelephones_LandlineFormatted"),
        _phone("cell").alias("VoterTelephones_CellPhoneFormatted"),
        pl.when("male").then(pl.lit("M")).otherwise(pl.lit("F")).alias("Voters_Gender"),
        (AS_OF.year - born.year() - late.cast(pl.Int32)).alias("Voters_Age"),
        pl.col("party").alias("Parties_Description"),
    ]


def write_voters(path: Path, d: District, pools: Pools, seed: int) -> None:
    """Write every voter of `d` to `path` as an L2 CSV."""
    texts, columns, v = Texts.of(d, pools), _columns(), d.voters
    with open(path, "wb") as handle:
        for start in range(0, len(v["unit"]), CHUNK):
            rng = np.random.default_rng([seed, start])
            chunk = {key: values[start : start + CHUNK] for key, values in v.items()}
            frame = _raw(d, texts, chunk, rng).select(columns)
            frame.write_csv(handle, include_header=start == 0)


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a small CSV file (the casework and the truth) as UTF-8."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def date_the_roll(path: Path) -> None:
    """casetui reads an L2 age as of the file's date: make that the ages' date."""
    stamp = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 12).timestamp()
    os.utime(path, (stamp, stamp))
