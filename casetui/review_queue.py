"""The review queue: the cases the operator confirms, in order, with filters, the
decided count, and each case's pair view read from the stored frames.

Built for queues of 50,000 cases: the frames are sorted once when the queue
opens and each pair view is a binary search and a slice, so a keypress costs the
same at the end of a long queue as at its start. No Textual here: the CLI, the
benchmark and the tests use it as the screen does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from casetui.session.decisions import Decision

DECIDED = ("accepted", "rejected")
STATES = ("undecided", "accepted", "rejected", "skipped")

SCORE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("0.80 and up", 0.80, 1.01),
    ("0.60 to 0.80", 0.60, 0.80),
    ("0.40 to 0.60", 0.40, 0.60),
    ("0.20 to 0.40", 0.20, 0.40),
    ("below 0.20", 0.0, 0.20),
)
"""(label, low, high) score bands the queue can be filtered by; low inclusive."""

REASON_TEXT = {
    "nickname": "first names differ but one is a nickname of the other",
    "initial": "a first or middle name is only an initial",
    "typo": "a name or street differs by a typo",
    "middle_name": "one's first name is the other's middle name (or its initial)",
    "compound": "a compound or hyphenated surname",
    "surname_changed": "surnames differ (marriage or divorce?)",
    "swapped": "first and last names look swapped",
    "moved": "addresses differ (moved?)",
    "suffix_conflict": "suffixes differ (Jr/Sr?)",
    "birth_year_gap": "birth years far apart",
    "phone": "the phone numbers agree",
    "email": "the emails agree",
    "name_only": "agrees on the name alone, away from the registered address",
    "claimed": "its best voter went to another case",
    "household": "another voter at the same address scores close",
    "namesake": "another voter with the same name scores close",
}
"""What each matcher reason means, for the filter list and the help."""


@dataclass
class Candidate:
    voter: dict[str, Any]
    score: float
    evidence: dict[str, float]
    reasons: list[str]


@dataclass
class PairView:
    """Everything the review screen shows for one case."""

    case: dict[str, Any]
    candidates: list[Candidate]
    decision: Decision | None
    band: str
    reasons: list[str]


@dataclass(frozen=True)
class QueueFilter:
    """Which review cases to walk: by matcher reason, score band and decision
    state; None in a field means any."""

    reason: str | None = None
    band: str | None = None
    state: str | None = None

    def describe(self) -> str:
        """Return the filter in words ('' when it lets every case through)."""
        parts = []
        if self.reason:
            parts.append(f"[{self.reason}]")
        if self.band:
            parts.append(f"score {self.band}")
        if self.state:
            parts.append(self.state)
        return " · ".join(parts)

    def with_(self, **changes: str | None) -> QueueFilter:
        return replace(self, **changes)


def state_of(decision: Decision | None) -> str:
    """Return 'undecided', 'accepted', 'rejected' or 'skipped'."""
    return "undecided" if decision is None else decision.decision


def _split(reasons: str | None) -> list[str]:
    return [r for r in (reasons or "").split(",") if r]


class ReviewQueue:
    """The review band, most likely matches first, with the latest decisions."""

    def __init__(self, assignment: pl.DataFrame, decisions: dict[str, Decision]):
        review = assignment.filter(pl.col("band") == "review").sort(
            ["score", "case_id"], descending=[True, False]
        )
        self.ids: list[str] = review["case_id"].to_list()
        self.scores: list[float] = review["score"].to_list()
        self.voters: list[str | None] = review["voter_id"].to_list()
        self.reasons: list[list[str]] = [_split(r) for r in review["reasons"]]
        self.position = {case_id: i for i, case_id in enumerate(self.ids)}
        self.decisions = decisions
        self.decided = sum(
            1 for case_id in self.ids if state_of(decisions.get(case_id)) in DECIDED
        )

    def __len__(self) -> int:
        return len(self.ids)

    def record(self, case_id: str, decision: Decision | None) -> None:
        """Take in a case's new latest decision (None: undone to nothing)."""
        before = state_of(self.decisions.get(case_id))
        if decision is None:
            self.decisions.pop(case_id, None)
        else:
            self.decisions[case_id] = decision
        if case_id in self.position:
            after = state_of(decision)
            self.decided += (after in DECIDED) - (before in DECIDED)

    def state(self, case_id: str) -> str:
        return state_of(self.decisions.get(case_id))

    def select(self, chosen: QueueFilter) -> list[str]:
        """Return the case ids the filter lets through, in queue order."""
        low, high = next(
            ((lo, hi) for label, lo, hi in SCORE_BANDS if label == chosen.band),
            (-1.0, 2.0),
        )
        return [
            case_id
            for case_id, score, reasons in zip(
                self.ids, self.scores, self.reasons, strict=True
            )
            if low <= score < high
            and (chosen.reason is None or chosen.reason in reasons)
            and (chosen.state is None or self.state(case_id) == chosen.state)
        ]

    def reason_counts(self) -> Counter[str]:
        """Return how many review cases carry each reason."""
        return Counter(reason for reasons in self.reasons for reason in reasons)

    def band_counts(self) -> Counter[str]:
        """Return how many review cases fall in each score band."""
        counts: Counter[str] = Counter()
        for score in self.scores:
            for label, low, high in SCORE_BANDS:
                if low <= score < high:
                    counts[label] += 1
        return counts

    def state_counts(self) -> Counter[str]:
        return Counter(self.state(case_id) for case_id in self.ids)

    def bulk_rows(
        self, case_ids: list[str], min_score: float, claimed: set[str]
    ) -> tuple[list[tuple[str, str | None, str]], int]:
        """Return the accept rows for the cases among `case_ids` scoring at least
        `min_score` and not yet accepted or rejected, and how many such cases are
        left out because they have no assigned voter or their voter is taken (in
        `claimed`, or by an earlier case of the same batch)."""
        rows: list[tuple[str, str | None, str]] = []
        taken = set(claimed)
        left_out = 0
        for case_id in case_ids:
            at = self.position[case_id]
            if self.scores[at] < min_score or self.state(case_id) in DECIDED:
                continue
            voter = self.voters[at]
            if voter is None or voter in taken:
                left_out += 1
                continue
            taken.add(voter)
            rows.append((case_id, voter, "accepted"))
        return rows, left_out


def _sorted_by(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    if frame[keys[0]].is_sorted():
        return frame
    return frame.sort(list(keys))


class PairSource:
    """Pair views read from the cases, candidates and candidate voters frames,
    each sorted once by its id so that a lookup is a binary search."""

    def __init__(
        self,
        cases: pl.DataFrame,
        candidates: pl.DataFrame,
        voters: pl.DataFrame,
        assignment: pl.DataFrame,
    ):
        self._cases = _sorted_by(cases, "case_id")
        self._candidates = _sorted_by(candidates, "case_id", "rank")
        self._voters = _sorted_by(voters, "voter_id")
        self._assignment = _sorted_by(assignment, "case_id")
        self._evidence = [c for c in candidates.columns if c.startswith("ev_")]

    @staticmethod
    def _rows(frame: pl.DataFrame, column: str, value: str) -> pl.DataFrame:
        keys = frame[column]
        start = int(keys.search_sorted(value, side="left"))
        end = int(keys.search_sorted(value, side="right"))
        return frame.slice(start, end - start)

    def case(self, case_id: str) -> dict[str, Any]:
        rows = self._rows(self._cases, "case_id", case_id)
        return rows.row(0, named=True) if rows.height else {"case_id": case_id}

    def voter(self, voter_id: str) -> dict[str, Any]:
        rows = self._rows(self._voters, "voter_id", voter_id)
        return rows.row(0, named=True) if rows.height else {"voter_id": voter_id}

    def candidates(self, case_id: str, top: int = 5) -> list[Candidate]:
        """The case's best `top` candidates, best first, with their evidence."""
        pairs = self._rows(self._candidates, "case_id", case_id).sort("rank").head(top)
        found = []
        for pair in pairs.iter_rows(named=True):
            evidence = {k[3:]: pair[k] for k in self._evidence}
            found.append(
                Candidate(
                    self.voter(pair["voter_id"]),
                    pair["score"],
                    evidence,
                    _split(pair["reasons"]),
                )
            )
        return found

    def view(self, case_id: str, decision: Decision | None, top: int = 5) -> PairView:
        """The case, its best candidates, its band and reasons, and `decision`."""
        assigned = self._rows(self._assignment, "case_id", case_id)
        band = assigned["band"][0] if assigned.height else "reject"
        reasons = _split(assigned["reasons"][0]) if assigned.height else []
        return PairView(
            self.case(case_id), self.candidates(case_id, top), decision, band, reasons
        )
