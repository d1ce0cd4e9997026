"""The seven damaged files every office hands over sooner or later, each with the
table the operator must get: what Excel, old Windows machines and hand edits do to
an export is undone where it is certain, and said out loud where it is not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from casetui.pipeline.ingest import read_table
from casetui.pipeline.layouts import layout_from_mapping
from casetui.pipeline.mapping import map_table


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_1_excel_utf8_with_bom_and_quoted_header(tmp_path: Path) -> None:
    body = b'"VoterID","First","Last"\r\n"A100","Ana","Ruiz"\r\n'
    bom = read_table(write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + body))
    plain = read_table(write(tmp_path, "plain.csv", body))

    assert bom.frame.columns == ["VoterID", "First", "Last"]
    assert bom.frame.rows() == [("A100", "Ana", "Ruiz")]
    assert bom.frame.equals(plain.frame)


def test_2_windows_1252_semicolons_accents_and_curly_apostrophe(
    tmp_path: Path,
) -> None:
    data = (
        b"First;Last;City\r\nJos\xe9;Mu\xf1oz;Espa\xf1ola\r\n"
        b"Ren\xe9e;O\x92Neil;Ca\xf1on City\r\n"
    )
    table = read_table(write(tmp_path, "names.csv", data))

    assert table.delimiter == ";"
    assert table.encoding == "cp1252"
    assert table.frame.rows() == [
        ("José", "Muñoz", "Española"),
        ("Renée", "O’Neil", "Cañon City"),
    ]
    assert "decoded from cp1252" in table.notes
    assert not any("\ufffd" in value for row in table.frame.rows() for value in row)


def test_3_quoted_line_breaks_in_notes_stay_in_one_record(tmp_path: Path) -> None:
    lines = ["case_id,notes,zip"]
    for n in range(20_000):
        note = '"Called about SNAP.\nFollow up"' if n % 7 == 0 else "Called"
        lines.append(f"C{n},{note},0{n % 10000:04d}")
    table = read_table(write(tmp_path, "cases.csv", "\n".join(lines).encode()))

    assert table.frame.height == 20_000
    assert table.frame["case_id"][-1] == "C19999"
    assert table.frame["notes"][7] == "Called about SNAP.\nFollow up"
    assert table.frame["notes"].str.contains("\n").sum() == len(range(0, 20_000, 7))
    assert table.frame["zip"][-1] == "09999"


def test_4_duplicate_and_blank_headers(tmp_path: Path) -> None:
    data = b"First,Last,Phone,Phone,Phone_2,\nAna,Ruiz,111,222,333,\n"
    table = read_table(write(tmp_path, "dupes.csv", data))

    # The second Phone cannot take Phone_2: the file already has one.
    assert table.frame.columns == ["First", "Last", "Phone", "Phone_3", "Phone_2"]
    assert table.frame.row(0) == ("Ana", "Ruiz", "111", "222", "333")
    assert any('duplicate header "Phone"' in n and "Phone_3" in n for n in table.notes)
    assert table.dropped == ["column_6"]
    assert any("empty trailing column" in note for note in table.notes)
    again = read_table(write(tmp_path, "again.csv", data))
    assert again.frame.columns == table.frame.columns


def test_5_ragged_rows_lose_nothing_and_are_named_by_row(tmp_path: Path) -> None:
    data = (
        b"case_id,last_name,street,zip\n"
        b"C1,Lopez,12 Elm St,02139\n"
        b"C2,Smith,4 Oak Ave,Apt 4,02140\n"
        b"C3,Jones\n"
        b"C4,Wu,9 Pine Rd,02141\n"
    )
    table = read_table(write(tmp_path, "ragged.csv", data))

    assert table.frame["case_id"].to_list() == ["C1", "C2", "C3", "C4"]
    assert table.frame.row(1) == ("C2", "Smith", "4 Oak Ave", "Apt 4", "02140")
    assert table.frame.row(2) == ("C3", "Jones", None, None, None)
    notes = " ".join(table.notes)
    assert "more fields than the header (row 3)" in notes
    assert "fewer fields than the header (row 4)" in notes
    assert table.row_numbers().to_list() == [2, 3, 4, 5]


VOTER_MAPPING = {
    "voter_id": "id",
    "last_name": "last",
    "state": "state",
    "zip5": "zip",
    "phone": "phone",
}


def test_6_zip_codes_damaged_by_excel(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "last", "state", "zip"])
    for n, (state, zip_cell) in enumerate(
        [
            ("MA", 2494),
            ("PR", 601),
            ("MA", "02134-1234"),
            ("MA", 21341234),
            ("MA", "2134.0"),
            ("MA", None),
            ("TX", 7501),
        ]
    ):
        sheet.append([f"V{n}", "Ruiz", state, zip_cell])
    path = tmp_path / "voters.xlsx"
    book.save(path)

    table = read_table(path)
    layout = layout_from_mapping("t", "voter", VOTER_MAPPING)
    voters, findings = map_table(table.frame, layout, path, table.row_numbers())

    zips = list(zip(voters["zip5"], voters["zip4"], strict=True))
    assert zips == [
        ("02494", None),
        ("00601", None),
        ("02134", "1234"),
        ("02134", "1234"),
        ("02134", None),
        (None, None),
        (None, None),  # Texas ZIPs do not begin with 0: flagged, not guessed
    ]
    lines = [f.line() for f in findings]
    assert any("leading zero restored" in line for line in lines)
    assert any(
        "state does not say a zero was lost" in line and "(row 8)" in line
        for line in lines
    )


def test_7_phones_in_scientific_notation(tmp_path: Path) -> None:
    data = (
        b"id,last,phone\n"
        b"V1,Ruiz,6.175550123E9\n"
        b'V2,Ruiz,"+1 (617) 555-0199"\n'
        b"V3,Ruiz,1.61755501E+10\n"
    )
    path = write(tmp_path, "voters.csv", data)
    table = read_table(path)
    layout = layout_from_mapping("t", "voter", VOTER_MAPPING)

    voters, findings = map_table(table.frame, layout, path, table.row_numbers())

    assert voters["phone"].to_list() == ["6175550123", "6175550199", None]
    lossy = [f for f in findings if "lossy" in f.what]
    assert [(f.field, f.rows, f.repaired) for f in lossy] == [("phone", [4], False)]


def test_dates_read_iso_and_month_first_and_two_digit_years_stay_past(
    tmp_path: Path,
) -> None:
    data = (
        b"case_id,last,type,dob,opened\n"
        b"C1,Ruiz,Housing,1956-03-04,3/4/2025\n"
        b"C2,Ruiz,Housing,3/4/56,2025-03-05 10:30\n"
        b"C3,Ruiz,Housing,7/1/05,\n"
        b"C4,Ruiz,Housing,13/04/1956,someday\n"
    )
    path = write(tmp_path, "cases.csv", data)
    table = read_table(path)
    mapping = {
        "case_id": "case_id",
        "last_name": "last",
        "category": "type",
        "dob": "dob",
        "opened": "opened",
    }
    layout = layout_from_mapping("t", "casework", mapping)

    cases, findings = map_table(
        table.frame, layout, path, table.row_numbers(), dt.date(2026, 5, 1)
    )

    assert cases["dob"].to_list() == ["1956-03-04", "1956-03-04", "2005-07-01", None]
    assert cases["birth_year"].to_list() == ["1956", "1956", "2005", None]
    assert cases["opened"].to_list() == ["2025-03-04", "2025-03-05", None, None]
    flagged = {(f.field, tuple(f.rows)) for f in findings if not f.repaired}
    assert ("dob", (5,)) in flagged  # day-first in a month-first column
    assert ("opened", (5,)) in flagged  # not a date
    assert cases.schema["dob"] == pl.Utf8
