"""Household warnings over addresses written as voter files write them."""

from casetui.review_queue import Candidate
from casetui.review_warnings import household_warnings


def _voter(first: str, street: str, unit: str = "", suffix: str = "") -> Candidate:
    voter = {"first_name": first, "last_name": "Robinson", "name_suffix": suffix,
             "street": street, "unit": unit, "zip5": "02138"}  # fmt: skip
    return Candidate(voter, 0.9, {}, [])


def test_a_jr_is_warned_of_when_his_flat_is_written_in_the_street_line():
    senior = _voter("Daniel", "20 Huron Ave", unit="Unit 2", suffix="Sr")
    junior = _voter("Daniel", "20 Huron Ave Apt 2", suffix="Jr")
    warnings = household_warnings(senior, [senior, junior])
    assert warnings and warnings[0].startswith("Jr/Sr: candidate 2")


def test_namesakes_in_two_flats_of_one_building_are_not_a_household():
    one = _voter("Daniel", "20 Huron Ave, Apt 2")
    other = _voter("Daniel", "20 Huron Avenue", unit="# 3")
    assert household_warnings(one, [one, other]) == []


def test_a_flat_missing_on_one_side_still_counts_as_one_home():
    one = _voter("Daniel", "20 Huron Ave", suffix="Sr")
    other = _voter("Daniel", "20 Huron Ave #2", suffix="Jr")
    assert household_warnings(one, [one, other])
