"""Step 3: suppression review. Every rule's hits are listed; the operator may keep a
case in (an override, which needs a reason and is audited) or restore the rule."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, ProgressBar, Static
from textual.worker import Worker

from casetui.errors import CasetuiError, GateError
from casetui.pipeline.suppress import NOT_OVERRIDABLE
from casetui.tui.widgets import plain, report_worker_failure, show_error
from casetui.workflow import Conversion, RuleSummary

# Detail (why the rule hit) comes early so it shows on a narrow terminal; the
# selected rule's description is written in full under the rules table.
HIT_COLUMNS = ("Case", "Override", "Detail", "Name", "Category", "Status", "Outcome")
RULE_COLUMNS = ("Rule", "Hits", "Overridden")


class OverrideDialog(ModalScreen[str | None]):
    """Asks why a suppressed case should go on; returns the reason or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, case_id: str, rule: str, others: list[str]) -> None:
        super().__init__()
        self.case_id = case_id
        self.rule = rule
        self.others = others

    def compose(self) -> ComposeResult:
        with Vertical(id="override-dialog", classes="dialog"):
            yield Label(
                f"Keep case {self.case_id} despite rule {self.rule}",
                classes="dialog-title",
                markup=False,
            )
            if self.others:
                yield Static(self._also_held(), classes="why", markup=False)
            yield Static(
                "The reason is stored in the audit log with your name. "
                "Do not type personal details.",
                classes="hint",
            )
            yield Input(placeholder="Reason (required)", id="reason")
            yield Static("", id="reason-error", classes="item-error")
            yield Label("Enter confirms; Esc cancels.", classes="hint")

    def _also_held(self) -> str:
        held = ", ".join(self.others)
        if any(rule in NOT_OVERRIDABLE for rule in self.others):
            return (
                f"The case is also held by {held}, which no override lifts: it "
                "stays out of matching whatever you decide here."
            )
        return (
            f"The case is also held by {held}: it stays out of matching until "
            "that is overridden too."
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            error = self.query_one("#reason-error", Static)
            error.update("A reason is required to override a suppression rule.")
            error.add_class("-shown")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SuppressionScreen(Screen[None]):
    """Review each rule's hits, override or restore, then continue to matching."""

    BINDINGS = [
        Binding("o", "override", "Override"),
        Binding("r", "restore", "Restore"),
        Binding("ctrl+r", "rerun", "Run rules again"),
        Binding("ctrl+n", "continue", "Continue"),
    ]

    def __init__(self, conversion: Conversion) -> None:
        super().__init__()
        self.conversion = conversion
        self.rules: list[RuleSummary] = []
        self.rule: str | None = None
        self.hit_ids: list[str] = []
        self._places: dict[str, int] = {}  # each rule's highlighted hit

    def compose(self) -> ComposeResult:
        with Vertical(id="suppression"):
            yield Static("", id="totals", markup=False)
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield DataTable(id="rules", cursor_type="row")
            yield Label("", id="hits-title", classes="section-title", markup=False)
            yield Static("", id="rule-why", classes="why", markup=False)
            yield DataTable(id="hits", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        rules = self.query_one("#rules", DataTable)
        for label in RULE_COLUMNS:
            rules.add_column(label, key=label)
        hits = self.query_one("#hits", DataTable)
        for label in HIT_COLUMNS:
            hits.add_column(label, key=label)
        try:
            self.conversion.frame("hits")
        except GateError:
            self.action_rerun()
            return
        self.query_one("#progress").display = False
        self._refresh()
        rules.focus()

    # -- running the rules -------------------------------------------------------

    def action_rerun(self) -> None:
        self.query_one("#progress").display = True
        self.query_one("#totals", Static).update("Applying the suppression rules ...")
        self._run()

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        name="applying suppression rules",
    )
    def _run(self) -> None:
        self.conversion.run_suppression()
        self.app.call_from_thread(self._ran)

    def _ran(self) -> None:
        self.query_one("#progress").display = False
        self._refresh()
        self.query_one("#rules", DataTable).focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if report_worker_failure(self, event):
            self.query_one("#progress").display = False
            self.query_one("#totals", Static).update(
                "The suppression rules could not run; see the error."
            )

    # -- showing ---------------------------------------------------------------------

    def _refresh(self) -> None:
        """Redraw the totals, the rules table and the selected rule's hits."""
        self.rules = self.conversion.suppression_summary()
        suppressed = len(self.conversion.suppressed())
        cases = self.conversion.frame("cases").height
        self.query_one("#totals", Static).update(
            f"Cases: {cases:,}   Suppressed: {suppressed:,}   Going on to matching: "
            f"{cases - suppressed:,}"
        )
        table = self.query_one("#rules", DataTable)
        keys = [row.value for row in table.rows]
        if keys == [rule.rule for rule in self.rules]:
            # Same rules: update the counts in place, so the cursor stays put.
            for rule in self.rules:
                table.update_cell(rule.rule, "Hits", f"{rule.hits:,}")
                table.update_cell(rule.rule, "Overridden", f"{rule.overridden:,}")
        else:
            table.clear()
            for rule in self.rules:
                table.add_row(
                    plain(rule.rule),
                    f"{rule.hits:,}",
                    f"{rule.overridden:,}",
                    key=rule.rule,
                )
        if self.rules and self.rule is None:
            self._show_hits(self.rules[0].rule)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "rules" and event.row_key.value:
            if event.row_key.value != self.rule:
                self._show_hits(event.row_key.value)
        elif event.data_table.id == "hits" and self.rule is not None:
            self._places[self.rule] = event.cursor_row

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "rules":
            self.query_one("#hits", DataTable).focus()

    def _show_hits(self, rule: str) -> None:
        table = self.query_one("#hits", DataTable)
        self.rule = rule
        hits = self.conversion.rule_hits(rule)
        table.clear()
        self.hit_ids = []
        for hit in hits.iter_rows(named=True):
            name = " ".join(
                p for p in (hit.get("first_name"), hit.get("last_name")) if p
            )
            cells = (
                hit["case_id"],
                _badge(hit.get("override"), hit.get("held_by")),
                hit.get("detail"),
                name,
                hit.get("category"),
                hit.get("status"),
                hit.get("outcome"),
            )
            table.add_row(*(plain(cell) for cell in cells), key=hit["case_id"])
            self.hit_ids.append(hit["case_id"])
        if self.hit_ids:
            place = min(self._places.get(rule, 0), len(self.hit_ids) - 1)
            table.move_cursor(row=place)
        how = "o override, r restore" if rule not in NOT_OVERRIDABLE else "never kept"
        self.query_one("#hits-title", Label).update(
            f"Cases hit by {rule}: {len(self.hit_ids):,} ({how})"
        )
        described = {summary.rule: summary.description for summary in self.rules}
        self.query_one("#rule-why", Static).update(described.get(rule, ""))

    def _others_holding(self, case_id: str, rule: str) -> list[str]:
        """The rules besides `rule` that still keep the case out."""
        return [r for r in self.conversion.held_by(case_id) if r != rule]

    def _mark(self, case_id: str, rule: str, reason: str | None) -> None:
        """Show one hit's override state and the new totals, in place."""
        hits = self.query_one("#hits", DataTable)
        others = ", ".join(self._others_holding(case_id, rule)) or None
        badge = plain(_badge(reason, others))
        hits.update_cell(case_id, "Override", badge, update_width=True)
        self._refresh()

    def _selected_hit(self) -> str | None:
        table = self.query_one("#hits", DataTable)
        if self.rule is None or not self.hit_ids:
            self.notify("This rule hits no cases.", severity="warning")
            return None
        return self.hit_ids[table.cursor_row]

    # -- deciding --------------------------------------------------------------------

    def action_override(self) -> None:
        case_id, rule = self._selected_hit(), self.rule
        if case_id is None or rule is None:
            return
        if rule in NOT_OVERRIDABLE:
            self.notify(
                f"Rule {rule} cannot be overridden: such cases never leave the "
                "office. Change the codebook if the category is not sensitive.",
                title="Not overridable",
                severity="warning",
            )
            return

        def decided(reason: str | None) -> None:
            if reason is None:
                return
            try:
                self.conversion.override(case_id, rule, reason)
            except CasetuiError as err:
                show_error(self, err)
                return
            others = self._others_holding(case_id, rule)
            if others:
                # One override lifts one rule; saying "goes on" here would be false.
                self.notify(
                    f"{rule} overridden for case {case_id}; still held by "
                    f"{', '.join(others)}.",
                    title="Overridden, still suppressed",
                    severity="warning",
                )
            else:
                self.notify(
                    f"Case {case_id} goes on despite {rule}.", title="Overridden"
                )
            self._mark(case_id, rule, reason)

        others = self._others_holding(case_id, rule)
        self.app.push_screen(OverrideDialog(case_id, rule, others), decided)

    def action_restore(self) -> None:
        case_id, rule = self._selected_hit(), self.rule
        if case_id is None or rule is None:
            return
        try:
            self.conversion.restore(case_id, rule)
        except CasetuiError as err:
            show_error(self, err)
            return
        self.notify(f"Rule {rule} applies to case {case_id} again.", title="Restored")
        self._mark(case_id, rule, None)

    def action_continue(self) -> None:
        try:
            self.conversion.complete_suppression()
        except CasetuiError as err:
            show_error(self, err)
            return
        self.app.advance()  # type: ignore[attr-defined]


def _badge(reason: str | None, held_by: str | None) -> str:
    """The hit's override badge, text so it reads without colour: "[kept]" only
    when the case goes on; an override while another rule still holds the case
    names that rule."""
    if not reason:
        return ""
    return f"[overridden; held by {held_by}]" if held_by else "[kept]"
