"""The value pools a district is drawn from: first names and surnames with
frequencies, street names, city names and nicknames.

Faker's name lists are read once, here; everything per voter is numpy sampling
from these tables. Faker's lists are short (1,000 US surnames, about 700 first
names), while a million real voters carry tens of thousands of surnames, so the
tail is made up: onsets and endings of real surnames put together ("Brock" +
"ington"), with a Zipf-like frequency, in a pool that grows with the voter count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl
from faker import Faker
from nicknames import NickNamer

# Where surnames come from, as shares of voters: a New England metro region.
SURNAME_SOURCES = {
    "en_US": 0.40,  # census frequencies: Smith ~0.9%, Johnson ~0.7%
    "es_MX es_ES": 0.10,
    "en_IE": 0.04,
    "it_IT": 0.04,
    "pt_BR pt_PT": 0.025,
    "fr_FR": 0.02,
    "en_GB": 0.02,
    "de_DE nl_NL sv_SE": 0.015,
    "en_IN": 0.015,
    "cs_CZ hu_HU ro_RO": 0.01,
    "vi_VN": 0.01,
}
COMPOUND_SHARE = 0.015  # O'Brien, McDonald, de la Cruz, written properly
RARE_SURNAME_SHARE = 0.27  # the made-up long tail
FIRST_SOURCES = {"en_US": 0.80, "es_MX es_ES": 0.09, "it_IT pt_BR en_IE": 0.05,
                 "en_IN fr_FR de_DE": 0.03}  # fmt: skip
RARE_FIRST_SHARE = 0.03

# Census-style spellings in Faker's list, and how people actually write them.
COMPOUND = {
    "Obrien": "O'Brien", "Oconnor": "O'Connor", "Oneill": "O'Neill",
    "Oneal": "O'Neal", "Odonnell": "O'Donnell", "Oconnell": "O'Connell",
    "Delacruz": "de la Cruz", "Deleon": "De Leon", "Leblanc": "LeBlanc",
}  # fmt: skip
EXTRA_COMPOUND = [
    "O'Sullivan", "O'Malley", "O'Leary", "O'Keefe", "O'Rourke", "O'Hara",
    "MacDonald", "MacLeod", "McNamara", "McCarthy", "Mc Donough", "D'Angelo",
    "D'Amico", "DiMaggio", "Di Stefano", "De Souza", "De los Santos", "del Rio",
    "Van der Berg", "Van Buren", "St. Pierre", "St. Laurent", "Le Blanc",
    "Da Silva", "Dos Santos", "La Rosa", "Du Bois",
]  # fmt: skip

# Street names: the ones every New England town has, with a rough weight, then
# trees, places and people's names at weight 1.
COMMON_STREETS = {
    "Main": 40, "Washington": 14, "Elm": 12, "Maple": 12, "Park": 12, "Oak": 11,
    "Pleasant": 11, "High": 11, "School": 10, "Church": 10, "Summer": 9,
    "Pine": 9, "Water": 8, "Union": 8, "Center": 8, "Chestnut": 8, "Prospect": 8,
    "Spring": 8, "Highland": 7, "Central": 7, "Franklin": 7, "Winter": 6,
    "Lincoln": 6, "Walnut": 6, "Mill": 6, "Cedar": 6, "Forest": 6, "River": 6,
    "Hill": 6, "Lake": 5, "North": 5, "South": 5, "Adams": 5, "Grove": 5,
    "Broadway": 5, "Jefferson": 4, "Madison": 4, "Cottage": 4, "Academy": 3,
}  # fmt: skip
STREET_WORDS = (
    "Birch Willow Spruce Hemlock Laurel Locust Poplar Sycamore Juniper Hawthorne "
    "Beech Hickory Ash Magnolia Dogwood Orchard Meadow Brook Pond Ridge Valley "
    "Sunset Fairview Lakeview Riverside Bay Harbor Cliff Rock Stone Granite Mountain "
    "Glen Dale Woodland Bridge Depot Railroad Canal Market Commercial Liberty "
    "Independence Pilgrim Puritan Colonial Plymouth Salem Concord Lexington Boston "
    "Worcester Pearl Crystal Silver Garden Vine Rose Lilac Clover Heather Fox Deer "
    "Hawk Eagle Robin Cardinal Sparrow Heritage Village Country Farm Mill Pond"
).split()
STREET_TYPES = {"St": 34, "Rd": 20, "Ave": 14, "Dr": 9, "Ln": 6, "Ct": 4, "Pl": 3,
                "Way": 3, "Cir": 2, "Ter": 2, "Pkwy": 0.5, "Blvd": 0.5, "Hwy": 0.5,
                "Sq": 0.3, "Row": 0.3}  # fmt: skip
# How the long forms look when a caseworker types them out.
LONG = {
    "St": "Street", "Rd": "Road", "Ave": "Avenue", "Dr": "Drive", "Ln": "Lane",
    "Ct": "Court", "Pl": "Place", "Cir": "Circle", "Ter": "Terrace",
    "Pkwy": "Parkway", "Blvd": "Boulevard", "Hwy": "Highway", "Sq": "Square",
    "N": "North", "S": "South", "E": "East", "W": "West",
}  # fmt: skip

# Made-up names must not contain these.
RUDE = "shit|fuck|cunt|dick|cock|piss|slut|whore|nazi|rape|porn|anal|tits|fag|nig"
# Fictional numbers: the 555 exchange and the 1XX exchanges, which the North
# American plan never assigns. 9 area codes x 101 exchanges x 10,000 lines.
AREA_CODES = ["617", "857", "781", "339", "978", "351", "508", "774", "413"]
EXCHANGES = ["555"] + [str(x) for x in range(100, 200)]

_LATIN = re.compile(r"^[A-Z][a-z]+$")
_NOT_FOLDED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d",
                             "Đ": "D", "ß": "ss", "æ": "ae", "ı": "i"})  # fmt: skip


def plain(text: str) -> str:
    """ASCII as voter files print names (José -> Jose, Łukasz -> Lukasz)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_NOT_FOLDED))
    return decomposed.encode("ascii", "ignore").decode()


@dataclass(frozen=True)
class Table:
    """Values and their probabilities, sampled with `draw`."""

    values: np.ndarray  # of str
    p: np.ndarray

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Return n indices into `values`."""
        cdf = np.cumsum(self.p)
        return np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")

    def series(self, index: np.ndarray) -> pl.Series:
        return pl.Series(self.values, dtype=pl.Utf8).gather(index)

    def to_dict(self) -> dict[str, float]:
        return dict(zip(self.values.tolist(), self.p.tolist(), strict=True))


def _weights(names: Sequence[str] | Mapping[str, float]) -> dict[str, float]:
    """Within-source weights: Faker's frequencies where it has them, otherwise a
    gentle Zipf over the list in a fixed shuffled order (lists are alphabetical)."""
    if isinstance(names, Mapping):
        return {k: float(v) for k, v in names.items()}
    order = np.random.default_rng(len(names)).permutation(len(names))
    return {names[i]: 1.0 / (rank + 8) for rank, i in enumerate(order)}


@cache
def _provider(locale: str, kind: str):
    """One of Faker's providers; making a Faker is slow, so each only once."""
    return Faker(locale).provider(f"faker.providers.{kind}")


def _mix(sources: dict[str, float], attr: str) -> dict[str, float]:
    """Names from Faker's locales, each group at its share; accents are kept
    (the case side may show them), other scripts and odd spellings dropped."""
    mixed: dict[str, float] = {}
    for locales, share in sources.items():
        group: dict[str, float] = {}
        for locale in locales.split():
            provider = _provider(locale, "person")
            for name, w in _weights(getattr(provider, attr)).items():
                if _LATIN.match(plain(name)):
                    group[name] = group.get(name, 0.0) + w
        total = sum(group.values())
        for name, w in group.items():
            mixed[name] = mixed.get(name, 0.0) + share * w / total
    return mixed


def _made_up(
    rng: np.random.Generator, seeds: list[str], n: int, taken: set[str]
) -> list[str]:
    """`n` new names glued from the start of one real name and the end of
    another, joined vowel to consonant or consonant to vowel so they read like
    names; none is a real name, none has a run of three like letters."""
    lows = [plain(s).lower() for s in seeds if len(s) >= 4]
    pieces = pl.DataFrame(
        {"w": [w for w in lows for _ in (2, 3, 4)], "k": [2, 3, 4] * len(lows)}
    ).filter(pl.col("w").str.len_chars() >= pl.col("k") + 2)
    onsets = pieces.select(pl.col("w").str.slice(0, pl.col("k")).alias("a")).unique()
    codas = pieces.select(pl.col("w").str.slice(pl.col("k")).alias("b")).unique()
    onsets, codas = onsets.sort("a")["a"], codas.sort("b")["b"]
    need = n * 3 + 200
    vowel = "[aeiouy]"
    glued = pl.DataFrame(
        {
            "a": onsets.gather(rng.integers(0, len(onsets), need)),
            "b": codas.gather(rng.integers(0, len(codas), need)),
        }
    ).filter(
        pl.col("a").str.contains(f"{vowel}$") != pl.col("b").str.contains(f"^{vowel}")
    )
    tripled = "|".join(c * 3 for c in "abcdefghijklmnopqrstuvwxyz")
    name = pl.concat_str("a", "b")
    names = (
        glued.select(name.alias("low"))
        .filter(
            pl.col("low").str.len_chars().is_between(4, 12)
            & ~pl.col("low").str.contains(
                f"{tripled}|{vowel}{{3}}|[^aeiouy]{{4}}|{RUDE}"
            )
            & ~pl.col("low").is_in([t.lower() for t in taken])
        )
        .unique(maintain_order=True)
        .head(n)
    )
    return names["low"].str.to_titlecase().to_list()


def _with_tail(common: dict[str, float], tail: list[str], share: float) -> Table:
    """Common names at (1 - share), the made-up tail at `share` with a Zipf(0.9)
    frequency, so a few tail names recur and most appear once or twice."""
    head_total = sum(common.values())
    values = list(common) + tail
    zipf = 1.0 / np.arange(10, len(tail) + 10) ** 0.9
    p = np.concatenate(
        [
            np.array(list(common.values())) * (1 - share) / head_total,
            zipf * share / zipf.sum() if len(tail) else np.zeros(0),
        ]
    )
    return Table(np.array(values, dtype=object), p)


@dataclass(frozen=True)
class Pools:
    """Everything a district is drawn from; `build` makes one per run."""

    surnames: Table
    firsts: dict[str, Table]  # by sex, "M" and "F"
    streets: Table  # base names ("Main", "Oak Hill")
    street_types: Table
    town_parts: tuple[list[str], list[str], list[str]]  # prefixes, roots, endings
    nicknames: dict[str, tuple[list[str], list[float]]]  # name -> nicks, weights

    @classmethod
    def build(cls, rng: np.random.Generator, n_voters: int) -> Pools:
        """The pools for a district of `n_voters`: the made-up tails grow with
        it (about one new surname per 10 voters, one first name per 200)."""
        lasts = _mix(SURNAME_SOURCES, "last_names")
        for census, proper in COMPOUND.items():
            if census in lasts:
                lasts[proper] = lasts.pop(census)
        for name in EXTRA_COMPOUND:
            lasts[name] = lasts.get(name, 0.0) + COMPOUND_SHARE / len(EXTRA_COMPOUND)
        rare_lasts = _made_up(rng, list(lasts), n_voters // 10 + 500, set(lasts))
        surnames = _with_tail(lasts, rare_lasts, RARE_SURNAME_SHARE)

        firsts = {}
        for sex, attr in (("M", "first_names_male"), ("F", "first_names_female")):
            common = _mix(FIRST_SOURCES, attr)
            rare = _made_up(rng, list(common), n_voters // 200 + 100, set(common))
            firsts[sex] = _with_tail(common, rare, RARE_FIRST_SHARE)

        people = _provider("en_US", "person")
        streets = dict(COMMON_STREETS)
        for word in STREET_WORDS:
            streets[word] = streets.get(word, 0.0) + 2.0
        for name in list(people.last_names)[:600] + list(people.first_names_male):
            streets[name] = streets.get(name, 0.0) + 0.5
        endings = ["Hill", "View", "Brook", "Wood", "Field", "Crest", "Ridge"]
        for a, b in zip(
            rng.choice(STREET_WORDS, 300), rng.choice(endings, 300), strict=True
        ):
            if a != b:
                streets[f"{a} {b}"] = 0.5
        place = _provider("en_US", "address")
        towns = (
            list(place.city_prefixes),
            [plain(n) for n in list(people.last_names)[:400] if len(n) <= 7],
            sorted(set(place.city_suffixes) | {"field", "ham", "wood", "ford"}),
        )
        nicks = _nicknames({**firsts["M"].to_dict(), **firsts["F"].to_dict()})
        return cls(
            surnames=surnames,
            firsts=firsts,
            streets=_table(streets),
            street_types=_table(STREET_TYPES),
            town_parts=towns,
            nicknames=nicks,
        )


def _table(weights: Mapping[str, float]) -> Table:
    return Table(
        np.array(list(weights), dtype=object),
        np.array(list(weights.values()), dtype=float),
    )


def _nicknames(firsts: dict[str, float]) -> dict[str, tuple[list[str], list[float]]]:
    """Nicknames people really answer to, for each first name in the pools.

    The nicknames package lists archaic forms too (Dob for Robert), so a
    nickname is kept only when it is itself a first name in the pools (Bill,
    Peggy) or shares the name's first three letters (Rob, Eliza), and is
    shorter than the name. The first kind weighs three times as much."""
    namer = NickNamer()
    known = {plain(n).lower() for n in firsts}
    nicks: dict[str, tuple[list[str], list[float]]] = {}
    for name in sorted(firsts):
        low = plain(name).lower()
        options, weights = [], []
        for nick in sorted(namer.nicknames_of(low)):
            if not 3 <= len(nick) < len(low):
                continue
            if nick in known or nick[:3] == low[:3]:
                options.append(nick.title())
                weights.append(3.0 if nick in known else 1.0)
        if options:
            nicks[name] = (options, weights)
    return nicks


class Numbers:
    """Unique fictional ten-digit phone numbers, handed out in a seeded order:
    an affine permutation of the whole range, so no set of used ones is kept."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.size = len(AREA_CODES) * len(EXCHANGES) * 10_000
        self.step = 7_368_791  # a prime that does not divide the range
        self.offset = int(rng.integers(0, self.size))
        self.used = 0

    def take(self, n: int) -> np.ndarray:
        """Return n new numbers as int64 codes (see `text`)."""
        if self.used + n > self.size:
            raise SystemExit("out of fictional phone numbers")
        i = np.arange(self.used, self.used + n, dtype=np.int64)
        self.used += n
        return (i * self.step + self.offset) % self.size

    @staticmethod
    def text(codes: pl.Series) -> pl.Series:
        """Ten digits for each code; null stays null (codes < 0 are none)."""
        codes = codes.set(codes < 0, None)
        area = pl.Series(AREA_CODES).gather(codes // (len(EXCHANGES) * 10_000))
        exchange = pl.Series(EXCHANGES).gather(codes // 10_000 % len(EXCHANGES))
        line = (codes % 10_000).cast(pl.Utf8).str.zfill(4)
        return pl.select(pl.concat_str(area, exchange, line)).to_series()

    @staticmethod
    def one(code: int) -> str:
        """Ten digits of one code (the same as `text`, for a single number)."""
        area, rest = divmod(code, len(EXCHANGES) * 10_000)
        exchange, line = divmod(rest, 10_000)
        return f"{AREA_CODES[area]}{EXCHANGES[exchange]}{line:04d}"
