"""The suppression screen: rules and hits, override with a reason, restore."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from casetui.pipeline.suppress import RULES
from casetui.tui.suppression import OverrideDialog, SuppressionScreen
from tests.conftest import SAMPLES
from tests.tui.conftest import attest_all, load_both, make_app, screen_text, settle


def totals(app) -> str:
    return str(app.screen.query_one("#totals", Static).render())


async def goto_rule(pilot, rule: str) -> None:
    """Move the rules table's cursor to `rule` with the arrow keys."""
    table = pilot.app.screen.query_one("#rules", DataTable)
    table.focus()
    order = [row.value for row in table.rows]
    while table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value != rule:
        await pilot.press("down" if order.index(rule) > table.cursor_row else "up")
    await pilot.pause()


async def test_rules_run_on_entry_and_show_their_hits(
    conversion, casework_csv, voter_csv
):
    attest_all(conversion)
    load_both(conversion, casework_csv, voter_csv)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SuppressionScreen)
        # The sample has one sensitive category (C-2) and one denied case (C-3).
        assert "Suppressed: 2" in totals(app)
        assert "Going on to matching: 2" in totals(app)
        await goto_rule(pilot, "negative_outcome")
        hits = app.screen.query_one("#hits", DataTable)
        assert hits.row_count == 1
        assert hits.get_row_at(0)[0].plain == "C-3"


async def test_override_needs_a_reason_then_restore(
    conversion, casework_csv, voter_csv
):
    attest_all(conversion)
    load_both(conversion, casework_csv, voter_csv)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await goto_rule(pilot, "negative_outcome")
        await pilot.press("enter", "o")
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        await pilot.press("enter")  # no reason yet: refused
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        await pilot.press(*"resolved", "enter")
        await settle(pilot)

        assert isinstance(app.screen, SuppressionScreen)
        assert conversion.session.overrides() == {
            ("C-3", "negative_outcome"): "resolved"
        }
        assert "Suppressed: 1" in totals(app)
        hits = app.screen.query_one("#hits", DataTable)
        assert hits.get_row_at(0)[1].plain == "[kept]"

        await pilot.press("r")
        await settle(pilot)
        assert conversion.session.overrides() == {}
        assert "Suppressed: 2" in totals(app)


async def test_continue_completes_the_step(conversion, casework_csv, voter_csv):
    attest_all(conversion)
    load_both(conversion, casework_csv, voter_csv)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "suppression" in conversion.session.completed_steps()
        assert app.showing == "match"


async def test_q_quits_where_no_text_field_has_focus(
    conversion, casework_csv, voter_csv
):
    attest_all(conversion)
    load_both(conversion, casework_csv, voter_csv)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_override_then_restore_act_on_the_same_highlighted_case(conversion):
    attest_all(conversion)
    load_both(conversion, SAMPLES / "casework_civicrm.csv", SAMPLES / "voters_l2.csv")
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await goto_rule(pilot, "negative_outcome")
        await pilot.press("enter", "down", "down")
        hits = app.screen.query_one("#hits", DataTable)
        chosen = app.screen.hit_ids[2]
        await pilot.press("o", *"resolved later", "enter")
        await settle(pilot)
        assert hits.cursor_row == 2
        assert hits.get_row_at(2)[1].plain == "[kept]"
        assert list(conversion.session.overrides()) == [(chosen, "negative_outcome")]

        await pilot.press("r")
        await settle(pilot)
        assert hits.cursor_row == 2
        assert conversion.session.overrides() == {}
        assert hits.get_row_at(2)[1].plain == ""


async def test_a_sensitive_category_cannot_be_overridden(
    conversion, casework_csv, voter_csv
):
    attest_all(conversion)
    load_both(conversion, casework_csv, voter_csv)
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await goto_rule(pilot, "sensitive_category")
        await pilot.press("enter", "o")
        await settle(pilot)
        assert isinstance(app.screen, SuppressionScreen)
        assert conversion.session.overrides() == {}
        assert "Suppressed: 2" in totals(app)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def goto_hit(pilot, case_id: str) -> None:
    """Move the hits table's cursor down to `case_id`."""
    hits = pilot.app.screen.query_one("#hits", DataTable)
    hits.focus()
    for _ in range(pilot.app.screen.hit_ids.index(case_id)):
        await pilot.press("down")
    await pilot.pause()


async def test_an_override_names_the_rule_that_still_holds_the_case(conversion):
    attest_all(conversion)
    load_both(conversion, SAMPLES / "casework_civicrm.csv", SAMPLES / "voters_l2.csv")
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = totals(app)
        # 10005 is a sensitive category with a negative outcome.
        await goto_rule(pilot, "negative_outcome")
        await goto_hit(pilot, "10005")
        await pilot.press("o")
        await pilot.pause()
        dialog = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "also held by sensitive_category, which no override lifts" in dialog
        await pilot.press(*"resolved", "enter")
        await settle(pilot)

        assert (
            "negative_outcome overridden for case 10005; still held by "
            "sensitive_category." in notes(app)
        )
        assert not any("goes on" in message for message in notes(app))
        hits = app.screen.query_one("#hits", DataTable)
        row = hits.get_row(str(10005))
        assert row[1].plain == "[overridden; held by sensitive_category]"
        assert totals(app) == before  # still suppressed


async def test_a_case_goes_on_once_every_rule_holding_it_is_overridden(conversion):
    attest_all(conversion)
    load_both(conversion, SAMPLES / "casework_civicrm.csv", SAMPLES / "voters_l2.csv")
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # 10006 has a negative outcome and is marked deceased.
        await goto_rule(pilot, "negative_outcome")
        await goto_hit(pilot, "10006")
        await pilot.press("o", *"checked", "enter")
        await settle(pilot)
        hits = app.screen.query_one("#hits", DataTable)
        assert hits.get_row("10006")[1].plain == "[overridden; held by deceased]"
        assert "10006" in conversion.suppressed()

        await goto_rule(pilot, "deceased")
        await goto_hit(pilot, "10006")
        await pilot.press("o", *"alive", "enter")
        await settle(pilot)
        assert "Case 10006 goes on despite deceased." in notes(app)
        assert hits.get_row("10006")[1].plain == "[kept]"
        await goto_rule(pilot, "negative_outcome")
        assert hits.get_row("10006")[1].plain == "[kept]"
        assert "10006" not in conversion.suppressed()


async def test_at_100_columns_the_rule_and_the_detail_of_its_hits_show_in_full(
    conversion,
):
    attest_all(conversion)
    load_both(conversion, SAMPLES / "casework_civicrm.csv", SAMPLES / "voters_l2.csv")
    app = make_app(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for rule, detail in (
            ("do_not_contact", "do-not-contact flag"),
            ("opt_out_list", None),
        ):
            await goto_rule(pilot, rule)
            shown = " ".join(screen_text(app).split())
            assert RULES[rule] in shown
            if detail:
                assert "Detail" in shown and detail in shown
