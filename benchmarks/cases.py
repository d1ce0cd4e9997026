"""Who comes to the office: registered voters (some of whom moved since they
registered) and residents who are not registered, several kinds of them chosen
to look like a voter. Returns plain Python records; there are only thousands.

Shares are of case people (one person may have two cases). The decoys:
a relative living with a voter (same surname, another first name, sometimes
the same initial, often the household's phone), a new tenant in a voter's flat
(the voter moved out, the roll was not updated), a namesake of a voter living
in another ZIP, and a stranger living somewhere in the district.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import numpy as np

from benchmarks.district import District
from benchmarks.people import AS_OF, HEAD, SUFFIXES, adult_ages, ages_to_dob
from benchmarks.pools import Pools

UNREGISTERED = 0.30  # of case people: not in the voter file
MOVED = 0.15  # of registered case people: the case has a newer address
MOVED_SAME_ZIP = 0.5  # of movers: within the same ZIP code
JUNIORS = 1 / 60  # of case people: a registered Jr or Sr, to make pairs likely
# Namesakes are drawn in proportion to how common the full name is, as in life:
# many John Smiths, hardly ever two of a rare name.
VOTER_NAMESAKE = 0.08  # of registered case people: another voter, same name,
NAMESAKE_SAME_AGE = 0.2  # another ZIP; and of those, born within two years
# The kinds of unregistered case people, as shares of them.
RELATIVE, TENANT, NAMESAKE, STRANGER = 0.35, 0.15, 0.15, 0.35
RELATIVE_SAME_INITIAL = 0.3
RELATIVE_HOUSEHOLD_PHONE = 0.4  # of relatives whose household has a landline
STRANGER_VACANT = 0.6  # of strangers: in a unit where nobody is registered


@dataclass(frozen=True)
class Person:
    """One person as the office knows them (the true values, before noise)."""

    first: str  # the name they give (accents kept)
    middle: str
    last: str
    suffix: str
    sex: int  # 1 male
    dob: int  # days since 1970
    unit: int  # where they live now
    cell: int  # phone codes, -1 none
    landline: int
    voter_id: str = ""  # empty when not registered
    voter_first: str = ""  # the first name on the roll (a nickname, sometimes)


def _weighted_sample(rng, weights: np.ndarray, k: int) -> np.ndarray:
    """k distinct indices, each drawn with probability ~ weight (exponential
    keys: one vectorised pass, fine for millions)."""
    keys = rng.exponential(size=len(weights)) / np.maximum(weights, 1e-12)
    return np.argpartition(keys, k)[:k] if k < len(weights) else np.arange(k)


class Office:
    """Chooses the case people of one run; `rng` is numpy, `r` Python's."""

    def __init__(self, district: District, pools: Pools, rng, r: random.Random):
        self.d, self.pools, self.rng, self.r = district, pools, rng, r
        self.v = district.voters
        self.used: set[int] = set()  # voters already claimed by a case or decoy
        last_share = pools.surnames.p / pools.surnames.p.sum()
        self.commonness = (
            district.given.share[self.v["printed_first"]] * last_share[self.v["last_a"]]
        )
        self.common: list[int] = []  # voters with common names, for namesakes
        self.occupied = district.unit_voters > 0

    def zip_of(self, unit: int) -> int:
        return int(self.d.unit_zip(np.array([unit]))[0])

    def name(self, index: int) -> str:
        return str(self.d.given.names[index]) if index >= 0 else ""

    def surname(self, a: int, b: int = -1) -> str:
        values = self.pools.surnames.values
        return f"{values[a]}-{values[b]}" if b >= 0 else str(values[a])

    def voter(self, i: int) -> Person:
        v = self.v
        return Person(
            first=self.name(v["first"][i]),
            middle=self.name(v["middle"][i]),
            last=self.surname(v["last_a"][i], v["last_b"][i]),
            suffix=SUFFIXES[v["suffix"][i]],
            sex=int(v["sex"][i]),
            dob=int(v["dob"][i]),
            unit=int(v["unit"][i]),
            cell=int(v["cell"][i]),
            landline=int(v["landline"][i]),
            voter_id=f"LALMA{v['voter_no'][i]}",
            voter_first=self.name(v["printed_first"][i]),
        )

    def people(self, n: int) -> list[Person]:
        """`n` case people in a random order, about UNREGISTERED of them not in
        the voter file. Changes the voter file: plants namesakes of some."""
        n_registered = round(n * (1 - UNREGISTERED))
        registered = self.registered(n_registered)
        self.plant_namesakes(registered)
        people = [self.voter(i) for i in registered]
        people = [self.moved(p) if self.r.random() < MOVED else p for p in people]
        kinds = self.r.choices(
            [self.relative, self.tenant, self.namesake, self.stranger],
            [RELATIVE, TENANT, NAMESAKE, STRANGER],
            k=n - n_registered,
        )
        people += [make() for make in kinds]
        self.r.shuffle(people)
        return people

    def registered(self, k: int) -> np.ndarray:
        """Voters who come to the office; older people come more often."""
        age = (self._as_of() - self.v["dob"]) / 365.25
        chosen = _weighted_sample(self.rng, np.clip(age - 10, 5, 70), k)
        suffixed = np.flatnonzero(self.v["suffix"] > 0)
        extra = np.unique(self.rng.choice(suffixed, round(k * JUNIORS)))
        rest = chosen[~np.isin(chosen, extra)][: k - len(extra)]
        chosen = np.concatenate([extra, rest])
        self.rng.shuffle(chosen)
        self.used.update(chosen.tolist())
        return chosen

    def plant_namesakes(self, registered: np.ndarray) -> None:
        """Give some case people's names to a voter living alone in another
        ZIP, so the name alone cannot tell them apart."""
        v = self.v
        lives_alone = self.d.unit_voters[v["unit"]] == 1
        alone = np.flatnonzero((v["role"] == HEAD) & lives_alone)
        k = round(len(registered) * VOTER_NAMESAKE)
        weights = self.commonness[registered]
        for i in registered[_weighted_sample(self.rng, weights, k)]:
            for _ in range(20):
                j = int(alone[self.rng.integers(len(alone))])
                elsewhere = self.zip_of(v["unit"][j]) != self.zip_of(v["unit"][i])
                if j not in self.used and elsewhere and v["sex"][j] == v["sex"][i]:
                    break
            else:
                continue
            self.used.add(j)
            for field in ("first", "printed_first", "last_a", "last_b"):
                v[field][j] = v[field][i]
            v["suffix"][j] = 0
            if self.r.random() < NAMESAKE_SAME_AGE:
                v["dob"][j] = v["dob"][i] + self.r.randint(-730, 730)

    def moved(self, p: Person) -> Person:
        """The same person at a newer address in the district."""
        for _ in range(50):
            unit = self.random_unit(vacant=self.r.random() < 0.5)
            same_zip = self.zip_of(unit) == self.zip_of(p.unit)
            if unit != p.unit and same_zip == (self.r.random() < MOVED_SAME_ZIP):
                break
        landline = -1 if self.r.random() < 0.7 else int(self.d.numbers.take(1)[0])
        return replace(p, unit=unit, landline=landline)

    def random_unit(self, vacant: bool) -> int:
        """A unit anywhere in the district, with or without registered voters."""
        while True:
            unit = int(self.rng.integers(len(self.occupied)))
            if self.occupied[unit] != vacant:
                return unit

    def anchor(self, common: bool = False) -> Person:
        """A voter a decoy is built around (claimed, so no two decoys share);
        with `common`, one drawn by how common the name is."""
        while True:
            if common and not self.common:
                self.common = _weighted_sample(self.rng, self.commonness, 500).tolist()
            i = (
                self.common.pop()
                if common
                else int(self.rng.integers(len(self.v["unit"])))
            )
            if i not in self.used:
                self.used.add(i)
                return self.voter(i)

    def newcomer(self, unit: int, last: str, sex: int | None = None) -> Person:
        """Someone not registered, with names drawn like a voter's."""
        sex = self.r.randint(0, 1) if sex is None else sex
        sexes = np.array([sex])
        first = int(self.d.given.draw(self.rng, self.pools, sexes)[0])
        middle = int(self.d.given.draw(self.rng, self.pools, sexes)[0])
        age = adult_ages(self.rng, 1)
        cell = int(self.d.numbers.take(1)[0]) if self.r.random() < 0.6 else -1
        return Person(
            first=self.name(first),
            middle=self.name(middle) if self.r.random() < 0.7 else "",
            last=last,
            suffix="",
            sex=sex,
            dob=int(ages_to_dob(self.rng, age)[0]),
            unit=unit,
            cell=cell,
            landline=-1,
        )

    def new_surname(self) -> str:
        return self.surname(int(self.pools.surnames.draw(self.rng, 1)[0]))

    def relative(self) -> Person:
        """Lives with a voter and shares the surname; another first name,
        sometimes with the voter's initial, and often the household phone."""
        voter = self.anchor()
        p = self.newcomer(voter.unit, voter.last)
        own = np.flatnonzero(self.d.given.names == voter.first)[:1]
        if len(own) and self.r.random() < RELATIVE_SAME_INITIAL:
            alike = self.d.given.same_initial(self.rng, own, np.array([p.sex]))[0]
            p = replace(p, first=self.name(int(alike)))
        while p.first == voter.first:
            p = replace(p, first=self.newcomer(0, "", p.sex).first)
        if voter.landline >= 0 and self.r.random() < RELATIVE_HOUSEHOLD_PHONE:
            p = replace(p, landline=voter.landline)
        return p

    def tenant(self) -> Person:
        """Lives in a voter's unit under another surname: the voter moved out
        and the roll still has them there."""
        return self.newcomer(self.anchor().unit, self.new_surname())

    def namesake(self) -> Person:
        """A voter's first name and surname, in another ZIP code."""
        voter = self.anchor(common=True)
        unit = voter.unit
        while self.zip_of(unit) == self.zip_of(voter.unit):
            unit = self.random_unit(vacant=self.r.random() < 0.5)
        p = self.newcomer(unit, voter.last, voter.sex)
        p = replace(p, first=voter.voter_first)
        if self.r.random() < NAMESAKE_SAME_AGE:
            p = replace(p, dob=voter.dob + self.r.randint(-730, 730))
        return p

    def stranger(self) -> Person:
        """Anyone: in a unit where nobody is registered, or beside voters."""
        unit = self.random_unit(vacant=self.r.random() < STRANGER_VACANT)
        return self.newcomer(unit, self.new_surname())

    @staticmethod
    def _as_of() -> int:
        return int((np.datetime64(AS_OF) - np.datetime64("1970-01-01")).astype(int))
