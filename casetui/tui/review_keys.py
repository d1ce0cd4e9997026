"""The review screen's keys. Each does one thing; the tooltips are what the
help (F1) says it does. Keys that terminals and tmux swallow (ctrl+j, ctrl+o,
ctrl+s, ctrl+b, ctrl+enter) are avoided, and nothing destructive is on ctrl+d."""

from __future__ import annotations

from textual.binding import Binding, BindingType

COMPARE = "Compare candidate 1-5 instead"

REVIEW_KEYS: list[BindingType] = [
    Binding("a", "accept", "Accept", tooltip="Accept the compared voter"),
    Binding("r", "reject", "Reject", tooltip="Reject: no voter matches"),
    Binding("s", "skip", "Skip", tooltip="Skip: leave it undecided for now"),
    Binding("u", "undo", "Undo", tooltip="Undo the last decision"),
    Binding("U,ctrl+y", "redo", "Redo", tooltip="Redo what was undone"),
    Binding("1", "compare(0)", "Pick", key_display="1-5", tooltip=COMPARE),
    Binding("2", "compare(1)", "Compare candidate 2", show=False, tooltip=COMPARE),
    Binding("3", "compare(2)", "Compare candidate 3", show=False, tooltip=COMPARE),
    Binding("4", "compare(3)", "Compare candidate 4", show=False, tooltip=COMPARE),
    Binding("5", "compare(4)", "Compare candidate 5", show=False, tooltip=COMPARE),
    Binding(
        "space",
        "next_undecided",
        "Undecided",
        tooltip="Next case not yet accepted or rejected",
    ),
    Binding("n,down", "next", "Next", tooltip="Next case"),
    Binding("p,up", "previous", "Prev", tooltip="Previous case"),
    # Some terminals send ctrl+a / ctrl+e for Home / End.
    Binding("g,home,ctrl+a", "first", "First", tooltip="First case"),
    Binding("G,end,ctrl+e", "last", "Last", tooltip="Last case"),
    Binding("slash", "search", "Find", tooltip="Find a case by id"),
    Binding(
        "f", "filter", "Filter", tooltip="Filter by reason, score band or decision"
    ),
    Binding("F", "clear_filter", "Unfilter", tooltip="Clear the filter"),
    Binding(
        "A",
        "bulk_accept",
        "Bulk",
        tooltip="Bulk accept every case scoring at least a score",
    ),
    Binding("e,f6,ctrl+n", "continue", "Export", tooltip="Continue to export"),
]
