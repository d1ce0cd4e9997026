"""The readiness checklist: what the operator attests before any data moves.

Each item says why it matters, because an attestation nobody understood protects
nobody. The items and their fields are data so the TUI, the CLI's attestations file
and the manifest all speak of the same things.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from casetui.errors import GateError, InputError
from casetui.paths import codebooks_dir


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    why: str
    fields: tuple[tuple[str, str], ...] = ()
    """(field key, label) pairs the operator must fill in besides attesting."""


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "counsel_review",
        "Counsel has reviewed this use of casework records",
        "Using official casework for campaign outreach is lawful only in some "
        "jurisdictions and on some terms; counsel's sign-off is the record that "
        "someone qualified looked.",
        (
            ("counsel_name", "Counsel's name"),
            ("review_date", "Review date (YYYY-MM-DD)"),
        ),
    ),
    ChecklistItem(
        "vendor_account",
        "The campaign's vendor account is ready",
        "Exports go to the campaign's own NGP VAN, NationBuilder or eCanvasser "
        "account, never the office's systems.",
        (("vendor", "Vendor and account"),),
    ),
    ChecklistItem(
        "codebook",
        "A codebook is chosen and valid",
        "The codebook decides which case categories become tags and which are "
        "sensitive and never leave the office.",
        (("path", "Codebook file"),),
    ),
    ChecklistItem(
        "suppression_list",
        "The suppression list is set",
        "People who asked not to be contacted, and categories that must never move, "
        "are removed before matching; the list must be current.",
        (("source", "Opt-out list file or 'none'"),),
    ),
    ChecklistItem(
        "opt_in_plan",
        "There is an opt-in plan for email",
        "An email address is exported only where the constituent opted in; the plan "
        "says how that consent was collected.",
        (("plan", "How opt-in was collected"),),
    ),
    ChecklistItem(
        "campaign_resources",
        "This work uses campaign time and equipment",
        "Official staff time, offices and computers may not be used for campaign "
        "work; this conversion must run on the campaign's side.",
    ),
)

ITEMS = {item.key: item for item in CHECKLIST}


def missing_fields(item: ChecklistItem, details: dict[str, str]) -> list[str]:
    """Return the labels of the item's fields left blank in `details`."""
    return [label for key, label in item.fields if not details.get(key, "").strip()]


def read_attestations_file(path: Path) -> tuple[str, dict[str, dict[str, str]]]:
    """Read a headless run's attestations (TOML) and return (operator, items).

    Every checklist item must be a table with `attested = true` and its fields.
    Raises InputError for an unreadable file and GateError naming what is missing.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            "Attestations file not found", f"{path} does not exist."
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            "Attestations file is not valid TOML", f"{path.name}: {exc}"
        ) from None

    operator = str(data.get("operator", "")).strip()
    problems = [] if operator else ["operator (the name of the person running this)"]
    items: dict[str, dict[str, str]] = {}
    for item in CHECKLIST:
        table = data.get(item.key)
        if not isinstance(table, dict) or table.get("attested") is not True:
            problems.append(f"[{item.key}] attested = true")
            continue
        details = {k: str(v) for k, v in table.items() if k != "attested"}
        if item.key == "codebook" and details.get("path"):
            details["path"] = str(codebook_path(details["path"], path.parent))
        source = details.get("source", "").strip()
        if item.key == "suppression_list" and source.lower() not in ("", "none"):
            beside = path.parent / Path(source).expanduser()
            if not Path(source).expanduser().is_file() and beside.is_file():
                details["source"] = str(beside.resolve())
        problems += [f"[{item.key}] {label}" for label in missing_fields(item, details)]
        items[item.key] = details
    if problems:
        raise GateError(
            "Readiness checklist incomplete",
            f"{path.name} is missing: " + "; ".join(problems) + ". "
            "Every item must be attested before any data is processed; see "
            "docs/checklist.md.",
        )
    problem = review_date_problem(items["counsel_review"]["review_date"])
    if problem:
        raise GateError(
            "Attestation incomplete",
            f"{path.name}, [counsel_review] review_date: {problem} See "
            "docs/checklist.md.",
        )
    return operator, items


def review_date_problem(text: str) -> str | None:
    """Return what is wrong with counsel's review date, or None when it is a
    real date (YYYY-MM-DD or MM/DD/YYYY) not in the future."""
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            when = datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        if when > date.today():
            return "counsel's review cannot be in the future."
        return None
    return "write the date counsel reviewed this as YYYY-MM-DD (or MM/DD/YYYY)."


def codebook_path(given: str, beside: Path) -> Path:
    """Return where a codebook named in an attestations file is: the path as
    given (from the current folder), else beside the attestations file, else a
    shipped codebook of that file name. Returns the path as given when none
    exists, so the error names what was asked for."""
    path = Path(given).expanduser()
    if path.is_absolute():
        return path
    for candidate in (path, beside / path, codebooks_dir() / path.name):
        if candidate.is_file():
            return candidate.resolve()
    return path
