"""Step 1: the readiness checklist. The operator names themself, then attests each
item (with its fields) before any data is read."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Input, Label, Static

from casetui.checklist import CHECKLIST, ITEMS, ChecklistItem
from casetui.errors import CasetuiError
from casetui.paths import codebooks_dir
from casetui.tui.widgets import TickBox, show_error
from casetui.workflow import Conversion


def _shown_path(path: Path) -> str:
    """The path relative to the working directory when it lies under it (shorter
    to read, and what the operator would type), else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _field_id(key: str, field: str) -> str:
    return f"field-{key}-{field}"


class ChecklistScreen(Screen[None]):
    """Attest each readiness item; Continue once all are attested."""

    BINDINGS = [
        Binding("ctrl+t", "attest_focused", "Attest item"),
        Binding("ctrl+n", "continue", "Continue"),
    ]
    HELP_KEYS = (("space", "Tick or untick the item's box: attest, or withdraw"),)
    """Keys of the fields themselves, which the help lists besides the bindings."""

    def __init__(self, conversion: Conversion) -> None:
        super().__init__()
        self.conversion = conversion

    def compose(self) -> ComposeResult:
        session = self.conversion.session
        attested = session.attestations()
        with VerticalScroll(id="checklist") as scroll:
            # Tab goes straight to the fields; the focused field scrolls into view.
            scroll.can_focus = False
            yield Static(
                "Before any data is read, attest each item below. Fill in its "
                "fields, then tick it (space) or press ctrl+t.",
                classes="intro",
            )
            with Horizontal(classes="field-row"):
                yield Label("Your name", classes="field-label")
                yield Input(
                    session.operator or "",
                    placeholder="Operator name (recorded with each attestation)",
                    id="operator",
                    compact=True,
                )
            for number, item in enumerate(CHECKLIST, start=1):
                yield self._item(number, item, attested.get(item.key))
        yield Static("", id="next-step", classes="next-step", markup=False)
        yield Footer()

    def _item(
        self, number: int, item: ChecklistItem, details: dict[str, str] | None
    ) -> Vertical:
        done = details is not None
        widgets: list = [
            Label(f"{number}. {item.title}", classes="item-title"),
            Static(item.why, classes="why"),
        ]
        for field, label in item.fields:
            value = (details or {}).get(field, "")
            if not value and item.key == "codebook" and field == "path":
                value = _shown_path(codebooks_dir() / "default.toml")
            row = Horizontal(
                Label(label, classes="field-label"),
                Input(
                    value,
                    placeholder=label,
                    id=_field_id(item.key, field),
                    compact=True,
                ),
                classes="field-row",
            )
            widgets.append(row)
        label = "Attested" if done else "I attest this"
        widgets += [
            TickBox(label, done, id=f"attest-{item.key}", compact=True),
            Static("", id=f"error-{item.key}", classes="item-error"),
        ]
        box = Vertical(*widgets, id=f"item-{item.key}", classes="item")
        box.set_class(done, "-attested")
        return box

    def on_mount(self) -> None:
        self._show_next()
        self.query_one("#operator", Input).focus()

    def _show_next(self) -> None:
        """The line above the keys: what is left to do here, or how to go on."""
        missing = self.conversion.missing_attestations()
        if missing:
            done = len(CHECKLIST) - len(missing)
            text = (
                f"{done} of {len(CHECKLIST)} items attested. Tick each with space "
                "once its fields are filled in."
            )
        else:
            text = "Every item is attested: ctrl+n continues to the files."
        self.query_one("#next-step", Static).update(text)

    # -- attesting ---------------------------------------------------------------

    def _save_operator(self) -> bool:
        """Store the operator name if it changed; False (and focus) when blank."""
        name = self.query_one("#operator", Input).value.strip()
        if not name:
            self.notify(
                "Type your name first: it is recorded with every attestation.",
                title="Operator name",
                severity="warning",
            )
            self.query_one("#operator", Input).focus()
            return False
        if name != self.conversion.session.operator:
            self.conversion.session.set_operator(name)
        return True

    def attest(self, key: str) -> bool:
        """Attest one item from its fields; shows the error next to it on failure."""
        item = ITEMS[key]
        box = self.query_one(f"#item-{key}", Vertical)
        error = self.query_one(f"#error-{key}", Static)
        checkbox = self.query_one(f"#attest-{key}", Checkbox)
        if not self._save_operator():
            self._set_checkbox(checkbox, False)
            return False
        details = {
            field: self.query_one(f"#{_field_id(key, field)}", Input).value.strip()
            for field, _ in item.fields
        }
        try:
            self.conversion.attest(key, details)
        except CasetuiError as err:
            error.update(err.message)
            error.add_class("-shown")
            box.remove_class("-attested")
            self._set_checkbox(checkbox, False)
            return False
        error.update("")
        error.remove_class("-shown")
        box.add_class("-attested")
        self._set_checkbox(checkbox, True)
        checkbox.label = "Attested"
        self._progress_changed()
        return True

    @staticmethod
    def _set_checkbox(checkbox: Checkbox, value: bool) -> None:
        with checkbox.prevent(Checkbox.Changed):
            checkbox.value = value

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        key = (event.checkbox.id or "").removeprefix("attest-")
        if key not in ITEMS:
            return
        if event.value:
            self.attest(key)
        else:
            # The audit log keeps the withdrawal; the later steps lock again so
            # nothing moves on without every attestation.
            self.conversion.withdraw(key)
            self.query_one(f"#item-{key}", Vertical).remove_class("-attested")
            event.checkbox.label = "I attest this"
            self._progress_changed()

    def _progress_changed(self) -> None:
        self._show_next()
        self.app.refresh_step_bar()  # type: ignore[attr-defined]

    def on_input_changed(self, event: Input.Changed) -> None:
        """Editing an attested item's field withdraws the attestation: what is
        stored must be what the screen shows, so the item is ticked again."""
        for key, item in ITEMS.items():
            for field, _ in item.fields:
                if event.input.id != _field_id(key, field):
                    continue
                attested = self.conversion.session.attestations().get(key)
                if attested is not None and attested.get(field) != event.value.strip():
                    checkbox = self.query_one(f"#attest-{key}", Checkbox)
                    checkbox.value = False  # withdraws, through on_checkbox_changed
                    self.notify(
                        f"{item.title}: changed, so no longer attested. Tick it "
                        "again to attest the new details.",
                        severity="warning",
                    )
                return

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "operator":
            if self._save_operator():
                self.focus_next()
            return
        self.focus_next()

    def action_attest_focused(self) -> None:
        focused = self.focused
        box = None
        for node in focused.ancestors_with_self if focused else []:
            if isinstance(node, Vertical) and node.has_class("item"):
                box = node
                break
        if box is None:
            self.notify("Move to a checklist item first (tab).", severity="warning")
            return
        self.attest((box.id or "").removeprefix("item-"))

    # -- leaving -------------------------------------------------------------------

    def action_continue(self) -> None:
        if not self._save_operator():
            return
        try:
            self.conversion.complete_checklist()
        except CasetuiError as err:
            show_error(self, err)
            return
        self.app.advance()  # type: ignore[attr-defined]
