"""A casetui killed at random moments (SIGKILL, or SIGHUP as when an SSH
connection drops) while loading, matching, reviewing and exporting: each time, the
session opens again, holds every decision that had been shown as made, its audit
chain verifies, and no export file is half-written."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from casetui.checklist import read_attestations_file
from casetui.pipeline.export import FILE_NAMES, MANIFEST, SUMMARY
from casetui.session.store import Session
from casetui.workflow import Conversion
from tests.conftest import REPO
from tests.faults.driver import catch_up

PHASES = ("load", "match", "review", "export")
HEADERS = {
    "ngpvan-activist-codes.csv": "VANID,ActivistCode,DateCanvassed",
    "linked-cases.csv": "case_id,voter_id,category,tag,activist_code,score",
}


def attested_session(attestations: Path) -> str:
    conv = Conversion(Session.create("killed"))
    operator, items = read_attestations_file(attestations)
    conv.session.set_operator(operator)
    for key, details in items.items():
        conv.attest(key, details)
    conv.complete_checklist()
    conv.session.close()
    return conv.session.id


def run_and_kill(
    phase: str, session_id: str, out: Path, rng: random.Random, sig: int
) -> list[str]:
    """Start the driver, let it work for a random moment, kill it; return what it
    said it had done."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.driver", phase, session_id, str(out)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    if first.strip() != "ready":
        child.kill()
        raise AssertionError(f"driver did not start: {first}{child.stderr.read()}")
    time.sleep(rng.uniform(0.0, 0.6))
    child.send_signal(sig)
    rest, errors = child.communicate(timeout=60)
    assert child.returncode == -sig, errors
    return rest.splitlines()


def check(session_id: str, said: list[str], out: Path) -> None:
    """What an operator would find on starting casetui again."""
    with Session.open(session_id) as session:
        session.hold()  # the killed process's lock is stale, not in the way
        assert session.verify_audit() is None
        db = sqlite3.connect(session.path / "session.sqlite")
        rows = {
            seq: (case_id, decision, undone)
            for seq, case_id, decision, undone in db.execute(
                "SELECT seq, case_id, decision, undone FROM decisions"
            )
        }
        db.close()
    for line in said:
        word, *rest = line.split()
        if word == "decided":
            seq, case_id, decision = rest
            assert rows[int(seq)][:2] == (case_id, decision), line
        elif word == "undone":
            assert rows[int(rest[0])][2] != 0, line

    for path in out.glob("*") if out.exists() else []:
        if path.name.startswith("."):
            continue  # a temporary file being written when killed: never an export
        assert path.name in {*FILE_NAMES.values(), MANIFEST, SUMMARY}, path.name
        if path.suffix == ".parquet":
            pl.read_parquet(path)  # a cut-short file fails to read
            continue
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n"), f"{path.name} is cut short"
        if path.name == SUMMARY:
            assert text.startswith("#"), f"{path.name} is not a summary"
        elif path.name == MANIFEST:
            assert json.loads(text)["exports"]
        else:
            frame = pl.read_csv(path, infer_schema=False)
            assert ",".join(frame.columns).startswith(HEADERS.get(path.name, ""))


def kill_loop(attestations: Path, tmp_path: Path, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    session_id = attested_session(attestations)
    out = tmp_path / "exports"
    for turn in range(rounds):
        phase = PHASES[turn % len(PHASES)]
        sig = signal.SIGHUP if turn % 5 == 4 else signal.SIGKILL
        said = run_and_kill(phase, session_id, out, rng, sig)
        check(session_id, said, out)

    # And the session still carries on to a complete export.
    with Session.open(session_id) as session:
        conv = Conversion(session.hold())
        if "match" not in session.completed_steps():
            catch_up(conv, "export")
            conv.complete_match()
        written = conv.export(out, ["csv"])
    assert [path.name for path in written[-2:]] == [MANIFEST, SUMMARY]


def test_killed_in_every_phase_loses_nothing_shown_as_done(
    attestations_file: Path, tmp_path: Path
) -> None:
    kill_loop(attestations_file, tmp_path, rounds=5, seed=7)


@pytest.mark.slow
def test_killed_fifty_times_at_random_moments(
    attestations_file: Path, tmp_path: Path
) -> None:
    kill_loop(attestations_file, tmp_path, rounds=50, seed=int(time.time()))
