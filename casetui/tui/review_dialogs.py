"""Small modal questions the review and export screens ask: which case keeps a
voter, whether to go on with cases undecided, which case id to jump to."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

DIALOG_CSS = """
ReviewDialog {
    align: center middle;
}
ReviewDialog > Vertical {
    width: 70;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: thick $primary;
    background: $surface;
    padding: 1 2;
}
ReviewDialog .question {
    margin-bottom: 1;
}
ReviewDialog Button {
    width: 100%;
    margin-bottom: 0;
}
"""


class ReviewDialog(ModalScreen[str | None]):
    """A question with one button per answer; returns the chosen answer's key,
    or None when dismissed with escape."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, question: str, answers: list[tuple[str, str]]
    ) -> None:
        super().__init__()
        self._title = title
        self._question = question
        self._answers = answers

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self._title
            yield Static(self._question, classes="question", markup=False)
            for key, label in self._answers:
                yield Button(label, id=f"answer-{key}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("answer-"))

    def action_cancel(self) -> None:
        self.dismiss(None)


def claim_dialog(voter_id: str, case_id: str, others: list[str]) -> ReviewDialog:
    """Ask which case keeps a voter already accepted for `others`. Answers:
    'this', 'other', 'both'; None cancels the accept."""
    listed = ", ".join(others)
    return ReviewDialog(
        "Voter already matched",
        f"Voter {voter_id} is already accepted for case {listed}. "
        "One voter is usually one case's constituent; which case keeps this voter?",
        [
            ("this", f"Case {case_id} keeps it (send {listed} back to review)"),
            ("other", f"Case {listed} keeps it (do not accept here)"),
            ("both", "Both: they are the same person"),
        ],
    )


def confirm_dialog(title: str, question: str, yes: str) -> ReviewDialog:
    """A yes/no question; the answer is 'yes' or 'no' (None on escape)."""
    return ReviewDialog(title, question, [("yes", yes), ("no", "Go back")])


class SearchDialog(ModalScreen[str | None]):
    """Ask for a case id; returns it stripped, or None when cancelled."""

    DEFAULT_CSS = DIALOG_CSS.replace("ReviewDialog", "SearchDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Find a case"
            yield Label("Case id (enter to go, escape to cancel):")
            yield Input(placeholder="case id", id="case-id")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
