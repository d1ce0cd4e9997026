"""The export screen: targets, folder, the files written, and re-export after
revisiting the review."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from textual.widgets import Checkbox, Input, Static

from casetui.paths import exports_dir
from casetui.pipeline.export import TARGETS
from casetui.session.store import Session
from casetui.tui.export import ExportScreen
from casetui.tui.review import ReviewScreen
from casetui.workflow import Conversion
from tests.tui.conftest import attest_all, load_both, make_app, screen_text, settle


@pytest.fixture
def at_export(conversion, casework_csv, voter_csv, tmp_path, monkeypatch):
    """A session whose match step is complete; the working folder is tmp_path."""
    monkeypatch.chdir(tmp_path)
    attest_all(conversion)
    load_both(conversion, casework_csv, voter_csv)
    conversion.run_suppression()
    conversion.complete_suppression()
    conversion.run_match()
    conversion.complete_match()
    return conversion


def keys(text: str) -> list[str]:
    return [{"-": "minus", " ": "space"}.get(ch, ch) for ch in text]


def exported_case_ids(folder: Path) -> set[str]:
    """Every case id in the CSV files written to `folder`."""
    ids: set[str] = set()
    for path in folder.glob("*.csv"):
        frame = pl.read_csv(path, infer_schema=False)
        if "case_id" in frame.columns:
            ids |= set(frame["case_id"].drop_nulls())
    return ids


async def test_export_writes_every_target_and_lists_the_files(at_export, tmp_path):
    app = make_app(at_export)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        folder = app.screen.query_one("#export-folder", Input).value
        # Outside the folder casetui was started in, which may be a checkout.
        assert folder == str(exports_dir() / at_export.session.id)
        assert Path(folder).is_absolute()
        counts = str(app.screen.query_one("#export-result", Static).render())
        assert "Cases suppressed" in counts

        await pilot.press("ctrl+r")
        await settle(pilot)
        result = str(app.screen.query_one("#export-result", Static).render())
    written = list(Path(folder).iterdir())
    assert written
    assert Path(folder).stat().st_mode & 0o077 == 0
    assert Path(folder).parent.stat().st_mode & 0o077 == 0
    for path in written:
        assert path.name in result
    assert "rows" in result


async def test_nothing_is_written_without_a_target(at_export, tmp_path):
    app = make_app(at_export)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for name in TARGETS:
            box = app.screen.query_one(f"#target-{name}", Checkbox)
            if box.value:
                box.focus()
                await pilot.press("space")
        await pilot.press("ctrl+r")
        await settle(pilot)
    assert not (exports_dir() / at_export.session.id).exists()


async def decide_in_review(pilot, case_id: str, key: str) -> None:
    """From the export screen: back to review, decide `case_id`, export again."""
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewScreen)
    await pilot.press("slash", *keys(case_id), "enter")
    await pilot.pause()
    await pilot.press(key, "e")
    await settle(pilot)
    if not isinstance(pilot.app.screen, ExportScreen):  # undecided cases: confirm
        await pilot.press("enter")
        await settle(pilot)
    assert isinstance(pilot.app.screen, ExportScreen)
    await pilot.press("ctrl+r")
    await settle(pilot)


async def test_revisiting_the_review_changes_the_next_export(
    at_export: Conversion, tmp_path
):
    case_id = at_export.review_queue()[0]
    app = make_app(at_export)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        folder = tmp_path / app.screen.query_one("#export-folder", Input).value

        await decide_in_review(pilot, case_id, "a")
        assert case_id in exported_case_ids(folder)

        await decide_in_review(pilot, case_id, "r")
        assert case_id not in exported_case_ids(folder)


def test_exporting_fewer_targets_removes_the_earlier_files(
    at_export: Conversion, tmp_path
):
    folder = tmp_path / "exports"
    at_export.export(folder, list(TARGETS))
    assert (folder / "ngpvan-activist-codes.csv").exists()
    at_export.export(folder, ["csv"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "linked-cases.csv",
        "manifest.json",
        "summary.md",
    ]


async def test_an_unticked_target_reads_as_unticked_without_colour(at_export):
    app = make_app(at_export)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#target-ngpvan", Checkbox)
        assert "X" in box.render().plain
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert "X" not in box.render().plain


async def test_a_resumed_session_offers_the_last_exports_choices(
    at_export: Conversion, tmp_path
):
    folder = tmp_path / "mine"
    at_export.export(folder, ["ngpvan", "csv"])
    app = make_app(at_export)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.targets() == ["ngpvan", "csv"]
        assert app.screen.query_one("#export-folder", Input).value == str(folder)


async def test_the_step_bar_says_the_review_has_cases_left(at_export: Conversion):
    assert at_export.pending()
    app = make_app(at_export)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        bar = str(app.screen.query_one("#step-bar").render())
        assert "[~] 4 Review" in bar
        assert "[x] 3 Suppression" in bar


async def test_the_export_screen_warns_about_van_contact_history_and_picks_columns(
    at_export: Conversion, tmp_path
):
    app = make_app(at_export)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        warning = str(app.screen.query_one("#van-warning", Static).render())
        assert "contact history" in warning
        box = app.screen.query_one("#van-DateCanvassed", Checkbox)
        box.focus()
        await pilot.press("space")
        folder = app.screen.query_one("#export-folder", Input).value
        await pilot.press("ctrl+r")
        await settle(pilot)
    header = (Path(folder) / "ngpvan-activist-codes.csv").read_text().splitlines()[0]
    assert header == "VANID,ActivistCode"


async def test_export_is_refused_on_screen_after_a_withdrawal(at_export: Conversion):
    at_export.session.withdraw_attestation("opt_in_plan")  # the gate, not the steps
    app = make_app(at_export)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "opt_in_plan" in app.screen.query_one("#error-text").text
    assert not (exports_dir() / at_export.session.id).exists()


async def test_at_80x24_the_results_are_reached_by_keyboard(at_export: Conversion):
    app = make_app(at_export)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Cases left undecided" not in screen_text(app)  # below the fold
        await pilot.press("pagedown")
        await pilot.pause()
        assert "Cases left undecided" in screen_text(app)
        await pilot.press("pageup")
        await pilot.pause()

        await pilot.press("ctrl+r")
        await settle(pilot)
        shown = screen_text(app)
        assert "Files written to" in shown
        assert "Cases left undecided" in shown
        assert "likely stale addresses" in shown
        await pilot.press("home")  # the form is one scroll away, by keyboard too
        await pilot.pause()
        assert "Export to (space toggles)" in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert "likely stale addresses" in screen_text(app)


async def test_resuming_opens_the_review_revisited_from_export(at_export: Conversion):
    case_id = at_export.review_queue()[0]
    app = make_app(at_export)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("slash", *keys(case_id), "enter")
        await pilot.pause()
        await pilot.press("a")
        await settle(pilot)
    # Gone without quitting, as when the terminal is killed.
    session_id = at_export.session.id
    at_export.session.close()

    resumed = Conversion(Session.open(session_id))
    app = make_app(resumed)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        bar = str(app.screen.query_one("#step-bar").render())
        assert "> 4 Review" in bar
    resumed.session.close()
