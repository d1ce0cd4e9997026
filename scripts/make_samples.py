"""Write casetui's synthetic sample files: a CiviCRM-style casework export, an
L2-layout voter file for a few Massachusetts cities, and the answer key (which voter,
if any, each case belongs to). Every person is invented; phone numbers are all in the
fictional 555 exchange.

    python scripts/make_samples.py                  # the bundled files
    python scripts/make_samples.py --cases 5000 --voters 200000 --out /tmp/big

Importable too: `generate(n_cases, n_voters, seed)` returns the rows, so benchmarks
and tests can build other sizes. The same arguments give the same rows (for one Faker
version: its name lists drive the draws).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from faker import Faker
from nicknames import NickNamer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from casetui.pipeline.codebook import load_codebook  # noqa: E402

SEED = 2035  # picked so the bundled 500 cases sit near the shares promised below
AS_OF = date(2026, 11, 1)  # Voters_Age is as of this day
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "casetui" / "samples"
CODEBOOK = ROOT / "codebooks" / "default.toml"

CASE_HEADER = (
    "contact_id,case_id,case_type,case_subject,case_status,case_outcome,"
    "case_start_date,case_end_date,first_name,middle_name,last_name,"
    "individual_suffix,birth_date,street_address,supplemental_address_1,city,"
    "state_province,postal_code,postal_code_suffix,phone,email,do_not_mail,"
    "do_not_phone,is_opt_out,is_deceased,campaign_email_opt_in,case_details"
).split(",")
VOTER_HEADER = (
    "LALVOTERID,Voters_Active,Voters_StateVoterID,Voters_FirstName,"
    "Voters_MiddleName,Voters_LastName,Voters_NameSuffix,"
    "Residence_Addresses_AddressLine,Residence_Addresses_ExtraAddressLine,"
    "Residence_Addresses_City,Residence_Addresses_State,Residence_Addresses_Zip,"
    "Residence_Addresses_ZipPlus4,VoterTelephones_LandlineFormatted,"
    "VoterTelephones_CellPhoneFormatted,Voters_Gender,Voters_Age,Parties_Description"
).split(",")
TRUTH_HEADER = ["case_id", "voter_id"]

# The generator's promises, as shares; tests/unit/test_samples.py holds it to them.
UNREGISTERED = 0.30  # of case people: not in the voter file
MOVED = 0.15  # of registered case people: case address differs from the voter file
SECOND_CASE = 0.10  # of case people: come back with a second case
SENSITIVE_SHARE = 0.08  # of cases: the category weights below sum to this

# Real street names (USPS abbreviations) and ZIP codes, by city.
CITIES = {
    "Cambridge": (
        "02138 02139 02140 02141",
        "Massachusetts Ave|Broadway|Cambridge St|Hampshire St|Prospect St|Harvard St|"
        "Inman St|Western Ave|River St|Concord Ave|Huron Ave|Brattle St|Garden St|"
        "Kirkland St|Putnam Ave|Magazine St|Pearl St|Windsor St|Norfolk St|"
        "Columbia St|Trowbridge St|Ellery St|Dana St|Rindge Ave|Sherman St|"
        "Walden St|Fayette St|Antrim St|Lee St|Chestnut St",
    ),
    "Somerville": (
        "02143 02144 02145",
        "Highland Ave|Broadway|Somerville Ave|Summer St|Elm St|College Ave|"
        "Medford St|Washington St|Central St|Cedar St|Lowell St|Boston Ave|"
        "Morrison Ave|Willow Ave|Josephine Ave|Hudson St|Vinal Ave|Walnut St|"
        "Beacon St|Dane St|Bow St|Marshall St|Prospect Hill Ave|Pearl St|"
        "Sycamore St|Porter St",
    ),
    "Medford": (
        "02155",
        "Salem St|High St|Main St|Fellsway W|Forest St|Winthrop St|Boston Ave|"
        "Riverside Ave|Harvard St|Fulton St|Playstead Rd|Governors Ave|"
        "Lawrence Rd|Auburn St|Spring St|Elm St|Park St|S Border Rd|Fellsway E",
    ),
    "Malden": (
        "02148",
        "Main St|Pleasant St|Salem St|Highland Ave|Eastern Ave|Ferry St|"
        "Summer St|Mountain Ave|Lebanon St|Maplewood St|Medford St|Cross St|"
        "Clifton St|Washington St|Bryant St|W Border Rd|Converse Ave",
    ),
    "Arlington": (
        "02474 02476",
        "Massachusetts Ave|Broadway|Pleasant St|Mystic St|Summer St|Appleton St|"
        "Jason St|Gray St|Lake St|Park Ave|Highland Ave|Medford St|Lowell St|"
        "Mystic Valley Pkwy|Brattle St|Oakland Ave|Wollaston Ave|N Union St",
    ),
}
AREA_CODES = ["617", "857", "781", "339"]
MORE_AREA_CODES = ["978", "351", "508", "774", "413"]  # drawn once the first run out
LONG = {
    "St": "Street", "Ave": "Avenue", "Rd": "Road", "Pkwy": "Parkway",
    "N": "North", "S": "South", "E": "East", "W": "West",
}  # fmt: skip
ACCENTED = {"M": ["José", "Andrés", "Adrián", "Raúl", "Joaquín"],
            "F": ["María", "Sofía", "Inés", "Lucía", "Mónica"]}  # fmt: skip
APOSTROPHE_LASTS = ["O'Brien", "O'Connor", "D'Angelo", "O'Neil", "D'Amico"]
PARTIES = {"Democratic": 32, "Republican": 9, "Non-Partisan": 57, "Libertarian": 1,
           "Green": 1}  # fmt: skip
STATUSES = {"Open": 10, "Urgent": 3, "Resolved": 50, "Closed": 37}
OUTCOMES = {"Favorable": 45, "Information Provided": 25, "Referred": 16,
            "Unresolved": 5, "Denied": 5, "Hostile": 1.5, "Withdrawn": 2.5}  # fmt: skip
EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "comcast.net", "hotmail.com", "aol.com",
                 "verizon.net", "icloud.com"]  # fmt: skip

# Each category: weight in 100, a case subject, and a note the staffer wrote.
CATEGORIES = {
    "Pothole / Road Repair": (10, "Pothole on street", "Reported pothole near home; "
                              "forwarded to DPW, crew scheduled."),
    "VA Claim": (9, "Delayed VA disability claim", "Veteran's disability claim "
                 "pending 14 months; sent inquiry to VA regional office."),
    "Social Security": (10, "SSA benefits question", "Retirement benefit stopped "
                        "after address change; SSA reinstated."),
    "Medicare": (7, "Medicare enrollment", "Part B enrollment penalty in question; "
                 "CMS caseworker contacted."),
    "Passport": (8, "Expedited passport", "Travel in 3 weeks for a family wedding; "
                 "appointment made at the passport agency."),
    "Housing": (9, "Housing voucher", "Section 8 recertification lost; housing "
                "authority contacted."),
    "IRS / Tax": (7, "Refund delayed", "2023 refund held for identity verification; "
                  "Taxpayer Advocate referral."),
    "Small Business / SBA": (4, "SBA loan", "EIDL payment plan question; SBA "
                             "district office contacted."),
    "Unemployment": (6, "UI claim stuck", "Claim flagged for adjudication; DUA "
                     "liaison asked to review."),
    "Student Loans": (4, "Loan forgiveness", "PSLF count looks wrong; servicer "
                      "asked to recount qualifying payments."),
    "Utilities": (4, "Shutoff notice", "Gas shutoff notice during winter "
                  "moratorium; utility agreed to hold."),
    "Transportation / MBTA": (3, "Bus service", "Route cut affects commute; "
                              "shared with MBTA government affairs."),
    "RMV / Driver's License": (4, "License renewal", "REAL ID appointment "
                               "unavailable; RMV liaison found a slot."),
    "Postal Service": (3, "Mail not delivered", "No mail for 10 days; "
                       "postmaster contacted."),
    "Consumer Protection": (2, "Contractor complaint", "Contractor took deposit "
                            "and left; referred to the Attorney General."),
    "Constituent Opinion": (2, "Opinion on a bill", "Wrote in support of the "
                            "housing bond bill."),
    "Immigration / Visa": (2.5, "Visa status", "Spouse's I-130 petition pending; "
                           "A-number A{anumber} on file; USCIS inquiry sent."),
    "Domestic Violence": (1, "Safety assistance", "Constituent fleeing abuse; "
                          "connected with shelter advocate. Do not mail."),
    "Medical / Health": (2, "Coverage for treatment", "Diagnosed with {illness}; "
                         "insurer denied coverage of treatment."),
    "Substance Use / Recovery": (0.7, "Treatment bed", "Son needs a detox bed; "
                                 "referred to the state helpline."),
    "Criminal Justice": (1, "Record sealing", "Asked about sealing a 2009 "
                         "conviction; referred to legal aid."),
    "Child Welfare": (0.8, "DCF case", "Grandmother seeking custody of two "
                      "grandchildren; DCF caseworker contacted."),
}  # fmt: skip
ILLNESSES = ["type 2 diabetes", "breast cancer", "multiple sclerosis", "COPD",
             "depression", "kidney failure"]  # fmt: skip

Row = dict[str, str]


@dataclass
class Address:
    number: str
    street: str  # USPS style: "N Union St"
    city: str
    zip5: str
    zip4: str
    unit: str = ""


@dataclass
class Person:
    first: str  # the name they give the office
    middle: str
    last: str
    suffix: str
    sex: str
    dob: date
    home: Address
    voter_first: str = ""  # the name on the voter roll (a nickname, sometimes)
    landline: str = ""
    cell: str = ""
    voter_id: str = ""  # blank when not registered
    case_home: Address | None = None  # set when they moved since registering


def plain(text: str) -> str:
    """Drop accents, as voter files do (José becomes Jose)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class Samples:
    """One generation run: a seeded random source and the pools it draws from."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        names = self.fake.provider("faker.providers.person")
        self.known_firsts = set(names.first_names_male) | set(names.first_names_female)
        self.nicknamer = NickNamer()
        self.free: list[Address] = []
        self.used: set[tuple[str, str]] = set()
        self.phones = phone_numbers(self.rng, seed)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, weights: Mapping[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    # people

    def first(self, sex: str) -> str:
        if self.chance(0.015):
            return self.rng.choice(ACCENTED[sex])
        fake = self.fake
        return fake.first_name_male() if sex == "M" else fake.first_name_female()

    def last(self) -> str:
        roll = self.rng.random()
        if roll < 0.02:
            return f"{self.fake.last_name()}-{self.fake.last_name()}"
        if roll < 0.03:
            return self.rng.choice(APOSTROPHE_LASTS)
        return self.fake.last_name()

    def nickname(self, first: str) -> str | None:
        """A common nickname of `first` (Bill for William), or None. Common means
        Faker knows it as a first name; a nickname is shorter than the name."""
        options = sorted(
            n.title()
            for n in self.nicknamer.nicknames_of(first.lower())
            if 3 <= len(n) < len(first) and n.title() in self.known_firsts
        )
        return self.rng.choice(options) if options else None

    def person(self, home: Address, last: str | None = None, sex: str | None = None,
               ages: tuple[int, int] = (18, 92)) -> Person:  # fmt: skip
        sex = sex or self.rng.choice("MF")
        dob = AS_OF - timedelta(
            days=365 * self.rng.randint(*ages) + self.rng.randint(1, 360)
        )
        middle = self.first(sex) if self.chance(0.8) else ""
        p = Person(self.first(sex), middle, last or self.last(), "", sex, dob, home)
        p.voter_first = p.first
        p.landline = next(self.phones, "") if self.chance(0.35) else ""
        p.cell = next(self.phones, "") if self.chance(0.55) else ""
        return p

    # addresses

    def address(self) -> Address:
        """A free dwelling: a house, a floor of a triple-decker or a flat."""
        while not self.free:
            city = self.rng.choice(list(CITIES))
            zips, streets = CITIES[city][0].split(), CITIES[city][1].split("|")
            street = self.rng.choice(streets)
            number = str(self.rng.randint(1, 420))
            if (number, street) in self.used:
                continue
            self.used.add((number, street))
            kind = self.rng.random()
            units = [""] if kind < 0.4 else ["1", "2", "3"] if kind < 0.8 else [
                f"{floor}{door:02d}" for floor in range(1, 4) for door in range(1, 4)
            ]  # fmt: skip
            zip5 = zips[sum(map(ord, street)) % len(zips)]
            zip4 = str(self.rng.randint(1000, 9999))
            self.free = [Address(number, street, city, zip5, zip4, u) for u in units]
            self.rng.shuffle(self.free)
        return self.free.pop()

    # the voter file

    def household(self) -> list[Person]:
        """One to five people at one address: a head, maybe a spouse, grown
        children (sometimes a Jr), or unrelated roommates."""
        home = self.address()
        head = self.person(home, ages=(25, 92))
        people = [head]
        size = self.rng.choices([1, 2, 3, 4, 5], weights=[30, 35, 18, 12, 5])[0]
        roommates = size > 1 and self.chance(0.2)
        if size > 1 and not roommates:
            last = head.last if self.chance(0.7) else None
            spouse = self.person(home, last, "F" if head.sex == "M" else "M", (25, 92))
            spouse.landline = head.landline
            people.append(spouse)
        while len(people) < size:
            if roommates:
                people.append(self.person(home, ages=(20, 40)))
                continue
            child = self.person(home, head.last, ages=(18, 30))
            child.landline = head.landline
            if head.sex == child.sex == "M" and self.chance(0.3):
                child.first = child.voter_first = head.first
                child.suffix, head.suffix = "Jr", self.rng.choice(["Sr", ""])
            people.append(child)
        return people

    def voters(self, n: int) -> list[Person]:
        people: list[Person] = []
        while len(people) < n:
            for member in self.household():
                if people and not member.suffix and self.chance(0.03):
                    twin = self.rng.choice(people)  # a namesake elsewhere
                    member.first = member.voter_first = twin.first
                    member.last = twin.last
                if self.chance(0.06):  # registered under a nickname
                    member.voter_first = self.nickname(member.first) or member.first
                people.append(member)
        del people[n:]
        for person, number in zip(
            people, self.rng.sample(range(10**5, 10**6), n), strict=True
        ):
            person.voter_id = f"LALMA{number}"
        return people

    def voter_row(self, p: Person) -> Row:
        line, extra = f"{p.home.number} {p.home.street}", ""
        if p.home.unit:
            unit = f"{self.rng.choice(['Apt', 'Apt', 'Unit', '#'])} {p.home.unit}"
            line, extra = (f"{line} {unit}", "") if self.chance(0.2) else (line, unit)
        age = (AS_OF - p.dob).days // 365
        middle = p.middle[:1] if self.chance(0.15) else p.middle
        return dict(zip(VOTER_HEADER, [
            p.voter_id, "A" if self.chance(0.93) else "I",
            f"{self.rng.randint(1, 99):02d}{plain(p.last)[:3].upper():X<3}"
            f"{p.dob:%m%d}{self.rng.randint(0, 999):03d}",
            plain(p.voter_first), plain(middle), plain(p.last), p.suffix, line,
            extra, p.home.city, "MA", p.home.zip5,
            p.home.zip4 if self.chance(0.85) else "",
            phone_style(p.landline, 0), phone_style(p.cell, 0), p.sex, str(age),
            self.pick(PARTIES),
        ], strict=True))  # fmt: skip

    # the casework export

    def case_people(self, voters: list[Person], n: int) -> list[Person]:
        """Who came to the office: registered voters (some moved since, a few
        Jr/Sr), and people not in the voter file: relatives at a voter's address,
        namesakes of a voter, and strangers."""
        registered = self.rng.sample(voters, round(n * (1 - UNREGISTERED)))
        chosen = {id(p) for p in registered}
        juniors = [p for p in voters if p.suffix and id(p) not in chosen]
        for i, p in enumerate(self.rng.sample(juniors, min(len(juniors), n // 60))):
            registered[i] = p
        for p in registered:
            if self.chance(MOVED):
                p.case_home = self.address()
        others = []
        for _ in range(n - len(registered)):
            voter, roll = self.rng.choice(voters), self.rng.random()
            if roll < 0.35:
                p = self.person(voter.home, voter.last)
            else:
                p = self.person(self.address())
                if roll < 0.5:
                    p.first, p.last = voter.first, voter.last
            p.voter_first = p.first
            others.append(p)
        return registered + others

    def contact(self, p: Person) -> Row:
        """The CRM's contact fields for one person, spelled as staff typed them."""
        first, last, middle = p.first, p.last, p.middle
        if p.voter_id and p.voter_first == p.first and self.chance(0.12):
            first = self.nickname(first) or first  # the voter roll has the formal name
        if self.chance(0.04):
            first = typo(self.rng, first)
        if self.chance(0.05):
            last = typo(self.rng, last)
        if "-" in last and self.chance(0.4):
            last = self.rng.choice([last.replace("-", " "), last.split("-")[0]])
        if "'" in last and self.chance(0.3):
            last = last.replace("'", "")
        roll = self.rng.random()
        middle = middle if roll < 0.45 else middle[:1] if roll < 0.75 else ""
        suffix = f"{p.suffix}." if p.suffix and self.chance(0.6) else ""
        home = p.case_home or p.home
        street, line2 = self.case_street(home)
        zip5 = home.zip5.lstrip("0") if self.chance(0.02) else home.zip5
        phones = [x for x in (p.cell, p.landline) if x] or [next(self.phones, "")]
        email = ""
        if self.chance(0.5):
            sep = self.rng.choice([".", "", "_"])
            local = (
                plain(f"{first}{sep}{last}").lower().replace("'", "").replace(" ", "")
            )
            digits = str(self.rng.randint(1, 99)) if self.chance(0.4) else ""
            email = f"{local}{digits}@{self.rng.choice(EMAIL_DOMAINS)}"
        values = {
            "first_name": first, "middle_name": middle, "last_name": last,
            "individual_suffix": suffix,
            "birth_date": p.dob.isoformat() if self.chance(0.35) else "",
            "street_address": street, "supplemental_address_1": line2,
            "city": home.city, "state_province": "MA", "postal_code": zip5,
            "postal_code_suffix": home.zip4 if self.chance(0.35) else "",
            "phone": phone_style(self.rng.choice(phones), self.rng.randint(0, 3))
            if self.chance(0.55) else "",
            "email": email,
            "do_not_mail": flag(self.chance(0.03)),
            "do_not_phone": flag(self.chance(0.04)),
            "is_opt_out": flag(self.chance(0.02)),
            "is_deceased": flag(self.chance(0.012)),
            "campaign_email_opt_in": flag(bool(email) and self.chance(0.35)),
        }  # fmt: skip
        if self.chance(0.06):
            values = {k: v.upper() if k in SHOUTED else v for k, v in values.items()}
        return values

    def case_street(self, home: Address) -> tuple[str, str]:
        """Line 1 and line 2 as a caseworker types them: St or Street, N or North,
        the unit as Apt 4, #4, Unit 4 or APT 4, on either line."""
        words = home.street.split()
        for i in (0, len(words) - 1):
            if words[i] in LONG and len(words) > 1 and self.chance(0.35):
                words[i] = LONG[words[i]]
            elif words[i] in LONG and self.chance(0.05):
                words[i] += "."
        line1 = f"{home.number} {' '.join(words)}"
        if not home.unit:
            return line1, ""
        unit = self.rng.choice(["Apt {}", "#{}", "Unit {}", "APT {}", "Apt. {}"])
        unit = unit.format(home.unit)
        if self.chance(0.4):
            return f"{line1}{self.rng.choice([' ', ', '])}{unit}", ""
        return line1, unit

    def cases(self, people: list[Person], n: int) -> tuple[list[Row], list[Row]]:
        """Exactly `n` cases for `people` (n - len(people) of them come back for a
        second case, in another category), and the truth row for each."""
        names = list(CATEGORIES)
        weights = [CATEGORIES[name][0] for name in names]
        contact_ids = self.rng.sample(
            range(1000, max(10**5, 2 * len(people))), len(people)
        )
        returning = set(self.rng.sample(range(len(people)), n - len(people)))
        drafts = []
        for i, (p, contact_id) in enumerate(zip(people, contact_ids, strict=True)):
            contact = self.contact(p)
            categories: list[str] = []
            while len(categories) < (2 if i in returning else 1):
                category = self.rng.choices(names, weights)[0]
                if category not in categories:
                    categories.append(category)
            for category in categories:
                drafts.append((self.case(category), contact_id, contact, p.voter_id))
        drafts.sort(key=lambda d: d[0]["case_start_date"])
        cases, truth = [], []
        for number, (case, contact_id, contact, voter_id) in enumerate(drafts):
            case_id = str(10001 + number)
            row = {**case, **contact, "contact_id": str(contact_id), "case_id": case_id}
            cases.append({key: row[key] for key in CASE_HEADER})
            truth.append({"case_id": case_id, "voter_id": voter_id})
        return cases, truth

    def case(self, category: str) -> Row:
        _, subject, note = CATEGORIES[category]
        status = self.pick(STATUSES)
        start = date(2022, 1, 3) + timedelta(days=self.rng.randint(0, 1700))
        end, outcome = "", ""
        if status in ("Resolved", "Closed"):
            end = (start + timedelta(days=self.rng.randint(2, 150))).isoformat()
            outcome = self.pick(OUTCOMES)
        note = note.format(anumber=self.rng.randint(10**8, 10**9 - 1),
                           illness=self.rng.choice(ILLNESSES))  # fmt: skip
        if self.chance(0.07):
            note += f" SSN {self.fake.ssn()} given for the privacy release."
        if self.chance(0.08):
            # Faker's date_of_birth counts from today, which would change the
            # bundled files from one day to the next; count from AS_OF.
            oldest = AS_OF.replace(year=AS_OF.year - 91) + timedelta(days=1)
            youngest = AS_OF.replace(year=AS_OF.year - 18)
            dob = self.fake.date_between_dates(oldest, youngest)
            note += f" DOB {dob.month}/{dob.day}/{dob.year}."
        return {
            "case_type": category, "case_subject": subject, "case_status": status,
            "case_outcome": outcome, "case_start_date": start.isoformat(),
            "case_end_date": end, "case_details": note,
        }  # fmt: skip


SHOUTED = {"first_name", "middle_name", "last_name", "street_address",
           "supplemental_address_1", "city"}  # fmt: skip


def phone_numbers(rng: random.Random, seed: int) -> Iterator[str]:
    """Unique ten-digit numbers, all in the fictional 555 exchange: 40,000 from
    Boston-area codes, then 50,000 more from the rest of the state. After that
    there are none, and people generated later have no phone (about 100,000
    voters in)."""
    pool = [f"{area}555{n:04d}" for area in AREA_CODES for n in range(10000)]
    rng.shuffle(pool)  # now, not on the first draw: the sequence depends on it

    def more() -> Iterator[str]:
        rest = [f"{a}555{n:04d}" for a in MORE_AREA_CODES for n in range(10000)]
        random.Random(seed).shuffle(rest)
        yield from rest

    return itertools.chain(pool, more())


def flag(value: bool) -> str:
    return "1" if value else "0"


def phone_style(digits: str, style: int) -> str:
    """Ten digits as (617) 555-0142, 617-555-0142, 6175550142 or +1 617 555 0142."""
    if not digits:
        return ""
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return [f"({a}) {b}-{c}", f"{a}-{b}-{c}", digits, f"+1 {a} {b} {c}"][style % 4]


def typo(rng: random.Random, name: str) -> str:
    """One slip of the keyboard: a letter dropped, doubled, swapped or wrong."""
    if len(name) < 4:
        return name
    i = rng.randint(1, len(name) - 2)
    op = rng.choice(["drop", "double", "swap", "wrong"])
    if op == "drop":
        return name[:i] + name[i + 1 :]
    if op == "double":
        return name[:i] + name[i] + name[i:]
    if op == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + rng.choice("aeioulnrst") + name[i + 1 :]


def generate(
    n_cases: int = 500, n_voters: int = 20000, seed: int = SEED
) -> tuple[list[Row], list[Row], list[Row]]:
    """Return (case rows, voter rows, truth rows), each a list of dicts keyed by
    CASE_HEADER, VOTER_HEADER and TRUTH_HEADER. Exactly `n_cases` cases, about
    10% of them a person's second case."""
    if n_voters > 900_000:
        raise SystemExit("at most 900,000 voters: LALVOTERIDs here have six digits")
    codebook = load_codebook(CODEBOOK)
    unknown = [name for name in CATEGORIES if codebook.category(name) is None]
    if unknown:
        raise SystemExit(f"categories missing from {CODEBOOK.name}: {unknown}")

    samples = Samples(seed)
    voters = samples.voters(n_voters)
    voter_rows = [samples.voter_row(p) for p in voters]
    people = samples.case_people(voters, round(n_cases / (1 + SECOND_CASE)))
    samples.rng.shuffle(people)
    cases, truth = samples.cases(people, n_cases)
    return cases, voter_rows, truth


def write(out: Path, cases: list[Row], voters: list[Row], truth: list[Row]) -> None:
    """Write casework_civicrm.csv, voters_l2.csv and truth.csv into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    for name, header, rows in (
        ("casework_civicrm.csv", CASE_HEADER, cases),
        ("voters_l2.csv", VOTER_HEADER, voters),
        ("truth.csv", TRUTH_HEADER, truth),
    ):
        with open(out / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--voters", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    cases, voters, truth = generate(args.cases, args.voters, args.seed)
    write(args.out, cases, voters, truth)
    print(f"wrote {len(cases)} cases, {len(voters)} voters to {args.out}")


if __name__ == "__main__":
    main()
