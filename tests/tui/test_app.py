"""The wizard's wiring: the step bar, the gate, going back, resuming, help, quit."""

from __future__ import annotations

from textual.widgets import Checkbox

from casetui.session.store import Session
from casetui.tui.app import CasetuiApp
from casetui.tui.checklist import ChecklistScreen
from casetui.tui.files import FilesScreen
from casetui.tui.suppression import SuppressionScreen
from casetui.tui.widgets import HelpScreen, StepBar
from casetui.workflow import Conversion
from tests.tui.conftest import attest_all, load_both, make_app, settle


def step_bar(app: CasetuiApp) -> str:
    return app.screen.query_one(StepBar).render().plain


async def test_new_session_opens_on_the_checklist_with_the_step_bar(conversion):
    app = make_app(conversion)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert step_bar(app).startswith("> 1 Checklist  [ ] 2 Files")


async def test_later_steps_are_refused_until_earlier_ones_are_done(conversion):
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for key in ("f3", "f4", "f5", "f6"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ChecklistScreen)
        titles = [n.title for n in app._notifications]
        assert "Files is not available yet" in titles
        assert "Export is not available yet" in titles


async def test_going_back_to_an_earlier_step_and_forward_again(conversion):
    attest_all(conversion)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FilesScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert step_bar(app).startswith("> 1 Checklist  [ ] 2 Files")
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, FilesScreen)
        assert step_bar(app).startswith("[x] 1 Checklist  > 2 Files")


async def test_resume_opens_the_session_where_it_was_left(
    conversion, casework_csv, voter_csv
):
    attest_all(conversion)
    load_both(conversion, casework_csv, voter_csv)
    session_id = conversion.session.id
    conversion.session.close()

    resumed = Conversion(Session.open(session_id))
    app = make_app(resumed)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SuppressionScreen)
        assert step_bar(app).startswith("[x] 1 Checklist  [x] 2 Files  > 3 Supp")
        # The files screen shows what the session recorded.
        await pilot.press("f3")
        await settle(pilot)
        status = str(app.screen.query_one("#status-voter").render())
        assert status.startswith("[x] loaded voters.csv")


async def test_help_lists_the_screen_keys(conversion):
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("VerticalScroll Static").render())
        assert "Continue" in text and "Attest item" in text
        # The steps' own keys, not a text field's editing keys.
        assert "f5  Review" in text and "f6  Export" in text
        assert "Move cursor left" not in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChecklistScreen)


async def test_palette_offers_the_screen_keys_and_the_steps(conversion):
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        names = [command.title for command in app.get_system_commands(app.screen)]
        assert "Continue" in names
        assert "Go to step: Files" in names


async def test_quit_says_the_session_is_saved(conversion):
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert any("Session saved" in n.message for n in app._notifications)
    assert app.return_code == 0


def past_suppression(conversion, casework_csv, voter_csv):
    """`conversion` attested, both files loaded and suppression complete."""
    attest_all(conversion)
    load_both(conversion, casework_csv, voter_csv)
    conversion.run_suppression()
    conversion.complete_suppression()
    return conversion


def warnings(app: CasetuiApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_unticking_an_item_unticks_the_later_steps_in_the_bar(
    conversion, casework_csv, voter_csv
):
    app = make_app(past_suppression(conversion, casework_csv, voter_csv))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert step_bar(app).startswith("> 1 Checklist  [x] 2 Files  [x] 3 Supp")

        app.screen.query_one("#attest-opt_in_plan", Checkbox).focus()
        await pilot.press("space")
        await settle(pilot)
        assert step_bar(app).startswith("> 1 Checklist  [ ] 2 Files  [ ] 3 Supp")

        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ChecklistScreen)
        assert (
            "Finish the Checklist step first: opt_in_plan is not attested."
            in warnings(app)
        )


async def test_loading_a_new_file_unticks_suppression_in_the_bar(
    conversion, casework_csv, voter_csv
):
    app = make_app(past_suppression(conversion, casework_csv, voter_csv))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert step_bar(app).startswith("[x] 1 Checklist  > 2 Files  [x] 3 Supp")

        await pilot.press("ctrl+l")  # the casework file again
        await settle(pilot)
        assert step_bar(app).startswith("[x] 1 Checklist  > 2 Files  [ ] 3 Supp")
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, FilesScreen)
        assert (
            "Finish the Suppression step first: continue from it with ctrl+n (F4)."
            in warnings(app)
        )


async def test_a_refused_step_names_the_file_still_to_load(conversion, casework_csv):
    attest_all(conversion)
    conversion.load("casework", casework_csv)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert "Finish the Files step first: the voter file is not loaded." in (
            warnings(app)
        )


async def test_resume_opens_an_earlier_step_left_on_screen(
    conversion, casework_csv, voter_csv
):
    attest_all(conversion)
    load_both(conversion, casework_csv, voter_csv)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
    session_id = conversion.session.id
    conversion.session.close()

    resumed = Conversion(Session.open(session_id))
    app = make_app(resumed)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert step_bar(app).startswith("> 1 Checklist  [x] 2 Files  [ ] 3 Supp")
    resumed.session.close()


async def test_resume_never_opens_a_step_locked_since(
    conversion, casework_csv, voter_csv
):
    attest_all(conversion)
    load_both(conversion, casework_csv, voter_csv)
    conversion.session.set_shown_step("suppression")
    conversion.withdraw("opt_in_plan")  # from the command line, say
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
