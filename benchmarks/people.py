"""The people in a district's households, as numpy arrays (no per-voter Python).

A household is a head, a partner (usually sharing the surname), grown children
(sometimes a Jr named after his father, sometimes twins) or unrelated roommates.
Names are indices: given names into `Given.names`, surnames into the surname
pool; `voters` holds one array per field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from benchmarks.pools import Numbers, Pools

AS_OF = date(2026, 11, 1)  # Voters_Age is as of this day, the voter file's date
# Registered voters per dwelling unit; 0 is a unit where nobody is registered.
VOTERS_PER_UNIT = [0.10, 0.32, 0.34, 0.13, 0.07, 0.03, 0.01]
ROOMMATES = 0.12  # of households of two or more: unrelated (twice that in flats)
PARTNER_SAME_SURNAME = 0.8
PARTNER_HYPHENATED = 0.1  # of partners with their own surname: "Own-Head"
CHILD_SAME_SURNAME = 0.93
JUNIOR = 0.12  # of first children, sons living with their father: his Jr
LONE_SUFFIX = 0.01  # of other men: a Jr, II or III whose father is elsewhere
TWINS = 0.05  # of later children: born the same day as the one before
MIDDLE = 0.78
MIDDLE_INITIAL_ONLY = 0.18  # of middle names: the voter file prints an initial
REGISTERED_NICKNAME = 0.06  # registered as Peggy, tells the office Margaret
LANDLINE = 0.30  # of households, shared by everyone in it
CELL = 0.60  # of voters
# Age weights of adults by decade from 18, roughly a voter file's pyramid.
AGE_WEIGHTS = [0.8, 1.0, 1.0, 1.0, 1.0, 0.95, 0.75, 0.45, 0.15]
PARTIES = {
    "Democratic": 32,
    "Republican": 9,
    "Non-Partisan": 57,
    "Libertarian": 1,
    "Green": 1,
}
ACTIVE = 0.93
SUFFIXES = ["", "Jr", "Sr", "II", "III"]
HEAD, PARTNER, CHILD, ROOMMATE = 0, 1, 2, 3


@dataclass(frozen=True)
class Given:
    """Every given name the district uses: the pools' male names, then female,
    then nicknames the pools lack. `nick_*` is a flat table of nicknames per
    name, a name repeated by its weight; `by_initial` groups names by letter."""

    names: np.ndarray  # of str
    share: np.ndarray  # of its sex; 0 for the added nicknames
    n_male: int
    nick_start: np.ndarray
    nick_count: np.ndarray
    nick_flat: np.ndarray
    by_initial: dict[tuple[int, str], np.ndarray]  # (sex, letter) -> indices

    @classmethod
    def build(cls, pools: Pools) -> Given:
        """Given names from the pools; raises nothing."""
        names = list(pools.firsts["M"].values) + list(pools.firsts["F"].values)
        n_male = len(pools.firsts["M"].values)
        index: dict[str, int] = {}
        for i, name in enumerate(names):
            index.setdefault(name, i)
        for nicks, _ in pools.nicknames.values():
            for nick in nicks:
                if nick not in index:
                    index[nick] = len(names)
                    names.append(nick)
        start = np.zeros(len(names), dtype=np.int64)
        count = np.zeros(len(names), dtype=np.int64)
        flat: list[int] = []
        for i, name in enumerate(names):
            nicks, weights = pools.nicknames.get(name, ([], []))
            start[i] = len(flat)
            for nick, weight in zip(nicks, weights, strict=True):
                flat.extend([index[nick]] * int(weight))
            count[i] = len(flat) - start[i]
        by_initial = {}
        n_female = len(pools.firsts["F"].values)
        for sex, lo, hi in ((1, 0, n_male), (0, n_male, n_male + n_female)):
            initials = np.array([n[0] for n in names[lo:hi]])
            for letter in np.unique(initials):
                by_initial[(sex, str(letter))] = lo + np.flatnonzero(initials == letter)
        share = np.zeros(len(names))
        for lo, table in ((0, pools.firsts["M"]), (n_male, pools.firsts["F"])):
            share[lo : lo + len(table.p)] = table.p / table.p.sum()
        return cls(
            np.array(names, dtype=object),
            share,
            n_male,
            start,
            count,
            np.array(flat, dtype=np.int64),
            by_initial,
        )

    def draw(self, rng: np.random.Generator, pools: Pools, sex: np.ndarray):
        """A given name for each sex (1 male, 0 female), by the pools' shares."""
        male = pools.firsts["M"].draw(rng, len(sex))
        female = self.n_male + pools.firsts["F"].draw(rng, len(sex))
        return np.where(sex == 1, male, female)

    def nickname(self, rng: np.random.Generator, first: np.ndarray) -> np.ndarray:
        """A nickname for each name, or -1 when it has none."""
        count = self.nick_count[first]
        pick = self.nick_start[first] + (rng.random(len(first)) * count).astype(int)
        pick = np.minimum(pick, max(len(self.nick_flat) - 1, 0))
        return np.where(count > 0, self.nick_flat[pick], -1)

    def same_initial(self, rng, first: np.ndarray, sex: np.ndarray) -> np.ndarray:
        """Another name of the same sex starting with the same letter, uniformly
        (the name itself when it is the only one)."""
        out = first.copy()
        letters = np.array([n[0] for n in self.names[first]]) if len(first) else first
        for (s, letter), options in self.by_initial.items():
            rows = np.flatnonzero((sex == s) & (letters == letter))
            out[rows] = options[rng.integers(0, len(options), len(rows))]
        return out


def ages_to_dob(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """Days since 1970 of a birthday making someone `age` on AS_OF."""
    as_of = (np.datetime64(AS_OF) - np.datetime64("1970-01-01")).astype(int)
    return (as_of - age * 365.2425 - rng.integers(1, 365, len(age))).astype(np.int32)


def adult_ages(rng: np.random.Generator, n: int, low: int = 18) -> np.ndarray:
    """n ages from `low` to 100, shaped by AGE_WEIGHTS."""
    ages = np.arange(18, 101)
    weights = np.repeat(AGE_WEIGHTS, 10)[: len(ages)] * (ages >= low)
    return rng.choice(ages, n, p=weights / weights.sum())


@dataclass(frozen=True)
class Homes:
    """Who is who in each household: one entry per voter, in household order."""

    home_of: np.ndarray  # index of the voter's household
    member: np.ndarray  # 0 for the head, then 1, 2, ...
    head: np.ndarray  # row of the household's head
    role: np.ndarray  # HEAD, PARTNER, CHILD or ROOMMATE

    @property
    def n(self) -> int:
        return len(self.role)


def _homes(rng, size: np.ndarray, flat: np.ndarray) -> Homes:
    n = int(size.sum())
    home_of = np.repeat(np.arange(len(size)), size)
    member = np.arange(n) - np.repeat(np.cumsum(size) - size, size)
    roommates = (size >= 2) & (rng.random(len(size)) < ROOMMATES * (1 + flat))
    role = np.where(member == 0, HEAD, np.where(member == 1, PARTNER, CHILD))
    role = np.where(roommates[home_of] & (member > 0), ROOMMATE, role)
    return Homes(home_of, member, np.arange(n) - member, role)


def _sexes(rng, h: Homes) -> np.ndarray:
    """1 male, 0 female; partners are mostly of the other sex than the head."""
    sex = (rng.random(h.n) < 0.5).astype(np.int8)
    heads = h.role == HEAD
    sex[heads] = rng.random(heads.sum()) < 0.48
    partner = h.role == PARTNER
    other = 1 - sex[h.head[partner]]
    sex[partner] = np.where(rng.random(partner.sum()) < 0.93, other, 1 - other)
    return sex


def _birthdays(rng, h: Homes) -> tuple[np.ndarray, np.ndarray]:
    """(dob, twin): partners near the head's age, children 20 to 38 years
    younger (siblings when the head is too young), roommates 19 to 45."""
    age = adult_ages(rng, h.n, 22)
    near = np.clip(age[h.head] + np.round(rng.normal(0, 4, h.n)), 18, 100)
    age = np.where(h.role == PARTNER, near, age)
    child_age = age[h.head] - rng.integers(20, 39, h.n)
    child = h.role == CHILD
    age = np.where(child, np.where(child_age >= 18, child_age, near), age)
    age = np.where(h.role == ROOMMATE, rng.integers(19, 46, h.n), age)
    dob = ages_to_dob(rng, age.astype(int))
    before = np.roll(h.role, 1)
    twin = child & (h.member >= 3) & (before == CHILD) & (rng.random(h.n) < TWINS)
    dob[twin] = dob[np.flatnonzero(twin) - 1]
    return dob, twin


def _surnames(rng, pools: Pools, h: Homes) -> tuple[np.ndarray, np.ndarray]:
    """(last_a, last_b): the household's surname for the head, most partners
    and children; a partner's own (sometimes hyphenated "Own-Head"), and some
    children the partner's; roommates their own."""
    family = pools.surnames.draw(rng, h.home_of[-1] + 1)[h.home_of]
    own = pools.surnames.draw(rng, h.n)
    partner, child = h.role == PARTNER, h.role == CHILD
    keeps = partner & (rng.random(h.n) >= PARTNER_SAME_SURNAME)
    last_a = np.where((h.role == HEAD) | partner & ~keeps, family, own)
    last_b = np.full(h.n, -1, dtype=np.int64)
    hyphen = keeps & (rng.random(h.n) < PARTNER_HYPHENATED)
    last_b[hyphen] = family[hyphen]
    from_partner = child & (rng.random(h.n) >= CHILD_SAME_SURNAME)
    other = np.minimum(h.head + 1, h.n - 1)  # the partner, wherever there are children
    last_a = np.where(from_partner, last_a[other], np.where(child, family, last_a))
    last_b = np.where(from_partner, last_b[other], np.where(child, -1, last_b))
    return last_a, last_b


def _given_names(rng, pools, given: Given, h: Homes, sex, twin):
    """(first, suffix): twins sometimes share an initial; a first son living
    with his father is sometimes his Jr (the father Sr, or no suffix)."""
    first = given.draw(rng, pools, sex)
    look_alike = twin & (rng.random(h.n) < 0.4)
    first[look_alike] = given.same_initial(rng, first[look_alike], sex[look_alike])
    suffix = np.zeros(h.n, dtype=np.int8)
    junior = (h.role == CHILD) & (h.member == 2) & (sex == 1) & (sex[h.head] == 1)
    junior &= ~twin & (rng.random(h.n) < JUNIOR)
    fathers = h.head[junior]
    first[junior] = first[fathers]
    suffix[junior] = 1
    suffix[fathers] = np.where(rng.random(len(fathers)) < 0.6, 2, 0)
    lone = (suffix == 0) & (sex == 1) & (rng.random(h.n) < LONE_SUFFIX)
    lone &= ~np.isin(np.arange(h.n), fathers)
    suffix[lone] = rng.choice([1, 3, 4], lone.sum(), p=[0.7, 0.1, 0.2])
    return first, suffix


def households(
    rng: np.random.Generator,
    pools: Pools,
    occupants: np.ndarray,
    unit_building: np.ndarray,
    numbers: Numbers,
    given: Given,
) -> dict[str, np.ndarray]:
    """The voters living in each unit (`occupants` of them), one array per
    field, in a random order: unit, role, sex (1 male), first and printed_first
    (the name on the roll), middle (-1 none), middle_initial, last_a and last_b
    (the second part of a hyphenated surname, -1 none), suffix (into SUFFIXES),
    dob (days since 1970), landline and cell (-1 none), party, active and
    voter_no (unique, nine digits)."""
    homes = np.flatnonzero(occupants)
    h = _homes(rng, occupants[homes], units_in_building(unit_building, homes) > 4)
    sex = _sexes(rng, h)
    dob, twin = _birthdays(rng, h)
    last_a, last_b = _surnames(rng, pools, h)
    first, suffix = _given_names(rng, pools, given, h, sex, twin)
    middle = np.where(rng.random(h.n) < MIDDLE, given.draw(rng, pools, sex), -1)
    nick = given.nickname(rng, first)
    printed = np.where(
        (nick >= 0) & (rng.random(h.n) < REGISTERED_NICKNAME), nick, first
    )

    landline = np.full(len(homes), -1, dtype=np.int64)
    has_line = rng.random(len(homes)) < LANDLINE
    landline[has_line] = numbers.take(int(has_line.sum()))
    cell = np.full(h.n, -1, dtype=np.int64)
    has_cell = rng.random(h.n) < CELL
    cell[has_cell] = numbers.take(int(has_cell.sum()))

    parties = np.array(list(PARTIES.values()), dtype=float)
    voters = {
        "unit": homes[h.home_of],
        "role": h.role,
        "sex": sex,
        "first": first,
        "printed_first": printed,
        "middle": middle,
        "middle_initial": rng.random(h.n) < MIDDLE_INITIAL_ONLY,
        "last_a": last_a,
        "last_b": last_b,
        "suffix": suffix,
        "dob": dob,
        "landline": landline[h.home_of],
        "cell": cell,
        "party": rng.choice(len(parties), h.n, p=parties / parties.sum()),
        "active": rng.random(h.n) < ACTIVE,
    }
    # Households apart in the file; ids an affine permutation: unique, unordered.
    order = rng.permutation(h.n)
    voters = {key: narrow(value[order]) for key, value in voters.items()}
    voters["voter_no"] = 10**8 + (
        np.arange(h.n, dtype=np.int64) * 48_271_009 + int(rng.integers(0, 9 * 10**8))
    ) % (9 * 10**8)
    return voters


def units_in_building(unit_building: np.ndarray, homes: np.ndarray) -> np.ndarray:
    """Units in the building of each home (for telling flats from houses)."""
    per_building = np.bincount(unit_building)
    return per_building[unit_building[homes]]


def narrow(values: np.ndarray) -> np.ndarray:
    """Small integer codes as int32, which halves the memory of five million."""
    if values.dtype == np.int64 and (len(values) == 0 or values.max() < 2**31):
        return values.astype(np.int32)
    return values
