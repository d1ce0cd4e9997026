"""Generate a seeded benchmark district: an L2-layout voter file, a CiviCRM
casework export and the answer key.

    python benchmarks/generate.py --voters 1000000 --cases 5000 --seed 7 --out DIR

writes DIR/voters.csv, DIR/casework.csv and DIR/truth.csv (case_id, voter_id;
voter_id empty for a person who is not registered). The same arguments give the
same files (for one version of Faker, numpy and nicknames).

The rates are constants at the top of each module: the district's shape in
district.py, households in people.py, who comes to the office in cases.py and
how their details are typed in noise.py. Every person is invented; phone numbers
are in exchanges the North American plan never assigns.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import district as geo  # noqa: E402
from benchmarks.cases import Office  # noqa: E402
from benchmarks.noise import Clerk  # noqa: E402
from benchmarks.pools import Pools  # noqa: E402
from benchmarks.voterfile import (  # noqa: E402
    date_the_roll,
    write_rows,
    write_voters,
)

CODEBOOK = Path(__file__).resolve().parent.parent / "codebooks" / "default.toml"
CASE_HEADER = (
    "contact_id,case_id,case_type,case_subject,case_status,case_outcome,"
    "case_start_date,case_end_date,first_name,middle_name,last_name,"
    "individual_suffix,birth_date,street_address,supplemental_address_1,city,"
    "state_province,postal_code,postal_code_suffix,phone,email,do_not_mail,"
    "do_not_phone,is_opt_out,is_deceased,campaign_email_opt_in,case_details"
).split(",")
FLAGS = (
    "do_not_mail",
    "do_not_phone",
    "is_opt_out",
    "is_deceased",
    "campaign_email_opt_in",
)

SECOND_CASE = 0.10  # of case people: a second case, same person, same voter
DUPLICATE_CONTACT = 0.25  # of second cases: filed under a new contact, retyped


def categories() -> list[tuple[str, str]]:
    """(name, label) of the codebook's categories that are not sensitive."""
    book = tomllib.loads(CODEBOOK.read_text(encoding="utf-8"))
    return [
        (c["name"], c.get("label", c["name"]))
        for c in book["category"]
        if not c.get("sensitive")
    ]


def case_rows(d: geo.District, pools: Pools, n_cases: int, seed: int):
    """(casework rows, truth rows) for exactly `n_cases` cases. Call before the
    voter file is written: it plants namesakes in it."""
    rng, r = np.random.default_rng([seed, 1]), random.Random(seed)
    office = Office(d, pools, rng, r)
    people = office.people(round(n_cases / (1 + SECOND_CASE)))
    clerk = Clerk(r, pools.nicknames, office.new_surname, d.numbers)
    kinds = categories()
    returning = set(r.sample(range(len(people)), n_cases - len(people)))
    contact_ids = r.sample(range(1000, 10 * n_cases + 10**5), 2 * len(people))
    drafts = []
    for i, p in enumerate(people):
        contact = clerk.contact(p, home(d, p.unit), other_zip(d, r, p.unit))
        times = 2 if i in returning else 1
        for k in range(times):
            contact_id = contact_ids[2 * i]
            if k and r.random() < DUPLICATE_CONTACT:
                contact_id = contact_ids[2 * i + 1]
                contact = clerk.contact(p, home(d, p.unit), other_zip(d, r, p.unit))
            drafts.append((case_fields(r, kinds), contact_id, contact, p.voter_id))
    drafts.sort(key=lambda draft: draft[0]["case_start_date"])
    cases, truth = [], []
    for number, (case, contact_id, contact, voter_id) in enumerate(drafts):
        case_id = str(10001 + number)
        row = {**case, **contact, "contact_id": str(contact_id), "case_id": case_id}
        row |= dict.fromkeys(FLAGS, "0")
        cases.append([row[key] for key in CASE_HEADER])
        truth.append([case_id, voter_id])
    return cases, truth


def case_fields(r: random.Random, kinds: list[tuple[str, str]]) -> dict[str, str]:
    """A closed, helped case: none is suppressed as negative, so every case
    reaches matching."""
    name, label = r.choice(kinds)
    start = date(2022, 1, 3) + timedelta(days=r.randint(0, 1700))
    closed = start + timedelta(days=r.randint(2, 150))
    return {
        "case_type": name,
        "case_subject": label,
        "case_status": r.choice(["Resolved", "Closed"]),
        "case_outcome": r.choices(
            ["Favorable", "Information Provided", "Referred"], [60, 25, 15]
        )[0],
        "case_start_date": start.isoformat(),
        "case_end_date": closed.isoformat(),
        "case_details": f"Asked the office for help: {label.lower()}.",
    }


def home(d: geo.District, unit: int) -> dict:
    """The address of one unit, as the noise module wants it."""
    building = d.unit_building[unit]
    street = d.building_street[building]
    zip_of = d.street_zip[street]
    return {
        "number": int(d.building_number[building]),
        "street": str(d.street_name[street]),
        "unit": str(d.unit_label[int(unit)]),
        "city": str(d.zip_city[zip_of]),
        "zip5": str(d.zip5[zip_of]),
        "zip4": str(d.building_zip4[building]),
    }


def other_zip(d: geo.District, r: random.Random, unit: int) -> str:
    """A ZIP someone might type by mistake: another of the town's, else any."""
    own = d.street_zip[d.building_street[d.unit_building[unit]]]
    town = np.flatnonzero(
        (d.zip_city == d.zip_city[own]) & (np.arange(len(d.zip5)) != own)
    )
    pool = town if len(town) else np.arange(len(d.zip5))
    return str(d.zip5[pool[r.randrange(len(pool))]])


def generate(n_voters: int, n_cases: int, seed: int, out: Path) -> dict[str, float]:
    """Write voters.csv, casework.csv and truth.csv into `out`; returns timings."""
    clock, timings = time.perf_counter(), {}
    rng = np.random.default_rng(seed)
    pools = Pools.build(rng, n_voters)
    d = geo.build(rng, pools, n_voters)
    timings["district_s"] = time.perf_counter() - clock
    cases, truth = case_rows(d, pools, n_cases, seed)
    timings["cases_s"] = time.perf_counter() - clock - timings["district_s"]

    out.mkdir(parents=True, exist_ok=True)
    write_voters(out / "voters.csv", d, pools, seed)
    write_rows(out / "casework.csv", CASE_HEADER, cases)
    write_rows(out / "truth.csv", ["case_id", "voter_id"], truth)
    date_the_roll(out / "voters.csv")
    timings["total_s"] = time.perf_counter() - clock
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    # Most case people are voters, each claiming one and decoys claiming more.
    if args.cases < 10 or args.voters < max(1000, 2 * args.cases):
        parser.error("needs at least 10 cases and twice as many voters (and 1,000)")
    timings = generate(args.voters, args.cases, args.seed, args.out)
    print(
        f"wrote {args.cases} cases and {args.voters} voters to {args.out} "
        f"in {timings['total_s']:.1f}s"
    )


if __name__ == "__main__":
    main()
