"""The review queue without the screen: filters, decided counts, bulk accept
rows, pair views from unsorted frames, and the pace behind the time left."""

from __future__ import annotations

import polars as pl

from casetui.review_queue import PairSource, QueueFilter, ReviewQueue
from casetui.session.decisions import Decision
from casetui.tui import review_lines

ASSIGNMENT = pl.DataFrame(
    {
        "case_id": ["C-3", "C-1", "C-2", "C-4", "C-5"],
        "voter_id": ["V-3", "V-1", "V-1", None, "V-5"],
        "score": [0.50, 0.90, 0.85, 0.40, 0.99],
        "band": ["review", "review", "review", "review", "accept"],
        "reasons": ["moved", "nickname,moved", "", "claimed", ""],
    }
)


def decided(case_id: str, decision: str, voter: str | None = None) -> Decision:
    return Decision(1, case_id, voter, decision, "op", "now", False)


def test_the_queue_is_the_review_band_best_first_with_filters():
    queue = ReviewQueue(ASSIGNMENT, {})
    assert queue.ids == ["C-1", "C-2", "C-3", "C-4"]
    assert queue.select(QueueFilter(reason="moved")) == ["C-1", "C-3"]
    assert queue.select(QueueFilter(band="0.80 and up")) == ["C-1", "C-2"]
    both = QueueFilter(reason="moved", band="0.40 to 0.60")
    assert queue.select(both) == ["C-3"]
    assert both.describe() == "[moved] · score 0.40 to 0.60"


def test_decided_counts_follow_each_new_decision_and_undo():
    queue = ReviewQueue(ASSIGNMENT, {"C-1": decided("C-1", "rejected")})
    assert queue.decided == 1
    queue.record("C-2", decided("C-2", "skipped"))
    assert queue.decided == 1
    queue.record("C-2", decided("C-2", "accepted", "V-1"))
    queue.record("C-1", None)
    assert queue.decided == 1
    assert queue.select(QueueFilter(state="undecided")) == ["C-1", "C-3", "C-4"]


def test_bulk_rows_give_each_voter_once_and_count_those_left_out():
    queue = ReviewQueue(ASSIGNMENT, {"C-3": decided("C-3", "rejected")})
    rows, left_out = queue.bulk_rows(queue.ids, 0.0, claimed=set())
    # C-2's voter goes to C-1 first; C-3 is decided; C-4 has no voter.
    assert rows == [("C-1", "V-1", "accepted")]
    assert left_out == 2
    rows, _ = queue.bulk_rows(queue.ids, 0.0, claimed={"V-1"})
    assert rows == []


def test_pair_views_come_from_unsorted_frames():
    cases = pl.DataFrame({"case_id": ["C-2", "C-1"], "first_name": ["Bo", "Al"]})
    voters = pl.DataFrame({"voter_id": ["V-3", "V-1"], "first_name": ["Al", "Al"]})
    candidates = pl.DataFrame(
        {
            "case_id": ["C-1", "C-2", "C-1"],
            "voter_id": ["V-3", "V-1", "V-1"],
            "score": [0.2, 0.5, 0.9],
            "rank": [2, 1, 1],
            "ev_first": [1.0, -2.0, 3.0],
            "reasons": ["", "typo", "moved"],
        }
    )
    view = PairSource(cases, candidates, voters, ASSIGNMENT).view("C-1", None)
    assert view.case["first_name"] == "Al"
    assert [c.voter["voter_id"] for c in view.candidates] == ["V-1", "V-3"]
    assert view.candidates[0].evidence == {"first": 3.0}
    assert view.reasons == ["nickname", "moved"]


def test_time_left_comes_from_the_recent_pace(monkeypatch):
    clock = iter([0.0, 30.0, 60.0])
    monkeypatch.setattr(review_lines.time, "monotonic", lambda: next(clock))
    pace = review_lines.Pace()
    assert "pace shows" in review_lines.progress_line(0, 10, pace)
    for _ in range(3):
        pace.tick()
    text = review_lines.progress_line(3, 10, pace)
    assert text == "Decided 3 of 10 · 7 to go · 2.0 per min · about 4 min left"
    assert review_lines.progress_line(3, 10, pace, width=50) == (
        "3/10 decided · 7 to go · 2.0/min · ~4 min left"
    )
    assert review_lines.progress_line(3, 10, pace, width=30) == "3/10 decided · 7 to go"
