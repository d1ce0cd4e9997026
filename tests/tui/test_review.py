"""The match review screen, driven by the keyboard over a session whose match
results are stored directly (so each test is fast and knows its pairs)."""

from __future__ import annotations

from textual.widgets import Button

from casetui.session.store import Session
from casetui.tui.export import ExportScreen
from casetui.tui.pairview import (
    DIFF_STYLE,
    CandidateList,
    PairTable,
    highlight_differences,
    mark,
)
from casetui.tui.review import ReviewScreen
from casetui.tui.review_dialogs import ReviewDialog, SearchDialog
from casetui.workflow import Conversion
from tests.tui.conftest import make_app, settle
from tests.tui.review_fixtures import stored, table_text, toasts


def case_line(app) -> str:
    return str(app.screen.query_one("#review-case").render())


def test_differing_characters_are_marked_and_agreement_ignores_case():
    left, right = highlight_differences("12 N Main St", "12 North Main Street")
    marked = "".join(
        right.plain[span.start : span.end]
        for span in right.spans
        if span.style == DIFF_STYLE
    )
    assert marked == "orth" + "reet"
    assert not any(
        span.style == DIFF_STYLE
        for span in left.spans
        if left.plain[span.start : span.end].strip() == "12"
    )
    assert mark("city", "Boston", "BOSTON") == "="
    assert mark("phone", "(617) 555-0101", "6175550101") == "="
    assert mark("first_name", "Bill", "William") == "≠"
    assert mark("zip4", "", "1234") == "·"


async def test_opens_on_the_first_pair_side_by_side(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.case_id == "C-1"
        text = table_text(app)
        assert "≈ First   Bill" in text and "William" in text
        assert "= City" in text
        assert "+7.0" in text and "-1.2" in text
        candidates = screen.query_one(CandidateList).render().plain
        assert "> 1  0.70  V-1" in candidates and "[nickname]" in candidates
        assert "2  0.40  V-2" in candidates
        summary = str(screen.query_one("#review-summary").render())
        assert "Auto-accepted 1" in summary and "to review 4" in summary


async def test_accept_is_committed_and_the_next_pair_shows(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert app.screen.case_id == "C-2"
        assert stored(matched)["C-1"] == ("V-1", "accepted")
        assert "Decided 1 of 4" in str(
            app.screen.query_one("#review-progress").render()
        )


async def test_number_key_compares_another_voter_and_accepts_it(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        assert "Voter V-2" in table_text(app)
        await pilot.press("a")
    assert stored(matched)["C-1"] == ("V-2", "accepted")


async def test_reject_undo_and_redo_walk_back_to_the_case(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        assert app.screen.case_id == "C-2"
        assert stored(matched)["C-1"] == (None, "rejected")

        await pilot.press("u")
        assert app.screen.case_id == "C-1"
        assert "C-1" not in stored(matched)
        assert "undecided" in str(app.screen.query_one("#review-case").render())

        await pilot.press("U")
        assert stored(matched)["C-1"] == (None, "rejected")
        await pilot.press("u", "ctrl+y")
        assert stored(matched)["C-1"] == (None, "rejected")


async def test_repeating_a_decision_moves_on_and_one_undo_takes_it_back(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r", "p")
        assert app.screen.case_id == "C-1"
        await pilot.press("r")
        assert app.screen.case_id == "C-2"

        await pilot.press("u")
        assert app.screen.case_id == "C-1"
        assert "C-1" not in stored(matched)
        assert "undecided" in str(app.screen.query_one("#review-case").render())


async def test_accepting_a_claimed_voter_asks_which_case_keeps_it(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n", "n")
        assert app.screen.case_id == "C-3"
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ReviewDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert "C-3" not in stored(matched)

        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one("#answer-this", Button).has_focus
        await pilot.press("enter")
        await pilot.pause()
    decisions = stored(matched)
    assert decisions["C-3"] == ("V-9", "accepted")
    assert "C-9" not in decisions  # set back to undecided


async def test_one_undo_takes_back_which_case_keeps_the_voter(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n", "n", "a")
        await pilot.pause()
        await pilot.press("1")  # C-3 keeps V-9; C-9 loses it
        await pilot.pause()
        assert stored(matched) == {"C-3": ("V-9", "accepted")}
        await pilot.press("slash", "C", "minus", "9", "enter")
        await pilot.pause()
        assert app.screen.case_id == "C-9"
        assert "[undecided]" in case_line(app)

        await pilot.press("u")
        assert stored(matched) == {"C-9": ("V-9", "accepted")}
        assert app.screen.case_id == "C-3"
        assert "[undecided]" in case_line(app)
        assert (
            "Undid case C-3 keeping voter V-9: case C-9 has voter V-9 again."
            in await toasts(pilot)
        )
        await pilot.press("slash", "C", "minus", "9", "enter")
        await pilot.pause()
        assert "[accepted: auto]" in case_line(app)

        await pilot.press("U")
        assert stored(matched) == {"C-3": ("V-9", "accepted")}
        await pilot.press("u")
        assert stored(matched) == {"C-9": ("V-9", "accepted")}


async def test_search_and_navigation_keys(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        assert app.screen.case_id == "C-4"
        assert (
            "No candidate voters" in app.screen.query_one(CandidateList).render().plain
        )
        await pilot.press("g")
        assert app.screen.case_id == "C-1"

        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog)
        await pilot.press("C", "minus", "9", "enter")
        await pilot.pause()
        assert app.screen.case_id == "C-9"
        assert "[accepted: auto]" in str(app.screen.query_one("#review-case").render())

        await pilot.press("g", "a", "G", "space")
        assert app.screen.case_id == "C-2"


async def test_quitting_mid_review_reopens_at_the_same_pair(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a", "n")
        assert app.screen.case_id == "C-3"
        await pilot.press("ctrl+q")
    matched.session.close()

    again = Conversion(Session.open(matched.session.id))
    app = make_app(again)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.case_id == "C-3"
        assert "Decided 1 of 4" in str(
            app.screen.query_one("#review-progress").render()
        )


async def test_continuing_with_undecided_cases_asks_first(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ReviewDialog)
        assert "4 review case(s)" in str(app.screen.query_one(".question").render())
        await pilot.press("escape")
        await pilot.pause()
        assert "match" not in matched.session.completed_steps()

        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
    assert "match" in matched.session.completed_steps()


def test_review_snapshot_80x24(snap_compare, matched):
    assert snap_compare(make_app(matched), terminal_size=(80, 24), run_before=settle)


def test_review_snapshot_120x40(snap_compare, matched):
    assert snap_compare(make_app(matched), terminal_size=(120, 40), run_before=settle)


def test_a_link_carries_the_score_of_the_candidate_accepted(matched):
    matched.decide("C-1", "V-2", "accepted")
    links = {row["case_id"]: row for row in matched.links().iter_rows(named=True)}
    assert links["C-1"]["voter_id"] == "V-2"
    assert links["C-1"]["score"] == 0.40
    assert links["C-9"]["score"] == 0.99


def test_a_field_blank_on_both_sides_with_no_evidence_is_left_out():
    from casetui.review_queue import Candidate

    table = PairTable()
    voter = {"voter_id": "V-1", "first_name": "Ann", "last_name": "Lee"}
    evidence = {"first": 5.0, "suffix": 0.0, "phone": 0.0, "last": 6.0}
    table.show(
        {"first_name": "Ann", "last_name": "Lee"}, Candidate(voter, 0.9, evidence, [])
    )
    labels = [row[1] for row in table.rows()]
    assert labels == ["First", "Last"]


def test_a_unit_written_in_the_street_line_is_shown_in_the_unit_row():
    from casetui.review_queue import Candidate

    table = PairTable()
    voter = {"voter_id": "V-1", "street": "160 Cedar St", "unit": "Apt 101"}
    table.show(
        {"street": "160 Cedar Street Apt. 101"},
        Candidate(voter, 0.9, {"address": 9.5, "unit": 2.4}, []),
    )
    unit = next(row for row in table.rows() if row[1] == "Unit")
    assert unit[:4] == ("=", "Unit", "Apt. 101 (in street)", "Apt 101")
