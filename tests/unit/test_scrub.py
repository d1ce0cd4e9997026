"""Scrub: the campaign never receives notes, full dates of birth or identifiers
typed into the text it keeps, and the report says what went, never the values."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from casetui.pipeline.ingest import read_table
from casetui.pipeline.layouts import CASEWORK_FIELDS, all_layouts, apply_layout
from casetui.pipeline.scrub import scrub

DATA = Path(__file__).resolve().parent.parent / "data"


def cases(subjects: list[str], **extra: list[str | None]) -> pl.DataFrame:
    ids = [f"C{i}" for i in range(len(subjects))]
    return pl.DataFrame({"case_id": ids, "subject": subjects, **extra})


def test_ssn_and_dob_in_subject_are_redacted_and_counted() -> None:
    frame = cases(
        [
            "Benefits for SSN 123-45-6789 (also 123 45 6789)",
            "Passport, DOB 3/4/1956, born 1956-03-04",
            "SS# 987654321",
            "Pothole on Elm St",
        ]
    )

    out, report = scrub(frame)

    assert out["subject"].to_list() == [
        "Benefits for SSN [redacted] (also [redacted])",
        "Passport, DOB [redacted], born [redacted]",
        "SS# [redacted]",
        "Pothole on Elm St",
    ]
    assert report.redactions == {"subject": {"ssn": 3, "dob": 2}}
    assert "redacted in subject: 3 ssn, 2 dob" in report.lines()


def test_immigration_medicare_and_card_numbers_are_redacted() -> None:
    frame = cases(
        [
            "Visa case, A-number A123456789",
            "Medicare 1EG4-TE5-MK73 and old card 123-45-6789A",
            "Paid with 4111 1111 1111 1111",
        ]
    )

    out, report = scrub(frame)

    assert out["subject"].to_list() == [
        "Visa case, A-number [redacted]",
        "Medicare [redacted] and old card [redacted]",
        "Paid with [redacted]",
    ]
    assert report.redactions["subject"] == {
        "medicare_id": 2,
        "a_number": 1,
        "card_number": 1,
    }


def test_ordinary_numbers_in_text_are_left_alone() -> None:
    subjects = [
        "Call back 617-555-0101 about 02139",
        "Open 2025-03-01 2025-03-20, case 2024-118",
        "Social Security",
    ]

    out, report = scrub(
        cases(subjects, category=["Housing", "VA Claim", "Social Security"])
    )

    assert out["subject"].to_list() == subjects
    assert out["category"].to_list() == ["Housing", "VA Claim", "Social Security"]
    assert report.redactions == {}


def test_notes_dob_and_stray_columns_are_dropped_birth_year_kept() -> None:
    frame = cases(
        ["a", "b"],
        notes=["SSN 123-45-6789 private", None],
        dob=["1956-03-04", "04/05/1961"],
        birth_year=[None, None],
        agency_case_no=["X1", "X2"],
    )

    out, report = scrub(frame)

    assert out.columns == ["case_id", "subject", "birth_year"]
    assert out["birth_year"].to_list() == ["1956", "1961"]
    dropped = [name for name, _why in report.dropped_columns]
    assert dropped == ["notes", "dob", "agency_case_no"]


def test_birth_year_can_be_emptied() -> None:
    frame = cases(["a"], dob=["1956-03-04"], birth_year=["1956"])

    out, report = scrub(frame, keep_birth_year=False)

    assert out["birth_year"].to_list() == [None]
    assert ("birth_year", "emptied: birth year not kept") in report.dropped_columns


def test_report_never_holds_a_value() -> None:
    _layout, frame = _civicrm()

    out, report = scrub(frame)

    text = "\n".join(report.lines())
    kept = out.select(pl.all().cast(pl.Utf8).str.join("\n")).row(0)
    for secret in ("123-45-6789", "987-65-4321", "3/4/1950", "Called twice"):
        assert secret not in text
        assert all(secret not in (column or "") for column in kept)
    assert "Lopez" not in text
    assert "notes" not in out.columns and "dob" not in out.columns
    assert set(out.columns) <= set(CASEWORK_FIELDS)
    assert out["subject"][1] == "Benefits for SSN [redacted]"


def _civicrm() -> tuple[str, pl.DataFrame]:
    path = DATA / "civicrm_cases.csv"
    layout = next(lay for lay in all_layouts("casework") if lay.name == "civicrm")
    return layout.name, apply_layout(read_table(path).frame, layout, path)


def test_a_preview_shows_no_notes_and_no_identifiers(tmp_path) -> None:
    from casetui.session.store import Session
    from casetui.workflow import Conversion

    path = tmp_path / "cases.csv"
    path.write_text(
        "case_id,first_name,last_name,case_type,case_subject,case_details\n"
        "1,Ann,Lee,Housing,SSN 123-45-6789 on file,Diagnosed with kidney failure\n"
    )
    conversion = Conversion(Session.create("preview"))
    preview = conversion.inspect(path, "casework").preview
    shown = " ".join(str(v) for v in preview.row(0))
    assert "kidney" not in shown and "123-45-6789" not in shown
    assert preview["case_details"][0] == "[not shown]"
    assert "Ann" in shown and "Housing" in shown


def test_the_report_lists_only_the_columns_the_file_had() -> None:
    frame = cases(["a"], notes=["private"], dob=[None], birth_year=[None])

    out, report = scrub(frame, present={"case_id": ["Case"], "notes": ["Details"]})

    assert "notes" not in out.columns and "dob" not in out.columns
    assert [name for name, _why in report.dropped_columns] == ["notes"]
    assert report.lines()[0].startswith("dropped column notes (from Details): ")
