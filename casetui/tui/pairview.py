"""The side-by-side comparison of one case and one voter, field by field.

Every mark has a text form as well as a style ("=" agrees, "≈" differs as written
but the matcher counts it for the match, "≠" differs, "·" one side is blank;
differing characters in reverse video) so the comparison still reads with
NO_COLOR set or on a monochrome terminal.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.widget import Widget

from casetui.review_warnings import unit_in_street
from casetui.tui.inert import inert

if TYPE_CHECKING:
    from casetui.review_queue import Candidate

FIELDS: tuple[tuple[str, str], ...] = (
    ("first_name", "First"),
    ("middle_name", "Middle"),
    ("last_name", "Last"),
    ("name_suffix", "Suffix"),
    ("street", "Street"),
    ("unit", "Unit"),
    ("city", "City"),
    ("state", "State"),
    ("zip5", "ZIP"),
    ("zip4", "ZIP+4"),
    ("birth_year", "Born"),
    ("phone", "Phone"),
    ("email", "Email"),
)
"""(canonical field, label) in the order the operator reads them."""

# The matcher names its evidence columns after what it compares, which is not
# always one canonical field; these are the names each row answers to.
EVIDENCE_KEYS: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name", "first"),
    "middle_name": ("middle_name", "middle"),
    "last_name": ("last_name", "last"),
    "name_suffix": ("name_suffix", "suffix"),
    "street": ("street", "address"),
    "unit": ("unit",),
    "city": ("city",),
    "state": ("state",),
    "zip5": ("zip5", "zip"),
    "zip4": ("zip4",),
    "birth_year": ("birth_year", "yob", "dob"),
    "phone": ("phone",),
    "email": ("email",),
}

AGREE, CLOSE, DIFFER, BLANK = "=", "≈", "≠", "·"
DIFF_STYLE = "reverse bold"
LABEL_WIDTH = 7
EVIDENCE_WIDTH = 6


def _text(value: Any) -> str:
    return inert("" if value is None else str(value).strip())


def comparable(field: str, value: str) -> str:
    """Return the form two values are compared in: case, spacing and punctuation
    do not make a difference; a phone compares by its digits."""
    if field == "phone":
        return re.sub(r"\D", "", value)[-10:]
    return re.sub(r"[\s.,'-]+", " ", value.casefold()).strip()


def mark(
    field: str, case_value: str, voter_value: str, weight: float = math.nan
) -> str:
    """Return AGREE, CLOSE, DIFFER or BLANK for one field of a pair: CLOSE when
    the values differ as written but the field's evidence `weight` is for the
    match (an abbreviation, a nickname, a typo)."""
    if not case_value or not voter_value:
        return BLANK
    if comparable(field, case_value) == comparable(field, voter_value):
        return AGREE
    return CLOSE if weight > 0 else DIFFER


def highlight_differences(left: str, right: str) -> tuple[Content, Content]:
    """Return both strings with the characters the other lacks in reverse video
    (compared without regard to case)."""
    matcher = difflib.SequenceMatcher(None, left.casefold(), right.casefold())
    left_parts: list[str | tuple[str, str]] = []
    right_parts: list[str | tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        style = "" if tag == "equal" else DIFF_STYLE
        if i2 > i1:
            left_parts.append((left[i1:i2], style))
        if j2 > j1:
            right_parts.append((right[j1:j2], style))
    return Content.assemble(*left_parts), Content.assemble(*right_parts)


def evidence_text(value: float | None) -> str:
    """Return a log2 Bayes factor as a signed number, or '' when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:+.1f}"


def _evidence_for(field: str, evidence: dict[str, float]) -> tuple[str | None, float]:
    for key in EVIDENCE_KEYS[field]:
        if key in evidence and evidence[key] is not None:
            return key, evidence[key]
    return None, math.nan


def _cell(content: Content, width: int) -> Content:
    return content.truncate(width, ellipsis=True, pad=True)


def _units(
    weight: float,
    case_unit: str,
    voter_unit: str,
    case: dict[str, Any],
    voter: dict[str, Any],
) -> tuple[str, str, str]:
    """The unit row's mark and values, a unit written in the street line shown
    (and compared) where the unit field is blank: the matcher reads it there."""
    case_found = "" if case_unit else _text(unit_in_street(case.get("street")))
    voter_found = "" if voter_unit else _text(unit_in_street(voter.get("street")))
    row_mark = mark("unit", case_unit or case_found, voter_unit or voter_found, weight)
    if case_found:
        case_unit = f"{case_found} (in street)"
    if voter_found:
        voter_unit = f"{voter_found} (in street)"
    return row_mark, case_unit, voter_unit


class PairTable(Widget):
    """One case beside one voter: a row per field with its mark, both values
    (differences highlighted) and the field's evidence."""

    DEFAULT_CSS = """
    PairTable {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._case: dict[str, Any] = {}
        self._candidate: Candidate | None = None

    def show(self, case: dict[str, Any], candidate: Candidate | None) -> None:
        """Show `case` beside `candidate` (None: the case has no candidate)."""
        self._case = case
        self._candidate = candidate
        self.refresh(layout=True)

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """Return (mark, label, case value, voter value, evidence) per shown field;
        fields blank on both sides are left out to keep the table short."""
        voter = self._candidate.voter if self._candidate else {}
        evidence = self._candidate.evidence if self._candidate else {}
        shown = []
        case_name = _text(self._case.get("full_name"))
        if case_name and not _text(self._case.get("last_name")):
            voter_name = " ".join(
                _text(voter.get(f))
                for f in ("first_name", "middle_name", "last_name", "name_suffix")
                if _text(voter.get(f))
            )
            shown.append(
                (mark("name", case_name, voter_name), "Name", case_name, voter_name, "")
            )
        for field, label in FIELDS:
            case_value, voter_value = (
                _text(self._case.get(field)),
                _text(voter.get(field)),
            )
            _, weight = _evidence_for(field, evidence)
            no_evidence = math.isnan(weight) or weight == 0
            if not case_value and not voter_value and no_evidence:
                continue
            row_mark = mark(field, case_value, voter_value, weight)
            if field == "unit":
                row_mark, case_value, voter_value = _units(
                    weight, case_value, voter_value, self._case, voter
                )
            shown.append(
                (row_mark, label, case_value, voter_value, evidence_text(weight))
            )
        return shown

    def other_evidence(self) -> list[tuple[str, float]]:
        """Evidence the matcher gave for comparisons not shown as a field row."""
        if self._candidate is None:
            return []
        used = {key for keys in EVIDENCE_KEYS.values() for key in keys}
        return [
            (key, value)
            for key, value in self._candidate.evidence.items()
            if key not in used and evidence_text(value)
        ]

    def _voter_title(self, width: int) -> str:
        """'Voter V-1 score 0.91', shortened to fit `width` with the score kept:
        a narrow column ends with the score cut off otherwise."""
        if self._candidate is None:
            return "No candidate voter"
        voter_id = _text(self._candidate.voter.get("voter_id"))
        score = f"{self._candidate.score:.2f}"
        for title in (f"Voter {voter_id} score {score}", f"{voter_id} score {score}"):
            if len(title) <= width:
                return title
        return f"{score} {voter_id}"  # the id is the part cut with an ellipsis

    def render(self) -> Content:
        width = max(self.size.width, 40)
        value_width = max((width - LABEL_WIDTH - EVIDENCE_WIDTH - 5) // 2, 8)
        case_title = f"Case {_text(self._case.get('case_id'))}"
        voter_title = self._voter_title(value_width)
        lines = [
            Content.assemble(
                "  ",
                (f"{'Field':<{LABEL_WIDTH}} ", "bold"),
                _cell(Content.styled(case_title, "bold"), value_width),
                " ",
                _cell(Content.styled(voter_title, "bold"), value_width),
                " ",
                (f"{'log2BF':>{EVIDENCE_WIDTH}}", "bold"),
            )
        ]
        for badge, label, case_value, voter_value, weight in self.rows():
            if badge in (DIFFER, CLOSE):
                left, right = highlight_differences(case_value, voter_value)
            else:
                left, right = Content(case_value), Content(voter_value)
            badge_style = {
                AGREE: "$text-success",
                CLOSE: "bold $text-warning",
                DIFFER: "bold $text-error",
            }.get(badge, "$text-muted")
            lines.append(
                Content.assemble(
                    (badge, badge_style),
                    " ",
                    f"{label:<{LABEL_WIDTH}} ",
                    _cell(left, value_width),
                    " ",
                    _cell(right, value_width),
                    " ",
                    (f"{weight:>{EVIDENCE_WIDTH}}", _weight_style(weight)),
                )
            )
        extra = self.other_evidence()
        if extra:
            lines.append(
                Content.assemble(
                    ("  other evidence: ", "$text-muted"),
                    ", ".join(f"{k} {evidence_text(v)}" for k, v in extra),
                ).truncate(width, ellipsis=True)
            )
        return Content("\n").join(lines)


def _weight_style(weight: str) -> str:
    if weight.startswith("+"):
        return "$text-success"
    if weight.startswith("-"):
        return "$text-error"
    return ""


def badges(reasons: Iterable[str]) -> Content:
    """Return reasons as bracketed text badges: '[nickname] [moved]'."""
    parts: list[str | tuple[str, str]] = []
    for reason in reasons:
        if parts:
            parts.append(" ")
        parts.append((f"[{reason}]", "bold $text-warning"))
    return Content.assemble(*parts)


class CandidateList(Widget):
    """The case's top candidates, numbered for the 1-5 keys; the compared one is
    marked with '>'."""

    DEFAULT_CSS = """
    CandidateList {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._candidates: list[Candidate] = []
        self._selected = 0
        self._accepted: str | None = None

    def show(
        self, candidates: list[Candidate], selected: int, accepted_voter: str | None
    ) -> None:
        """List `candidates`, marking the compared one and the accepted voter."""
        self._candidates = candidates
        self._selected = selected
        self._accepted = accepted_voter
        self.refresh(layout=True)

    def render(self) -> Content:
        if not self._candidates:
            return Content.styled("No candidate voters for this case.", "$text-muted")
        lines = []
        for number, candidate in enumerate(self._candidates, start=1):
            voter_id = _text(candidate.voter.get("voter_id"))
            pointer = ">" if number - 1 == self._selected else " "
            accepted = (
                Content.styled("[accepted]", "bold $text-success")
                if voter_id and voter_id == self._accepted
                else Content("")
            )
            voter = candidate.voter
            name = " ".join(
                _text(voter.get(f))
                for f in ("first_name", "last_name", "name_suffix")
                if _text(voter.get(f))
            )
            born = _text(voter.get("birth_year"))
            line = Content.assemble(
                (pointer, "bold"),
                f" {number} ",
                (f"{candidate.score:5.2f}", "bold"),
                f"  {voter_id:<12} {name:<22} {'b.' + born if born else '':<7}",
                accepted,
                " " if accepted.plain else "",
                badges(candidate.reasons),
            )
            lines.append(line.truncate(max(self.size.width, 20), ellipsis=True))
        return Content("\n").join(lines)
