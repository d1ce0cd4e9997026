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
