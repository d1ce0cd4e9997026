"""The review screen's decisions: accept, reject, skip, bulk accept, and undo
and redo. Each is committed to the session store before the next pair shows."""

from __future__ import annotations

from collections import OrderedDict
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from casetui.errors import CasetuiError
from casetui.tui import review_lines as lines
from casetui.tui.inert import inert
from casetui.tui.review_dialogs import BulkAcceptDialog, claim_dialog
from casetui.tui.widgets import show_error

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel

    from casetui.review_queue import Candidate, PairView, QueueFilter, ReviewQueue
    from casetui.workflow import Conversion


class DecisionKeys:
    """The decision actions of ReviewScreen, which mixes them in: they use its
    queue, its conversion and its moves between pairs."""

    # What ReviewScreen provides.
    app: App[Any]
    conversion: Conversion
    queue: ReviewQueue
    queue_filter: QueueFilter
    case_id: str | None
    shown: list[str]
    ready: bool
    pace: lines.Pace
    _views: OrderedDict[str, PairView]
    _compared: dict[str, int]
    _matched_ids: set[str]

    if TYPE_CHECKING:

        def notify(
            self,
            message: str,
            *,
            title: str = "",
            severity: SeverityLevel = "information",
            timeout: float | None = None,
            markup: bool = False,
        ) -> None: ...
        def compared(self) -> Candidate | None: ...
        def next_undecided(self) -> str | None: ...
        def _position(self) -> int: ...
        def _show(self, case_id: str) -> None: ...

    def _decide(self, case_id: str, voter_id: str | None, decision: str) -> bool:
        standing = self.queue.decisions.get(case_id)
        if standing and (standing.decision, standing.voter_id) == (decision, voter_id):
            # Pressing the same key again only moves on: a duplicate would make
            # the next undo look as if it did nothing.
            return True
        try:
            made = self.conversion.decide(case_id, voter_id, decision)
        except CasetuiError as err:
            show_error(cast(Any, self), err)
            return False
        self.queue.record(case_id, made)
        self._views.pop(case_id, None)
        return True

    def _after_decision(self) -> None:
        self.pace.tick()
        position = self._position()
        if 0 <= position < len(self.shown) - 1:
            self._show(self.shown[position + 1])
            return
        following = self.next_undecided()
        if following is None:
            self._show(cast(str, self.case_id))
            self.notify("Every case here is decided. Press e to continue.")
        else:
            self._show(following)

    def action_accept(self) -> None:
        candidate = self.compared()
        if self.case_id is None:
            return
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
        if answer == "both":
            if self._decide(case_id, voter_id, "accepted"):
                self._after_decision()
            return
        try:
            self.conversion.keep_voter(case_id, voter_id, others)
        except CasetuiError as err:
            show_error(cast(Any, self), err)
            return
        self._refresh([*others, case_id])
        listed = ", ".join(inert(other) for other in others)
        self.notify(
            f"Case {listed} is undecided again; find it with / to decide it. "
            "u undoes both.",
            title="Sent back to review",
        )
        self._after_decision()

    def action_reject(self) -> None:
        if self.case_id is not None and self._decide(self.case_id, None, "rejected"):
            self._after_decision()

    def action_skip(self) -> None:
        if self.case_id is not None and self._decide(self.case_id, None, "skipped"):
            self._after_decision()

    def action_bulk_accept(self) -> None:
        described = self.queue_filter.describe()
        shown = f"this filter ({described})" if described else "the whole queue"
        claimed = self.conversion.session.accepted_voters()

        def count(score: float) -> tuple[int, int]:
            rows, left_out = self.queue.bulk_rows(self.shown, score, claimed)
            return len(rows), left_out

        self.app.push_screen(
            BulkAcceptDialog(shown, count, 0.9),
            callback=partial(self._bulk_chosen, claimed),
        )

    def _bulk_chosen(self, claimed: set[str], score: float | None) -> None:
        if score is None:
            return
        rows, _ = self.queue.bulk_rows(self.shown, score, claimed)
        try:
            made = self.conversion.bulk_accept(
                rows, score, self.queue_filter.describe()
            )
        except CasetuiError as err:
            show_error(cast(Any, self), err)
            return
        self._refresh([case_id for case_id, _voter, _decision in rows])
        self.notify(
            f"Accepted {made} case(s) as one decision; u undoes them all.",
            title="Bulk accept",
        )
        if self.case_id:
            self._show(self.case_id)

    def _walk_history(self, redo: bool) -> None:
        if not self.ready:
            return
        session = self.conversion.session
        try:
            changed = session.redo() if redo else session.undo()
        except CasetuiError as err:
            show_error(cast(Any, self), err)
            return
        if changed is None:
            self.notify(f"Nothing to {'redo' if redo else 'undo'}.")
            return
        batch = session.batch(changed.seq)
        self._refresh([made.case_id for made in batch])
        self.notify(lines.history_note(batch, redo), timeout=3)
        if changed.case_id in self._matched_ids:
            self._show(changed.case_id)

    def _refresh(self, case_ids: list[str]) -> None:
        """Read these cases' latest decisions again after a change of several."""
        for case_id in case_ids:
            self.queue.record(case_id, self.conversion.session.decision(case_id))
            self._views.pop(case_id, None)
            self._compared.pop(case_id, None)

    def action_undo(self) -> None:
        self._walk_history(redo=False)

    def action_redo(self) -> None:
        self._walk_history(redo=True)
