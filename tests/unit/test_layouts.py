"""Layouts: each built-in export is recognised from its headers and mapped to the
canonical fields with the fixes an operator expects (flags, zips, birth years);
an unknown export can be mapped, saved and recognised next time."""

from __future__ import annotations

import os
import time
from pathlib import Path

import polars as pl
import pytest

from casetui.errors import LayoutError
from casetui.pipeline.ingest import read_table
from casetui.pipeline.layouts import (
    CASEWORK_FIELDS,
    VOTER_FIELDS,
    all_layouts,
    apply_layout,
    builtin_layouts,
    detect_layout,
    layout_from_mapping,
    mapping_from,
    save_layout,
    saved_layouts,
)
from casetui.pipeline.mapping import map_table

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLES = Path(__file__).resolve().parents[2] / "casetui" / "samples"


def mapped(name: str, kind: str) -> tuple[str | None, pl.DataFrame]:
    path = DATA / name
    table = read_table(path)
    layout, _score = detect_layout(table.frame.columns, kind)
    assert layout is not None
    return layout.name, apply_layout(table.frame, layout, path)


def test_builtin_layouts_ship() -> None:
    names = {layout.name for layout in builtin_layouts()}

    assert names == {
        "civicrm",
        "generic_casework",
        "l2",
        "ngpvan",
        "ncvoter",
        "targetsmart",
        "ohio_swvf",
        "washington_vrdb",
        "michigan_qvf",
        "florida",
    }


@pytest.mark.parametrize(
    ("fixture", "kind", "expected"),
    [
        ("civicrm_cases.csv", "casework", "civicrm"),
        ("generic_cases.csv", "casework", "generic_casework"),
        ("l2_voters.csv", "voter", "l2"),
        ("ngpvan_voters.csv", "voter", "ngpvan"),
        ("ncvoter_voters.txt", "voter", "ncvoter"),
    ],
)
def test_each_builtin_is_detected_and_maps_to_canonical_fields(
    fixture: str, kind: str, expected: str
) -> None:
    name, frame = mapped(fixture, kind)

    assert name == expected
    assert frame.columns == list(
        CASEWORK_FIELDS if kind == "casework" else VOTER_FIELDS
    )
    assert frame["last_name"].null_count() == 0
    flags = {"do_not_contact", "deceased", "email_opt_in"}
    for column, dtype in frame.schema.items():
        assert dtype == (pl.Boolean if column in flags else pl.Utf8), column


def test_civicrm_mapping_fixes_flags_zips_and_states() -> None:
    _name, cases = mapped("civicrm_cases.csv", "casework")
    first, second, third = cases.rows(named=True)

    assert first["category"] == "Pothole / Road Repair"
    assert first["unit"] == "Apt 2"
    assert (first["zip5"], first["zip4"]) == ("02139", "1234")  # "2139" in MA
    assert (second["state"], second["zip5"], second["zip4"]) == ("MA", "02143", "0001")
    assert first["birth_year"] == "1956"
    assert [r["do_not_contact"] for r in (first, second, third)] == [False, True, True]
    assert first["email_opt_in"] is True
    assert second["notes"].startswith("DOB") and "\n" in second["notes"]


def test_l2_birth_year_from_age_and_cell_phone_first(tmp_path: Path) -> None:
    path = DATA / "l2_voters.csv"
    table = read_table(path)
    layout = next(lay for lay in all_layouts("voter") if lay.name == "l2")
    late_in_year = time.mktime((2026, 11, 1, 12, 0, 0, 0, 0, -1))
    copy = tmp_path / "l2.csv"
    copy.write_bytes(path.read_bytes())
    os.utime(copy, (late_in_year, late_in_year))

    voters = apply_layout(table.frame, layout, copy)

    assert voters["birth_year"].to_list() == ["1956", "1951"]  # ages 70, 75
    assert voters["phone"].to_list() == ["6175550101", "6175550199"]
    assert voters["zip5"].to_list() == ["02139", "02143"]


def test_zip_is_only_padded_where_the_state_agrees() -> None:
    layout = layout_from_mapping(
        "t", "voter", {"voter_id": "id", "last_name": "ln", "zip5": "z", "state": "st"}
    )
    frame = pl.DataFrame(
        {
            "id": ["1", "2", "3", "4"],
            "ln": ["A", "B", "C", "D"],
            "z": ["2139", "2139", "21391234", "75001-0001"],
            "st": ["MA", "TX", "ma", "TX"],
        }
    )

    voters = apply_layout(frame, layout, Path("voters.csv"))

    # In Texas a four-digit ZIP is not a lost zero: left empty, not guessed.
    assert voters["zip5"].to_list() == ["02139", None, "02139", "75001"]
    assert voters["zip4"].to_list() == [None, None, "1234", "0001"]


def test_a_short_zip_with_no_state_is_kept_as_written() -> None:
    layout = layout_from_mapping(
        "t", "voter", {"voter_id": "id", "last_name": "ln", "zip5": "z", "state": "st"}
    )
    frame = pl.DataFrame(
        {"id": ["1", "2"], "ln": ["A", "B"], "z": ["4223", "2139"], "st": [None, "nsw"]}
    )

    voters, findings = map_table(frame, layout, Path("voters.csv"))

    # Nothing says a zero was lost, nor that it was not: no padding, no loss.
    assert voters["zip5"].to_list() == ["4223", "2139"]
    assert any("kept as written" in f.line() for f in findings)


def test_flag_words() -> None:
    layout = layout_from_mapping(
        "t",
        "casework",
        {"case_id": "id", "last_name": "ln", "category": "c", "deceased": "d"},
    )
    words = ["1", "Y", "yes", "TRUE", "t", "x", "0", "n", "No", "false", "F", None, "?"]
    frame = pl.DataFrame(
        {"id": [str(i) for i in range(len(words))], "ln": "L", "c": "C", "d": words}
    )

    flags = apply_layout(frame, layout, Path("c.csv"))["deceased"].to_list()

    assert flags == [True] * 6 + [False] * 5 + [None, None]


def test_missing_required_column_names_it_and_the_file() -> None:
    layout = next(lay for lay in all_layouts("casework") if lay.name == "civicrm")
    frame = pl.DataFrame({"case_id": ["1"], "last_name": ["L"]})

    with pytest.raises(LayoutError, match=r'export.csv.*category.*"case_type"'):
        apply_layout(frame, layout, Path("/somewhere/export.csv"))


def test_unknown_headers_are_not_recognised() -> None:
    layout, score = detect_layout(["foo", "bar", "baz"], "voter")

    assert layout is None
    assert score == 0.0


def test_custom_mapping_is_saved_and_recognised_next_time(casetui_home: Path) -> None:
    headers = ["Voter Number", "Given", "Surname", "Street Address", "Zip Code", "Age"]
    suggestion = mapping_from(headers, "voter")
    assert suggestion["last_name"] == "Surname"
    assert suggestion["street"] == "Street Address"
    assert suggestion["zip5"] == "Zip Code"
    assert suggestion["age"] == "Age"
    chosen = {k: v for k, v in suggestion.items() if v} | {
        "voter_id": "Voter Number",
        "first_name": "Given",
    }

    path = save_layout(layout_from_mapping("county-export", "voter", chosen))

    assert path.stat().st_mode & 0o777 == 0o600
    assert [lay.name for lay in saved_layouts()] == ["county-export"]
    layout, score = detect_layout(headers, "voter")
    assert layout is not None and layout.name == "county-export"
    assert score > 0.9
    frame = pl.DataFrame({h: ["x"] for h in headers} | {"Age": ["40"]})
    assert apply_layout(frame, layout, path)["birth_year"][0] is not None


def test_saving_over_a_builtin_is_refused() -> None:
    layout = layout_from_mapping("l2", "voter", {"voter_id": "a", "last_name": "b"})

    with pytest.raises(LayoutError, match="built-in"):
        save_layout(layout)


def test_broken_saved_layout_names_the_file(casetui_home: Path) -> None:
    folder = casetui_home / "config" / "layouts"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\nkind = "voter"\n[fields\n')

    with pytest.raises(LayoutError, match="mine.toml"):
        saved_layouts()


@pytest.mark.skipif(not (SAMPLES / "voters_l2.csv").exists(), reason="no samples")
@pytest.mark.parametrize(
    ("sample", "kind", "expected"),
    [("casework_civicrm.csv", "casework", "civicrm"), ("voters_l2.csv", "voter", "l2")],
)
def test_bundled_samples_are_recognised(sample: str, kind: str, expected: str) -> None:
    table = read_table(SAMPLES / sample, max_rows=50)

    layout, score = detect_layout(table.frame.columns, kind)

    assert layout is not None and layout.name == expected
    assert score > 0.9


def test_a_file_missing_a_required_column_is_told_which(tmp_path) -> None:
    from casetui.errors import InputError
    from casetui.pipeline.layouts import choose_layout

    sample = SAMPLES / "casework_civicrm.csv"
    headers = sample.read_text().splitlines()[0].split(",")
    headers.remove("last_name")
    with pytest.raises(InputError) as caught:
        choose_layout(headers, "casework", None, tmp_path / "cases.csv")
    assert "closest to civicrm" in caught.value.message
    assert "no column for last_name or full_name" in caught.value.message


def test_a_file_mapped_in_slices_reports_each_finding_once(monkeypatch, tmp_path):
    from casetui.pipeline import loading

    path = tmp_path / "voters.csv"
    rows = [f"V{i},Lee,{'2139' if i % 3 else '02139'},TX" for i in range(30)]
    header = "LALVOTERID,Voters_LastName,Residence_Addresses_Zip"
    header += ",Residence_Addresses_State"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    whole = loading.load_file(path, "voter", "l2")
    monkeypatch.setattr(loading, "MAP_SLICE", 7)

    sliced = loading.load_file(path, "voter", "l2")

    assert sliced.frame.equals(whole.frame)
    assert [f.line() for f in sliced.report.findings] == [
        f.line() for f in whole.report.findings
    ]
    assert sliced.report.flagged == 20
