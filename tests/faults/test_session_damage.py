"""Session databases that are corrupt, locked, from an older casetui or on a full
disk: each gets a plain message, keeps the data, and never shows a traceback."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from casetui.cli import app
from casetui.errors import SessionError
from casetui.session import db
from casetui.session.store import Session

runner = CliRunner()


@pytest.fixture
def session() -> Session:
    made = Session.create("damage")
    made.set_operator("Op")
    for i in range(5):
        made.decide(f"C{i}", f"V{i}", "accepted")
    return made


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, " ".join(result.output.split())


def stored(session_id: str) -> dict[str, str]:
    with Session.open(session_id) as again:
        return {c: d.decision for c, d in again.decisions().items()}


# -- corrupt -------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "torn_pages", "truncated"])
def test_a_corrupt_session_is_refused_plainly_and_left_as_it_was(
    session: Session, damage: str
) -> None:
    session.close()
    path = session.path / db.DB_NAME
    data = bytearray(path.read_bytes())
    if damage == "garbage":
        data = bytearray(b"not a database, a photo of one" * 200)
    elif damage == "torn_pages":
        for page in range(1, len(data) // 4096):
            data[page * 4096 + 8 : page * 4096 + 400] = b"\xa5" * 392
    else:
        data = data[: len(data) // 2 + 100]
    path.write_bytes(bytes(data))

    code, said = cli("tui", "--session", session.id)
    assert code == 2
    assert session.id in said and "backup" in said
    assert path.read_bytes() == bytes(data)  # nothing "repaired" behind our back
    assert [i.step for i in Session.list_all()] == ["unreadable"]


# -- locked --------------------------------------------------------------------


def test_a_database_another_program_holds_locked_is_busy_not_damaged(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "BUSY_SECONDS", 0.2)
    session.close()
    other = sqlite3.connect(session.path / db.DB_NAME, isolation_level=None)
    other.execute("PRAGMA journal_mode=DELETE")  # no WAL: readers wait too
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(SessionError) as refused:
            Session.open(session.id)
        assert refused.value.title == "Session busy"
        assert "nothing was changed" in refused.value.message
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(stored(session.id)) == 5


def test_a_decision_blocked_by_another_writer_says_so_and_keeps_the_rest(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "BUSY_SECONDS", 0.2)
    session._conn.execute("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(session.path / db.DB_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(SessionError, match="another program"):
        session.decide("C9", "V9", "rejected")
    other.execute("ROLLBACK")
    other.close()
    session.decide("C9", "V9", "rejected")  # and on it goes
    assert len(session.decisions()) == 6
    assert session.verify_audit() is None


# -- older format --------------------------------------------------------------


def make_format_1(session: Session) -> None:
    """Turn a session into what casetui wrote before format 2."""
    session._conn.execute("DROP INDEX decisions_voter")
    session._conn.execute("UPDATE schema_version SET version = 1")
    session.close()


def test_an_older_session_is_backed_up_then_upgraded(session: Session) -> None:
    make_format_1(session)
    before = (session.path / db.DB_NAME).stat().st_size

    with Session.open(session.id) as again:
        assert len(again.decisions()) == 5
        assert again.verify_audit() is None
        assert again.audit_entries()[-1]["action"] == "session_upgraded"
        version = again._conn.execute("SELECT version FROM schema_version").fetchone()
        assert version == (db.SCHEMA_VERSION,)

    backup = db.backup_path(session.path / db.DB_NAME, 1)
    assert backup.stat().st_mode & 0o777 == 0o600
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT version FROM schema_version").fetchone() == (1,)
    assert copy.execute("SELECT count(*) FROM decisions").fetchone() == (5,)
    copy.close()
    assert before > 0


def test_a_failed_upgrade_leaves_the_old_format_untouched(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_format_1(session)
    with monkeypatch.context() as patched:
        broken = "CREATE INDEX broken ON no_such_table (x)"
        patched.setitem(db.MIGRATIONS, 1, broken)
        code, said = cli("tui", "--session", session.id)
    assert code == 2 and "Session upgrade failed" in said, said

    backup = db.backup_path(session.path / db.DB_NAME, 1)
    assert backup.exists()
    plain = sqlite3.connect(session.path / db.DB_NAME)
    assert plain.execute("SELECT version FROM schema_version").fetchone() == (1,)
    plain.close()
    assert len(stored(session.id)) == 5  # and the real upgrade then works


# -- full disk -----------------------------------------------------------------


def fill_up(session: Session) -> None:
    """Let the database grow no further, as on a disk with no space left."""
    pages = session._conn.execute("PRAGMA page_count").fetchone()[0]
    session._conn.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_refuses_the_decision_plainly_and_keeps_the_rest(
    session: Session,
) -> None:
    fill_up(session)
    with pytest.raises(SessionError) as full:
        for i in range(5, 5000):
            session.decide(f"C{i}", f"V{i}", "rejected", by="Op")
    assert full.value.title == "Disk full"
    assert "Everything saved before it is kept" in full.value.message
    made = len(session.decisions())
    session.set_cursor("C1")  # where the review was: not worth stopping for
    session.close()

    assert len(stored(session.id)) == made
    with Session.open(session.id) as again:
        assert again.verify_audit() is None
        again.decide("C-after", "V1", "accepted")  # space freed: on it goes


def test_a_full_disk_while_saving_a_table_is_a_plain_error(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(self: pl.DataFrame, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", no_space)
    with pytest.raises(SessionError, match="Disk full"):
        session.write_frame("cases", pl.DataFrame({"case_id": ["C1"]}))
    assert not list(session.path.glob("*cases*"))  # no half-written table


def test_a_session_folder_that_cannot_be_made_is_a_plain_error(
    casetui_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "mkdir", no_space)
    shutil.rmtree(casetui_home, ignore_errors=True)
    code, said = cli("sessions")
    assert code == 2
    assert "No space left on device" in said
