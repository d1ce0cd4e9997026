"""The headless face: `casetui run` end to end on the bundled samples."""

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casetui import __version__
from casetui.cli import app
from tests.conftest import SAMPLES

runner = CliRunner()


def run_samples(tmp_path: Path, attestations: Path, *extra: str):
    return runner.invoke(
        app,
        [
            "run",
            "--casework",
            str(SAMPLES / "casework_civicrm.csv"),
            "--voters",
            str(SAMPLES / "voters_l2.csv"),
            "--attestations",
            str(attestations),
            "--out",
            str(tmp_path / "out"),
            "--session",
            "headless",
            *extra,
        ],
    )


def test_version_and_help_list_the_commands() -> None:
    assert __version__ in runner.invoke(app, ["--version"]).output
    help_text = runner.invoke(app, ["--help"]).output
    for command in ("demo", "tui", "run", "sessions", "purge", "layouts"):
        assert command in help_text


def test_incomplete_attestations_refuse_with_exit_2(
    tmp_path: Path, attestations_file: Path
) -> None:
    text = attestations_file.read_text().replace(
        "[campaign_resources]\nattested = true",
        "[campaign_resources]\nattested = false",
    )
    attestations_file.write_text(text)
    result = run_samples(tmp_path, attestations_file)
    assert result.exit_code == 2
    assert "campaign_resources" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_missing_casework_file_is_a_plain_message(
    tmp_path: Path, attestations_file: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "run",
            "--casework",
            str(tmp_path / "nope.csv"),
            "--voters",
            str(SAMPLES / "voters_l2.csv"),
            "--attestations",
            str(attestations_file),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2
    assert "nope.csv" in result.output
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def headless_run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("run")
    mp = pytest.MonkeyPatch()
    mp.setenv("CASETUI_HOME", str(tmp / "home"))
    text = (SAMPLES / "attestations.example.toml").read_text()
    repo = SAMPLES.parent.parent
    attest = tmp / "attest.toml"
    attest.write_text(
        text.replace(
            'path = "codebooks/default.toml"',
            f'path = "{repo / "codebooks" / "default.toml"}"',
        )
    )
    result = run_samples(tmp, attest)
    yield tmp, result
    mp.undo()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_headless_run_writes_every_target_and_a_manifest(headless_run) -> None:
    tmp, result = headless_run
    assert result.exit_code == 0, result.output
    files = {p.name for p in (tmp / "out").iterdir()}
    assert "manifest.json" in files
    assert len(files) >= 5
    manifest = json.loads((tmp / "out" / "manifest.json").read_text())
    assert manifest["counts"]["cases"] == 500
    assert manifest["attestations"]["counsel_review"]["counsel_name"]
    assert "pending" in result.output or manifest["counts"]["pending_review"] == 0
    voter_report = manifest["inputs"]["voter"]["load_report"]
    assert voter_report["rows_read"] == 20_000
    assert (voter_report["encoding"], voter_report["delimiter"]) == ("utf-8", ",")
    casework_report = manifest["inputs"]["casework"]["load_report"]
    assert casework_report["values_repaired"] > 0  # ZIPs missing their zero
    assert "values repaired" in result.output


def test_headless_exports_hold_no_suppressed_or_unmatched_case(headless_run) -> None:
    tmp, _ = headless_run
    plain = next((tmp / "out").glob("*plain*.csv"), None) or next(
        p for p in (tmp / "out").glob("*.csv") if "case_id" in p.read_text()[:200]
    )
    exported = {row["case_id"] for row in read_csv(plain)}
    cases = {row["case_id"]: row for row in read_csv(SAMPLES / "casework_civicrm.csv")}
    assert exported
    for case_id in exported:
        row = cases[case_id]
        assert row["is_deceased"] != "1"
        assert row["case_outcome"] not in ("Denied", "Hostile", "Unresolved")
    assert all(row["voter_id"] for row in read_csv(plain))


def test_sessions_shows_each_id_whole_on_a_narrow_terminal() -> None:
    from casetui.session.store import Session

    made = Session.create("a-rather-long-session-name-for-a-narrow-screen")
    made.close()
    result = CliRunner().invoke(app, ["sessions"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert made.id in result.output


def test_match_writes_scored_pairs_with_one_assignment_per_case(
    tmp_path: Path,
) -> None:
    out = tmp_path / "pairs.csv"
    result = runner.invoke(
        app,
        [
            "match",
            str(SAMPLES / "casework_civicrm.csv"),
            str(SAMPLES / "voters_l2.csv"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "case_id", "voter_id", "score", "rank", "band", "assigned", "reasons",
    ]  # fmt: skip
    assigned = [r["case_id"] for r in rows if r["assigned"] == "true"]
    assert len(assigned) == len(set(assigned)) > 250
    truth = dict(csv.reader((SAMPLES / "truth.csv").open()))
    accepted = [r for r in rows if r["assigned"] == "true" and r["band"] == "accept"]
    right = sum(truth[r["case_id"]] == r["voter_id"] for r in accepted)
    assert right / len(accepted) >= 0.995
    # ids and scores only: no name from the casework reaches the file
    text = out.read_text()
    assert "Schultz" not in text and "Windsor" not in text
    assert out.stat().st_mode & 0o077 == 0


def test_match_with_an_unknown_layout_names_the_known_ones(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "match",
            str(SAMPLES / "casework_civicrm.csv"),
            str(SAMPLES / "voters_l2.csv"),
            "--out",
            str(tmp_path / "pairs.csv"),
            "--voter-layout",
            "texas",
        ],
    )
    assert result.exit_code == 2
    assert "No voter layout is named 'texas'" in result.output
    assert "l2" in result.output and "Traceback" not in result.output


def test_purge_removes_a_damaged_session_and_says_what_it_removed() -> None:
    from casetui.session.store import Session

    made = Session.create("damaged")
    made.close()
    (made.path / "session.sqlite").write_bytes(b"not a database at all" * 100)
    result = runner.invoke(app, ["purge", made.id, "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Removed session {made.id}" in result.output
    assert not made.path.exists()


def test_declining_purge_keeps_the_session() -> None:
    from casetui.session.store import Session

    made = Session.create("kept")
    made.close()
    result = runner.invoke(app, ["purge", made.id], input="n\n")
    assert result.exit_code == 0
    assert "Nothing removed" in result.output
    assert made.path.exists()


def test_the_example_attestations_work_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_samples(tmp_path, SAMPLES / "attestations.example.toml")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "manifest.json").exists()


def test_a_run_refused_for_a_bad_file_leaves_no_session(
    tmp_path: Path, attestations_file: Path
) -> None:
    from casetui.session.store import Session

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = runner.invoke(
        app,
        [
            "run", "--casework", str(empty), "--voters", str(SAMPLES / "voters_l2.csv"),
            "--attestations", str(attestations_file), "--out", str(tmp_path / "out"),
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "empty.csv" in result.output
    assert Session.list_all() == []


def test_a_header_without_rows_is_refused(tmp_path: Path, attestations_file: Path):
    header_only = tmp_path / "cases.csv"
    header_only.write_text(
        (SAMPLES / "casework_civicrm.csv").read_text().splitlines()[0] + "\n"
    )
    result = runner.invoke(
        app,
        [
            "run", "--casework", str(header_only),
            "--voters", str(SAMPLES / "voters_l2.csv"),
            "--attestations", str(attestations_file), "--out", str(tmp_path / "out"),
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "cases.csv has a header but no rows" in result.output


def test_people_on_the_attested_opt_out_list_are_suppressed(
    tmp_path: Path, attestations_file: Path
) -> None:
    # Case 10004 (Heather Bush) is linked and exported without the list.
    (tmp_path / "optout.csv").write_text(
        "First Name,Last Name,Zip,Phone\nHEATHER,Bush,02143,\n"
    )
    text = attestations_file.read_text().replace(
        'source = "none"', 'source = "optout.csv"'
    )
    attestations_file.write_text(text)
    result = run_samples(tmp_path, attestations_file)
    assert result.exit_code == 0, result.output
    assert "suppressed by opt_out_list: 1" in result.output
    assert "Bush," not in (tmp_path / "out" / "nationbuilder-people.csv").read_text()
    assert "10004," not in (tmp_path / "out" / "linked-cases.csv").read_text()


def test_an_opt_out_list_that_is_not_there_is_refused(
    tmp_path: Path, attestations_file: Path
) -> None:
    text = attestations_file.read_text().replace(
        'source = "none"', 'source = "missing-optout.csv"'
    )
    attestations_file.write_text(text)
    result = run_samples(tmp_path, attestations_file)
    assert result.exit_code == 2
    assert "missing-optout.csv" in result.output
    assert not (tmp_path / "out").exists()


def test_resuming_an_id_that_does_not_exist_starts_nothing() -> None:
    from casetui.session.store import Session

    result = runner.invoke(app, ["tui", "--session", "20261204-055244-b9e8c1"])
    assert result.exit_code == 2
    assert 'No session has the id "20261204-055244-b9e8c1"' in result.output
    assert Session.list_all() == []
