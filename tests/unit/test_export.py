"""Exports: the files a campaign imports, and what must never be in them."""

from __future__ import annotations

import csv
import hashlib
import json
import stat
from pathlib import Path

import polars as pl
import pytest

from casetui.errors import InputError
from casetui.pipeline.codebook import load_codebook
from casetui.pipeline.export import FILE_NAMES, TARGETS, ExportRequest, write_exports

CODEBOOK = Path(__file__).resolve().parents[2] / "codebooks" / "default.toml"

# c1, c2: one voter, two helped categories; c3 another voter. The rest must not
# appear anywhere: suppressed (c4), sensitive (c5), unknown (c6), no voter (c7).
CASES = pl.DataFrame(
    {
        "case_id": ["c1", "c2", "c3", "c4", "c5", "c6", "c7"],
        "first_name": ["Casework-First"] * 7,
        "last_name": ["Casework-Last"] * 7,
        "street": ["1 Casework St"] * 7,
        "email": ["c1@example.org", "c2@example.org", "c3@example.org", "c4@x.org",
                  "c5@x.org", "c6@x.org", "c7@x.org"],
        "email_opt_in": [True, False, False, True, True, True, True],
        "category": ["Pothole", "VA", "Housing", "Housing", "Domestic Violence",
                     "Mystery", "Housing"],
        "opened": ["2024-01-02", "2024-02-03", "3/4/2024", "2024-01-01",
                   "2024-01-01", "2024-01-01", "2024-01-01"],
        "closed": [None, "2024-02-20", None, None, None, None, None],
    }
)  # fmt: skip
VOTERS = pl.DataFrame(
    {
        "voter_id": ["V1", "V3", "V4", "V5", "V6"],
        "first_name": ["Ana", "Bo", "Cy", "Di", "Ed"],
        "last_name": ["Ruiz", "Lee", "Ng", "Oh", "Po"],
        "street": ["12 Elm St", "3 Oak Ave", "9 Pine", "8 Fir", "7 Ash"],
        "unit": ["Apt 2", None, None, None, None],
        "city": ["Boston"] * 5,
        "state": ["MA"] * 5,
        "zip5": ["02134", "02135", "02136", "02137", "02138"],
        "zip4": ["1234", None, None, None, None],
        "phone": ["6175550101", None, None, None, None],
    }
)
LINKS = pl.DataFrame(
    {
        "case_id": ["c1", "c2", "c3", "c4", "c5", "c6", "c7"],
        "voter_id": ["V1", "V1", "V3", "V4", "V5", "V6", None],
        "score": [0.99, 0.97, 0.8, 0.99, 0.99, 0.99, None],
        "decided_by": ["auto", "auto", "Dana", "auto", "auto", "auto", "Dana"],
    }
)
HELD_BACK_CASES = {"c4", "c5", "c6", "c7"}
HELD_BACK_VOTERS = {"V4", "V5", "V6"}


@pytest.fixture
def written(tmp_path: Path) -> dict[str, Path]:
    req = ExportRequest(
        out_dir=tmp_path / "out",
        targets=list(TARGETS),
        cases=CASES,
        voters=VOTERS,
        links=LINKS,
        suppressed={"c4"},
        codebook=load_codebook(CODEBOOK),
        manifest={"session": "s1", "operator": "Dana"},
    )
    paths = write_exports(req)
    return {p.name: p for p in paths}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_target_and_manifest_is_written_owner_only(written) -> None:
    assert set(written) == set(FILE_NAMES.values()) | {"manifest.json", "summary.md"}
    for path in written.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


@pytest.mark.parametrize("target", list(TARGETS))
def test_held_back_cases_never_appear(written, target: str) -> None:
    path = written[FILE_NAMES[target]]
    if path.suffix == ".parquet":
        text = pl.read_parquet(path).write_csv()
    else:
        text = path.read_text(encoding="utf-8")
    for voter in HELD_BACK_VOTERS:
        assert voter not in text
    for case in HELD_BACK_CASES:
        assert f"{case}," not in text and f"{case}@" not in text
    assert "Casework-" not in text  # names and addresses come from the voter file


def test_ngpvan_has_one_row_per_voter_and_code(written) -> None:
    rows = _rows(written["ngpvan-activist-codes.csv"])
    assert rows == [
        {"VANID": "V1", "ActivistCode": "Casework: Roads",
         "DateCanvassed": "01/02/2024"},
        {"VANID": "V1", "ActivistCode": "Casework: Veterans",
         "DateCanvassed": "02/20/2024"},
        {"VANID": "V3", "ActivistCode": "Casework: Housing",
         "DateCanvassed": "03/04/2024"},
    ]  # fmt: skip


def test_nationbuilder_people_with_tags_and_opted_in_email(written) -> None:
    rows = {r["external_id"]: r for r in _rows(written["nationbuilder-people.csv"])}
    assert set(rows) == {"V1", "V3"}
    ana = rows["V1"]
    assert ana["first_name"] == "Ana" and ana["address1"] == "12 Elm St"
    assert ana["address2"] == "Apt 2" and ana["zip"] == "02134-1234"
    assert ana["phone"] == "6175550101"
    assert ana["tag_list"] == "helped-roads,helped-veterans"
    assert ana["email"] == "c1@example.org"  # c1 opted in, c2 did not
    assert rows["V3"]["email"] == ""  # no opt-in, no email


def test_ecanvasser_sheet_columns(written) -> None:
    rows = _rows(written["ecanvasser-contacts.csv"])
    assert list(rows[0]) == ["First Name", "Last Name", "Address", "City", "State",
                             "Zip", "Phone", "Email", "Tags"]  # fmt: skip
    assert rows[0]["Address"] == "12 Elm St Apt 2"


def test_plain_csv_lists_linked_cases(written) -> None:
    rows = _rows(written["linked-cases.csv"])
    assert [r["case_id"] for r in rows] == ["c1", "c2", "c3"]
    assert rows[2]["decided_by"] == "Dana" and rows[2]["category"] == "Housing"


def test_manifest_records_each_file_and_no_personal_values(written) -> None:
    manifest = json.loads(written["manifest.json"].read_text())
    assert manifest["session"] == "s1"
    entry = manifest["exports"]["nationbuilder"]
    assert entry["rows"] == 2
    data = written["nationbuilder-people.csv"].read_bytes()
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["held_back"] == {
        "no_voter": 1, "suppressed": 1, "category_not_exportable": 2
    }  # fmt: skip
    text = written["manifest.json"].read_text()
    assert "Ruiz" not in text and "example.org" not in text


def test_unknown_target_is_refused(tmp_path: Path) -> None:
    req = ExportRequest(tmp_path, ["vanx"], CASES, VOTERS, LINKS, set(),
                        load_codebook(CODEBOOK))  # fmt: skip
    with pytest.raises(InputError, match="choose from"):
        write_exports(req)
