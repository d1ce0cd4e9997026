"""Reading files as text: encodings, delimiters, quoting, headers and ragged rows
come out the way the operator's spreadsheet showed them, or fail with a message
that names the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from casetui.errors import InputError
from casetui.pipeline.ingest import file_sha256, read_table

DATA = Path(__file__).resolve().parent.parent / "data"


def test_bom_and_no_bom_give_the_same_table() -> None:
    plain = read_table(DATA / "names_utf8.csv")
    bom = read_table(DATA / "names_utf8_bom.csv")

    assert plain.frame.equals(bom.frame)
    assert bom.frame.columns[0] == "case_id"
    assert (plain.encoding, bom.encoding) == ("utf-8", "utf-8-sig")


def test_cp1252_export_decodes_accents_and_curly_quotes() -> None:
    table = read_table(DATA / "names_cp1252.csv")

    assert table.encoding == "cp1252"
    assert table.frame["last_name"].to_list() == ["Muñoz", "O’Neil"]
    assert table.frame["first_name"].to_list() == ["José", "Seán"]
    assert any("cp1252" in note for note in table.notes)


def test_values_stay_text_with_leading_zeros() -> None:
    table = read_table(DATA / "names_utf8.csv")

    assert table.frame.schema == {c: pl.Utf8 for c in table.frame.columns}
    assert table.frame["zip"].to_list() == ["02139", "01776"]


def test_quoted_newline_stays_one_record() -> None:
    frame = read_table(DATA / "quoted_newline.csv").frame

    assert frame.height == 2
    assert frame["subject"][0] == "Pothole on Elm,\nsecond line"
    assert frame["zip"].to_list() == ["02139", "02140"]


def test_duplicate_headers_renamed_and_blank_trailing_columns_dropped() -> None:
    table = read_table(DATA / "duplicate_headers.csv")

    assert table.frame.columns == ["case_id", "Phone", "Phone_2", "Phone_3"]
    assert table.frame.row(0) == ("C1", "111", "222", "333")
    assert any("duplicate header" in note for note in table.notes)
    assert any("empty trailing column" in note for note in table.notes)


def test_ragged_rows_are_kept_and_named_in_notes() -> None:
    table = read_table(DATA / "ragged.csv")

    assert table.frame["case_id"].to_list() == ["C1", "C2", "C3", "C4"]
    assert table.frame.row(1) == ("C2", "Smith", None, None)
    assert table.frame["extra_1"].to_list() == [None, None, "EXTRA", None]
    notes = " ".join(table.notes)
    assert "fewer fields than the header (row 3)" in notes
    assert "more fields than the header (row 4)" in notes


def test_short_rows_alone_are_padded_by_the_fast_reader(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n", encoding="utf-8")

    table = read_table(path)

    assert table.frame.rows() == [("1", "2", "3"), ("4", "5", None), ("6", "7", "8")]
    assert any("(row 3)" in note for note in table.notes)


def test_tab_file_with_a_report_title_above_the_header() -> None:
    table = read_table(DATA / "report_title.tsv")

    assert table.delimiter == "\t"
    assert table.frame.columns == ["case_id", "last_name", "zip"]
    assert table.frame.row(0) == ("C1", "Lopez", "02139")
    assert any("above the header" in note for note in table.notes)


@pytest.mark.parametrize("delimiter", ["|", ";", "\t", ","])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "cases.txt"
    rows = [["case_id", "street", "zip"], ["C1", "12 Elm St, Apt 2", "02139"]]
    text = "\n".join(delimiter.join(f'"{v}"' for v in row) for row in rows)
    path.write_text(text + "\n", encoding="utf-8")

    table = read_table(path)

    assert table.delimiter == delimiter
    assert table.frame.row(0) == ("C1", "12 Elm St, Apt 2", "02139")


def test_preview_reads_only_the_first_rows(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("id,zip\n" + "".join(f"{i},0{i:04d}\n" for i in range(5000)))

    table = read_table(path, max_rows=10)

    assert table.frame.height == 10
    assert table.sha256 == file_sha256(path)
    assert read_table(path).frame.height == 5000


def test_xlsx_cells_become_the_text_a_person_sees(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["case_id", "zip", "amount", "opened", "Phone", "Phone"])
    sheet.append([123, "02139", 1.5, dt.datetime(2025, 3, 1), 6175550101.0, None])
    sheet.append([124, None, 2.0, dt.date(2025, 3, 2), None, "617-555-0102"])
    path = tmp_path / "cases.xlsx"
    book.save(path)

    table = read_table(path)

    assert table.delimiter is None
    assert table.frame.columns == [
        "case_id",
        "zip",
        "amount",
        "opened",
        "Phone",
        "Phone_2",
    ]
    assert table.frame.row(0) == (
        "123",
        "02139",
        "1.5",
        "2025-03-01",
        "6175550101",
        None,
    )
    assert table.frame.row(1) == ("124", None, "2", "2025-03-02", None, "617-555-0102")


def test_parquet_is_cast_to_text(tmp_path: Path) -> None:
    path = tmp_path / "voters.parquet"
    pl.DataFrame({"voter_id": [1, 2], "age": [70.0, 45.5]}).write_parquet(path)

    frame = read_table(path).frame

    assert frame.rows() == [("1", "70"), ("2", "45.5")]


def test_empty_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(InputError, match="empty.csv"):
        read_table(path)


def test_binary_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 20)

    with pytest.raises(InputError, match="photo.csv.*binary"):
        read_table(path)


def test_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nowhere.csv"):
        read_table(tmp_path / "nowhere.csv")


def test_unclosed_quote_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    lines = [
        "id,subject",
        "1,fine",
        '2,"never closed',
        *(f"{n},more" for n in range(3, 12)),
    ]
    path.write_text("\n".join(lines) + "\n")

    # The row where the quote opens, not the end of the file it runs into.
    with pytest.raises(InputError, match=r"broken.csv, row 3\b"):
        read_table(path)


def test_old_excel_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)

    with pytest.raises(InputError, match="save it as .xlsx or .csv"):
        read_table(path)


def test_only_the_columns_asked_for_are_read(tmp_path: Path) -> None:
    path = tmp_path / "voters.csv"
    rows = ["id,First,Party,Last,Phone,Phone"]
    rows += [f"V{n},Ann{n},D,Lee{n},555-01{n:02},555-02{n:02}" for n in range(50)]
    path.write_text("\n".join(rows) + "\n")

    table = read_table(path, columns={"id", "Last", "Phone_2"})
    assert table.frame.columns == ["id", "Last", "Phone_2"]
    assert table.frame.row(3) == ("V3", "Lee3", "555-0203")
