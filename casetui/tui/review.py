"""Step 4: run the match, then let the operator confirm the uncertain pairs.

The operator may spend an evening here, so every key does one thing, each
decision is committed before the next pair shows, and the screen reopens on the
pair it was left at. Pair views are cached: a keypress updates widgets in place.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import polars as pl
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, ProgressBar, Static
from textual.worker import Worker

from casetui.errors import CasetuiError, GateError
from casetui.tui.pairview import CandidateList, PairTable, badges
from casetui.tui.review_dialogs import SearchDialog, claim_dialog, confirm_dialog
from casetui.tui.widgets import report_worker_failure, show_error

if TYPE_CHECKING:
    from casetui.session.store import Decision
    from casetui.workflow import Candidate, Conversion, PairView

DECIDED = ("accepted", "rejected")


def _minutes(minutes: float) -> str:
    if minutes < 1:
        return "under a minute left"
    return f"about {minutes:.0f} min left"


class ReviewScreen(Screen[None]):
    """The match review: one case beside its compared voter, a key per decision."""

    DEFAULT_CSS = """
    ReviewScreen #match-running {
        height: auto;
        padding: 1 2;
    }
    ReviewScreen #match-running.-done {
        display: none;
    }
    ReviewScreen .review-line {
        padding: 0 1;
        height: 1;
    }
    ReviewScreen #review-case {
        background: $boost;
    }
    """

    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("r", "reject", "Reject"),
        Binding("s", "skip", "Skip"),
        Binding("u", "undo", "Undo"),
        Binding("U,ctrl+y", "redo", "Redo", show=False),
        Binding("n,down", "next", "Next", show=False),
        Binding("p,up", "previous", "Previous", show=False),
        Binding("space", "next_undecided", "Next undecided", key_display="space"),
        Binding("g,home", "first", "First case", show=False),
        Binding("G,end", "last", "Last case", show=False),
        Binding("slash", "search", "Find case", show=False),
        Binding("1", "compare(0)", "Compare candidate 1", show=False),
        Binding("2", "compare(1)", "Compare candidate 2", show=False),
        Binding("3", "compare(2)", "Compare candidate 3", show=False),
        Binding("4", "compare(3)", "Compare candidate 4", show=False),
        Binding("5", "compare(4)", "Compare candidate 5", show=False),
        Binding("e,f6,ctrl+n", "continue", "Export"),
    ]

    def __init__(self, conversion: Conversion) -> None:
        super().__init__()
        self.conversion = conversion
        self.ready = False
        self.queue: list[str] = []
        self.case_id: str | None = None
        self.decisions: dict[str, Decision] = {}
        self._views: dict[str, PairView] = {}
        self._compared: dict[str, int] = {}
        self._matched_ids: set[str] = set()
        self._counts: dict[str, int] = {}
        self._opened = time.monotonic()
        self._decided_here = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="match-running"):
            yield Label("Matching cases to the voter file...", id="match-stage")
            yield ProgressBar(total=1.0, id="match-progress", show_eta=True)
        yield Static(id="review-summary", classes="review-line")
        yield Static(id="review-progress", classes="review-line")
        yield Static(id="review-case", classes="review-line")
        with VerticalScroll(id="review-body"):
            yield PairTable(id="pair")
            yield CandidateList(id="candidates")
        yield Footer()

    def on_mount(self) -> None:
        try:
            assignment = self.conversion.frame("assignment")
        except GateError:
            self.run_match()
            return
        self._ready(self._counts_from(assignment))

    # -- running the match ----------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="match")
    def run_match(self) -> None:
        """Run the match off the UI thread, reporting progress to the bar."""

        def progress(stage: str, fraction: float) -> None:
            self.app.call_from_thread(self._show_progress, stage, fraction)

        summary = self.conversion.run_match(progress)
        counts = {
            "accepted": summary.accepted,
            "review": summary.review,
            "rejected": summary.rejected,
            "suppressed": summary.suppressed,
        }
        self.app.call_from_thread(self._ready, counts)

    def _show_progress(self, stage: str, fraction: float) -> None:
        self.query_one("#match-stage", Label).update(f"Matching: {stage}")
        self.query_one("#match-progress", ProgressBar).update(
            progress=max(0.0, min(fraction, 1.0))
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if report_worker_failure(self, event):
            self.query_one("#match-stage", Label).update(
                "The match did not finish. Go back a step (F4) to check the "
                "inputs, or come back to this step (F5) to try again."
            )

    def _counts_from(self, assignment: pl.DataFrame) -> dict[str, int]:
        bands = assignment["band"]
        return {
            "accepted": int((bands == "accept").sum()),
            "review": int((bands == "review").sum()),
            "rejected": int((bands == "reject").sum()),
            "suppressed": len(self.conversion.suppressed()),
        }

    def _ready(self, counts: dict[str, int]) -> None:
        self._counts = counts
        self.query_one("#match-running").add_class("-done")
        self.queue = self.conversion.review_queue()
        self._matched_ids = set(self.conversion.frame("assignment")["case_id"])
        self.decisions = dict(self.conversion.session.decisions())
        self.ready = True
        self._opened = time.monotonic()
        self.query_one("#review-summary", Static).update(
            f"Auto-accepted {counts['accepted']} · to review {counts['review']} · "
            f"rejected {counts['rejected']} · suppressed {counts['suppressed']}"
        )
        if not self.queue:
            self.query_one("#review-case", Static).update(
                "No case needs review. Press e to continue to export."
            )
            self._show_progress_line()
            return
        cursor = self.conversion.session.cursor()
        self._show(cursor if cursor in self._matched_ids else self.queue[0])

    # -- what is shown ---------------------------------------------------------------

    def view(self, case_id: str) -> PairView:
        """The pair view of `case_id`, built once per visit to this screen."""
        if case_id not in self._views:
            self._views[case_id] = self.conversion.pair_view(case_id)
        return self._views[case_id]

    def compared(self) -> Candidate | None:
        """The candidate voter the current case is compared with (None if none)."""
        if self.case_id is None:
            return None
        candidates = self.view(self.case_id).candidates
        index = self._compared.get(self.case_id, 0)
        return candidates[index] if index < len(candidates) else None

    def _show(self, case_id: str) -> None:
        self.case_id = case_id
        view = self.view(case_id)
        if case_id not in self._compared:
            self._compared[case_id] = self._accepted_index(view, case_id)
        candidate = self.compared()
        decision = self.decisions.get(case_id)
        accepted = (
            decision.voter_id if decision and decision.decision == "accepted" else None
        )
        self.query_one(PairTable).show(view.case, candidate)
        self.query_one(CandidateList).show(
            view.candidates, self._compared[case_id], accepted
        )
        self.query_one("#review-case", Static).update(self._case_line(view, decision))
        self._show_progress_line()
        self.query_one("#review-body").scroll_home(animate=False)
        self.conversion.session.set_cursor(case_id)

    def _accepted_index(self, view: PairView, case_id: str) -> int:
        decision = self.decisions.get(case_id)
        if decision and decision.decision == "accepted":
            for index, candidate in enumerate(view.candidates):
                if candidate.voter.get("voter_id") == decision.voter_id:
                    return index
        return 0

    def _case_line(self, view: PairView, decision: Decision | None) -> Content:
        assert self.case_id is not None
        if self.case_id in self.queue:
            where = f"{self.queue.index(self.case_id) + 1} of {len(self.queue)}"
        else:
            where = f"not in review ({view.band})"
        if decision is None:
            state = ("undecided", "bold $text-warning")
        else:
            who = "auto" if decision.by == "auto" else "you"
            state = (f"{decision.decision} ({who})", "bold")
        return Content.assemble(
            (f"Case {self.case_id}", "bold"),
            f"  {where}  ",
            state,
            "  ",
            badges(view.reasons),
        )

    def decided_count(self) -> int:
        """How many review cases have an accepted or rejected decision."""
        return sum(
            1
            for case_id in self.queue
            if case_id in self.decisions and self.decisions[case_id].decision in DECIDED
        )

    def _show_progress_line(self) -> None:
        decided = self.decided_count()
        left = len(self.queue) - decided
        minutes = (time.monotonic() - self._opened) / 60
        if self._decided_here and minutes > 0:
            rate = self._decided_here / minutes
            eta = _minutes(left / rate) if rate else "-"
            pace = f"{rate:.1f} per minute · {eta}"
        else:
            pace = "pace shows after your first decision"
        self.query_one("#review-progress", Static).update(
            f"Decided {decided} of {len(self.queue)} · {left} to go · {pace}"
        )

    # -- moving ----------------------------------------------------------------------

    def _position(self) -> int:
        if self.case_id in self.queue:
            return self.queue.index(self.case_id)
        return -1

    def _go(self, index: int) -> None:
        if not self.ready or not self.queue:
            return
        self._show(self.queue[max(0, min(index, len(self.queue) - 1))])

    def action_next(self) -> None:
        self._go(self._position() + 1)

    def action_previous(self) -> None:
        self._go(max(self._position() - 1, 0))

    def action_first(self) -> None:
        self._go(0)

    def action_last(self) -> None:
        self._go(len(self.queue) - 1)

    def next_undecided(self) -> str | None:
        """The first undecided review case after the current one, wrapping."""
        start = self._position() + 1
        for case_id in self.queue[start:] + self.queue[:start]:
            decision = self.decisions.get(case_id)
            if decision is None or decision.decision not in DECIDED:
                return case_id
        return None

    def action_next_undecided(self) -> None:
        if not self.ready:
            return
        case_id = self.next_undecided()
        if case_id is None:
            self.notify("Every review case is decided. Press e to continue.")
        else:
            self._show(case_id)

    def action_compare(self, index: int) -> None:
        if not self.ready or self.case_id is None:
            return
        candidates = self.view(self.case_id).candidates
        if index >= len(candidates):
            self.notify(f"This case has {len(candidates)} candidate(s).")
            return
        self._compared[self.case_id] = index
        self._show(self.case_id)

    def action_search(self) -> None:
        if self.ready:
            self.app.push_screen(SearchDialog(), callback=self._found)

    def _found(self, case_id: str | None) -> None:
        if not case_id:
            return
        if case_id not in self._matched_ids:
            self.notify(
                f"No matched case has id {case_id}. Suppressed cases are not matched.",
                severity="warning",
            )
            return
        self._show(case_id)

    # -- deciding ----------------------------------------------------------------------

    def _decide(self, case_id: str, voter_id: str | None, decision: str) -> bool:
        standing = self.decisions.get(case_id)
        if standing and (standing.decision, standing.voter_id) == (decision, voter_id):
            # Pressing the same key again only moves on: a duplicate would make
            # the next undo look as if it did nothing.
            return True
        try:
            self.decisions[case_id] = self.conversion.decide(
                case_id, voter_id, decision
            )
        except CasetuiError as err:
            show_error(self, err)
            return False
        return True

    def _after_decision(self) -> None:
        self._decided_here += 1
        position = self._position()
        if 0 <= position < len(self.queue) - 1:
            self._show(self.queue[position + 1])
            return
        following = self.next_undecided()
        if following is None:
            self._show(cast(str, self.case_id))
            self.notify("Every review case is decided. Press e to continue.")
        else:
            self._show(following)

    def action_accept(self) -> None:
        if not self.ready or self.case_id is None:
            return
        candidate = self.compared()
        if candidate is None:
            self.notify("This case has no candidate voter; press r to reject it.")
            return
        case_id, voter_id = self.case_id, str(candidate.voter["voter_id"])
        others = self.conversion.claimed_by(voter_id, case_id)
        if not others:
            if self._decide(case_id, voter_id, "accepted"):
                self._after_decision()
            return
        self.app.push_screen(
            claim_dialog(voter_id, case_id, others),
            callback=partial(self._resolve_claim, case_id, voter_id, others),
        )

    def _resolve_claim(
        self, case_id: str, voter_id: str, others: list[str], answer: str | None
    ) -> None:
        if answer in (None, "other"):
            self.notify("Not accepted. Compare another candidate (1-5) or reject (r).")
            return
        if answer == "this":
            for other in others:
                if not self._decide(other, None, "skipped"):
                    return
            self.notify(
                f"Case {', '.join(others)} no longer has a voter; find it with / "
                "to decide it again.",
                title="Sent back to review",
            )
        if self._decide(case_id, voter_id, "accepted"):
            self._after_decision()

    def action_reject(self) -> None:
        if self.ready and self.case_id is not None:
            if self._decide(self.case_id, None, "rejected"):
                self._after_decision()

    def action_skip(self) -> None:
        if self.ready and self.case_id is not None:
            if self._decide(self.case_id, None, "skipped"):
                self._after_decision()

    def _walk_history(self, redo: bool) -> None:
        if not self.ready:
            return
        session = self.conversion.session
        try:
            changed = session.redo() if redo else session.undo()
        except CasetuiError as err:
            show_error(self, err)
            return
        if changed is None:
            self.notify(f"Nothing to {'redo' if redo else 'undo'}.")
            return
        latest = session.decision(changed.case_id)
        if latest is None:
            self.decisions.pop(changed.case_id, None)
        else:
            self.decisions[changed.case_id] = latest
        self._compared.pop(changed.case_id, None)
        verb = "Redid" if redo else "Undid"
        self.notify(f"{verb} '{changed.decision}' on case {changed.case_id}.")
        if changed.case_id in self._matched_ids:
            self._show(changed.case_id)

    def action_undo(self) -> None:
        self._walk_history(redo=False)

    def action_redo(self) -> None:
        self._walk_history(redo=True)

    # -- leaving ---------------------------------------------------------------------

    def action_continue(self) -> None:
        if not self.ready:
            self.notify("The match is still running.")
            return
        pending = self.conversion.pending()
        if not pending:
            self._finish("yes")
            return
        self.app.push_screen(
            confirm_dialog(
                "Cases still undecided",
                f"{len(pending)} review case(s) are undecided or skipped. They stay "
                "out of the export. You can come back here later (F5) to decide "
                "them and export again.",
                "Continue to export without them",
            ),
            callback=self._finish,
        )

    def _finish(self, answer: str | None) -> None:
        if answer != "yes":
            return
        try:
            self.conversion.complete_match()
        except CasetuiError as err:
            show_error(self, err)
            return
        cast(Any, self.app).advance()
