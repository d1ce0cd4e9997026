"""Formula injection: what a spreadsheet would run is written as text in the
exports meant for spreadsheets, phone numbers and negative numbers are not, and
the manifest says what was done."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from casetui.pipeline.codebook import load_codebook
from casetui.pipeline.export import ExportRequest, write_exports
from casetui.pipeline.spreadsheet import neutralise, risky
from tests.conftest import REPO


def test_formulas_get_a_quote_and_numbers_do_not() -> None:
    frame = pl.DataFrame(
        {
            "value": ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|x",
                      "@SUM(A1)", "\t=1", "\r=1", "+1 (617) 555-0101", "-12.5",
                      "617-555-0101", "Ann", None, "a=b"],
            "count": list(range(12)),
        }
    )  # fmt: skip
    safe, changed = neutralise(frame)
    assert safe["value"].to_list() == [
        "'=HYPERLINK(\"http://x\")", "'+cmd|' /C calc'!A0", "'-2+3+cmd|x",
        "'@SUM(A1)", "'\t=1", "'\r=1", "+1 (617) 555-0101", "-12.5",
        "617-555-0101", "Ann", None, "a=b",
    ]  # fmt: skip
    assert changed == 6
    assert safe["count"].to_list() == list(range(12))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_the_frame_rule_and_the_value_rule_agree(text: str) -> None:
    safe, changed = neutralise(pl.DataFrame({"v": [text]}))
    assert changed == int(risky(text))
    assert safe["v"][0] == ("'" + text if risky(text) else text)


def test_exports_for_spreadsheets_are_neutralised_and_the_manifest_says_so(
    tmp_path: Path,
) -> None:
    hostile = '=HYPERLINK("http://evil.example","click")'
    voters = pl.DataFrame(
        {
            "voter_id": ["V1"], "first_name": [hostile], "last_name": ["N\x00ull"],
            "street": ["\x1b[31m1 Main St"], "city": ["Boston"], "state": ["MA"],
            "zip5": ["02108"], "phone": ["+1 617 555 0101"],
        }
    )  # fmt: skip
    request = ExportRequest(
        out_dir=tmp_path / "out",
        targets=["ecanvasser", "nationbuilder"],
        cases=pl.DataFrame({"case_id": ["c1"], "category": ["Pothole"]}),
        voters=voters,
        links=pl.DataFrame(
            {
                "case_id": ["c1"],
                "voter_id": ["V1"],
                "score": [0.9],
                "decided_by": ["auto"],
            }
        ),  # fmt: skip
        suppressed=set(),
        codebook=load_codebook(REPO / "codebooks" / "default.toml"),
    )
    out = {p.name: p for p in write_exports(request)}

    sheet = pl.read_csv(out["ecanvasser-contacts.csv"], infer_schema=False)
    assert sheet["First Name"][0] == "'" + hostile
    assert sheet["Phone"][0] == "+1 617 555 0101"
    assert sheet["Last Name"][0] == "N\x00ull"  # written unchanged
    assert sheet["Address"][0] == "\x1b[31m1 Main St"
    upload = pl.read_csv(out["nationbuilder-people.csv"], infer_schema=False)
    assert upload["first_name"][0] == hostile  # an upload, stored as text there

    manifest = json.loads(out["manifest.json"].read_text())
    assert manifest["exports"]["ecanvasser"]["formulas_neutralised"] == 1
    assert "formulas_neutralised" not in manifest["exports"]["nationbuilder"]
    assert "single quote" in manifest["spreadsheet_safety"]
