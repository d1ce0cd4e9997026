"""Step 4: run the match, then let the operator confirm the uncertain pairs.

The operator may spend an evening here, so every key does one thing, each
decision is committed before the next pair shows, and the screen reopens on the
pair it was left at. The queue reads each pair from frames sorted once on entry
(see casetui.review_queue), so a keypress costs the same on a queue of 50,000.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any, cast

import polars as pl
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Label, ProgressBar, Static
from textual.worker import Worker

from casetui.errors import CasetuiError, GateError
from casetui.review_queue import SCORE_BANDS, QueueFilter, ReviewQueue
from casetui.review_warnings import pair_warnings
from casetui.tui import review_lines as lines
from casetui.tui.inert import inert
from casetui.tui.pairview import CandidateList, PairTable
from casetui.tui.review_decisions import DecisionKeys
from casetui.tui.review_dialogs import (
    FilterDialog,
    SearchDialog,
    confirm_dialog,
)
from casetui.tui.review_keys import REVIEW_KEYS
from casetui.tui.widgets import KeyFooter, report_worker_failure, show_error

if TYPE_CHECKING:
    from casetui.review_queue import Candidate, PairView
    from casetui.workflow import Conversion

MIN_WIDTH, MIN_HEIGHT = 60, 20
"""Below this the pair cannot be read whole: the screen says so instead."""
ROOMY_HEIGHT = 30  # from this height up the match summary line shows too
VIEW_CACHE = 256  # pair views kept, for moving back and forth without re-reading
NEEDS_A_PAIR = {"accept", "reject", "skip", "compare", "bulk_accept"}


class ReviewScreen(DecisionKeys, Screen[None]):
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
    ReviewScreen #review-warnings {
        padding: 0 1;
        height: auto;
        max-height: 3;
    }
    ReviewScreen #review-warnings.-none {
        display: none;
    }
    ReviewScreen #too-small {
        display: none;
        padding: 1 2;
    }
    ReviewScreen.-too-small > * {
        display: none;
    }
    ReviewScreen.-too-small > #too-small {
        display: block;
    }
    ReviewScreen.-short #review-summary {
        display: none;
    }
    """

    BINDINGS = REVIEW_KEYS

    queue_filter: reactive[QueueFilter] = reactive(QueueFilter, init=False)
    """What the review walks; the Filter dialog sets it."""

    def __init__(self, conversion: Conversion) -> None:
        super().__init__()
        self.conversion = conversion
        self.ready = False
        self.queue = ReviewQueue(pl.DataFrame(schema=_ASSIGNMENT), {})
        self.shown: list[str] = []
        self._shown_at: dict[str, int] = {}
        self.case_id: str | None = None
        self._views: OrderedDict[str, PairView] = OrderedDict()
        self._compared: dict[str, int] = {}
        self._matched_ids: set[str] = set()
        self.pace = lines.Pace()

    def compose(self) -> ComposeResult:
        with Vertical(id="match-running"):
            yield Label("Matching cases to the voter file...", id="match-stage")
            yield ProgressBar(total=1.0, id="match-progress", show_eta=True)
        yield Static(id="too-small")
        yield Static(id="review-summary", classes="review-line")
        yield lines.ProgressLine(id="review-progress", classes="review-line")
        yield Static(id="review-case", classes="review-line")
        yield Static(id="review-warnings", classes="-none")
        with VerticalScroll(id="review-body", can_focus=False):
            yield PairTable(id="pair")
            yield CandidateList(id="candidates")
        yield KeyFooter()

    def on_mount(self) -> None:
        try:
            assignment = self.conversion.frame("assignment")
        except GateError:
            self.run_match()
            return
        self._ready(self._counts_from(assignment))

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        self.set_class(height < ROOMY_HEIGHT, "-short")
        self.query_one("#too-small", Static).update(
            f"Terminal too small: the review needs at least {MIN_WIDTH}x{MIN_HEIGHT} "
            f"(this one is {width}x{height}). Enlarge the window to carry on; "
            "nothing is lost. ctrl+q quits."
        )
        self.refresh_bindings()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notify with the text shown as written: the review's notes quote reason
        badges ("[moved]") and case ids that Textual would read as markup."""
        super().notify(
            message, title=title, severity=severity, timeout=timeout, markup=markup
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.has_class("-too-small") and action not in ("quit", "help"):
            return False
        if action == "clear_filter":
            return bool(self.queue_filter.describe())
        if action in NEEDS_A_PAIR and not (self.ready and self.case_id):
            return None
        return True

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
        self.query_one("#match-running").add_class("-done")
        self.queue = self.conversion.review()
        self._matched_ids = set(self.conversion.frame("assignment")["case_id"])
        self.conversion.pairs()
        self.shown = list(self.queue.ids)
        self._shown_at = dict(self.queue.position)
        self.ready = True
        self.query_one("#review-summary", Static).update(
            f"Auto-accepted {counts['accepted']} · to review {counts['review']} · "
            f"rejected {counts['rejected']} · suppressed {counts['suppressed']}"
        )
        self.refresh_bindings()
        if not self.shown:
            self.query_one("#review-case", Static).update(
                "No case needs review. Press e to continue to export."
            )
            self._show_progress_line()
            return
        cursor = self.conversion.session.cursor()
        self._show(cursor if cursor in self._matched_ids else self.shown[0])

    # -- what is shown ---------------------------------------------------------------

    def view(self, case_id: str) -> PairView:
        """The pair view of `case_id`; the last VIEW_CACHE views are kept."""
        if case_id in self._views:
            self._views.move_to_end(case_id)
        else:
            self._views[case_id] = self.conversion.pair_view(case_id)
            if len(self._views) > VIEW_CACHE:
                self._views.popitem(last=False)
        return self._views[case_id]

    def compared(self) -> Candidate | None:
        """The candidate voter the current case is compared with (None if none)."""
        if self.case_id is None:
            return None
        candidates = self.view(self.case_id).candidates
        index = self._compared.get(self.case_id, 0)
        return candidates[index] if index < len(candidates) else None

    def _show(self, case_id: str) -> None:
        first_show = self.case_id is None
        self.case_id = case_id
        view = self.view(case_id)
        decision = self.queue.decisions.get(case_id) or view.decision
        if case_id not in self._compared:
            self._compared[case_id] = self._accepted_index(view, decision)
        index = self._compared[case_id]
        candidate = self.compared()
        accepted = (
            decision.voter_id if decision and decision.decision == "accepted" else None
        )
        claimed = (
            self.conversion.claimed_by(str(candidate.voter["voter_id"]), case_id)
            if candidate
            else []
        )
        self.query_one(PairTable).show(view.case, candidate)
        self.query_one(CandidateList).show(view.candidates, index, accepted)
        where = lines.where_line(
            self._shown_at.get(case_id), len(self.shown), self.queue_filter, view.band
        )
        self.query_one("#review-case", Static).update(
            lines.case_line(case_id, where, decision, view.reasons)
        )
        warnings = pair_warnings(view, index, claimed)[:3]
        box = self.query_one("#review-warnings", Static)
        box.update(lines.warnings_text(warnings))
        box.set_class(not warnings, "-none")
        self._show_progress_line()
        self.query_one("#review-body").scroll_home(animate=False)
        self.conversion.session.set_cursor(case_id)
        if first_show:
            self.refresh_bindings()

    def _accepted_index(self, view: PairView, decision: Any) -> int:
        if decision and decision.decision == "accepted":
            for index, candidate in enumerate(view.candidates):
                if candidate.voter.get("voter_id") == decision.voter_id:
                    return index
        return 0

    def _show_progress_line(self) -> None:
        self.query_one(lines.ProgressLine).show(
            self.queue.decided, len(self.queue), self.pace
        )

    # -- moving ----------------------------------------------------------------------

    def _position(self) -> int:
        return self._shown_at.get(self.case_id or "", -1)

    def _go(self, index: int) -> None:
        if self.ready and self.shown:
            self._show(self.shown[max(0, min(index, len(self.shown) - 1))])

    def action_next(self) -> None:
        if self.ready and self.shown and self._position() == len(self.shown) - 1:
            self.notify("Last case; g goes to the first.", timeout=2)
            return
        self._go(self._position() + 1)

    def action_previous(self) -> None:
        if self.ready and self.shown and self._position() == 0:
            self.notify("First case; G goes to the last.", timeout=2)
            return
        self._go(max(self._position() - 1, 0))

    def action_first(self) -> None:
        self._go(0)

    def action_last(self) -> None:
        self._go(len(self.shown) - 1)

    def next_undecided(self) -> str | None:
        """The first case shown after the current one that is neither accepted
        nor rejected, wrapping; None when there is none."""
        start = self._position() + 1
        count = len(self.shown)
        for step in range(count):
            case_id = self.shown[(start + step) % count]
            if self.queue.state(case_id) in ("undecided", "skipped"):
                return case_id
        return None

    def action_next_undecided(self) -> None:
        if not self.ready:
            return
        case_id = self.next_undecided()
        if case_id is None:
            self.notify("Every case here is decided. Press e to continue.")
        else:
            self._show(case_id)

    def action_compare(self, index: int) -> None:
        if self.case_id is None:
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
                f"No matched case has id {inert(case_id)}. Suppressed cases are not "
                "matched.",
                severity="warning",
            )
            return
        self._show(case_id)

    # -- filtering ---------------------------------------------------------------------

    def action_filter(self) -> None:
        if not self.ready:
            return
        bands = self.queue.band_counts()
        dialog = FilterDialog(
            dict(self.queue.reason_counts().most_common()),
            {label: bands[label] for label, _, _ in SCORE_BANDS if bands[label]},
            dict(self.queue.state_counts().most_common()),
            self.queue_filter.describe(),
        )
        self.app.push_screen(dialog, callback=self._filter_chosen)

    def _filter_chosen(self, choice: str | None) -> None:
        if choice is None:
            return
        if choice == "clear":
            self.queue_filter = QueueFilter()
            return
        kind, _, value = choice.partition(":")
        wanted = self.queue_filter.with_(**{kind: value or None})
        if not self.queue.select(wanted):
            self.notify(f"No review case is {wanted.describe()}.", severity="warning")
            return
        self.queue_filter = wanted

    def action_clear_filter(self) -> None:
        self.queue_filter = QueueFilter()

    def watch_queue_filter(self, chosen: QueueFilter) -> None:
        self.shown = self.queue.select(chosen)
        self._shown_at = {case_id: i for i, case_id in enumerate(self.shown)}
        self.refresh_bindings()
        if self.case_id in self._shown_at:
            self._show(self.case_id)
        elif self.shown:
            self._show(self.shown[0])
        self.notify(
            f"{len(self.shown)} case(s): {chosen.describe() or 'every review case'}.",
            title="Filter",
            timeout=3,
        )

    # -- deciding ----------------------------------------------------------------------

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


_ASSIGNMENT = {
    "case_id": pl.Utf8,
    "voter_id": pl.Utf8,
    "score": pl.Float64,
    "band": pl.Utf8,
    "reasons": pl.Utf8,
}
