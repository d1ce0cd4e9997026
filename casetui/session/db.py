"""The session database file: its schema, creating it owner-only, and opening it
with the checks that turn a damaged, busy or newer file into a plain SessionError.
An older file is upgraded in place after a backup copy is made beside it."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from casetui.errors import SessionError
from casetui.session import audit as audit_log

SCHEMA_VERSION = 2
DB_NAME = "session.sqlite"
BUSY_SECONDS = 10.0  # how long to wait for another writer before saying so

log = logging.getLogger("casetui.session")

# What takes a session from format N to N + 1, run after a backup of format N.
# 2: the index the claimed-voter check on every accept reads.
MIGRATIONS = {
    1: "CREATE INDEX IF NOT EXISTS decisions_voter ON decisions (voter_id);",
}

# decisions.undone: 0 counts, 1 undone and redo-able, 2 undone and dropped by a
# newer operator decision (so redo cannot bring it back)
SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE steps (step TEXT PRIMARY KEY, done_at TEXT NOT NULL);
CREATE TABLE attestations (item TEXT PRIMARY KEY, details TEXT NOT NULL,
    at TEXT NOT NULL, operator TEXT);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (role TEXT PRIMARY KEY, path TEXT NOT NULL, size INTEGER,
    sha256 TEXT, layout TEXT, rows INTEGER);
CREATE TABLE overrides (case_id TEXT NOT NULL, rule TEXT NOT NULL,
    reason TEXT NOT NULL, by TEXT, at TEXT, PRIMARY KEY (case_id, rule));
CREATE TABLE decisions (seq INTEGER PRIMARY KEY, batch INTEGER NOT NULL,
    case_id TEXT NOT NULL, voter_id TEXT, decision TEXT NOT NULL, by TEXT NOT NULL,
    at TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0);
CREATE INDEX decisions_case ON decisions (case_id, seq);
CREATE INDEX decisions_batch ON decisions (batch);
CREATE INDEX decisions_redo ON decisions (batch) WHERE undone = 1;
CREATE INDEX decisions_undo ON decisions (seq) WHERE undone = 0 AND by <> 'auto';
CREATE INDEX decisions_voter ON decisions (voter_id);
CREATE TABLE exports (seq INTEGER PRIMARY KEY, target TEXT NOT NULL,
    path TEXT NOT NULL, rows INTEGER, sha256 TEXT, at TEXT NOT NULL);
"""


def now() -> str:
    """Return the current UTC time as ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def secure(folder: Path) -> None:
    """Give the folder mode 0700 and every file in it 0600 (SQLite's -wal and -shm
    files appear after the first write)."""
    folder.chmod(0o700)
    for child in folder.iterdir():
        if child.is_file():
            child.chmod(0o600)


def _pragmas(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: a decision the screen shows as saved survives a power cut, not only a
    # killed process.
    conn.execute("PRAGMA synchronous=FULL")


def create(db: Path, session_id: str, name: str) -> sqlite3.Connection:
    """Create a session database (mode 0600) and return it open."""
    os.close(os.open(db, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    _pragmas(conn)
    conn.executescript(
        f"BEGIN; {SCHEMA} {audit_log.SCHEMA}"
        f" INSERT INTO schema_version VALUES ({SCHEMA_VERSION}); COMMIT;"
    )
    at = now()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("id", session_id), ("name", name), ("created", at), ("updated", at)],
    )
    audit_log.append(conn, "session_created", {"session": session_id}, None, at)
    conn.execute("COMMIT")
    return conn


def connect(db: Path, session_id: str) -> sqlite3.Connection:
    """Open and check a session database, upgrading an older format after a
    backup, and return it.

    Raises SessionError when the file is damaged, busy, not a session, or newer."""
    what_to_do = (
        f"Start a new session, or restore {db.name} in session {session_id} "
        "from a backup."
    )
    try:
        conn = sqlite3.connect(
            db, isolation_level=None, check_same_thread=False, timeout=BUSY_SECONDS
        )
        _pragmas(conn)
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        has_version = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'schema_version'"
        ).fetchone()
        version = (
            conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            if has_version
            else None
        )
    except sqlite3.OperationalError as exc:
        if _busy(exc):
            raise busy(session_id) from exc
        raise _unreadable(session_id, db, exc, what_to_do) from exc
    except sqlite3.DatabaseError as exc:
        raise _unreadable(session_id, db, exc, what_to_do) from exc
    if ok != "ok" or version is None:
        conn.close()
        raise SessionError(
            "Session file damaged",
            f"Session {session_id}: {db.name} is not a complete casetui session. "
            + what_to_do,
        )
    if version > SCHEMA_VERSION:
        conn.close()
        raise SessionError(
            "Session from a newer casetui",
            f"Session {session_id} was written by a newer casetui (format "
            f"{version}; this one reads up to {SCHEMA_VERSION}). Upgrade casetui "
            "to open it.",
        )
    if version < SCHEMA_VERSION:
        try:
            _upgrade(conn, db, session_id, version)
        except BaseException:
            conn.close()
            raise
    return conn


def _unreadable(
    session_id: str, db: Path, exc: sqlite3.Error, what_to_do: str
) -> SessionError:
    return SessionError(
        "Session file unreadable",
        f"Session {session_id}: {db.name} is damaged or not a session file "
        f"({exc}). The file was left as it is. {what_to_do}",
    )


def backup_path(db: Path, version: int) -> Path:
    """Where the copy of a format-`version` database is kept before its upgrade."""
    return db.with_name(f"{db.stem}.format{version}.backup.sqlite")


def _upgrade(conn: sqlite3.Connection, db: Path, session_id: str, version: int) -> None:
    """Copy the database aside (owner-only), then migrate it in one transaction:
    either the new format is complete or the old one is untouched."""
    copy = backup_path(db, version)
    with saving(session_id):
        os.close(os.open(copy, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        target = sqlite3.connect(copy)
        try:
            conn.backup(target)
        finally:
            target.close()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
            audit_log.append(
                conn, "session_upgraded",
                {"from_format": version, "to_format": SCHEMA_VERSION,
                 "backup": copy.name}, None,
            )  # fmt: skip
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error) and not _disk_or_busy(exc):
                raise SessionError(
                    "Session upgrade failed",
                    f"Session {session_id} could not be upgraded from format "
                    f"{version} ({exc}) and was left as it was; a copy is in "
                    f"{copy.name} beside it. Use the casetui that wrote it, or "
                    "report this with the message above.",
                ) from exc
            raise
    log.info("session %s upgraded from format %d, backup %s",
             session_id, version, copy.name)  # fmt: skip


def _disk_or_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return _busy(exc) or "full" in text or "disk" in text


def _busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def busy(session_id: str) -> SessionError:
    return SessionError(
        "Session busy",
        f"Session {session_id}: another program is writing to its database and "
        f"did not finish within {BUSY_SECONDS:.0f} s, so nothing was changed. "
        "Close any other program that has the session open (an sqlite3 shell, a "
        "backup tool) and try again.",
    )


def not_saved(session_id: str, reason: str) -> SessionError:
    """The error for a write the disk refused (full, read-only, failing)."""
    full = "full" in reason.lower() or "space" in reason.lower()
    return SessionError(
        "Disk full" if full else "Session not saved",
        f"Session {session_id}: "
        + ("the disk holding it is full" if full else f"the disk refused ({reason})")
        + ", so the last change was not saved. Everything saved before it is "
        "kept. " + ("Free some space" if full else "Fix the disk") + " and try "
        "again; the session opens where it was.",
    )


@contextmanager
def saving(session_id: str) -> Iterator[None]:
    """Turn SQLite's busy, full-disk and I/O failures during a write into a
    SessionError that says what happened and that earlier work is kept."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if _busy(exc):
            raise busy(session_id) from exc
        raise not_saved(session_id, str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise not_saved(session_id, str(exc)) from exc
    except OSError as exc:
        raise not_saved(session_id, exc.strerror or str(exc)) from exc
