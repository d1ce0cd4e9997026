"""The audit log: an append-only, hash-chained table in the session's SQLite.

Each entry's hash covers the previous entry's hash and the entry itself, so an
edited, removed or reordered entry breaks the chain from that point on. Triggers
refuse UPDATE and DELETE; the chain catches anyone who drops them.

Entries say who did what and when, with counts, rule names, record ids, file names
and hashes. A guard refuses detail keys that name personal fields and values that
look like an email, a phone number or an SSN.

Known shortcoming: cutting entries off the end of the log leaves a valid, shorter
chain. `head()` gives the latest (seq, hash); copied into an export manifest, it
is what shows such a cut after the fact.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from casetui.errors import SessionError

GENESIS = "0" * 64

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    operator TEXT,
    action TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

# A key is personal when one of its words names a personal field ...
_PERSONAL_WORDS = frozenset(
    {
        "name", "names", "first", "last", "middle", "surname", "fullname",
        "address", "addresses", "address1", "address2", "street", "unit", "city",
        "zip", "zip5", "zip4", "phone", "phones", "email", "emails", "note",
        "notes", "ssn", "dob", "birth", "birthdate", "birthday", "subject",
    }
)  # fmt: skip
# ... unless it is about a thing (file_name, column_name) or a count (email_count).
_THING_WORDS = frozenset(
    {"file", "codebook", "layout", "rule", "target", "session", "column", "columns",
     "step", "setting", "item", "sheet", "field", "fields"}
)  # fmt: skip
_COUNT_WORDS = frozenset(
    {"count", "counts", "n", "rows", "kept", "dropped", "removed", "redacted",
     "matched", "suppressed", "cells"}
)  # fmt: skip

_PERSONAL_VALUE = re.compile(
    r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"  # an email
    r"|\b\d{3}-\d{2}-\d{4}\b"  # an SSN
    r"|\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b"  # a US phone number
)


def is_personal_key(key: str) -> bool:
    """Return True when a detail key names a personal field (name, address, ...)."""
    words = [w for w in re.split(r"[^a-z0-9]+", key.lower()) if w]
    if not any(w in _PERSONAL_WORDS for w in words):
        return False
    return not (words[0] in _THING_WORDS or words[-1] in _COUNT_WORDS)


def _check_value(action: str, key: str, value: Any) -> None:
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        if _PERSONAL_VALUE.search(value):
            raise SessionError(
                "Audit entry refused",
                f'The "{key}" detail of the "{action}" entry looks like an email, '
                "phone number or SSN. The audit log holds ids, counts and names of "
                "rules and files only; record an id instead.",
            )
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_value(action, key, item)
        return
    if isinstance(value, Mapping):
        for sub_key, sub_value in value.items():
            _check_value(action, key, str(sub_key))
            _check_value(action, key, sub_value)
        return
    raise SessionError(
        "Audit entry refused",
        f'The "{key}" detail of the "{action}" entry is a {type(value).__name__}; '
        "use text, numbers or lists of them.",
    )


def check_details(action: str, details: Mapping[str, Any]) -> dict[str, Any]:
    """Return the details as a plain dict once they hold no personal data.

    Raises SessionError naming the offending key (never its value)."""
    for key, value in details.items():
        if is_personal_key(key):
            raise SessionError(
                "Audit entry refused",
                f'The "{action}" entry has a detail called "{key}", which names '
                "personal data. The audit log holds ids, counts, rule and file "
                "names only.",
            )
        _check_value(action, key, value)
    return dict(details)


def _canonical(entry: Mapping[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    prev_hash: str,
    seq: int,
    at: str,
    operator: str | None,
    action: str,
    details: Mapping[str, Any],
) -> str:
    """Return the hex sha256 of the previous hash and the entry's canonical JSON."""
    body = _canonical(
        {
            "seq": seq,
            "at": at,
            "operator": operator,
            "action": action,
            "details": details,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def create(conn: sqlite3.Connection) -> None:
    """Create the audit table and its append-only triggers if missing."""
    conn.executescript(SCHEMA)


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """Return the (seq, hash) of the latest entry, or (0, GENESIS) when empty."""
    row = conn.execute(
        "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def append(
    conn: sqlite3.Connection,
    action: str,
    details: Mapping[str, Any],
    operator: str | None,
    at: str | None = None,
) -> int:
    """Append one entry inside the caller's transaction and return its seq.

    Raises SessionError when the details hold personal data."""
    clean = check_details(action, details)
    at = at or datetime.now(UTC).isoformat(timespec="milliseconds")
    last_seq, prev = head(conn)
    seq = last_seq + 1
    digest = entry_hash(prev, seq, at, operator, action, clean)
    conn.execute(
        "INSERT INTO audit (seq, at, operator, action, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, at, operator, action, _canonical(clean), prev, digest),
    )
    return seq


def entries(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Return every entry in order: seq, at, operator, action, details (a dict),
    prev_hash and hash."""
    rows = conn.execute(
        "SELECT seq, at, operator, action, details, prev_hash, hash FROM audit"
        " ORDER BY seq"
    )
    return [
        {
            "seq": seq,
            "at": at,
            "operator": operator,
            "action": action,
            "details": json.loads(details),
            "prev_hash": prev_hash,
            "hash": digest,
        }
        for seq, at, operator, action, details, prev_hash, digest in rows
    ]


def verify_chain(conn: sqlite3.Connection) -> int | None:
    """Return the seq of the first entry that breaks the chain, or None if whole."""
    prev = GENESIS
    expected_seq = 1
    rows = conn.execute(
        "SELECT seq, at, operator, action, details, prev_hash, hash FROM audit"
        " ORDER BY seq"
    )
    for seq, at, operator, action, details, prev_hash, digest in rows:
        try:
            parsed = json.loads(details)
        except (TypeError, ValueError):
            return int(seq)
        recomputed = entry_hash(prev, seq, at, operator, action, parsed)
        if seq != expected_seq or prev_hash != prev or digest != recomputed:
            return int(seq)
        prev = digest
        expected_seq += 1
    return None
