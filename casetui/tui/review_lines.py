"""The review screen's status lines: progress with pace and time left, the case
line with its state badge and reasons, and the warnings above the pair.

States and warnings carry text ("[undecided]", "!") as well as a style, so they
read the same with NO_COLOR set or on a 16-colour terminal.
"""

from __future__ import annotations

import time
from collections import deque

from textual.content import Content
from textual.widget import Widget

from casetui.review_queue import QueueFilter
from casetui.session.decisions import UNDECIDED, Decision
from casetui.tui.inert import inert
from casetui.tui.pairview import badges

STATE_STYLES = {
    "undecided": "bold $text-warning",
    "skipped": "bold $text-warning",
    "accepted": "bold $text-success",
    "rejected": "bold $text-error",
}


class Pace:
    """Decisions per minute over the last few minutes of work, so a break or a
    coffee does not make the estimate of time left meaningless."""

    WINDOW = 50

    def __init__(self) -> None:
        self._times: deque[float] = deque(maxlen=self.WINDOW)

    def tick(self) -> None:
        self._times.append(time.monotonic())

    def per_minute(self) -> float | None:
        """Decisions per minute, or None before there are two to time."""
        if len(self._times) < 2:
            return None
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span * 60 if span > 0 else None


def minutes_left(minutes: float, short: bool = False) -> str:
    if minutes < 1:
        return "<1 min left" if short else "under a minute left"
    if minutes < 90:
        return f"{'~' if short else 'about '}{minutes:.0f} min left"
    return f"{'~' if short else 'about '}{minutes / 60:.1f} h left"


def progress_line(decided: int, total: int, pace: Pace, width: int = 0) -> str:
    """'Decided 3 of 28 · 25 to go · 4.1 per min · about 6 min left', or a
    shorter form ('3/28 decided · 25 to go · 4.1/min · ~6 min left') when that
    does not fit in `width` (0: any width)."""
    left = total - decided
    rate = pace.per_minute()
    if not left:
        timing = short_timing = "all decided"
    elif rate:
        timing = f"{rate:.1f} per min · {minutes_left(left / rate)}"
        short_timing = f"{rate:.1f}/min · {minutes_left(left / rate, short=True)}"
    else:
        timing = "pace shows after two decisions"
        short_timing = "pace after 2 decisions"
    for line in (
        f"Decided {decided} of {total} · {left} to go · {timing}",
        f"{decided}/{total} decided · {left} to go · {short_timing}",
    ):
        if not width or len(line) <= width:
            return line
    return f"{decided}/{total} decided · {left} to go"


class ProgressLine(Widget):
    """The progress line, in the shorter form when the window is narrow."""

    DEFAULT_CSS = """
    ProgressLine {
        height: 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._counts = (0, 0)
        self._pace = Pace()

    def show(self, decided: int, total: int, pace: Pace) -> None:
        self._counts = (decided, total)
        self._pace = pace
        self.refresh()

    def render(self) -> Content:
        return Content(progress_line(*self._counts, self._pace, self.size.width))


def history_note(batch: list[Decision], redo: bool) -> str:
    """What an undo or redo of `batch` changed: one case's decision, a bulk
    accept, or a voter kept by one case and taken from others."""
    verb = "Redid" if redo else "Undid"
    last = batch[-1]
    case_id, voter_id = inert(last.case_id), inert(last.voter_id)
    sent_back = [inert(made.case_id) for made in batch if made.decision == UNDECIDED]
    if sent_back:
        listed = ", ".join(sent_back)
        after = "is undecided again" if redo else f"has voter {voter_id} again"
        return f"{verb} case {case_id} keeping voter {voter_id}: case {listed} {after}."
    if len(batch) > 1:
        return f"{verb} {len(batch)} bulk accepts."
    return f"{verb} '{last.decision}' on case {case_id}."


def case_line(
    case_id: str,
    where: str,
    decision: Decision | None,
    reasons: list[str],
) -> Content:
    """'Case C-1  2 of 28  [accepted: you]  [nickname] [moved]'."""
    if decision is None:
        state, label = "undecided", "[undecided]"
    else:
        who = "auto" if decision.by == "auto" else "you"
        state, label = decision.decision, f"[{decision.decision}: {who}]"
    return Content.assemble(
        (f"Case {inert(case_id)}", "bold"),
        f"  {where}  ",
        (label, STATE_STYLES[state]),
        "  ",
        badges(reasons),
    )


def where_line(position: int | None, shown: int, chosen: QueueFilter, band: str) -> str:
    """Where the case sits: '3 of 28', '3 of 12 in [phone]' or 'not in review'."""
    if position is None:
        if band == "review":
            return "not in this filter"
        return f"not in review (band {band})"
    place = f"{position + 1} of {shown}"
    described = chosen.describe()
    return f"{place} in {described}" if described else place


def warnings_text(warnings: list[str]) -> Content:
    """One '! ...' line per warning, bold: they must not be missed."""
    return Content("\n").join(
        Content.styled(f"! {warning}", "bold $text-warning") for warning in warnings
    )
