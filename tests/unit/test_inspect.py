"""`casetui inspect`: what casetui understood of a file, without a session and
without a value; a file it cannot read is a plain message and exit code 2."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casetui.cli import app
from tests.conftest import SAMPLES

DATA = Path(__file__).resolve().parent.parent / "data"
runner = CliRunner()


def inspect(*args: str):
    return runner.invoke(app, ["inspect", *args])


def test_inspect_prints_layout_rows_fields_and_the_load_report(
    tmp_path: Path,
) -> None:
    path = tmp_path / "voters.txt"
    path.write_bytes((DATA / "washington_vrdb.txt").read_bytes())

    result = inspect(str(path), "--kind", "voter")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "encoding: cp1252" in lines
    assert "delimiter: pipe" in lines
    assert "rows: 2" in lines
    assert any(line.startswith("layout: washington_vrdb") for line in lines)
    assert "  street <- RegStNum, RegStFrac, RegStPreDirection, RegStName, " in (
        result.output
    )
    assert "load report:" in lines
    assert "rows read 2, rows held for review 0" in result.output
    for value in ("Muñoz", "O’Neil", "MAIN", "98101"):
        assert value not in result.output


def test_inspect_reports_flagged_values_by_row_never_by_value(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "Case ID,Last Name,Type,State,Zip,Phone\n"
        "C1,Ruiz,Housing,TX,7501,1.61755501E+10\n"
        "C2,Lee,Housing,MA,2139,617-555-0101\n"
    )

    result = inspect(str(path))

    assert result.exit_code == 0, result.output
    assert "phone: 1 flagged, digits lost in scientific notation" in result.output
    assert "(row 2)" in result.output
    assert "leading zero restored" in result.output
    assert "7501" not in result.output and "1.617" not in result.output


def _truncated_xlsx(tmp_path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    for n in range(2000):
        book.active.append([f"C{n}", "Ruiz", "Housing", n])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "cases.xlsx"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "has no data"),
        (lambda p: p.write_bytes(bytes(range(256)) * 20), "binary file"),
        (lambda p: p.write_text('id,subject\n1,"never closed\n2,x\n'), "row 2"),
    ],
    ids=["empty", "binary", "unclosed-quote"],
)
def test_unreadable_files_exit_2_with_the_file_named(
    tmp_path: Path, make, message: str
) -> None:
    path = tmp_path / "cases.csv"
    make(path)

    result = inspect(str(path))

    assert result.exit_code == 2
    assert "cases.csv" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_truncated_workbook_exits_2(tmp_path: Path) -> None:
    result = inspect(str(_truncated_xlsx(tmp_path)))

    assert result.exit_code == 2
    assert "cases.xlsx" in result.output and "xlsx" in result.output
    assert "Traceback" not in result.output


def flat(text: str) -> str:
    return " ".join(text.split())


def test_wrong_layout_exits_2_naming_what_does_not_fit() -> None:
    sample = str(SAMPLES / "voters_l2.csv")

    headerless = inspect(sample, "--kind", "voter", "--layout", "florida")
    other = inspect(sample, "--kind", "voter", "--layout", "ohio_swvf")

    assert headerless.exit_code == other.exit_code == 2
    assert "row 1 has 18 fields, the layout 38" in flat(headerless.output)
    assert 'ohio_swvf layout expects "SOS_VOTERID"' in flat(other.output)


def test_unknown_export_exits_2_after_saying_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "mystery.csv"
    path.write_text("foo,bar,baz\n1,2,3\n")

    result = inspect(str(path))

    assert result.exit_code == 2
    assert "delimiter: comma" in result.output
    assert "match no known casework layout" in flat(result.output)
