"""Warnings the review screen puts above a pair: the ways a careful operator gets a
household or a shared voter wrong (a Jr taken for his father, one twin for the
other, a spouse with the same initial, a voter already given to another case).

They are worked out from the candidate voters themselves, not only from the
matcher's reasons, so they name what to compare. Text only: the screen shows
them, nothing logs them.
"""

from __future__ import annotations

import re
from typing import Any

from casetui.review_queue import Candidate, PairView

# Enough of USPS Publication 28 that "12 North Main Street" and "12 N Main St"
# read as one home; the matcher's own address forms are not in its candidates.
_SHORT = {
    "north": "n", "south": "s", "east": "e", "west": "w", "street": "st",
    "avenue": "ave", "road": "rd", "drive": "dr", "lane": "ln", "court": "ct",
    "place": "pl", "boulevard": "blvd", "terrace": "ter", "circle": "cir",
}  # fmt: skip


def _key(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(value or "").casefold())


# A unit at the end of the street line ("20 Huron Ave Apt 2", "360 Highland
# Ave, Unit 101"), as voter files and casework often write it.
_UNIT_IN_STREET = re.compile(
    r",?\s*(?:\b(?:apt|apartment|unit|suite|ste|fl|floor|rm|room)\b\.?|#)\s*"
    r"([a-z0-9-]+)\s*$",
    re.IGNORECASE,
)
_UNIT_WORDS = re.compile(
    r"\b(?:apt|apartment|unit|suite|ste|fl|floor|rm|room)\b\.?|#", re.IGNORECASE
)


def unit_in_street(street: Any) -> str:
    """The unit written at the end of a street line ("Apt 2" in "20 Huron Ave
    Apt 2"), or ''."""
    found = _UNIT_IN_STREET.search(str(street or ""))
    return found.group(0).strip(" ,") if found else ""


def _street(value: Any) -> str:
    words = re.findall(r"[a-z0-9]+", str(value or "").casefold())
    return "".join(_SHORT.get(word, word) for word in words)


def _home(voter: dict[str, Any]) -> tuple[str, str, str]:
    """(street, unit, ZIP) keys of a voter's address, the unit taken from the
    street line when the unit field is blank."""
    street, unit = str(voter.get("street") or ""), str(voter.get("unit") or "")
    if found := _UNIT_IN_STREET.search(street):
        street = street[: found.start()]
        unit = unit or found.group(1)
    unit = _key(_UNIT_WORDS.sub("", unit)).lstrip("0")
    return _street(street), unit, _key(voter.get("zip5"))


def _same_home(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """Same street and ZIP, and the same flat unless a unit is missing."""
    (street, unit, zip5), (o_street, o_unit, o_zip5) = _home(one), _home(other)
    if not street or (street, zip5) != (o_street, o_zip5):
        return False
    return not unit or not o_unit or unit == o_unit


def household_warnings(compared: Candidate, others: list[Candidate]) -> list[str]:
    """Return warnings about voters living with the compared one who could be
    taken for it: Jr/Sr, twins, a relative with the same first initial."""
    voter = compared.voter
    first, last = _key(voter.get("first_name")), _key(voter.get("last_name"))
    warnings: list[str] = []
    for number, other in enumerate(others, start=1):
        person = other.voter
        if other is compared or not _same_home(voter, person):
            continue
        if _key(person.get("last_name")) != last:
            continue
        other_first = _key(person.get("first_name"))
        label = f"candidate {number}"
        if other_first == first:
            warnings.append(
                f"Jr/Sr: {label} has this name at this address; compare Suffix and Born"
            )
        elif _key(person.get("birth_year")) and _key(person.get("birth_year")) == _key(
            voter.get("birth_year")
        ):
            warnings.append(f"Twins? {label} at this address was born the same year")
        elif first[:1] and other_first[:1] == first[:1]:
            warnings.append(
                f"Same initial: {label} at this address shares the first initial "
                "(a spouse or relative?)"
            )
    return warnings


def pair_warnings(view: PairView, compared: int, claimed_by: list[str]) -> list[str]:
    """Return the warnings for a case compared with its candidate `compared`
    (an index into view.candidates); `claimed_by` lists other cases already
    accepted with that voter."""
    warnings: list[str] = []
    if not view.candidates or compared >= len(view.candidates):
        return _claimed(claimed_by, kept=False)
    candidate = view.candidates[compared]
    decision = view.decision
    kept = (
        decision is not None
        and decision.decision == "accepted"
        and decision.voter_id == candidate.voter.get("voter_id")
    )
    warnings.extend(_claimed(claimed_by, kept))
    household = household_warnings(candidate, view.candidates)
    warnings.extend(household)
    reasons = set(view.reasons) | set(candidate.reasons)
    if "suffix_conflict" in reasons:
        warnings.append("Suffixes differ: a Jr and a Sr are two people")
    if "household" in reasons and not household:
        warnings.append("Household: another voter at this address scores close")
    if "namesake" in reasons:
        warnings.append("Namesake: another voter with this name scores close")
    if "name_only" in reasons:
        warnings.append("Only the name agrees: often a namesake, not a mover")
    return warnings


def _claimed(claimed_by: list[str], kept: bool) -> list[str]:
    if not claimed_by:
        return []
    cases = ", ".join(claimed_by)
    if kept:  # the operator chose "both": one person with two cases
        return [f"Voter also accepted for case {cases}: the same person"]
    return [
        f"Voter already accepted for case {cases}; accepting asks which case keeps it"
    ]
