"""The audit log: tamper-evident, append-only, and free of personal data."""

from __future__ import annotations

from pathlib import Path

import pytest

from casetui.errors import SessionError
from casetui.session import audit
from casetui.session.store import Session


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    monkeypatch.setenv("CASETUI_HOME", str(tmp_path))
    s = Session.create("audit")
    s.set_operator("Dana")
    s.audit("scrubbed", columns=["ssn", "notes"], cells_redacted=12, file="cases.csv")
    s.decide("C1", "V1", "accepted")
    s.decide("C2", None, "rejected")
    yield s
    s.close()


def test_entries_say_who_did_what(session: Session) -> None:
    entries = session.audit_entries()
    assert [e["action"] for e in entries] == [
        "session_created",
        "operator_set",
        "scrubbed",
        "decided",
        "decided",
    ]
    assert entries[3]["operator"] == "Dana"
    assert entries[3]["details"] == {
        "case_id": "C1",
        "voter_id": "V1",
        "decision": "accepted",
    }
    assert entries[2]["details"]["columns"] == ["ssn", "notes"]
    assert session.verify_audit() is None


def test_the_log_refuses_edits_and_deletes(session: Session) -> None:
    import sqlite3

    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        session._conn.execute("UPDATE audit SET action = 'x' WHERE seq = 3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        session._conn.execute("DELETE FROM audit WHERE seq = 3")


def test_chain_finds_an_edited_entry(session: Session) -> None:
    conn = session._conn
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute(
        'UPDATE audit SET details = \'{"case_id":"C1","decision":"rejected",'
        '"voter_id":"V1"}\' WHERE seq = 4'
    )
    assert session.verify_audit() == 4


def test_chain_finds_a_removed_entry(session: Session) -> None:
    conn = session._conn
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE seq = 2")
    assert audit.verify_chain(conn) == 3


@pytest.mark.parametrize(
    "details",
    [
        {"first_name": "x"},
        {"address": "x"},
        {"phone": "x"},
        {"email": "x"},
        {"notes": "x"},
        {"name": "x"},
        {"contact": "someone@example.org"},
        {"ids": ["C1", "919-555-0134"]},
        {"value": "123-45-6789"},
    ],
)
def test_personal_details_are_refused(session: Session, details: dict) -> None:
    before = len(session.audit_entries())
    with pytest.raises(SessionError, match="Audit entry refused") as info:
        session.audit("scrubbed", **details)
    assert "example.org" not in str(info.value)
    assert "555" not in str(info.value)
    assert len(session.audit_entries()) == before


def test_counts_and_file_names_are_allowed() -> None:
    ok = {"file_name": "cases.csv", "email_count": 3, "column": "phone", "rule": "x"}
    assert audit.check_details("scrubbed", ok) == ok
    assert audit.is_personal_key("last_name")
    assert not audit.is_personal_key("case_id")
