"""The compliance commands a user runs: codebook check, audit verify (on a
session edited behind casetui's back), export refused after a withdrawal, a sync
run, and an audit log free of every sample person's details."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from casetui.cli import app
from casetui.session.store import Session
from casetui.workflow import Conversion
from tests.conftest import REPO, SAMPLES
from tests.unit.test_cli import run_samples

runner = CliRunner()
CODEBOOK = REPO / "codebooks" / "default.toml"


@pytest.fixture
def sample_run(tmp_path: Path, attestations_file: Path) -> Path:
    result = run_samples(tmp_path, attestations_file)
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


def db_of(name: str) -> Path:
    return Session.locate(name) / "session.sqlite"


def test_codebook_check_passes_the_shipped_codebook() -> None:
    result = runner.invoke(app, ["codebook", "check", str(CODEBOOK)])
    assert result.exit_code == 0, result.output
    assert "version 2026.2" in result.output and "valid" in result.output


def test_codebook_check_lists_uncovered_case_types(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    rows = (SAMPLES / "casework_civicrm.csv").read_text("utf-8").splitlines()
    rows[1] = rows[1].replace("RMV / Driver's License", "Parking Tickets")
    cases.write_text("\n".join(rows) + "\n", "utf-8")
    result = runner.invoke(
        app, ["codebook", "check", str(CODEBOOK), "--casework", str(cases)]
    )
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "1 case type in cases.csv (1 case) is not covered: its case gets" in text
    assert "case types" not in text
    assert re.search(r"1\s+Parking Tickets", result.output)


def test_codebook_check_refuses_a_tag_with_a_comma(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = CODEBOOK.read_text("utf-8")
    bad.write_text(text.replace('"helped-roads"', '"helped,roads"'), "utf-8")
    result = runner.invoke(app, ["codebook", "check", str(bad)])
    assert result.exit_code == 2
    assert "comma" in result.output and "Traceback" not in result.output


def test_audit_verify_passes_then_catches_an_edit(sample_run: Path) -> None:
    result = runner.invoke(
        app,
        [
            "audit",
            "verify",
            "headless",
            "--manifest",
            str(sample_run / "manifest.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "is whole" in result.output

    with sqlite3.connect(db_of("headless")) as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute('UPDATE audit SET details = \'{"step":"files"}\' WHERE seq = 5')
    result = runner.invoke(app, ["audit", "verify", "headless"])
    assert result.exit_code == 1
    assert "broken at entry 5" in result.output


def test_audit_verify_with_the_manifest_catches_a_cut_off_end(sample_run) -> None:
    manifest = sample_run / "manifest.json"
    head = json.loads(manifest.read_text())["audit_head"]["seq"]
    with sqlite3.connect(db_of("headless")) as conn:
        conn.execute("DROP TRIGGER audit_no_delete")
        conn.execute("DELETE FROM audit WHERE seq >= ?", (head,))
    assert runner.invoke(app, ["audit", "verify", "headless"]).exit_code == 0
    result = runner.invoke(
        app, ["audit", "verify", "headless", "--manifest", str(manifest)]
    )
    assert result.exit_code == 1
    assert "cut off the end" in " ".join(result.output.split())


def test_export_is_refused_once_an_attestation_is_withdrawn(
    sample_run: Path, tmp_path: Path
) -> None:
    with Session.open("headless") as session:
        Conversion(session).withdraw("opt_in_plan")
        assert session.step == "checklist"  # the later steps are locked again
    result = runner.invoke(
        app, ["export", "headless", "--out", str(tmp_path / "again")]
    )
    assert result.exit_code == 2
    assert "Export refused" in result.output and "opt_in_plan" in result.output
    assert not (tmp_path / "again").exists()


def test_a_sync_run_exports_only_new_and_changed_cases(
    sample_run: Path, tmp_path: Path, attestations_file: Path
) -> None:
    first = pl.read_csv(sample_run / "linked-cases.csv", infer_schema=False)
    changed_id = first["case_id"][0]
    cases = pl.read_csv(SAMPLES / "casework_civicrm.csv", infer_schema=False)
    cases = cases.with_columns(
        pl.when(pl.col("case_id") == changed_id)
        .then(pl.lit("VA Claim"))
        .otherwise(pl.col("case_type"))
        .alias("case_type")
    )
    copy = cases.filter(pl.col("case_id") == first["case_id"][1])
    copy = copy.with_columns(pl.lit("20001").alias("case_id"))
    path = tmp_path / "cases-v2.csv"
    pl.concat([cases, copy]).write_csv(path)

    out = tmp_path / "sync"
    result = runner.invoke(app, [
        "run", "--casework", str(path), "--voters", str(SAMPLES / "voters_l2.csv"),
        "--attestations", str(attestations_file), "--out", str(out),
        "--since", "headless", "--session", "sync",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "casework: 2 rows" in result.output
    linked = pl.read_csv(out / "linked-cases.csv", infer_schema=False)
    assert sorted(linked["case_id"]) == sorted([changed_id, "20001"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["since"]["session"] == Session.locate("headless").name
    assert manifest["counts"]["cases_in_file"] == 501


def test_the_audit_log_holds_no_sample_person_s_details(sample_run: Path) -> None:
    with Session.open("headless") as session:
        text = json.dumps(session.audit_entries(), ensure_ascii=False)
    with (SAMPLES / "casework_civicrm.csv").open(encoding="utf-8") as fh:
        people = list(csv.DictReader(fh))
    assert len(people) == 500
    for person in people:
        for column in ("first_name", "last_name"):
            name = person[column]
            assert not re.search(rf"\b{re.escape(name)}\b", text), column
        for column in ("street_address", "email", "phone"):
            value = person[column].strip()
            if value:
                assert value not in text, column
        digits = re.sub(r"\D", "", person["phone"])[-10:]
        if digits:
            assert digits not in text, "phone"


def test_audit_verify_says_the_manifest_s_head_was_checked(sample_run: Path) -> None:
    manifest = sample_run / "manifest.json"
    head = json.loads(manifest.read_text())["audit_head"]

    result = runner.invoke(
        app, ["audit", "verify", "headless", "--manifest", str(manifest)]
    )

    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "It matches manifest.json: the audit head that export recorded" in text
    assert f"entry {head['seq']} with hash {head['hash'][:16]}" in text


def test_audit_verify_names_a_manifest_that_is_not_there(
    sample_run: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nonexist.json"

    result = runner.invoke(
        app, ["audit", "verify", "headless", "--manifest", str(missing)]
    )

    assert result.exit_code == 2
    assert "nonexist.json does not exist" in " ".join(result.output.split())
    assert "audit_head" not in result.output
