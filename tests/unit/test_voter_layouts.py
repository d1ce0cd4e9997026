"""One file per voter-file layout, each with the voters the operator must get:
recognised from its headers (or, for Florida, from its shape), addresses in parts
assembled, birth years from whatever the file carries, phones as ten digits."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from casetui.pipeline.loading import load_file

DATA = Path(__file__).resolve().parent.parent / "data"
FIELDS = ("voter_id", "first_name", "last_name", "street", "unit", "city", "state")


def first_two(name: str, tmp_path: Path) -> tuple[str, list[dict], list[str]]:
    # A copy dated late in 2026, so ages give fixed birth years.
    copy = tmp_path / name
    copy.write_bytes((DATA / name).read_bytes())
    stamp = time.mktime((2026, 11, 1, 12, 0, 0, 0, 0, -1))
    os.utime(copy, (stamp, stamp))
    result = load_file(copy, "voter")
    return result.layout.name, result.frame.rows(named=True), result.report.lines()


def test_targetsmart_vb_columns(tmp_path: Path) -> None:
    layout, (maria, james), _lines = first_two("targetsmart_voters.csv", tmp_path)

    assert layout == "targetsmart"
    assert (maria["voter_id"], maria["street"]) == ("MA-000123", "12 Elm St Apt 2")
    assert (maria["zip5"], maria["zip4"]) == ("02139", "1234")  # lost zero, MA
    assert (maria["birth_year"], maria["phone"]) == ("1956", "6175550101")
    assert (james["name_suffix"], james["birth_year"]) == ("Jr", "1975")  # age 51


def test_ohio_swvf(tmp_path: Path) -> None:
    layout, (robert, linh), _lines = first_two("ohio_swvf.txt", tmp_path)

    assert layout == "ohio_swvf"
    assert [robert[f] for f in FIELDS] == [
        "OH0012345678", "ROBERT", "JOHNSON", "123 HIGH ST", "APT 4B", "COLUMBUS", "OH",
    ]  # fmt: skip
    assert (robert["zip5"], robert["zip4"], robert["birth_year"]) == (
        "43215",
        "1234",
        "1948",
    )
    assert (linh["zip4"], linh["birth_year"]) == (None, "1990")


@pytest.mark.parametrize("name", ["ncvoter_voters.txt", "ncvoter_old.txt"])
def test_ncvoter_newer_and_older_headers(name: str, tmp_path: Path) -> None:
    layout, rows, _lines = first_two(name, tmp_path)
    ann = rows[0]

    assert layout == "ncvoter"
    assert (ann["last_name"], ann["street"], ann["city"]) == (
        "SMITH",
        "9 OAK AVE",
        "RALEIGH",
    )
    if name == "ncvoter_old.txt":
        assert (ann["voter_id"], ann["birth_year"]) == ("BN12345", "1962")  # age 64
        assert ann["phone"] == "9195550142"  # area_cd and phone_num joined
    else:
        assert ann["birth_year"] == "1961"


def test_washington_vrdb_pipe_cp1252_address_in_parts(tmp_path: Path) -> None:
    layout, (jose, renee), lines = first_two("washington_vrdb.txt", tmp_path)

    assert layout == "washington_vrdb"
    assert (jose["first_name"], jose["last_name"]) == ("José", "Muñoz")
    assert (jose["street"], jose["unit"]) == ("123 1/2 N MAIN ST SW", "APT 4")
    assert (renee["last_name"], renee["street"], renee["unit"]) == (
        "O’Neil",
        "77 PINE AVE",
        None,
    )
    assert jose["birth_year"] == "1961"
    assert lines[0] == "encoding cp1252, delimiter pipe, layout washington_vrdb"


def test_michigan_qvf_address_in_parts(tmp_path: Path) -> None:
    layout, (anna, david), _lines = first_two("michigan_qvf.csv", tmp_path)

    assert layout == "michigan_qvf"
    assert (anna["voter_id"], anna["street"], anna["unit"]) == (
        "123456789",
        "1204 B N WASHINGTON AVE W",
        "APT 2",
    )
    assert (david["street"], david["name_suffix"], david["birth_year"]) == (
        "88 MAPLE ST",
        "SR",
        "1949",
    )


def test_florida_extract_without_a_header_row(tmp_path: Path) -> None:
    layout, (carmen, john), lines = first_two("florida_voters.txt", tmp_path)

    assert layout == "florida"
    # The first record is a voter, not a header: nobody is lost.
    assert [carmen[f] for f in FIELDS] == [
        "123456789", "Carmen", "Hernandez", "450 NW 12th Ave", "Apt 9", "Miami", "FL",
    ]  # fmt: skip
    assert (carmen["zip5"], carmen["birth_year"], carmen["phone"]) == (
        "33136",
        "1956",
        "3055550177",
    )
    assert (john["voter_id"], john["phone"]) == ("123456790", None)
    assert "rows read 2, rows held for review 0" in lines
