"""The readiness checklist screen, driven by the keyboard alone."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Static

from casetui.checklist import CHECKLIST
from casetui.tui.checklist import ChecklistScreen
from casetui.tui.files import FilesScreen
from tests.tui.conftest import (
    attest_by_keyboard,
    keys,
    make_app,
    screen_text,
    settle,
)


async def test_keyboard_walk_attests_every_item_and_moves_to_files(conversion):
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, ChecklistScreen)
        await attest_by_keyboard(pilot)
        await settle(pilot)

        assert isinstance(app.screen, FilesScreen)
    assert conversion.session.operator == "Pat Doe"
    assert "checklist" in conversion.session.completed_steps()
    assert set(conversion.session.attestations()) == {i.key for i in CHECKLIST}


async def test_blank_field_shows_the_error_next_to_the_item(conversion):
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*keys("Pat"), "enter")
        # Counsel's name and date left blank: tick the item straight away.
        app.screen.query_one("#attest-counsel_review", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause()

        error = app.screen.query_one("#error-counsel_review", Static)
        assert "Counsel's name" in str(error.render())
        assert not app.screen.query_one("#attest-counsel_review", Checkbox).value
    assert "counsel_review" not in conversion.session.attestations()


async def test_continue_is_refused_until_everything_is_attested(conversion):
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*keys("Pat"), "enter", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ChecklistScreen)
        assert "checklist" not in conversion.session.completed_steps()


async def test_resumed_session_shows_attested_items_as_done(conversion):
    conversion.session.set_operator("Pat")
    conversion.attest("vendor_account", {"vendor": "NGP VAN, campaign account"})
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#operator", Input).value == "Pat"
        assert screen.query_one("#attest-vendor_account", Checkbox).value
        assert screen.query_one("#item-vendor_account").has_class("-attested")
        field = screen.query_one("#field-vendor_account-vendor", Input)
        assert field.value == "NGP VAN, campaign account"
        assert not screen.query_one("#attest-opt_in_plan", Checkbox).value


def test_checklist_snapshot_80x24(conversion, snap_compare):
    assert snap_compare(make_app(conversion), terminal_size=(80, 24), run_before=settle)


def test_checklist_snapshot_120x40(conversion, snap_compare):
    assert snap_compare(
        make_app(conversion), terminal_size=(120, 40), run_before=settle
    )


async def test_unticking_withdraws_the_attestation_and_closes_the_gate(conversion):
    from tests.tui.conftest import attest_all

    attest_all(conversion)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#attest-opt_in_plan", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause()
        assert "opt_in_plan" not in conversion.session.attestations()
        assert "checklist" not in conversion.session.completed_steps()
        await pilot.press("f3")  # the files step is closed again
        await pilot.pause()
        assert isinstance(app.screen, ChecklistScreen)


async def test_editing_an_attested_field_withdraws_the_attestation(conversion):
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*keys("Pat Doe"), "enter")
        await pilot.press(*keys("Sam Counsel"), "tab", *keys("2026-11-30"), "tab")
        await pilot.press("space")
        await pilot.pause()
        assert "counsel_review" in conversion.session.attestations()

        counsel = app.screen.query_one("#field-counsel_review-counsel_name", Input)
        counsel.focus()
        await pilot.press("end", *keys(" Jr"))
        await pilot.pause()
        assert "counsel_review" not in conversion.session.attestations()
        box = app.screen.query_one("#attest-counsel_review", Checkbox)
        assert box.value is False


def test_a_review_date_must_be_a_date_and_not_ahead(conversion):
    import pytest

    from casetui.errors import GateError

    conversion.session.set_operator("Pat Doe")
    details = {"counsel_name": "Sam Counsel", "review_date": "next tuesday"}
    with pytest.raises(GateError, match="YYYY-MM-DD"):
        conversion.attest("counsel_review", details)
    with pytest.raises(GateError, match="future"):
        conversion.attest("counsel_review", {**details, "review_date": "2999-01-01"})
    conversion.attest("counsel_review", {**details, "review_date": "11/20/2026"})
    assert "counsel_review" in conversion.session.attestations()


async def test_the_hint_says_ctrl_n_once_every_item_is_attested(conversion):
    from tests.tui.conftest import attest_all

    attest_all(conversion)
    conversion.withdraw("campaign_resources")
    app = make_app(conversion)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hint = app.screen.query_one("#next-step", Static)
        assert str(hint.render()).startswith("5 of 6 items attested.")
        app.screen.query_one("#attest-campaign_resources", Checkbox).focus()
        await pilot.press("space")
        await settle(pilot)
        assert str(hint.render()) == (
            "Every item is attested: ctrl+n continues to the files."
        )
        assert "ctrl+n continues" in screen_text(app)  # on screen at 80x24


async def test_the_help_says_space_ticks_an_item(conversion):
    from casetui.tui.widgets import HelpScreen

    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("VerticalScroll Static").render())
        assert "space  Tick or untick the item's box: attest, or withdraw" in text
