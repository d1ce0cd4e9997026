"""What a full headless run leaves on disk, looked at as a careful auditor would:
owner-only modes under a umask of 022, no personal value in the log or the audit
log, no SSN or date of birth in any file casetui wrote, and a purge that removes
the session and says what it removed."""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import sqlite3
import stat
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import casetui.log
from casetui.cli import app
from casetui.session.store import Session
from tests.conftest import SAMPLES

runner = CliRunner()
SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")


@pytest.fixture
def full_run(
    casetui_home: Path, attestations_file: Path, tmp_path: Path
) -> tuple[Path, Path]:
    """`casetui run` on the samples under umask 022; returns (home, exports)."""
    out = tmp_path / "deliver" / "spring"
    logger = logging.getLogger("casetui")
    for handler in list(logger.handlers):  # a log of this run, in this home
        logger.removeHandler(handler)
        handler.close()
    casetui.log._configured = False
    old = os.umask(0o022)
    try:
        result = runner.invoke(
            app,
            ["run", "--casework", str(SAMPLES / "casework_civicrm.csv"),
             "--voters", str(SAMPLES / "voters_l2.csv"),
             "--attestations", str(attestations_file), "--out", str(out),
             "--session", "protected"],
        )  # fmt: skip
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    return casetui_home, out


def sample_values() -> set[str]:
    """Every name, address, phone and email in the sample casework and voters."""
    wanted = re.compile(r"name|street|address|phone|email|telephone", re.I)
    # A ZIP+4 alone is four digits, which a count in the log can equal.
    skip = re.compile(r"suffix|middle|extra|supplemental|zip", re.I)
    values: set[str] = set()
    for name in ("casework_civicrm.csv", "voters_l2.csv"):
        with open(SAMPLES / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    if wanted.search(column) and not skip.search(column):
                        if len(value.strip()) >= 4:
                            values.add(value.strip())
    return values


def written_text(home: Path, out: Path) -> dict[Path, str]:
    """Every file casetui wrote, as text: Parquet and SQLite read cell by cell."""
    texts = {}
    for path in [*home.rglob("*"), *out.rglob("*")]:
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            texts[path] = frame.cast(pl.Utf8, strict=False).write_csv()
        elif path.suffix == ".sqlite":
            db = sqlite3.connect(path)
            texts[path] = "\n".join(db.iterdump())
            db.close()
        else:
            texts[path] = path.read_bytes().decode("utf-8", "replace")
    return texts


def test_everything_written_is_owner_only_under_umask_022(
    full_run: tuple[Path, Path],
) -> None:
    home, out = full_run
    deliver = out.parent
    for path in [*home.rglob("*"), deliver, *deliver.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        assert mode == want, f"{path.relative_to(path.anchor)} is {mode:o}"


def test_the_log_and_the_audit_hold_no_personal_value(
    full_run: tuple[Path, Path],
) -> None:
    home, _out = full_run
    logs = "\n".join(p.read_text("utf-8") for p in (home / "log").glob("casetui.log*"))
    with Session.open("protected") as session:
        audit = json.dumps(session.audit_entries(), ensure_ascii=False)
        assert session.verify_audit() is None
    assert "loaded casework" in logs  # the log was written, with counts
    values = sample_values()
    assert len(values) > 1000
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    personal = re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")
    found_in_log = personal.findall(logs)
    found_in_audit = personal.findall(audit)
    assert not found_in_log, f"the log holds {len(found_in_log)} sample values"
    assert not found_in_audit, f"the audit holds {len(found_in_audit)} sample values"


def test_no_ssn_or_date_of_birth_in_any_file_written(
    full_run: tuple[Path, Path],
) -> None:
    home, out = full_run
    cases = pl.read_csv(SAMPLES / "casework_civicrm.csv", infer_schema=False)
    ssns = {m for text in cases["case_details"].drop_nulls() for m in SSN.findall(text)}
    births = set(cases["birth_date"].drop_nulls())
    assert ssns and births
    us_dates = {f"{d[5:7]}/{d[8:10]}/{d[:4]}" for d in births}
    for path, text in written_text(home, out).items():
        for secret in (*ssns, *births, *us_dates):
            assert secret not in text, f"{path.name} holds an SSN or a birth date"
    kept = pl.read_parquet(next((home / "data").rglob("cases.parquet")))
    assert "birth_year" in kept.columns and "dob" not in kept.columns


def test_purge_removes_the_session_and_says_what(
    full_run: tuple[Path, Path],
) -> None:
    home, out = full_run
    with Session.open("protected") as session:
        folder = session.path
    result = runner.invoke(app, ["purge", "protected", "--yes"])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    assert "Removed session protected" in said
    assert "the database and its audit log" in said and "derived tables" in said
    assert f"Not removed: the exports in {out}" in said
    assert not folder.exists()
    assert (out / "manifest.json").exists()
