"""Sync: a session that starts from an earlier one takes in only the cases new or
changed since that session's last export, and exports only links it had not.

The earlier session's cases and exported links are copied into the new session
when it starts, so the earlier one can be purged without breaking the new one.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from casetui.errors import GateError
from casetui.session.store import Session

PREVIOUS_CASES = "previous_cases"
EXPORTED_BEFORE = "exported_before"
EXPORTED_LINKS = "exported_links"


def last_export_at(session: Session) -> str | None:
    """When the session last wrote an export (ISO time), or None if never."""
    recorded = [e["at"] for e in session.exports()]
    audited = [
        e["at"] for e in session.audit_entries() if e["action"] == "export_written"
    ]
    found = recorded + audited
    return max(found) if found else None


def start_from(session: Session, previous_name: str) -> str:
    """Make `session` a sync of the earlier session: remember it, copy its cases
    and exported links, and return the earlier session's id.

    Raises SessionError when the earlier session cannot be opened and GateError
    when it has exported nothing yet (there is nothing to sync from)."""
    with Session.open(previous_name) as previous:
        if previous.id == session.id:
            raise GateError("Sync from itself", "Name an earlier session to sync from.")
        since = last_export_at(previous)
        if since is None:
            raise GateError(
                "Nothing to sync from",
                f"Session {previous.name} ({previous.id}) has not exported "
                "anything yet; finish and export it first, or start afresh.",
            )
        for source, target in (("cases", PREVIOUS_CASES),
                               (EXPORTED_LINKS, EXPORTED_BEFORE)):  # fmt: skip
            frame = previous.read_frame(source)
            if frame is not None:
                session.write_frame(target, frame)
        codebook = previous.setting("codebook")
        previous_id = previous.id
    session.set_setting("since_session", previous_id)
    session.set_setting("since_at", since)
    if codebook:
        session.set_setting("since_codebook", codebook)
    session.audit("sync_started", session=previous_id, since=since)
    return previous_id


def _fingerprint(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    return (
        frame.select(pl.col(c).cast(pl.Utf8) for c in columns)
        .hash_rows(seed=7)
        .alias("_fingerprint")
    )


def _as_date(column: str) -> pl.Expr:
    text = pl.col(column).cast(pl.Utf8).str.strip_chars()
    return pl.coalesce(
        text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
        text.str.extract(r"^(\d{1,2}/\d{1,2}/\d{4})").str.to_date(
            "%m/%d/%Y", strict=False
        ),
    )


def new_or_changed(
    cases: pl.DataFrame, previous: pl.DataFrame | None, since: date
) -> pl.DataFrame:
    """Return the cases to take in: with the earlier session's cases, those whose
    id is new or whose values differ; without them, those opened or closed on or
    after `since`."""
    if previous is not None and "case_id" in previous.columns:
        columns = sorted(set(cases.columns) & set(previous.columns))
        before = previous.select(
            pl.col("case_id").cast(pl.Utf8), _fingerprint(previous, columns)
        )
        now = cases.with_columns(_fingerprint(cases, columns))
        kept = now.join(
            before, on=["case_id", "_fingerprint"], how="anti", maintain_order="left"
        )
        return kept.drop("_fingerprint")
    dated = [_as_date(c) for c in ("opened", "closed") if c in cases.columns]
    if not dated:
        raise GateError(
            "Cannot tell what is new",
            "The casework has no opened or closed date and the earlier session's "
            "cases are gone; sync needs one or the other.",
        )
    latest = pl.max_horizontal(dated)
    return cases.filter((latest >= since).fill_null(True))
