"""How a caseworker types a person's contact details into the CRM: the noise
between a case and its voter record. Rates are per case person unless said.

Voter-side differences (nickname on the roll, middle initials, squashed compound
surnames, unit designators) are made in district.py, people.py and generate.py.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

from benchmarks.cases import Person
from benchmarks.pools import LONG, Numbers, plain

CASE_NICKNAME = 0.10  # the case says Bill where the roll says William
MIDDLE_AS_FIRST = 0.03  # known by the middle name: case first = roll middle
TYPO_FIRST = 0.04  # one edit: a letter dropped, doubled, swapped or wrong
TYPO_LAST = 0.05
TYPO_STREET = 0.04
TYPO_HOUSE = 0.01  # digits swapped or one dropped
MIDDLE_FULL, MIDDLE_INITIAL = 0.45, 0.30  # the rest: no middle name on the case
MARRIED = 0.02  # of women: the case has a new surname (same address)
HYPHENATED = 0.02  # the case adds a second surname: "Garcia-Lopez" for "Garcia"
SHORTENED = 0.4  # of hyphenated surnames: the case keeps one part
COMPOUND_VARIANT = 0.4  # O'Brien / OBrien, McDonald / Mc Donald, de la Cruz
SUFFIX_SHOWN = 0.6  # of people with Jr, Sr, II or III
ACCENT_KEPT = 0.7  # of names with accents (the roll never has them)
BIRTH_DATE = 0.35
BIRTH_DATE_WRONG = 0.03  # of birth dates: day and month swapped or year off
STREET_LONG = 0.35  # per word: Street for St, North for N
UNIT_MISSING = 0.08  # of people in flats: the case has no unit
UNIT_ON_LINE_1 = 0.4  # of units: on the street line, else the second line
ZIP_ZERO_DROPPED = 0.02  # a spreadsheet turned 02139 into 2139
ZIP_WRONG = 0.01  # another ZIP of the same town, or a neighbouring one
ZIP4 = 0.35
ZIP4_WRONG = 0.10  # of ZIP+4s given
STATE_SPELLED = 0.05  # Massachusetts for MA
PHONE = 0.55  # of those: their cell, else the household line, else a new number
PHONE_CELL, PHONE_HOME = 0.55, 0.25
EMAIL = 0.5
UPPER, LOWER = 0.06, 0.03  # the whole contact typed in capitals or lower case

UNIT_STYLES = ["Apt {}", "#{}", "Unit {}", "APT {}", "Apt. {}", "Apt #{}", "# {}"]
EMAIL_DOMAINS = [
    "gmail.com",
    "yahoo.com",
    "comcast.net",
    "hotmail.com",
    "aol.com",
    "verizon.net",
    "icloud.com",
    "outlook.com",
]
NEAR_KEYS = "qwertyuiopasdfghjklzxcvbnm"
TEXT_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "street_address",
    "supplemental_address_1",
    "city",
)


def typo(r: random.Random, word: str) -> str:
    """One slip of the keyboard, away from the first letter (people get that
    right): a letter dropped, doubled, swapped with the next, or a neighbour
    key. Words under four letters are left alone."""
    if len(word) < 4:
        return word
    i = r.randint(1, len(word) - 2)
    kind = r.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    key = NEAR_KEYS.find(word[i].lower())
    near = NEAR_KEYS[(key + r.choice([-1, 1])) % len(NEAR_KEYS)] if key >= 0 else "e"
    return word[:i] + near + word[i + 1 :]


def compound_variant(r: random.Random, last: str) -> str:
    """Another common way to write a surname with a prefix or particle, or the
    surname itself when it has none."""
    low = last.lower()
    if "'" in last:
        return r.choice([last.replace("'", ""), last.replace("'", " ")])
    if " " in last:
        squashed = last.replace(" ", "").replace(".", "")
        return r.choice([squashed[0].upper() + squashed[1:].lower(), last.title()])
    for prefix in ("mac", "mc"):
        if low.startswith(prefix) and len(last) > len(prefix) + 2:
            rest = last[len(prefix) :]
            head = last[: len(prefix)]
            return r.choice([f"{head} {rest}", head + rest.lower()])
    return last


def phone_style(r: random.Random, digits: str) -> str:
    """Ten digits in one of the ways people write them."""
    a, b, c = digits[:3], digits[3:6], digits[6:]
    styles = [
        f"({a}) {b}-{c}",
        f"{a}-{b}-{c}",
        digits,
        f"+1 {a} {b} {c}",
        f"{a}.{b}.{c}",
        f"1-{a}-{b}-{c}",
    ]
    return r.choice(styles)


def has_accent(text: str) -> bool:
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFKD", text))


class Clerk:
    """Types one person's contact fields; `nicknames` maps a name to the
    nicknames people really use for it."""

    def __init__(
        self,
        r: random.Random,
        nicknames: dict[str, tuple[list[str], list[float]]],
        new_surname: Callable[[], str],
        numbers: Numbers,
    ) -> None:
        self.r, self.nicknames, self.numbers = r, nicknames, numbers
        self.new_surname = new_surname

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def names(self, p: Person) -> tuple[str, str, str, str]:
        """(first, middle, last, suffix) as the case has them."""
        first, middle, last = p.first, p.middle, p.last
        nicks = self.nicknames.get(first)
        if (
            p.voter_id
            and p.voter_first == first
            and nicks
            and self.chance(CASE_NICKNAME)
        ):
            first = self.r.choices(nicks[0], nicks[1])[0]
        if middle and self.chance(MIDDLE_AS_FIRST):
            first, middle = middle, first[0] if self.chance(0.5) else ""
        roll = self.r.random()
        if roll >= MIDDLE_FULL + MIDDLE_INITIAL:
            middle = ""
        elif roll >= MIDDLE_FULL and middle:
            middle = middle[0] + ("." if self.chance(0.3) else "")

        if p.sex == 0 and p.voter_id and self.chance(MARRIED):
            last = self.new_surname()
        elif self.chance(HYPHENATED) and "-" not in last:
            last = f"{last}-{self.new_surname()}"
        elif "-" in last and self.chance(SHORTENED):
            last = self.r.choice(last.split("-"))
        if self.chance(COMPOUND_VARIANT):
            last = compound_variant(self.r, last)

        if has_accent(first + last) and not self.chance(ACCENT_KEPT):
            first, last = plain(first), plain(last)
        if self.chance(TYPO_FIRST):
            first = typo(self.r, first)
        if self.chance(TYPO_LAST):
            last = typo(self.r, last)
        suffix = ""
        if p.suffix and self.chance(SUFFIX_SHOWN):
            suffix = self.r.choice([p.suffix, f"{p.suffix}.", p.suffix.upper()])
        return first, middle, last, suffix

    def street(self, number: int, street: str, unit: str) -> tuple[str, str]:
        """Line 1 and line 2: Street or St, North or N, a typo, the unit in one
        of several styles on either line, or forgotten."""
        words = street.split()
        for i, word in enumerate(words):
            if word in LONG and len(words) > 1 and self.chance(STREET_LONG):
                words[i] = LONG[word]
            elif word in LONG and self.chance(0.05):
                words[i] = f"{word}."
        if self.chance(TYPO_STREET):
            longest = max(range(len(words)), key=lambda i: len(words[i]))
            words[longest] = typo(self.r, words[longest])
        house = str(number)
        if len(house) > 1 and self.chance(TYPO_HOUSE):
            i = self.r.randrange(len(house) - 1)
            house = house[:i] + house[i + 1] + house[i] + house[i + 2 :]
        line1 = f"{house} {' '.join(words)}"
        if not unit or self.chance(UNIT_MISSING):
            return line1, ""
        text = self.r.choice(UNIT_STYLES).format(unit)
        if self.chance(UNIT_ON_LINE_1):
            return f"{line1}{self.r.choice([' ', ', '])}{text}", ""
        return line1, text

    def contact(self, p: Person, home: dict, other_zip: str) -> dict[str, str]:
        """The CiviCRM contact columns for person `p` living at `home` (number,
        street, unit, city, zip5, zip4); `other_zip` is used when the ZIP code
        is typed wrong."""
        first, middle, last, suffix = self.names(p)
        street, line2 = self.street(home["number"], home["street"], home["unit"])
        zip5 = other_zip if self.chance(ZIP_WRONG) else home["zip5"]
        if self.chance(ZIP_ZERO_DROPPED):
            zip5 = zip5.lstrip("0")
        zip4 = ""
        if self.chance(ZIP4):
            wrong = self.chance(ZIP4_WRONG)
            zip4 = str(self.r.randint(1000, 9999)) if wrong else home["zip4"]
        dob = ""
        if self.chance(BIRTH_DATE):
            born = date(1970, 1, 1) + timedelta(days=p.dob)
            if self.chance(BIRTH_DATE_WRONG):
                if born.day <= 12 and born.day != born.month:
                    born = born.replace(month=born.day, day=born.month)
                else:
                    born = born.replace(year=born.year + self.r.choice([-1, 1]))
            dob = born.isoformat()
        values = {
            "first_name": first,
            "middle_name": middle,
            "last_name": last,
            "individual_suffix": suffix,
            "birth_date": dob,
            "street_address": street,
            "supplemental_address_1": line2,
            "city": home["city"],
            "state_province": "Massachusetts" if self.chance(STATE_SPELLED) else "MA",
            "postal_code": zip5,
            "postal_code_suffix": zip4,
            "phone": self.phone(p),
            "email": self.email(first, last),
        }
        recase = str.upper if self.chance(UPPER) else None
        recase = str.lower if recase is None and self.chance(LOWER) else recase
        if recase is not None:
            values |= {k: recase(values[k]) for k in TEXT_FIELDS}
        return values

    def phone(self, p: Person) -> str:
        """Their cell, the household line or a number the roll does not have."""
        if not self.chance(PHONE):
            return ""
        roll = self.r.random()
        if roll < PHONE_CELL and p.cell >= 0:
            code = p.cell
        elif roll < PHONE_CELL + PHONE_HOME and p.landline >= 0:
            code = p.landline
        else:
            code = int(self.numbers.take(1)[0])
        return phone_style(self.r, self.numbers.one(code))

    def email(self, first: str, last: str) -> str:
        """Made from the name as typed; no voter file has emails to match."""
        if not self.chance(EMAIL):
            return ""
        sep = self.r.choice([".", "", "_"])
        local = plain(f"{first}{sep}{last}").lower()
        local = "".join(c for c in local if c.isalnum() or c in "._")
        if self.chance(0.3):
            local = f"{first[:1].lower()}{plain(last).lower().replace(' ', '')}"
        digits = str(self.r.randint(1, 99)) if self.chance(0.4) else ""
        return f"{local}{digits}@{self.r.choice(EMAIL_DOMAINS)}"
