"""Names and notes that try to take over the screen: terminal escapes, Textual
markup, right-to-left overrides, null bytes, 10,000-character fields. The review
shows them as inert text; the session keeps them as read; and a full disk during
a decision is a notification, not a crash."""

from __future__ import annotations

import polars as pl
from textual.widgets import Input

from casetui.session import db
from casetui.tui.inert import inert
from casetui.tui.pairview import CandidateList, PairTable
from casetui.tui.review import ReviewScreen
from casetui.tui.widgets import ErrorDialog, plain
from tests.tui.conftest import make_app, settle
from tests.tui.review_fixtures import CASES, VOTERS, at_review, stored, toasts

ESCAPE = "\x1b[2J\x1b]0;owned\x07Eve"
MARKUP = "[@click=app.quit]Mallory[/] [bold]x[/bold] [link=http://x]y"
RTL = "Ali\u202ecod.exe"
HOSTILE_CASES = CASES.with_columns(
    pl.Series("first_name", [ESCAPE, MARKUP, RTL, "N\x00ull", "L" * 10_000]),
    pl.Series("last_name", ["[red]", "[/]", "[", "\x9b31m", "\u2066x\u2069"]),
)
HOSTILE_VOTERS = VOTERS.with_columns(
    pl.Series("first_name", [MARKUP, ESCAPE, "[b]Ann", RTL]),
)
FORBIDDEN = ("\x1b", "\x07", "\x00", "\x9b", "\u202e", "\u2066", "\u2069")


def test_inert_makes_controls_and_direction_changes_visible() -> None:
    assert inert("a\x1b[31mb") == "a\u241b[31mb"
    assert inert("N\x00ull") == "N\u2400ull"
    assert inert(RTL) == "Ali<U+202E>cod.exe"
    assert inert("[bold]Ann[/bold]") == "[bold]Ann[/bold]"  # markup is the Text's job
    assert len(inert("x" * 10_000)) == 501
    assert plain(MARKUP).plain == MARKUP  # a Text: never parsed as markup
    assert plain(None).plain == ""


async def test_hostile_names_are_shown_inertly_in_the_review() -> None:
    conversion = at_review(HOSTILE_CASES, HOSTILE_VOTERS)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = []
        for key in ("n", "n", "n", "n"):
            assert isinstance(app.screen, ReviewScreen)  # no click, no crash
            table = app.screen.query_one(PairTable).render().plain
            shown.append(table + app.screen.query_one(CandidateList).render().plain)
            await pilot.press(key)
            await settle(pilot)
        screenshot = app.export_screenshot()
    everything = "\n".join(shown)
    assert "[@click=app.quit]Mallory" in everything
    assert "\u241b[2J" in everything  # the escape is a visible mark
    assert "Ali<U+202E>cod.exe" in everything
    for char in FORBIDDEN:
        assert char not in everything, repr(char)
        assert char not in screenshot, repr(char)


async def test_hostile_values_are_stored_as_read() -> None:
    conversion = at_review(HOSTILE_CASES, HOSTILE_VOTERS)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
    cases = conversion.session.read_frame("cases")
    assert cases is not None
    assert cases["first_name"].to_list() == HOSTILE_CASES["first_name"].to_list()
    assert "C-1" in stored(conversion)


async def test_a_full_disk_during_review_is_a_notice_and_the_case_stays_undecided(
    monkeypatch,
) -> None:
    conversion = at_review()
    session = conversion.session

    def disk_full(*args: object, **kwargs: object) -> None:
        raise db.not_saved(session.id, "database or disk is full")

    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        case_id = app.screen.case_id
        monkeypatch.setattr(session, "decide", disk_full)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.error_title == "Disk full"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.case_id == case_id  # it did not move on as if decided
        assert "[undecided]" in str(app.screen.query_one("#review-case").render())
    assert case_id not in stored(conversion)


async def test_a_case_id_typed_with_markup_is_quoted_as_typed() -> None:
    app = make_app(at_review())
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        app.screen.query_one(Input).value = "[b]C-7"
        await pilot.press("enter")
        notes = await toasts(pilot)
    assert any("No matched case has id [b]C-7." in note for note in notes)
