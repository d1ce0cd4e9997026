"""Small modal questions the review and export screens ask: which case keeps a
voter, whether to go on with cases undecided, which case id to jump to, what to
filter by, and the score floor of a bulk accept."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from casetui.review_queue import REASON_TEXT
from casetui.tui.inert import inert

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
    """A question with one button per answer, numbered: its number key, or the
    arrows and enter, choose it. Returns the chosen answer's key, or None when
    dismissed with escape."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *(
            Binding(str(n), f"answer({n - 1})", f"Answer {n}", show=False)
            for n in range(1, 5)
        ),
    ]

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
            for number, (key, label) in enumerate(self._answers, start=1):
                # Content, not markup: labels quote case ids from the files.
                yield Button(Content(f"{number}  {label}"), id=f"answer-{key}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("answer-"))

    def action_answer(self, index: int) -> None:
        if index < len(self._answers):
            self.dismiss(self._answers[index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


def claim_dialog(voter_id: str, case_id: str, others: list[str]) -> ReviewDialog:
    """Ask which case keeps a voter already accepted for `others`. Answers:
    'this', 'other', 'both'; None cancels the accept."""
    listed = ", ".join(inert(other) for other in others)
    case_id, voter_id = inert(case_id), inert(voter_id)
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


class FilterDialog(ModalScreen[str | None]):
    """Pick what the review walks: a reason, a score band or a decision state,
    each with its count. Returns 'reason:<r>', 'band:<b>', 'state:<s>' (an empty
    value means any) or 'clear'; None on escape."""

    DEFAULT_CSS = (
        DIALOG_CSS.replace("ReviewDialog", "FilterDialog")
        + """
    FilterDialog OptionList {
        height: auto;
        max-height: 20;
    }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        reasons: dict[str, int],
        bands: dict[str, int],
        states: dict[str, int],
        current: str,
    ) -> None:
        super().__init__()
        self._groups = (
            ("reason", "Reason", reasons, "any reason"),
            ("band", "Score", bands, "any score"),
            ("state", "Decision", states, "any decision"),
        )
        self._current = current

    def compose(self) -> ComposeResult:
        options: list[Option | None] = [Option("Show every review case", id="clear")]
        for kind, title, counts, any_label in self._groups:
            options.append(None)
            options.append(Option(f"{title}:", disabled=True))
            options.append(Option(f"  {any_label}", id=f"{kind}:"))
            for value, count in counts.items():
                meaning = REASON_TEXT.get(value, "") if kind == "reason" else ""
                text = f"  {value} ({count})" + (f": {meaning}" if meaning else "")
                options.append(Option(text, id=f"{kind}:{value}"))
        with Vertical() as box:
            box.border_title = "Filter the review"
            yield Static(
                f"Now showing: {self._current or 'every review case'}. Enter picks; "
                "choices of different kinds combine.",
                classes="question",
                markup=False,
            )
            yield OptionList(*options, id="filter-options")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class BulkAcceptDialog(ModalScreen[float | None]):
    """Ask for the lowest score to accept in bulk, showing how many cases that
    accepts before anything is done. Returns the score, or None."""

    DEFAULT_CSS = DIALOG_CSS.replace("ReviewDialog", "BulkAcceptDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, shown: str, count: Callable[[float], tuple[int, int]], start: float
    ) -> None:
        super().__init__()
        self._shown = shown
        self._count = count
        self._start = start

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Accept in bulk"
            yield Static(
                f"Accept the matcher's voter for every case in {self._shown} not "
                "yet accepted or rejected, scoring at least (enter accepts, escape "
                "goes back):",
                classes="question",
                markup=False,
            )
            yield Input(f"{self._start:.2f}", id="bulk-score")
            yield Static(id="bulk-count", classes="question", markup=False)
            yield Button("Accept them", id="bulk-go", variant="warning")
            yield Button("Go back", id="bulk-back")

    def on_mount(self) -> None:
        self._recount(self.query_one("#bulk-score", Input).value)

    def _score(self, text: str) -> float | None:
        try:
            value = float(text)
        except ValueError:
            return None
        return value if 0.0 <= value <= 1.0 else None

    def _recount(self, text: str) -> None:
        score = self._score(text)
        label = self.query_one("#bulk-count", Static)
        go = self.query_one("#bulk-go", Button)
        accepted, left_out = self._count(score) if score is not None else (0, 0)
        if score is None:
            label.update("Type a score between 0 and 1.")
        else:
            note = (
                f" {left_out} more are left out: no voter, or their voter is taken."
                if left_out
                else ""
            )
            label.update(f"This accepts {accepted} case(s), as one decision.{note}")
        # The button must never promise an accept that pressing it would not do.
        go.label = f"Accept {accepted} case(s)" if accepted else "Nothing to accept"
        go.disabled = accepted == 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._recount(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.query_one("#bulk-go", Button).disabled:
            self.app.bell()
        else:
            self.dismiss(self._score(event.value))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "bulk-go":
            self.dismiss(self._score(self.query_one("#bulk-score", Input).value))
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
