"""The session store: what an operator relies on when they come back to a session."""

from __future__ import annotations

import multiprocessing
import os
import stat
import time
from pathlib import Path

import polars as pl
import pytest

from casetui.errors import GateError, SessionError
from casetui.session.store import DONE, STEPS, FileRecord, Session


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASETUI_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def session() -> Session:
    s = Session.create("Spring cleanup")
    s.set_operator("Dana")
    yield s
    s.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_decision_survives_close_and_reopen(session: Session) -> None:
    session.decide("C1", "V9", "accepted")
    session.decide("C2", None, "rejected")
    session.set_cursor("C2")
    session.close()

    again = Session.open(session.id)
    assert {c: d.decision for c, d in again.decisions().items()} == {
        "C1": "accepted",
        "C2": "rejected",
    }
    assert again.decisions()["C1"].voter_id == "V9"
    assert again.decisions()["C1"].by == "Dana"
    assert again.cursor() == "C2"
    again.close()


def test_open_by_name_and_by_id_prefix(session: Session) -> None:
    session.close()
    assert Session.open("Spring cleanup").id == session.id
    assert Session.open(session.id[:17]).id == session.id


def test_open_unknown_session_says_how_to_list(session: Session) -> None:
    with pytest.raises(SessionError, match="casetui sessions"):
        Session.open("no-such-session")


def test_undo_redo_walk_operator_decisions_in_order(session: Session) -> None:
    session.decide_many([("A1", "V1", "accepted")], by="auto")
    session.decide("C1", "V1", "accepted")
    session.decide("C2", "V2", "accepted")
    session.decide("C1", None, "rejected")  # the operator changes their mind

    assert session.decisions()["C1"].decision == "rejected"
    assert session.undo().case_id == "C1"
    assert session.decisions()["C1"].decision == "accepted"
    assert session.undo().case_id == "C2"
    assert "C2" not in session.decisions()
    assert session.undo().case_id == "C1"
    assert "C1" not in session.decisions()
    assert session.undo() is None  # the automatic decision is not undone
    assert "A1" in session.decisions()

    assert session.redo().case_id == "C1"
    assert session.redo().case_id == "C2"
    assert session.decisions()["C1"].decision == "accepted"
    assert session.redo().decision == "rejected"
    assert session.redo() is None


def test_new_decision_drops_what_could_be_redone(session: Session) -> None:
    session.decide("C1", "V1", "accepted")
    session.decide("C2", "V2", "accepted")
    session.undo()
    session.decide("C3", None, "skipped")
    assert session.redo() is None
    assert set(session.decisions()) == {"C1", "C3"}


def test_bulk_accept_is_undone_as_one(session: Session) -> None:
    rows = [(f"C{i}", f"V{i}", "accepted") for i in range(5)]
    assert session.decide_many(rows, by="Dana") == 5
    session.undo()
    assert session.decisions() == {}
    session.redo()
    assert len(session.decisions()) == 5


def test_a_case_set_back_to_undecided_reads_as_never_decided(session: Session) -> None:
    session.decide("C1", "V1", "accepted")
    session.decide_many([("C1", None, "undecided"), ("C2", "V1", "accepted")], "Dana")
    assert session.decision("C1") is None
    assert set(session.decisions()) == {"C2"}
    assert session.accepted_for_voter("V1") == ["C2"]
    together = session.batch(session.undo().seq)
    assert [(d.case_id, d.decision) for d in together] == [
        ("C1", "undecided"),
        ("C2", "accepted"),
    ]
    assert session.decision("C1").voter_id == "V1" and "C2" not in session.decisions()


def test_bad_decisions_are_refused(session: Session) -> None:
    with pytest.raises(SessionError, match="voter id"):
        session.decide("C1", None, "accepted")
    with pytest.raises(SessionError, match="not one of"):
        session.decide("C1", "V1", "maybe")
    assert session.decisions() == {}


def test_decision_needs_an_operator() -> None:
    s = Session.create()
    with pytest.raises(SessionError, match="operator"):
        s.decide("C1", "V1", "accepted")
    s.close()


def _decide_then_die(home: str, session_id: str, n: int) -> None:
    os.environ["CASETUI_HOME"] = home
    s = Session.open(session_id)
    for i in range(n):
        s.decide(f"C{i}", f"V{i}", "accepted")
    os._exit(0)  # no close, no cleanup: as if the terminal died


def test_killed_process_keeps_every_decision(session: Session, home: Path) -> None:
    session.close()
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_decide_then_die, args=(str(home), session.id, 40))
    child.start()
    child.join(60)
    assert child.exitcode == 0

    again = Session.open(session.id)
    assert len(again.decisions()) == 40
    assert again.verify_audit() is None
    again.close()


def test_decide_commits_quickly(session: Session) -> None:
    start = time.perf_counter()
    for i in range(50):
        session.decide(f"C{i}", f"V{i}", "accepted")
    per_decision = (time.perf_counter() - start) / 50
    assert per_decision < 0.05  # the review screen's whole budget per keypress


def test_files_are_owner_only(session: Session) -> None:
    session.decide("C1", "V1", "accepted")
    session.write_frame("cases", pl.DataFrame({"case_id": ["C1"]}))
    assert _mode(session.path) == 0o700
    names = {p.name for p in session.path.iterdir()}
    assert {"session.sqlite", "session.sqlite-wal", "cases.parquet"} <= names
    for child in session.path.iterdir():
        assert _mode(child) == 0o600, child.name


def test_frames_round_trip_and_missing_is_none(session: Session) -> None:
    frame = pl.DataFrame({"case_id": ["C1", "C2"], "zip5": ["02134", None]})
    session.write_frame("cases", frame)
    assert session.read_frame("cases").equals(frame)
    assert session.read_frame("voters") is None
    with pytest.raises(SessionError):
        session.write_frame("../escape", frame)


def test_corrupt_session_file_gives_session_error(session: Session) -> None:
    session.close()
    for extra in session.path.glob("session.sqlite-*"):
        extra.unlink()
    (session.path / "session.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(SessionError, match=session.id) as info:
        Session.open(session.id)
    assert "backup" in info.value.message
    assert [i.step for i in Session.list_all()] == ["unreadable"]


def test_newer_session_format_asks_for_upgrade(session: Session) -> None:
    session._conn.execute("UPDATE schema_version SET version = 99")
    session.close()
    with pytest.raises(SessionError, match="Upgrade casetui"):
        Session.open(session.id)


def test_steps_progress_gate_and_reopen(session: Session) -> None:
    assert session.step == "checklist"
    with pytest.raises(GateError):
        session.complete_step("match")
    for step in STEPS:
        session.complete_step(step)
    assert session.step == DONE
    session.reopen_step("suppression")
    assert session.step == "suppression"
    assert session.completed_steps() == {"checklist", "files"}


def test_attestations_overrides_settings_files_exports(session: Session) -> None:
    session.attest("counsel_review", {"reviewed_on": "2024-05-01"})
    assert session.attestations()["counsel_review"]["operator"] == "Dana"
    session.withdraw_attestation("counsel_review")
    assert session.attestations() == {}

    with pytest.raises(SessionError, match="why"):
        session.set_override("C1", "deceased", "  ")
    session.set_override("C1", "deceased", "death record was a different person")
    assert session.overrides() == {
        ("C1", "deceased"): "death record was a different person"
    }
    session.clear_override("C1", "deceased")
    assert session.overrides() == {}

    session.set_setting("review_threshold", "0.6")
    assert session.setting("review_threshold") == "0.6"
    assert session.setting("other") is None

    rec = FileRecord("casework", Path("/x/cases.csv"), 10, "ab" * 32, "iq", 3)
    session.record_file(rec)
    session.record_export("csv", Path("/x/out.csv"), 3, "cd" * 32)
    session.close()

    again = Session.open(session.id)
    assert again.files() == {"casework": rec}
    assert again.exports()[0]["rows"] == "3"
    actions = [e["action"] for e in again.audit_entries()]
    assert "override_set" in actions and "exported" in actions
    again.close()


def test_list_all_shows_sessions_newest_first(session: Session) -> None:
    other = Session.create("Fall")
    other.set_operator("Lee")
    infos = Session.list_all()
    assert [i.name for i in infos] == ["Fall", "Spring cleanup"]
    assert infos[0].operator == "Lee" and infos[0].step == "checklist"
    other.delete()
    assert [i.name for i in Session.list_all()] == ["Spring cleanup"]


def test_the_step_on_screen_survives_close_and_reopen(session: Session) -> None:
    assert session.shown_step() is None
    session.set_shown_step("match")
    session.close()

    again = Session.open(session.id)
    assert again.shown_step() == "match"
    again.close()
