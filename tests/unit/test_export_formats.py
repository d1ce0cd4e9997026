"""Each export format against docs/exports.md, UTF-8 round trips, NationBuilder
parts, the NGP VAN column choice, the report card and the summary."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from casetui.errors import InputError
from casetui.pipeline.export import ExportOptions, ExportRequest, write_exports
from casetui.pipeline.targets import FILE_NAMES, NGPVAN_COLUMNS, TARGETS
from tests.unit.test_export import CASES, CODEBOOK, LINKS, VOTERS, load_codebook

DOCS = Path(__file__).resolve().parents[2] / "docs" / "exports.md"
NAMES = ["Nguyễn Thị", "Zoë Brontë", "Ana", "Bo", "Cy"]


def documented_columns() -> dict[str, list[str]]:
    """target -> the columns its section of docs/exports.md lists."""
    text = DOCS.read_text(encoding="utf-8")
    found = {}
    for match in re.finditer(r"### `(\w+)`.*?\n\nColumns: (.*?)\n\n", text, re.S):
        found[match[1]] = re.findall(r"`([^`]+)`", match[2])
    return found


def request(tmp_path: Path, **options) -> ExportRequest:
    voters = VOTERS.with_columns(pl.Series("first_name", NAMES))
    return ExportRequest(
        out_dir=tmp_path / "out",
        targets=list(TARGETS),
        cases=CASES,
        voters=voters,
        links=LINKS,
        suppressed={"c4"},
        codebook=load_codebook(CODEBOOK),
        manifest={"session": "s1", "operator": "Dana"},
        options=ExportOptions(ngpvan_columns=NGPVAN_COLUMNS, **options),
    )


def read(path: Path) -> pl.DataFrame:
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    return pl.read_csv(path, infer_schema=False, encoding="utf8")


def test_docs_list_every_target() -> None:
    assert set(documented_columns()) == set(TARGETS)


@pytest.mark.parametrize("target", list(TARGETS))
def test_each_file_has_its_documented_columns(tmp_path: Path, target: str) -> None:
    write_exports(request(tmp_path))
    frame = read(tmp_path / "out" / FILE_NAMES[target])
    assert frame.columns == documented_columns()[target]
    assert frame.height > 0


def test_names_round_trip_as_utf8(tmp_path: Path) -> None:
    write_exports(request(tmp_path))
    people = read(tmp_path / "out" / "nationbuilder-people.csv")
    assert people["first_name"].to_list() == ["Nguyễn Thị", "Zoë Brontë"]
    raw = (tmp_path / "out" / "report-card.csv").read_bytes()
    assert "Nguyễn Thị".encode() in raw and "Zoë Brontë".encode() in raw


def test_files_are_utf8_under_a_c_locale(tmp_path: Path) -> None:
    """A locale that cannot spell the names changes nothing in the files."""
    script = (
        "import sys; from pathlib import Path; "
        "from tests.unit.test_export_formats import request; "
        "from casetui.pipeline.export import write_exports; "
        "write_exports(request(Path(sys.argv[1])))"
    )
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
           "PYTHONIOENCODING": "ascii"}  # fmt: skip
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], env=env, cwd=root, check=True
    )
    for name in ("ecanvasser-contacts.csv", "summary.md", "manifest.json"):
        (tmp_path / "out" / name).read_bytes().decode("utf-8")
    sheet = read(tmp_path / "out" / "ecanvasser-contacts.csv")
    assert sheet["First Name"].to_list() == ["Nguyễn Thị", "Zoë Brontë"]


def test_tag_list_is_one_quoted_cell_and_email_needs_an_opt_in(tmp_path) -> None:
    write_exports(request(tmp_path))
    path = tmp_path / "out" / "nationbuilder-people.csv"
    assert '"helped-roads,helped-veterans"' in path.read_text(encoding="utf-8")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = {r["external_id"]: r for r in csv.DictReader(fh)}
    assert rows["V1"]["tag_list"] == "helped-roads,helped-veterans"
    assert (rows["V1"]["email"], rows["V1"]["email_opt_in"]) == (
        "c1@example.org", "true"
    )  # fmt: skip
    assert (rows["V3"]["email"], rows["V3"]["email_opt_in"]) == ("", "")


def test_ngpvan_writes_only_the_chosen_columns_vanid_first(tmp_path: Path) -> None:
    req = request(tmp_path)
    req.options = replace(req.options, ngpvan_columns=("ActivistCode", "VANID"))
    write_exports(req)
    van = read(tmp_path / "out" / "ngpvan-activist-codes.csv")
    assert van.columns == ["VANID", "ActivistCode"]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["ngpvan_columns"] == ["VANID", "ActivistCode"]


@pytest.mark.parametrize("columns", [("ActivistCode",), ("VANID",), ("VANID", "Phone")])
def test_ngpvan_column_choices_that_cannot_load_are_refused(tmp_path, columns):
    req = request(tmp_path)
    req.options = replace(req.options, ngpvan_columns=columns)
    with pytest.raises(InputError):
        write_exports(req)


def test_a_big_nationbuilder_file_is_split_into_parts(tmp_path: Path) -> None:
    n = 300
    voters = pl.DataFrame(
        {"voter_id": [f"V{i:04}" for i in range(n)], "first_name": ["Zoë"] * n,
         "last_name": ["Brontë"] * n, "street": [f"{i} Elm St" for i in range(n)]}
    )  # fmt: skip
    cases = pl.DataFrame(
        {"case_id": [f"c{i}" for i in range(n)], "category": ["Pothole"] * n}
    )
    links = pl.DataFrame(
        {"case_id": cases["case_id"], "voter_id": voters["voter_id"],
         "score": [0.99] * n, "decided_by": ["auto"] * n}
    )  # fmt: skip
    req = ExportRequest(
        tmp_path / "out", ["nationbuilder"], cases, voters, links, set(),
        load_codebook(CODEBOOK), options=ExportOptions(part_limit=4000),
    )  # fmt: skip
    write_exports(req)
    parts = sorted((tmp_path / "out").glob("nationbuilder-people-part*.csv"))
    assert len(parts) > 2
    assert not (tmp_path / "out" / "nationbuilder-people.csv").exists()
    ids = []
    for part in parts:
        assert part.stat().st_size <= 4000
        ids += read(part)["external_id"].to_list()
    assert ids == voters["voter_id"].to_list()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    entry = manifest["exports"]["nationbuilder"]
    assert [p["file"] for p in entry["parts"]] == [p.name for p in parts]
    assert entry["rows"] == n

    write_exports(replace(req, links=links.head(3)))  # smaller: one file again
    names = sorted(p.name for p in (tmp_path / "out").glob("nationbuilder*"))
    assert names == ["nationbuilder-people.csv"]


def test_report_card_groups_people_by_what_was_delivered(tmp_path: Path) -> None:
    write_exports(request(tmp_path, today=date(2024, 6, 1), stale_days=110))
    card = read(tmp_path / "out" / "report-card.csv")
    assert card.select("delivered", "voter_id").rows() == [
        ("Housing", "V3"),
        ("Roads and potholes", "V1"),
        ("Veterans' benefits", "V1"),
    ]
    # c1 (roads) was last touched before the cut-off of 2024-02-12; c2 and c3 after
    assert card["stale_address"].to_list() == ["false", "true", "false"]
    linked = read(tmp_path / "out" / "linked-cases.csv")
    assert linked["stale_address"].to_list() == ["true", "false", "false"]


def test_parquet_keeps_types_and_strings(tmp_path: Path) -> None:
    write_exports(request(tmp_path))
    frame = pl.read_parquet(tmp_path / "out" / "linked-cases.parquet")
    assert frame.schema["score"] == pl.Float64
    assert frame.schema["stale_address"] == pl.Boolean
    assert frame["case_id"].to_list() == ["c1", "c2", "c3"]


def test_links_exported_before_are_left_out(tmp_path: Path) -> None:
    before = pl.DataFrame(
        {"case_id": ["c1", "c3"], "voter_id": ["V1", "V3"],
         "category": ["Pothole / Road Repair", "Roads"]}
    )  # fmt: skip
    write_exports(request(tmp_path, exported_before=before))
    linked = read(tmp_path / "out" / "linked-cases.csv")
    assert linked["case_id"].to_list() == ["c2", "c3"]  # c3's category changed
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["held_back"]["exported_before"] == 1


def test_summary_lists_inputs_counts_and_outputs_with_hashes(tmp_path: Path) -> None:
    req = request(tmp_path)
    req.manifest = {
        **req.manifest,
        "inputs": {"voter": {"file": "v.csv", "rows": 5, "layout": "l2",
                             "sha256": "ab" * 32}},
        "counts": {"cases": 7, "suppressed": 1},
        "suppression": {"deceased": {"hits": 2, "overridden": 1}},
        "overrides": [{"case_id": "c9", "rule": "deceased", "by": "Dana",
                       "at": "2026-01-01"}],
        "audit_head": {"seq": 12, "hash": "cd" * 32},
    }  # fmt: skip
    write_exports(req)
    summary = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert "ab" * 32 in summary and "cd" * 32 in summary
    assert "| Cases suppressed | 1 |" in summary
    assert "| deceased | 2 | 1 |" in summary and "| c9 | deceased |" in summary
    for entry in manifest["exports"].values():
        assert entry["sha256"] in summary
