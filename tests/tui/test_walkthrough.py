"""The whole wizard by keyboard alone, on the bundled sample files: attest, load
both files, complete suppression, decide a few pairs, export every target, and
check what the exported files hold."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from textual.widgets import Input

from casetui.paths import samples_dir
from casetui.pipeline.targets import DEFAULT_TARGETS, FILE_NAMES
from casetui.tui.checklist import ChecklistScreen
from casetui.tui.export import ExportScreen
from casetui.tui.files import FilesScreen
from casetui.tui.review import ReviewScreen
from casetui.tui.review_dialogs import ReviewDialog
from casetui.tui.suppression import SuppressionScreen
from casetui.workflow import Conversion
from tests.tui.conftest import attest_by_keyboard, keys, make_app, settle

CASEWORK = samples_dir() / "casework_civicrm.csv"
VOTERS = samples_dir() / "voters_l2.csv"

pytestmark = pytest.mark.skipif(
    not (CASEWORK.exists() and VOTERS.exists()), reason="sample files not bundled"
)


def read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


async def load_by_keyboard(pilot) -> None:
    for path in (CASEWORK, VOTERS):
        await pilot.press(*keys(str(path)), "enter")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)


async def test_five_steps_by_keyboard_then_check_the_exports(
    conversion: Conversion, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = make_app(conversion)
    decided: dict[str, str] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        await attest_by_keyboard(pilot)

        assert isinstance(app.screen, FilesScreen)
        await load_by_keyboard(pilot)

        assert isinstance(app.screen, SuppressionScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)

        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.ready and len(review.queue) >= 3
        for key, decision in (("a", "accepted"), ("r", "rejected"), ("a", "accepted")):
            decided[review.case_id] = decision
            await pilot.press(key)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ReviewDialog)  # the rest stay undecided
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, ExportScreen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        folder = tmp_path / app.screen.query_one("#export-folder", Input).value

    stored = conversion.session.decisions()
    assert {c: stored[c].decision for c in decided} == decided
    for name in DEFAULT_TARGETS:  # every one the screen ticks at first
        assert (folder / FILE_NAMES[name]).exists()

    ngpvan = read(folder / FILE_NAMES["ngpvan"])
    assert {"VANID", "ActivistCode"} <= set(ngpvan.columns)
    assert ngpvan.height > 0

    linked = read(folder / FILE_NAMES["csv"])
    suppressed = conversion.suppressed()
    assert suppressed
    assert not set(linked["case_id"]) & suppressed
    rejected = {c for c, d in decided.items() if d == "rejected"}
    assert not set(linked["case_id"]) & rejected
    assert {c for c, d in decided.items() if d == "accepted"} <= set(linked["case_id"])

    people = read(folder / FILE_NAMES["nationbuilder"])
    cases = conversion.frame("cases")
    opted_in = set(
        cases.filter(pl.col("email_opt_in").fill_null(False))["email"].drop_nulls()
    )
    emails = set(people["email"].drop_nulls()) - {""}
    assert emails <= opted_in
