"""A district's geography and voters, made with numpy (no per-voter Python).

Everything is held as arrays of numbers (indices into the name pools, ids, days)
and only turned into text in chunks when the voter file is written, which keeps
five million voters within a couple of gigabytes.

The shape follows real New England data: a ZIP code holds about 5,000 voters on
average (lognormal, a few hundred to 30,000), a town one to a few ZIPs and the
hub city many; a street about 30 households; buildings are houses, two- and
three-families and apartment blocks, more of the latter in the denser ZIPs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from benchmarks.people import VOTERS_PER_UNIT, Given, households
from benchmarks.pools import COMMON_STREETS, Numbers, Pools

VOTERS_PER_ZIP = 3500  # median; lognormal with sigma ZIP_SPREAD, so mean ~5,300
ZIP_SPREAD = 0.9
HOUSEHOLDS_PER_STREET = 30


@dataclass
class District:
    """Arrays describing every ZIP, street, building, unit and voter."""

    zip5: np.ndarray  # str, per ZIP
    zip_city: np.ndarray  # str, per ZIP
    street_zip: np.ndarray  # per street: its ZIP
    street_name: np.ndarray  # str, per street, USPS style ("N Main St")
    building_street: np.ndarray
    building_number: np.ndarray
    building_zip4: np.ndarray
    building_units: np.ndarray
    unit_building: np.ndarray
    unit_label: pl.Series  # "" for a house
    unit_voters: np.ndarray  # registered voters living there
    voters: dict[str, np.ndarray]  # one array per field, one row per voter
    numbers: Numbers
    given: Given

    def unit_zip(self, units: np.ndarray) -> np.ndarray:
        """The ZIP index of each unit."""
        return self.street_zip[self.building_street[self.unit_building[units]]]


def _zips(rng: np.random.Generator, n_voters: int) -> tuple[np.ndarray, ...]:
    """ZIP codes with their share of voters, town and density (0 rural, 1 city)."""
    sizes = rng.lognormal(np.log(VOTERS_PER_ZIP), ZIP_SPREAD, n_voters // 300 + 10)
    count = int(np.searchsorted(np.cumsum(sizes), n_voters)) + 1
    count = min(max(count, 3), 1799)  # 01001-02799: Massachusetts' range
    sizes = sizes[:count]
    codes = np.sort(rng.choice(np.arange(1001, 2800), count, replace=False))

    # Neighbouring ZIP codes form a town; one hub city has a tenth of them.
    groups = [max(1, count // 10)]
    while sum(groups) < count:
        groups.append(int(rng.geometric(0.55)))
    groups = rng.permutation(groups)
    town = np.repeat(np.arange(len(groups)), groups)[:count]
    hub = town == np.argmax(groups)

    z = (np.log(sizes) - np.log(sizes).mean()) / max(np.log(sizes).std(), 1e-9)
    density = np.clip(0.3 + 0.15 * z + 0.35 * hub + rng.normal(0, 0.12, count), 0, 1)
    return np.char.zfill(codes.astype(str), 5), sizes / sizes.sum(), town, density


def _town_names(rng: np.random.Generator, pools: Pools, n: int) -> np.ndarray:
    prefixes, roots, endings = pools.town_parts
    names: list[str] = []
    while len(names) < n:
        name = f"{rng.choice(roots)}{rng.choice(endings)}"
        if rng.random() < 0.2:
            name = f"{rng.choice(prefixes)} {name}"
        if name not in names:
            names.append(name)
    return np.array(names, dtype=object)


def _streets(rng, pools: Pools, households: np.ndarray) -> tuple[np.ndarray, ...]:
    """(ZIP, name) of every street: names distinct within a ZIP, shared across
    towns, Main St nearly everywhere; about HOUSEHOLDS_PER_STREET homes each."""
    wanted = np.maximum(4, np.round(households / HOUSEHOLDS_PER_STREET)).astype(int)
    tries = (wanted * 1.6 + 8).astype(int)
    zip_of = np.repeat(np.arange(len(wanted)), tries)
    n = len(zip_of)
    base = pools.streets.series(pools.streets.draw(rng, n))
    kind = pools.street_types.series(pools.street_types.draw(rng, n))
    # The old town streets are nearly always a Street: Main St, not Main Dr.
    old = base.is_in(list(COMMON_STREETS)).to_numpy() & (rng.random(n) < 0.7)
    kind = kind.scatter(np.flatnonzero(old), "St")
    way = pl.Series(["", "N ", "S ", "E ", "W "]).gather(
        np.where(rng.random(n) < 0.06, rng.integers(1, 5, n), 0)
    )
    frame = pl.DataFrame({"zip": zip_of, "base": base, "kind": kind, "way": way})
    frame = frame.with_columns(
        pl.when(pl.col("base") == "Broadway")
        .then(pl.col("base"))
        .otherwise(pl.concat_str("way", "base", pl.lit(" "), "kind"))
        .alias("name")
    ).unique(["zip", "name"], maintain_order=True)
    rank = frame.select(pl.int_range(pl.len()).over("zip"))
    frame = frame.filter(rank.to_series().to_numpy() < wanted[frame["zip"]])
    return frame["zip"].to_numpy(), frame["name"].to_numpy().astype(object)


def _buildings(rng, street_zip, density, units_wanted) -> tuple[np.ndarray, ...]:
    """Buildings per ZIP: (street, number, ZIP+4, units). Denser ZIPs have more
    two- and three-families and apartment blocks."""
    # At the mean density about half of all homes are houses, a quarter in two-
    # to four-families and a fifth in blocks, close to Massachusetts' census.
    p_apartment = 0.003 + 0.035 * density
    p_house = 0.95 - 0.4 * density
    per_building = p_house + (1 - p_house - p_apartment) * 2.65 + p_apartment * 24
    count = np.ceil(units_wanted / per_building).astype(int) + 1
    zip_of = np.repeat(np.arange(len(count)), count)
    n = len(zip_of)

    roll = rng.random(n)
    units = np.ones(n, dtype=np.int32)
    small = roll >= p_house[zip_of]
    big = roll >= 1 - p_apartment[zip_of]
    units[small] = rng.choice([2, 3, 4], small.sum(), p=[0.5, 0.35, 0.15])
    units[big] = 5 + np.minimum(rng.lognormal(np.log(14), 0.8, big.sum()), 300)

    # Each ZIP's streets take [zip, zip + 1) of a line, in proportion to length,
    # so one searchsorted picks a street within the building's own ZIP.
    length = rng.lognormal(0, 0.9, len(street_zip))
    within = pl.DataFrame({"z": street_zip, "w": length}).select(
        pl.col("w").cum_sum().over("z") / pl.col("w").sum().over("z")
    )["w"]
    line = street_zip + within.to_numpy()
    street = np.searchsorted(line, zip_of + rng.random(n) * 0.999999, side="left")

    order = np.argsort(street, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    first = np.searchsorted(street[order], street[order], side="left")
    rank[order] = np.arange(n) - first
    # Most streets number from the low tens; long roads from the hundreds.
    long_road = rng.random(len(street_zip)) < 0.15
    start = np.where(
        long_road,
        100 * rng.integers(1, 30, len(street_zip)),
        rng.integers(1, 60, len(street_zip)),
    )
    step = rng.choice([2, 2, 2, 4, 6, 10], len(street_zip))
    number = start[street] + rank * step[street] + rng.integers(0, step[street])
    zip4 = rng.integers(1000, 10000, n)
    return street, number, zip4, units


def _unit_labels(rng, units: np.ndarray) -> tuple[np.ndarray, pl.Series]:
    """One row per dwelling: its building and its label (1, 2, 3 or A, B in a
    small house; 101, 102, 201 or 2B or 14 in a block; empty for a house)."""
    building = np.repeat(np.arange(len(units), dtype=np.int32), units)
    k = np.arange(len(building)) - np.repeat(np.cumsum(units) - units, units)
    per_floor = rng.integers(2, 13, len(units))[building]
    frame = pl.DataFrame(
        {
            "k": k,
            "size": units[building],
            "style": rng.random(len(units))[building],
            "floor": k // per_floor + 1,
            "door": k % per_floor,
        }
    )
    letter = pl.col("door").replace_strict(
        dict(enumerate("ABCDEFGHIJKL")), return_dtype=pl.Utf8
    )
    number = (pl.col("k") + 1).cast(pl.Utf8)
    label = (
        pl.when(pl.col("size") == 1)
        .then(pl.lit(""))
        .when(pl.col("size") <= 4)
        .then(
            pl.when(pl.col("style") < 0.8)
            .then(number)
            .otherwise(
                pl.col("k").replace_strict(
                    dict(enumerate("ABCD")), return_dtype=pl.Utf8
                )
            )
        )
        .when(pl.col("style") < 0.7)
        .then((pl.col("floor") * 100 + pl.col("door") + 1).cast(pl.Utf8))
        .when(pl.col("style") < 0.85)
        .then(pl.concat_str(pl.col("floor").cast(pl.Utf8), letter))
        .otherwise(number)
    )
    return building, frame.select(label.alias("label")).to_series()


def build(rng: np.random.Generator, pools: Pools, n_voters: int) -> District:
    """A district of exactly `n_voters` voters in households, with vacant units
    (where nobody is registered) for the casework side to use."""
    zip5, share, town, density = _zips(rng, n_voters)
    city = _town_names(rng, pools, town.max() + 1)[town]
    mean_voters = float(np.dot(np.arange(7), VOTERS_PER_UNIT))
    units_wanted = share * n_voters / mean_voters * 1.08
    street_zip, street_name = _streets(rng, pools, units_wanted)
    street, number, zip4, units = _buildings(rng, street_zip, density, units_wanted)
    unit_building, unit_label = _unit_labels(rng, units)

    occupants = rng.choice(7, len(unit_building), p=VOTERS_PER_UNIT)
    # Fill units in a random order until exactly n_voters are housed.
    order = rng.permutation(len(occupants))
    before = np.cumsum(occupants[order]) - occupants[order]
    kept = np.clip(n_voters - before, 0, occupants[order])
    short = n_voters - kept.sum()
    if short > 0:
        raise SystemExit(f"internal: {short} voters without a home; raise the margin")
    occupants[order] = kept

    numbers = Numbers(rng)
    given = Given.build(pools)
    voters = households(rng, pools, occupants, unit_building, numbers, given)
    return District(
        zip5=zip5,
        zip_city=city,
        street_zip=street_zip,
        street_name=street_name,
        building_street=street,
        building_number=number,
        building_zip4=zip4,
        building_units=units,
        unit_building=unit_building,
        unit_label=unit_label,
        unit_voters=occupants,
        voters=voters,
        numbers=numbers,
        given=given,
    )
