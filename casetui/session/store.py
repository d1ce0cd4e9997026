"""The session: one conversion's state in its own private folder, so an operator can
stop, lose the SSH connection or crash, and carry on where they were.

`session.sqlite` (WAL, synchronous=FULL) holds progress, attestations, settings,
input files, suppression overrides, match decisions, exports and the audit log;
derived frames sit beside it as Parquet. Each operator action is one committed
transaction with its audit entry, so nothing shown as done is lost to a crash.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from casetui.errors import GateError, SessionError
from casetui.paths import private_dir, sessions_dir
from casetui.session import audit as audit_log
from casetui.session import db
from casetui.session import decisions as decisions_db
from casetui.session.db import DB_NAME, SCHEMA_VERSION, now
from casetui.session.decisions import DECISIONS, Decision
from casetui.session.lock import SessionLock

__all__ = [
    "DECISIONS", "DONE", "SCHEMA_VERSION", "STEPS",
    "Decision", "FileRecord", "Session", "SessionInfo",
]  # fmt: skip

log = logging.getLogger("casetui.session")

STEPS = ("checklist", "files", "suppression", "match", "export")
DONE = "done"  # the step of a session whose every step is complete


@dataclass(frozen=True)
class SessionInfo:
    id: str
    name: str
    created: str
    updated: str
    step: str
    path: Path
    operator: str | None


@dataclass(frozen=True)
class FileRecord:
    role: str
    path: Path
    size: int
    sha256: str
    layout: str
    rows: int


class Session:
    """One conversion, stored under `sessions_dir()/<id>`."""

    def __init__(self, session_id: str, path: Path, conn: sqlite3.Connection):
        self.id = session_id
        self.path = path
        self._conn = conn
        self._lock = threading.RLock()
        self._hold: SessionLock | None = None
        self.name = self._meta("name") or session_id

    # -- opening and listing --------------------------------------------------

    @classmethod
    def create(cls, name: str | None = None) -> Session:
        """Create a new, empty session and return it open."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        session_id = f"{stamp}-{secrets.token_hex(3)}"
        with db.saving(session_id):
            folder = private_dir(sessions_dir() / session_id)
            conn = db.create(folder / DB_NAME, session_id, name or session_id)
            db.secure(folder)
        log.info("session %s created", session_id)
        return cls(session_id, folder, conn)

    @classmethod
    def open(cls, id_or_name: str) -> Session:
        """Open a session by id, unique id prefix or name.

        Raises SessionError when none or several match, or the file is damaged."""
        folder = cls.locate(id_or_name)
        conn = db.connect(folder / DB_NAME, folder.name)
        db.secure(folder)
        return cls(folder.name, folder, conn)

    @staticmethod
    def locate(id_or_name: str) -> Path:
        """Return the folder of the session with this id, unique id prefix or name,
        without opening its database (so a damaged one can still be purged).

        Raises SessionError when none or several match."""
        root = sessions_dir()
        folder = root / id_or_name
        if (
            Path(id_or_name).name == id_or_name
            and (folder / DB_NAME).is_file()
            and _owned(folder)
        ):
            return folder
        ids = [p.parent.name for p in root.glob(f"*/{DB_NAME}") if _owned(p.parent)]
        found = [i for i in ids if i.startswith(id_or_name)] or [
            info.id for info in Session.list_all() if info.name == id_or_name
        ]
        if len(found) != 1:
            problem = "No session is" if not found else "Several sessions are"
            raise SessionError(
                "Session not found",
                f'{problem} called "{id_or_name}". Run `casetui sessions` to '
                "list them and open one by its id.",
            )
        return root / found[0]

    @staticmethod
    def list_all() -> list[SessionInfo]:
        """Return every session, most recently updated first. A damaged one is
        listed with step "unreadable" so that it can be found and purged."""
        infos = []
        for found in sessions_dir().glob(f"*/{DB_NAME}"):
            folder = found.parent
            if not _owned(folder):
                continue  # another user's session in a shared CASETUI_HOME
            try:
                session = Session.open(folder.name)
            except SessionError:
                log.warning("session %s unreadable", folder.name)
                infos.append(
                    SessionInfo(folder.name, folder.name, "", "", "unreadable",
                                folder, None)
                )  # fmt: skip
                continue
            with session:
                infos.append(session.info())
        return sorted(infos, key=lambda i: i.updated, reverse=True)

    def info(self) -> SessionInfo:
        """Return this session's summary for listings."""
        return SessionInfo(
            self.id, self.name, self._meta("created") or "",
            self._meta("updated") or "", self.step, self.path, self.operator,
        )  # fmt: skip

    def hold(self) -> Session:
        """Hold the session for this process until it closes or ends, and return
        it: the wizard and `casetui run` do, so that a second casetui cannot work
        on the same session at the same time.

        Raises SessionError saying who holds it when another casetui does."""
        if self._hold is None:
            self._hold = SessionLock.acquire(self.path, self.id, now())
        return self

    def close(self) -> None:
        """Close the database and give up the hold; the session stays on disk."""
        with self._lock:
            self._conn.close()
            if self._hold is not None:
                self._hold.release()
                self._hold = None

    def delete(self) -> None:
        """Close the session and remove its folder with everything in it."""
        self.close()
        shutil.rmtree(self.path)
        log.info("session %s deleted", self.id)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed (and fsynced) on leaving, or rolled back."""
        with self._lock, db.saving(self.id):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute(
                    "UPDATE meta SET value = ? WHERE key = 'updated'", (now(),)
                )
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def _meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT value FROM meta WHERE key = ?", (key,)
            ).fetchone()
        return row[0] if row else None

    def _set_meta(self, c: sqlite3.Connection, key: str, value: str | None) -> None:
        c.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _log(self, c: sqlite3.Connection, action: str, **details: Any) -> None:
        """Audit inside the open transaction; `_by` names who, if not the operator."""
        who = details.pop("_by", None) or self.operator
        audit_log.append(c, action, details, who)

    def _require_operator(self, doing: str) -> str:
        operator = self.operator
        if not operator:
            raise SessionError(
                "Operator not set",
                f"Session {self.id}: enter the operator's name on the checklist "
                f"before you {doing}.",
            )
        return operator

    # -- progress ---------------------------------------------------------------

    @property
    def step(self) -> str:
        """The first step not yet complete, or "done" when all are."""
        done = self.completed_steps()
        return next((s for s in STEPS if s not in done), DONE)

    def completed_steps(self) -> set[str]:
        """Return the names of the completed steps."""
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT step FROM steps")}

    def complete_step(self, step: str) -> None:
        """Mark `step` complete. Raises GateError if an earlier step is not."""
        _check_step(step)
        missing = [
            s for s in STEPS[: STEPS.index(step)] if s not in self.completed_steps()
        ]
        if missing:
            raise GateError(
                "Step not ready",
                f'Finish "{missing[0]}" before completing "{step}".',
            )
        with self._tx() as c:
            c.execute("INSERT OR REPLACE INTO steps VALUES (?, ?)", (step, now()))
            self._log(c, "step_completed", step=step)

    def reopen_step(self, step: str) -> None:
        """Mark `step` and every later step incomplete (a new input, say)."""
        _check_step(step)
        later = list(STEPS[STEPS.index(step) :])
        with self._tx() as c:
            c.execute(
                f"DELETE FROM steps WHERE step IN ({','.join('?' * len(later))})",
                later,
            )
            self._log(c, "step_reopened", step=step)

    # -- operator and attestations ----------------------------------------------

    @property
    def operator(self) -> str | None:
        """The operator's name, as entered on the checklist."""
        return self._meta("operator")

    def set_operator(self, name: str) -> None:
        """Record who is operating. Raises SessionError when blank."""
        if not name.strip():
            raise SessionError("Operator not set", "Enter the operator's name.")
        with self._tx() as c:
            self._set_meta(c, "operator", name.strip())
            self._log(c, "operator_set")

    def attest(self, item: str, details: dict[str, str]) -> None:
        """Store an attestation with the time and operator, and audit it (the
        detail keys only: values may name counsel or staff)."""
        operator = self._require_operator("attest")
        at = now()
        with self._tx() as c:
            c.execute(
                "INSERT OR REPLACE INTO attestations VALUES (?, ?, ?, ?)",
                (item, json.dumps(details), at, operator),
            )
            self._log(c, "attested", item=item, fields=sorted(details))

    def withdraw_attestation(self, item: str) -> None:
        """Remove an attestation, audited."""
        with self._tx() as c:
            c.execute("DELETE FROM attestations WHERE item = ?", (item,))
            self._log(c, "attestation_withdrawn", item=item)

    def attestations(self) -> dict[str, dict[str, str]]:
        """Return item -> its details plus "at" and "operator"."""
        with self._lock:
            rows = self._conn.execute("SELECT * FROM attestations").fetchall()
        return {
            item: {**json.loads(details), "at": at, "operator": operator or ""}
            for item, details, at, operator in rows
        }

    # -- settings and inputs ------------------------------------------------------

    def set_setting(self, key: str, value: str) -> None:
        """Store a text setting (codebook path, thresholds, targets)."""
        with self._tx() as c:
            c.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, value))
            self._log(c, "setting_changed", setting=key)

    def setting(self, key: str) -> str | None:
        """Return a setting, or None when never set."""
        with self._lock:
            row = self._conn.execute(
                "SELECT value FROM settings WHERE key = ?", (key,)
            ).fetchone()
        return row[0] if row else None

    def record_file(self, rec: FileRecord) -> None:
        """Remember an input file by role ("casework", "voters", "codebook" ...)."""
        with self._tx() as c:
            c.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                (rec.role, str(rec.path), rec.size, rec.sha256, rec.layout, rec.rows),
            )
            self._log(c, "file_chosen", role=rec.role, file=rec.path.name,
                      sha256=rec.sha256, rows=rec.rows, layout=rec.layout)  # fmt: skip

    def files(self) -> dict[str, FileRecord]:
        """Return role -> FileRecord."""
        with self._lock:
            rows = self._conn.execute("SELECT * FROM files").fetchall()
        return {
            role: FileRecord(role, Path(path), size, sha256, layout, rows_)
            for role, path, size, sha256, layout, rows_ in rows
        }

    def _frame_path(self, name: str) -> Path:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise SessionError(
                "Bad frame name", f'"{name}" must be letters, digits, - and _ only.'
            )
        return self.path / f"{name}.parquet"

    def write_frame(self, name: str, frame: pl.DataFrame) -> Path:
        """Save a derived frame as `<name>.parquet` (mode 0600) and return its path."""
        path = self._frame_path(name)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                frame.write_parquet(fh)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise db.not_saved(self.id, exc.strerror or str(exc)) from exc
        return path

    def read_frame(self, name: str) -> pl.DataFrame | None:
        """Return a saved frame, or None when missing or unreadable (rebuild it)."""
        path = self._frame_path(name)
        if not path.is_file():
            return None
        try:
            return pl.read_parquet(path)
        except Exception:  # any polars/arrow read failure means "rebuild it"
            log.warning("session %s: frame %s unreadable", self.id, name)
            return None

    # -- suppression overrides ---------------------------------------------------

    def set_override(self, case_id: str, rule: str, reason: str) -> None:
        """Let a case through one suppression rule. The reason is stored, not
        audited (free text may name people). Raises SessionError if blank."""
        if not reason.strip():
            raise SessionError(
                "Reason needed",
                f'Case {case_id}: say why rule "{rule}" should not suppress it.',
            )
        operator = self._require_operator("override a suppression")
        with self._tx() as c:
            c.execute(
                "INSERT OR REPLACE INTO overrides VALUES (?, ?, ?, ?, ?)",
                (case_id, rule, reason.strip(), operator, now()),
            )
            self._log(c, "override_set", case_id=case_id, rule=rule)

    def clear_override(self, case_id: str, rule: str) -> None:
        """Suppress the case under `rule` again."""
        with self._tx() as c:
            c.execute(
                "DELETE FROM overrides WHERE case_id = ? AND rule = ?", (case_id, rule)
            )
            self._log(c, "override_cleared", case_id=case_id, rule=rule)

    def overrides(self) -> dict[tuple[str, str], str]:
        """Return (case_id, rule) -> reason."""
        with self._lock:
            rows = self._conn.execute("SELECT case_id, rule, reason FROM overrides")
            return {(case_id, rule): reason for case_id, rule, reason in rows}

    def override_records(self) -> list[dict[str, str]]:
        """Return every override without its reason: case_id, rule, by, at."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT case_id, rule, by, at FROM overrides ORDER BY at, case_id"
            ).fetchall()
        keys = ("case_id", "rule", "by", "at")
        return [dict(zip(keys, map(str, row), strict=True)) for row in rows]

    # -- match decisions ---------------------------------------------------------

    def decide(
        self, case_id: str, voter_id: str | None, decision: str, by: str | None = None
    ) -> Decision:
        """Record one decision, committed before returning, and return it.

        `by` defaults to the operator. Raises SessionError for an unknown decision,
        an acceptance without a voter, or no operator."""
        who = by or self._require_operator("decide on a match")
        at = now()
        with self._tx() as c:
            seq = decisions_db.record(c, [(case_id, voter_id, decision)], who, at)
            self._log(c, "decided", case_id=case_id, voter_id=voter_id,
                      decision=decision, _by=who)  # fmt: skip
        return Decision(seq, case_id, voter_id, decision, who, at, False)

    def decide_many(
        self,
        rows: list[tuple[str, str | None, str]],
        by: str,
        **details: str | int | float,
    ) -> int:
        """Record many decisions in one transaction (automatic decisions, bulk
        accept) and return how many. One undo takes back the whole batch; one
        audit entry holds the counts and `details` (how the rows were chosen)."""
        if not rows:
            return 0
        with self._tx() as c:
            decisions_db.record(c, rows, by, now())
            counts = {d: sum(1 for r in rows if r[2] == d) for d in DECISIONS}
            self._log(
                c,
                "decided_many",
                _by=by,
                **{k: n for k, n in counts.items() if n},
                **details,
            )
        return len(rows)

    def batch(self, seq: int) -> list[Decision]:
        """Return the decisions made together with decision `seq` (one, every
        case of a bulk accept, or a kept voter's two cases), in order, to refresh
        after an undo or redo."""
        with self._lock:
            return decisions_db.batch_of(self._conn, seq)

    def undo(self) -> Decision | None:
        """Undo the latest operator decision (a bulk accept as a whole) and return
        it, or None when there is nothing to undo. Automatic ones stay."""
        with self._tx() as c:
            done = decisions_db.undo(c)
            if done:
                self._log(c, "undone", case_id=done.case_id, seq=done.seq)
        return done

    def redo(self) -> Decision | None:
        """Redo the decision undone most recently and return it, or None."""
        with self._tx() as c:
            done = decisions_db.redo(c)
            if done:
                self._log(c, "redone", case_id=done.case_id, seq=done.seq)
        return done

    def decisions(self) -> dict[str, Decision]:
        """Return case_id -> its latest decision that is not undone."""
        with self._lock:
            return decisions_db.latest(self._conn)

    def decision(self, case_id: str) -> Decision | None:
        """Return one case's latest decision, or None (fast: one indexed query)."""
        with self._lock:
            return decisions_db.latest_for(self._conn, case_id)

    def accepted_for_voter(self, voter_id: str) -> list[str]:
        """Return the cases whose latest decision accepts this voter."""
        with self._lock:
            return decisions_db.accepted_for_voter(self._conn, voter_id)

    def accepted_voters(self) -> set[str]:
        """Return the voters some case's latest decision accepts."""
        return {
            d.voter_id
            for d in self.decisions().values()
            if d.decision == "accepted" and d.voter_id
        }

    def set_cursor(self, case_id: str | None) -> None:
        """Remember where the operator was in the review (not audited)."""
        try:
            with self._lock, db.saving(self.id):
                self._set_meta(self._conn, "cursor", case_id)
        except SessionError as exc:  # a place to resume from, not a decision
            log.warning("session %s: review position not saved (%s)", self.id,
                        exc.title)  # fmt: skip

    def cursor(self) -> str | None:
        """Return the case the review was on, or None."""
        return self._meta("cursor")

    def set_shown_step(self, step: str) -> None:
        """Remember the wizard step on screen, so resuming opens it (not
        audited: a place to resume from, like the review's cursor)."""
        _check_step(step)
        try:
            with self._lock, db.saving(self.id):
                self._set_meta(self._conn, "shown_step", step)
        except SessionError as exc:
            log.warning("session %s: step on screen not saved (%s)", self.id,
                        exc.title)  # fmt: skip

    def shown_step(self) -> str | None:
        """Return the wizard step last on screen, or None."""
        return self._meta("shown_step")

    # -- exports and audit ---------------------------------------------------------

    def record_export(self, target: str, path: Path, rows: int, sha256: str) -> None:
        """Remember a file written for `target`, audited with its name and hash."""
        with self._tx() as c:
            c.execute(
                "INSERT INTO exports (target, path, rows, sha256, at)"
                " VALUES (?, ?, ?, ?, ?)",
                (target, str(path), rows, sha256, now()),
            )
            self._log(c, "exported", target=target, file=Path(path).name,
                      rows=rows, sha256=sha256)  # fmt: skip

    def exports(self) -> list[dict[str, str]]:
        """Return the exports made, oldest first: target, path, rows, sha256, at."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT target, path, rows, sha256, at FROM exports ORDER BY seq"
            ).fetchall()
        keys = ("target", "path", "rows", "sha256", "at")
        return [{k: str(v) for k, v in zip(keys, row, strict=True)} for row in rows]

    def audit(self, action: str, **details: str | int | float | list[str]) -> None:
        """Append an audit entry by the current operator, in its own transaction.

        Raises SessionError when a detail holds personal data."""
        with self._tx() as c:
            audit_log.append(c, action, details, self.operator)

    def audit_entries(self) -> list[dict[str, Any]]:
        """Return the audit log, oldest first (see audit.entries)."""
        with self._lock:
            return audit_log.entries(self._conn)

    def audit_head(self) -> tuple[int, str]:
        """Return the latest audit (seq, hash), for export manifests."""
        with self._lock:
            return audit_log.head(self._conn)

    def verify_audit(self) -> int | None:
        """Return the first audit seq that breaks the chain, or None when whole."""
        with self._lock:
            return audit_log.verify_chain(self._conn)


def removed_summary(folder: Path) -> str:
    """Say what removing a session folder removes, by kind of file, e.g. "the
    database and its audit log, 4 derived tables, 1 backup (9 files, 2,104,331
    bytes)"."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    tables = sum(p.suffix == ".parquet" for p in files)
    backups = sum(p.name.endswith(".backup.sqlite") for p in files)
    parts = ["the database and its audit log"] if (folder / DB_NAME).exists() else []
    if tables:
        parts.append(f"{tables} derived table{'s' * (tables != 1)} (cases, voters, "
                     "pairs)")  # fmt: skip
    if backups:
        parts.append(f"{backups} backup{'s' * (backups != 1)}")
    return f"{', '.join(parts) or 'nothing'} ({len(files)} files, {size:,} bytes)"


def _owned(folder: Path) -> bool:
    try:
        return folder.stat().st_uid == os.getuid()
    except OSError:
        return False


def _check_step(step: str) -> None:
    if step not in STEPS:
        raise SessionError(
            "Unknown step", f'"{step}" is not one of {", ".join(STEPS)}.'
        )
