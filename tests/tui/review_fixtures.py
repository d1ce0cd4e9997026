"""The review tests' session: match results stored directly, so each test is fast
and knows its pairs. Four cases to review (C-1 to C-4), C-9 auto-accepted, and
helpers that read the screen and the store as an operator would see them."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from textual.widgets._toast import Toast

from casetui.pipeline.suppress import HIT_SCHEMA
from casetui.session.store import Session
from casetui.tui.pairview import PairTable
from casetui.workflow import Conversion

TEXT = pl.Utf8
CASES = pl.DataFrame(
    {
        "case_id": ["C-1", "C-2", "C-3", "C-4", "C-9"],
        "first_name": ["Bill", "Ann", "Cal", "Dee", "Cal"],
        "last_name": ["Smith", "Lee", "Park", "Ng", "Park"],
        "street": ["12 N Main St", "3 Oak Ave", "4 Pine St", "9 Elm St", "4 Pine St"],
        "city": ["Boston"] * 5,
        "zip5": ["02108"] * 5,
        "phone": ["(617) 555-0101", None, None, None, None],
    }
)
VOTERS = pl.DataFrame(
    {
        "voter_id": ["V-1", "V-2", "V-3", "V-9"],
        "first_name": ["William", "Willa", "Ann", "Cal"],
        "last_name": ["Smith", "Smith", "Leigh", "Park"],
        "street": ["12 North Main Street", "12 N Main St", "3 Oak Ave", "4 Pine St"],
        "city": ["BOSTON"] * 4,
        "zip5": ["02108"] * 4,
        "phone": ["6175550101", None, None, None],
    }
)
EVIDENCE = ("ev_first", "ev_last", "ev_street", "ev_zip", "ev_phone")
CANDIDATES = pl.DataFrame(
    [
        ("C-1", "V-1", 0.70, 1, 2.5, 6.0, -1.2, 3.1, 7.0, "nickname"),
        ("C-1", "V-2", 0.40, 2, -3.0, 6.0, 4.0, 3.1, None, "household"),
        ("C-2", "V-3", 0.60, 1, 5.0, -2.0, 4.0, 3.1, None, "surname_changed"),
        ("C-3", "V-9", 0.50, 1, 5.0, 6.0, 4.0, 3.1, None, "claimed"),
        ("C-9", "V-9", 0.99, 1, 5.0, 6.0, 4.0, 3.1, None, ""),
    ],
    schema={"case_id": TEXT, "voter_id": TEXT, "score": pl.Float64, "rank": pl.Int64}
    | {name: pl.Float64 for name in EVIDENCE}
    | {"reasons": TEXT},
    orient="row",
)
ASSIGNMENT = pl.DataFrame(
    [
        ("C-1", "V-1", 0.70, "review", "nickname"),
        ("C-2", "V-3", 0.60, "review", "surname_changed"),
        ("C-3", None, 0.50, "review", "claimed"),
        ("C-4", None, 0.30, "review", ""),
        ("C-9", "V-9", 0.99, "accept", ""),
    ],
    schema={
        "case_id": TEXT,
        "voter_id": TEXT,
        "score": pl.Float64,
        "band": TEXT,
        "reasons": TEXT,
    },
    orient="row",
)


def at_review(
    cases: pl.DataFrame = CASES,
    voters: pl.DataFrame = VOTERS,
    candidates: pl.DataFrame = CANDIDATES,
    assignment: pl.DataFrame = ASSIGNMENT,
) -> Conversion:
    """A session at the review step with these match results stored."""
    session = Session.create("review-test")
    session.set_operator("Test Operator")
    for step in ("checklist", "files", "suppression"):
        session.complete_step(step)
    frames = {
        "cases": cases,
        "voters": voters,
        "candidates": candidates,
        "assignment": assignment,
        "hits": pl.DataFrame(schema=HIT_SCHEMA),
    }
    for name, frame in frames.items():
        session.write_frame(name, frame)
    session.decide_many([("C-9", "V-9", "accepted")], by="auto")
    return Conversion(session)


@pytest.fixture
def matched(casetui_home: Path) -> Conversion:
    """A session at the review step: four cases to review, C-9 auto-accepted."""
    return at_review()


def table_text(app) -> str:
    return app.screen.query_one(PairTable).render().plain


def stored(conversion: Conversion) -> dict[str, tuple[str | None, str]]:
    """The decisions as a new process would read them from disk."""
    with Session.open(conversion.session.id) as again:
        return {c: (d.voter_id, d.decision) for c, d in again.decisions().items()}


async def toasts(pilot) -> list[str]:
    """The notifications on screen, as the operator reads them (each title and
    message on one line); the app must run with `notifications=True`."""
    await pilot.pause()
    await pilot.pause()  # the toast rack mounts new toasts after a refresh
    return [
        toast.render().plain.replace("\n", " ")
        for toast in pilot.app.screen.query(Toast)
    ]
