"""Match decisions in the session database: recording, undo and redo, and the
latest decision per case. Functions run inside the caller's transaction.

Undo walks back operator decisions one batch at a time (a bulk accept is one
batch; so is a voter kept by one case and taken from another); automatic
decisions are never undone. A new operator decision drops whatever could still
be redone, as in any editor.

An "undecided" decision sets a case back: the latest decision counts, so readers
here treat a case whose latest is "undecided" as never decided."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from casetui.errors import SessionError

UNDECIDED = "undecided"
DECISIONS = ("accepted", "rejected", "skipped", UNDECIDED)
_COLS = "seq, case_id, voter_id, decision, by, at, undone"


@dataclass(frozen=True)
class Decision:
    seq: int
    case_id: str
    voter_id: str | None
    decision: str
    by: str
    at: str
    undone: bool


def _decision(row: tuple[Any, ...]) -> Decision:
    seq, case_id, voter_id, decision, by, at, undone = row[:7]
    return Decision(seq, case_id, voter_id, decision, by, at, bool(undone))


def check(case_id: str, voter_id: str | None, decision: str) -> None:
    """Raise SessionError for an unknown decision or an acceptance without a voter."""
    if decision not in DECISIONS:
        raise SessionError(
            "Unknown decision",
            f'Case {case_id}: "{decision}" is not one of {", ".join(DECISIONS)}.',
        )
    if decision == "accepted" and not voter_id:
        raise SessionError(
            "No voter to accept",
            f"Case {case_id}: an accepted match needs a voter id; reject or skip it.",
        )


def record(
    c: sqlite3.Connection, rows: list[tuple[str, str | None, str]], by: str, at: str
) -> int:
    """Insert the rows as one batch and return the seq of the last one."""
    for case_id, voter_id, decision in rows:
        check(case_id, voter_id, decision)
    if by != "auto":
        c.execute("UPDATE decisions SET undone = 2 WHERE undone = 1")
    batch = c.execute("SELECT coalesce(max(batch), 0) + 1 FROM decisions").fetchone()
    c.executemany(
        "INSERT INTO decisions (batch, case_id, voter_id, decision, by, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(batch[0], case_id, voter_id, d, by, at) for case_id, voter_id, d in rows],
    )
    return int(c.execute("SELECT max(seq) FROM decisions").fetchone()[0])


def undo(c: sqlite3.Connection) -> Decision | None:
    """Undo the latest operator batch not undone; return its last decision."""
    row = c.execute(
        f"SELECT {_COLS}, batch FROM decisions"
        " WHERE undone = 0 AND by <> 'auto' ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    c.execute("UPDATE decisions SET undone = 1 WHERE batch = ?", (row[7],))
    return _decision((*row[:6], 1))


def redo(c: sqlite3.Connection) -> Decision | None:
    """Redo the batch undone most recently; return its last decision."""
    batch = c.execute("SELECT min(batch) FROM decisions WHERE undone = 1").fetchone()[0]
    if batch is None:
        return None
    c.execute("UPDATE decisions SET undone = 0 WHERE batch = ?", (batch,))
    row = c.execute(
        f"SELECT {_COLS} FROM decisions WHERE batch = ? ORDER BY seq DESC LIMIT 1",
        (batch,),
    ).fetchone()
    return _decision(row)


def latest(c: sqlite3.Connection) -> dict[str, Decision]:
    """Return case_id -> its latest decision that is not undone (about 0.2 s for
    50,000 decisions: call it once per screen, not per keypress)."""
    rows = c.execute(f"SELECT {_COLS} FROM decisions WHERE undone = 0 ORDER BY seq")
    found = {row[1]: _decision(row) for row in rows}
    return {case_id: d for case_id, d in found.items() if d.decision != UNDECIDED}


def latest_for(c: sqlite3.Connection, case_id: str) -> Decision | None:
    """Return one case's latest decision that is not undone, None when there is
    none or it sets the case back to undecided (a keypress's worth)."""
    row = c.execute(
        f"SELECT {_COLS} FROM decisions WHERE case_id = ? AND undone = 0"
        " ORDER BY seq DESC LIMIT 1",
        (case_id,),
    ).fetchone()
    return _decision(row) if row and row[3] != UNDECIDED else None


def batch_of(c: sqlite3.Connection, seq: int) -> list[Decision]:
    """Return the decisions of the batch holding decision `seq`, in order."""
    rows = c.execute(
        f"SELECT {_COLS} FROM decisions WHERE batch ="
        " (SELECT batch FROM decisions WHERE seq = ?) ORDER BY seq",
        (seq,),
    )
    return [_decision(row) for row in rows]


def accepted_for_voter(c: sqlite3.Connection, voter_id: str) -> list[str]:
    """Return the cases whose latest decision accepts this voter."""
    rows = c.execute(
        "SELECT d.case_id FROM decisions d WHERE d.voter_id = ? AND d.undone = 0"
        " AND d.decision = 'accepted' AND d.seq = (SELECT max(seq) FROM decisions"
        " WHERE case_id = d.case_id AND undone = 0)",
        (voter_id,),
    )
    return [case_id for (case_id,) in rows]
