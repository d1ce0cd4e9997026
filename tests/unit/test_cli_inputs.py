"""What the commands say about awkward input: each names the file (and the item
or column), exits 2, and leaves no work half done."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from casetui.cli import app
from tests.conftest import SAMPLES

runner = CliRunner()
VOTERS = str(SAMPLES / "voters_l2.csv")


def flat(text: str) -> str:
    return " ".join(text.split())


def header_only(tmp_path: Path, sample: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text((SAMPLES / sample).read_text().splitlines()[0] + "\n")
    return path


def test_inspect_says_a_header_only_file_has_no_rows(tmp_path: Path) -> None:
    path = header_only(tmp_path, "casework_civicrm.csv", "cases.csv")

    result = runner.invoke(app, ["inspect", str(path)])

    assert result.exit_code == 2
    assert "layout: civicrm" in result.output  # what it understood, then why not
    assert "cases.csv has a header but no rows" in result.output


@pytest.mark.parametrize("empty", ["casework", "voter"])
def test_match_refuses_either_file_without_rows(tmp_path: Path, empty: str) -> None:
    files = {"casework": str(SAMPLES / "casework_civicrm.csv"), "voter": VOTERS}
    sample = Path(files[empty]).name
    files[empty] = str(header_only(tmp_path, sample, f"{empty}-empty.csv"))
    out = tmp_path / "pairs.csv"

    result = runner.invoke(
        app, ["match", files["casework"], files["voter"], "--out", str(out)]
    )

    assert result.exit_code == 2
    assert f"{empty}-empty.csv has a header but no rows" in result.output
    assert not out.exists()


def missing_category(tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text(
        "Case ID,First Name,Last Name,Address,City,State,Zip,Status\n"
        "C1,Ann,Lee,1 Main St,Boston,MA,02139,Open\n"
    )
    return path


def test_inspect_names_the_missing_column_and_its_own_option(tmp_path: Path) -> None:
    result = runner.invoke(app, ["inspect", str(missing_category(tmp_path))])

    assert result.exit_code == 2
    text = flat(result.output)
    assert "closest to generic_casework" in text
    assert (
        'no column for category (the generic_casework layout expects "Case Type")'
        in (text)
    )
    assert "pass --layout with its name" in text
    assert "--casework-layout" not in text


def test_match_advises_the_layout_option_of_the_file_at_fault(tmp_path: Path) -> None:
    path = str(missing_category(tmp_path))

    result = runner.invoke(
        app, ["match", path, VOTERS, "--out", str(tmp_path / "pairs.csv")]
    )

    assert result.exit_code == 2
    assert "pass --casework-layout with its name" in flat(result.output)


def eight_columns(tmp_path: Path) -> Path:
    import polars as pl

    cases = pl.read_csv(SAMPLES / "casework_civicrm.csv", infer_schema=False)
    picked = {
        "case_id": "Case ID", "first_name": "First", "last_name": "Last",
        "city": "City", "state_province": "State", "postal_code": "Zip",
        "case_type": "Type", "case_status": "Status",
    }  # fmt: skip
    path = tmp_path / "simple.csv"
    cases.head(40).select(list(picked)).rename(picked).write_csv(path, separator=";")
    return path


def test_the_scrub_report_names_only_columns_the_file_had(
    tmp_path: Path, attestations_file: Path
) -> None:
    result = runner.invoke(app, [
        "run", "--casework", str(eight_columns(tmp_path)), "--voters", VOTERS,
        "--attestations", str(attestations_file), "--out", str(tmp_path / "out"),
    ])  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "casework: 40 rows, layout generic_casework" in result.output
    assert "scrub: no identifiers found" in result.output
    assert "dropped column" not in result.output


def test_a_damaged_parquet_file_is_called_so(tmp_path: Path) -> None:
    path = tmp_path / "fake.parquet"
    path.write_bytes(b"PAR1garbage")

    result = runner.invoke(app, ["inspect", str(path)])

    assert result.exit_code == 2
    text = flat(result.output)
    assert "fake.parquet cannot be read as Parquet: it is damaged" in text
    assert "Error" not in text and "nested" not in text


def test_a_cut_short_workbook_is_called_so_without_python_s_words(
    tmp_path: Path,
) -> None:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for n in range(500):
        book.active.append([f"C{n}", "Ruiz", "Housing", n])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "cases.xlsx"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])

    result = runner.invoke(app, ["inspect", str(path)])

    assert result.exit_code == 2
    text = flat(result.output)
    assert "cases.xlsx is damaged or not a real .xlsx workbook" in text
    assert "cut short" in text
    assert "BadZipFile" not in text


def run_into(out: Path, attestations: Path, *extra: str):
    return runner.invoke(app, [
        "run", "--casework", str(SAMPLES / "casework_civicrm.csv"),
        "--voters", VOTERS, "--attestations", str(attestations),
        "--out", str(out), "--session", "headless", *extra,
    ])  # fmt: skip


def test_run_into_a_file_is_refused_before_any_work(
    tmp_path: Path, attestations_file: Path
) -> None:
    from casetui.session.store import Session

    readme = tmp_path / "README.md"
    readme.write_text("# notes\n")

    result = run_into(readme, attestations_file)

    assert result.exit_code == 2
    assert "README.md cannot be used as the output folder: it is a file" in flat(
        result.output
    )
    assert "match:" not in result.output  # refused before loading anything
    assert Session.list_all() == []
    assert readme.read_text() == "# notes\n"


def test_a_run_whose_export_fails_says_the_session_is_kept(
    tmp_path: Path, attestations_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from casetui.errors import InputError
    from casetui.pipeline import export

    def full_disk(_request):
        raise InputError("Cannot write exports", "out/ could not be written.")

    monkeypatch.setattr(export, "write_exports", full_disk)

    result = run_into(tmp_path / "out", attestations_file)

    assert result.exit_code == 2
    text = flat(result.output)
    assert "Session headless is kept with its matches" in text
    assert "casetui export headless --out FOLDER" in text
    assert "casetui purge headless" in text


def test_match_makes_missing_folders_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "new" / "deeper" / "pairs.csv"

    result = runner.invoke(
        app, ["match", str(SAMPLES / "casework_civicrm.csv"), VOTERS, "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    for folder in (tmp_path / "new", out.parent):
        assert folder.stat().st_mode & 0o777 == 0o700, folder


def test_match_refuses_a_pairs_file_neither_csv_nor_parquet(tmp_path: Path) -> None:
    out = tmp_path / "pairs.txt"

    result = runner.invoke(
        app, ["match", str(SAMPLES / "casework_civicrm.csv"), VOTERS, "--out", str(out)]
    )

    assert result.exit_code == 2
    assert "pairs.txt: name the pairs file .csv or .parquet" in flat(result.output)
    assert "casework:" not in result.output and not out.exists()


@pytest.mark.parametrize(
    ("date", "problem"),
    [
        ("2999-01-01", "counsel's review cannot be in the future"),
        ("last spring", "write the date counsel reviewed this as YYYY-MM-DD"),
    ],
)
def test_a_bad_review_date_names_the_attestations_file_and_item(
    tmp_path: Path, attestations_file: Path, date: str, problem: str
) -> None:
    from casetui.session.store import Session

    text = attestations_file.read_text()
    attestations_file.write_text(
        text.replace('review_date = "2026-11-20"', f'review_date = "{date}"')
    )
    assert date in attestations_file.read_text()

    result = run_into(tmp_path / "out", attestations_file)

    assert result.exit_code == 2
    assert f"attest.toml, [counsel_review] review_date: {problem}" in flat(
        result.output
    )
    assert Session.list_all() == []


@pytest.mark.parametrize("columns", ["80", "50"])
def test_sessions_never_wrap_a_name_an_id_or_a_step(columns: str) -> None:
    from casetui.session.store import Session

    made = Session.create("demo-20261204-083309")
    made.set_operator("Jane Organizer")
    made.complete_step("checklist")
    made.complete_step("files")
    made.close()

    result = runner.invoke(app, ["sessions"], env={"COLUMNS": columns})

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert all(len(line) <= int(columns) for line in lines if made.name in line)
    for whole in (made.name, made.id, "suppression"):
        assert any(whole in line for line in lines), whole
    assert "…" not in result.output
