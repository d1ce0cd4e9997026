"""The review screen's other keys and states: skip, the second keys for moving,
filters, bulk accept, warnings, undo after a restart, the footer at 80 columns,
and the notice when the terminal is too small."""

from __future__ import annotations

import polars as pl
import pytest
from textual.widgets import Button, Input, OptionList

from casetui.session.store import Session
from casetui.tui.review import ReviewScreen
from casetui.tui.review_dialogs import BulkAcceptDialog, FilterDialog
from casetui.tui.widgets import HelpScreen, KeyFooter
from casetui.workflow import Conversion
from tests.tui.conftest import make_app, settle
from tests.tui.review_fixtures import (
    ASSIGNMENT,
    CANDIDATES,
    CASES,
    VOTERS,
    at_review,
    stored,
    toasts,
)


def line(app, name: str) -> str:
    return str(app.screen.query_one(f"#review-{name}").render())


async def test_skip_leaves_the_case_undecided_and_moves_on(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert app.screen.case_id == "C-2"
        assert "Decided 0 of 4" in line(app, "progress")
        await pilot.press("p")
        assert "[skipped: you]" in line(app, "case")
    assert stored(matched)["C-1"] == (None, "skipped")


async def test_arrows_home_end_and_their_second_keys_move(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        seen = []
        for key in ("down", "up", "end", "home", "ctrl+e", "ctrl+a"):
            await pilot.press(key)
            seen.append(app.screen.case_id)
    assert seen == ["C-2", "C-1", "C-4", "C-1", "C-4", "C-1"]


async def test_moving_past_either_end_says_where_the_other_end_is(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("G", "n")
        assert app.screen.case_id == "C-4"
        assert "Last case; g goes to the first." in await toasts(pilot)
        await pilot.press("g", "p")
        assert app.screen.case_id == "C-1"
        assert "First case; G goes to the last." in await toasts(pilot)


async def pick(pilot, option_id: str) -> None:
    await pilot.press("f")
    await pilot.pause()
    assert isinstance(pilot.app.screen, FilterDialog)
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(option_id)
    await pilot.press("enter")
    await pilot.pause()


async def test_a_filter_by_reason_walks_only_those_cases_until_cleared(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pick(pilot, "reason:surname_changed")
        assert app.screen.case_id == "C-2"
        assert "1 of 1 in [surname_changed]" in line(app, "case")
        await pilot.press("n", "G")
        assert app.screen.case_id == "C-2"

        await pilot.press("F")
        assert "2 of 4" in line(app, "case")
        await pilot.press("G")
        assert app.screen.case_id == "C-4"


async def test_filter_notes_show_the_reason_badges_as_written(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pick(pilot, "reason:nickname")
        assert "Filter 1 case(s): [nickname]." in await toasts(pilot)
        await pick(pilot, "state:undecided")
        assert "Filter 1 case(s): [nickname] · undecided." in await toasts(pilot)
        await pick(pilot, "band:0.40 to 0.60")
        assert "No review case is [nickname] · score 0.40 to 0.60 · undecided." in (
            await toasts(pilot)
        )


async def test_a_score_band_and_a_state_filter_combine(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pick(pilot, "band:0.60 to 0.80")
        assert "1 of 2 in score 0.60 to 0.80" in line(app, "case")
        await pilot.press("r")  # C-1 rejected; C-2 shows
        await pick(pilot, "state:undecided")
        assert app.screen.case_id == "C-2"
        assert "1 of 1 in score 0.60 to 0.80 · undecided" in line(app, "case")


async def open_bulk_accept(app, pilot) -> BulkAcceptDialog:
    await pilot.press("A")
    await pilot.pause()
    assert isinstance(app.screen, BulkAcceptDialog)
    return app.screen


async def test_bulk_accept_counts_asks_and_one_undo_takes_it_all_back(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        dialog = await open_bulk_accept(app, pilot)
        assert "accepts 0 case(s)" in str(dialog.query_one("#bulk-count").render())
        dialog.query_one(Input).value = "0.55"
        await pilot.pause()
        assert "accepts 2 case(s)" in str(dialog.query_one("#bulk-count").render())
        assert "C-1" not in stored(matched)
        await pilot.press("enter")  # in the score field: confirms
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert stored(matched)["C-1"] == ("V-1", "accepted")
        assert stored(matched)["C-2"] == ("V-3", "accepted")
        assert "Decided 2 of 4" in line(app, "progress")
        bulk = [
            e for e in matched.session.audit_entries() if e["action"] == "decided_many"
        ][-1]
        assert bulk["details"]["accepted"] == 2
        assert bulk["details"]["min_score"] == 0.55

        await pilot.press("u")
        assert "C-1" not in stored(matched) and "C-2" not in stored(matched)
        assert "Decided 0 of 4" in line(app, "progress")


async def test_bulk_accept_with_no_valid_score_offers_nothing_to_accept(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        dialog = await open_bulk_accept(app, pilot)
        dialog.query_one(Input).value = "0.55"
        await pilot.pause()
        button = dialog.query_one("#bulk-go", Button)
        assert str(button.label) == "Accept 2 case(s)" and not button.disabled

        dialog.query_one(Input).value = ""
        await pilot.press("a", "b", "c")
        assert "between 0 and 1" in str(dialog.query_one("#bulk-count").render())
        assert str(button.label) == "Nothing to accept" and button.disabled
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
    assert "C-1" not in stored(matched)


async def test_undo_after_a_restart_takes_back_the_last_decision(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a", "r")
        await pilot.press("ctrl+q")
    matched.session.close()

    again = Conversion(Session.open(matched.session.id))
    app = make_app(again)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        assert app.screen.case_id == "C-2"
        assert "[undecided]" in line(app, "case")
        assert "Decided 1 of 4" in line(app, "progress")
    assert stored(again) == {"C-1": ("V-1", "accepted"), "C-9": ("V-9", "accepted")}


async def test_a_voter_accepted_elsewhere_is_a_warning_before_accepting(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n", "n")
        assert app.screen.case_id == "C-3"
        assert "! Voter already accepted for case C-9" in line(app, "warnings")
        await pilot.press("a", "3", "p")  # both keep it: the same person
        await settle(pilot)
        assert app.screen.case_id == "C-3"
        assert "! Voter also accepted for case C-9: the same person" in line(
            app, "warnings"
        )


@pytest.fixture
def household(casetui_home) -> Conversion:
    """Case H-1 has a Jr, his father and his mother (same initial) at one home."""
    cases = pl.concat(
        [CASES, pl.DataFrame({"case_id": ["H-1"], "first_name": ["Chase"],
         "last_name": ["Hampton"], "street": ["5 Oak St"], "zip5": ["02155"]})],
        how="diagonal",
    )  # fmt: skip
    people = {
        "voter_id": ["VH-1", "VH-2", "VH-3"],
        "first_name": ["Chase", "Chase", "Chloe"],
        "last_name": ["Hampton"] * 3,
        "name_suffix": ["Jr", None, None],
        "birth_year": ["1998", "1968", "1970"],
        "street": ["5 Oak Street", "5 Oak St", "5 Oak St"],
        "zip5": ["02155"] * 3,
    }
    voters = pl.concat([VOTERS, pl.DataFrame(people)], how="diagonal")
    pairs = pl.DataFrame(
        {
            "case_id": ["H-1"] * 3,
            "voter_id": ["VH-1", "VH-2", "VH-3"],
            "score": [0.95, 0.94, 0.10],
            "rank": [1, 2, 3],
            "reasons": ["household", "household", ""],
        }
    )
    candidates = pl.concat([CANDIDATES, pairs], how="diagonal")
    assignment = pl.concat(
        [ASSIGNMENT, pl.DataFrame({"case_id": ["H-1"], "voter_id": ["VH-1"],
         "score": [0.95], "band": ["review"], "reasons": ["household"]})],
        how="diagonal",
    )  # fmt: skip
    return at_review(cases, voters, candidates, assignment)


async def test_a_jr_sr_and_a_same_initial_at_one_home_are_warned_of(household):
    app = make_app(household)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.case_id == "H-1"  # the highest score comes first
        warnings = line(app, "warnings")
        assert "! Jr/Sr: candidate 2 has this name at this address" in warnings
        assert "! Same initial: candidate 3" in warnings
        await pilot.press("3")  # the mother: no Jr/Sr, but two with her initial
        warnings = line(app, "warnings")
        assert "Jr/Sr" not in warnings
        assert "! Same initial: candidate 1" in warnings


async def test_the_footer_shows_every_review_key_within_80_columns(matched):
    app = make_app(matched)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        shown = {
            key.description: key.region
            for row in footer.children
            for key in row.children
        }
        wanted = [
            b.description
            for b in ReviewScreen.BINDINGS
            if b.show  # type: ignore
        ]
        wanted.remove("Unfilter")  # shown only while a filter is set
        for description in [*wanted, "Quit", "Help", "palette"]:
            region = shown[description]
            assert region.right <= 80 and region.y < 24, description


async def test_the_help_lists_each_review_key_once_and_says_how_to_close(matched):
    app = make_app(matched)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = str(app.screen.query_one("VerticalScroll Static").render())
        rows = [row.split() for row in listed.splitlines() if row.strip()]
        assert sum("Redo" in row for row in rows) == 1
        assert "U, ctrl+y  Redo what was undone" in listed
        assert "1-5  Compare candidate 1-5 instead" in listed
        assert "g, home, ctrl+a  First case" in listed
        assert "Compare candidate 2" not in listed
        assert "Copy selected text" not in listed and "Focus Next" not in listed
        assert "Esc, F1, ? or q closes this help." in str(
            app.screen.query_one(".hint").render()
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_too_small_a_terminal_says_so_and_the_review_comes_back(matched):
    app = make_app(matched)
    async with app.run_test(size=(50, 15)) as pilot:
        await settle(pilot)
        notice = app.screen.query_one("#too-small")
        assert notice.display and "Terminal too small" in str(notice.render())
        assert not app.screen.query_one("#review-body").display
        await pilot.press("a")
        assert "C-1" not in stored(matched)

        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert not notice.display
        assert app.screen.query_one("#review-body").display
        await pilot.press("a")
    assert stored(matched)["C-1"] == ("V-1", "accepted")


def test_review_snapshot_80x24_no_color(snap_compare, matched, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(matched), terminal_size=(80, 24), run_before=settle)


def test_review_snapshot_120x40_no_color(snap_compare, matched, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(matched), terminal_size=(120, 40), run_before=settle)
