"""The bundled sample files keep the generator's promises: the shared headers, an
answer key that points at real voters, and the noise that makes matching, scrub and
suppression have something to do."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from functools import cache
from pathlib import Path

import pytest
from nicknames import NickNamer

from casetui.paths import samples_dir
from casetui.pipeline.codebook import load_codebook, shipped_codebooks

ROOT = Path(__file__).resolve().parents[2]

CASE_HEADER = (
    "contact_id,case_id,case_type,case_subject,case_status,case_outcome,"
    "case_start_date,case_end_date,first_name,middle_name,last_name,"
    "individual_suffix,birth_date,street_address,supplemental_address_1,city,"
    "state_province,postal_code,postal_code_suffix,phone,email,do_not_mail,"
    "do_not_phone,is_opt_out,is_deceased,campaign_email_opt_in,case_details"
)
VOTER_HEADER = (
    "LALVOTERID,Voters_Active,Voters_StateVoterID,Voters_FirstName,"
    "Voters_MiddleName,Voters_LastName,Voters_NameSuffix,"
    "Residence_Addresses_AddressLine,Residence_Addresses_ExtraAddressLine,"
    "Residence_Addresses_City,Residence_Addresses_State,Residence_Addresses_Zip,"
    "Residence_Addresses_ZipPlus4,VoterTelephones_LandlineFormatted,"
    "VoterTelephones_CellPhoneFormatted,Voters_Gender,Voters_Age,Parties_Description"
)


def read(name: str) -> list[dict[str, str]]:
    with open(samples_dir() / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def samples() -> tuple[list[dict[str, str]], dict[str, dict[str, str]], list]:
    voters = {row["LALVOTERID"]: row for row in read("voters_l2.csv")}
    return read("casework_civicrm.csv"), voters, read("truth.csv")


def matched_pairs() -> list[tuple[dict[str, str], dict[str, str]]]:
    cases, voters, truth = samples()
    return [
        (c, voters[t["voter_id"]])
        for c, t in zip(cases, truth, strict=True)
        if t["voter_id"]
    ]


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("casework_civicrm.csv", CASE_HEADER),
        ("voters_l2.csv", VOTER_HEADER),
        ("truth.csv", "case_id,voter_id"),
    ],
)
def test_headers_are_the_shared_contract(name, header):
    raw = (samples_dir() / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").split("\n", 1)[0] == header


def test_sizes_are_modest():
    cases, voters, truth = samples()
    assert len(cases) == len(truth) == 500
    assert len(voters) == 20000
    assert (samples_dir() / "voters_l2.csv").stat().st_size < 5_000_000


def test_truth_points_at_real_voters_and_about_30_percent_are_unregistered():
    cases, voters, truth = samples()
    assert [t["case_id"] for t in truth] == [c["case_id"] for c in cases]
    assert len({c["case_id"] for c in cases}) == len(cases)
    ids = [t["voter_id"] for t in truth if t["voter_id"]]
    assert set(ids) <= set(voters)
    assert 0.22 <= 1 - len(ids) / len(truth) <= 0.38


def test_about_15_percent_of_registered_people_moved():
    def house(street: str) -> str:
        return street.split()[0]

    pairs = matched_pairs()
    moved = [
        c
        for c, v in pairs
        if house(c["street_address"]) != house(v["Residence_Addresses_AddressLine"])
        or c["postal_code"].zfill(5) != v["Residence_Addresses_Zip"]
    ]
    assert 0.08 <= len(moved) / len(pairs) <= 0.25


def test_every_case_type_is_a_codebook_category_with_some_sensitive():
    codebook = load_codebook(shipped_codebooks()[0])
    cases, _, _ = samples()
    categories = [codebook.category(c["case_type"]) for c in cases]
    assert all(cat is not None for cat in categories)
    assert all(
        cat is not None and cat.name == c["case_type"]
        for cat, c in zip(categories, cases, strict=True)
    )
    sensitive = sum(cat.sensitive for cat in categories if cat)
    assert 0.04 <= sensitive / len(cases) <= 0.12
    negative = sum(codebook.is_negative(None, c["case_outcome"]) for c in cases)
    assert 0.07 <= negative / len(cases) <= 0.18


def test_statuses_outcomes_dates_and_flags_are_in_the_promised_shapes():
    cases, _, _ = samples()
    for case in cases:
        assert case["case_status"] in {"Open", "Urgent", "Resolved", "Closed"}
        if case["case_status"] in {"Open", "Urgent"}:
            assert case["case_outcome"] == "" and case["case_end_date"] == ""
        for key in ("case_start_date", "case_end_date", "birth_date"):
            assert re.fullmatch(r"(\d{4}-\d{2}-\d{2})?", case[key])
        flags = ("do_not_mail", "do_not_phone", "is_opt_out", "is_deceased")
        assert all(case[f] in {"0", "1"} for f in flags)
        if case["campaign_email_opt_in"] == "1":
            assert case["email"]
    assert any(c["is_deceased"] == "1" for c in cases)
    assert any(c["do_not_mail"] == "1" for c in cases)
    assert any(c["campaign_email_opt_in"] == "1" for c in cases)


def test_notes_carry_ssns_and_birth_dates_for_scrub():
    cases, _, _ = samples()
    notes = [c["case_details"] for c in cases]
    assert sum(bool(re.search(r"\b\d{3}-\d{2}-\d{4}\b", n)) for n in notes) >= 10
    assert sum(bool(re.search(r"DOB \d{1,2}/\d{1,2}/\d{4}", n)) for n in notes) >= 10


def test_some_people_have_two_cases():
    cases, _, _ = samples()
    by_contact: dict[str, list[dict[str, str]]] = {}
    for case in cases:
        by_contact.setdefault(case["contact_id"], []).append(case)
    twice = [rows for rows in by_contact.values() if len(rows) == 2]
    assert len(twice) >= 10
    assert all(a["last_name"] == b["last_name"] for a, b in twice)


def test_voter_file_looks_like_l2_in_massachusetts():
    _, voters, _ = samples()
    for voter_id, row in voters.items():
        assert re.fullmatch(r"LALMA\d{6}", voter_id)
        assert re.fullmatch(r"0\d{4}", row["Residence_Addresses_Zip"])
        assert re.fullmatch(r"(\d{4})?", row["Residence_Addresses_ZipPlus4"])
        assert int(row["Voters_Age"]) >= 18
    cities = {row["Residence_Addresses_City"] for row in voters.values()}
    assert 3 <= len(cities) <= 8
    inline_units = [
        r
        for r in voters.values()
        if re.search(r" (Apt|Unit|#) ", r["Residence_Addresses_AddressLine"])
    ]
    assert inline_units and any(
        r["Residence_Addresses_ExtraAddressLine"] for r in voters.values()
    )


def test_households_hold_juniors_and_seniors():
    _, voters, _ = samples()
    by_home: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for row in voters.values():
        home = (row["Residence_Addresses_AddressLine"], row["Residence_Addresses_City"])
        by_home.setdefault(home, []).append(row)
    juniors = [
        rows
        for rows in by_home.values()
        if {"Jr", "Sr"} <= {r["Voters_NameSuffix"] for r in rows}
    ]
    assert len(juniors) >= 20


def test_case_side_differs_from_the_voter_side_in_the_promised_ways():
    nicknames = NickNamer()
    pairs = matched_pairs()

    def first(name: str) -> str:
        return name.lower()

    case_nick = [
        c
        for c, v in pairs
        if first(c["first_name"])
        in nicknames.nicknames_of(first(v["Voters_FirstName"]))
    ]
    voter_nick = [
        c
        for c, v in pairs
        if first(v["Voters_FirstName"])
        in nicknames.nicknames_of(first(c["first_name"]))
    ]
    assert case_nick and voter_nick

    streets = " | ".join(c["street_address"] for c, _ in pairs)
    assert "Street" in streets and " St" in streets
    units = [c["supplemental_address_1"] or c["street_address"] for c, _ in pairs]
    for style in (r"\bApt \w+$", r"#\w+$", r"\bUnit \w+$", r"\bAPT \w+$"):
        assert any(re.search(style, u) for u in units), style
    phones_shared = [
        c
        for c, v in pairs
        if c["phone"]
        and re.sub(r"\D", "", c["phone"])[-10:]
        in {
            re.sub(r"\D", "", v["VoterTelephones_LandlineFormatted"]),
            re.sub(r"\D", "", v["VoterTelephones_CellPhoneFormatted"]),
        }
    ]
    assert len(phones_shared) >= 20


@cache
def generator():
    spec = importlib.util.spec_from_file_location(
        "make_samples", ROOT / "scripts" / "make_samples.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_generator_makes_other_sizes_and_repeats_itself():
    make = generator()
    cases, voters, truth = make.generate(n_cases=60, n_voters=1500, seed=7)
    assert len(cases) == len(truth) == 60
    assert len(voters) == 1500
    assert list(cases[0]) == CASE_HEADER.split(",")
    assert list(voters[0]) == VOTER_HEADER.split(",")
    ids = {v["LALVOTERID"] for v in voters}
    assert {t["voter_id"] for t in truth if t["voter_id"]} <= ids

    again = make.generate(n_cases=60, n_voters=1500, seed=7)
    assert again == (cases, voters, truth)
    assert make.generate(n_cases=60, n_voters=1500, seed=8)[0] != cases


@pytest.mark.slow
def test_bundled_files_are_what_the_generator_writes(tmp_path):
    make = generator()
    make.main(["--out", str(tmp_path)])
    for name in ("casework_civicrm.csv", "voters_l2.csv", "truth.csv"):
        assert (tmp_path / name).read_bytes() == (samples_dir() / name).read_bytes()
