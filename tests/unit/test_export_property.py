"""The hard rule, as a property: whatever the cases, the rules they trip, the
overrides and the decisions (undo and redo included), no suppressed case, no
case in a sensitive or unknown category and no case without an accepted match
reaches any export file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casetui.paths import codebooks_dir
from casetui.pipeline.export import exportable, write_exports
from casetui.pipeline.suppress import RULES, find_suppressions, suppressed_case_ids
from casetui.pipeline.targets import FILE_NAMES, NGPVAN_COLUMNS, TARGETS
from casetui.session.store import Session
from casetui.workflow import Conversion

CATEGORIES = ["Pothole", "VA", "Housing", "Domestic Violence", "Benefits Fraud",
              "Minors", "Criminal Justice", "Mystery", None, " housing "]  # fmt: skip
OUTCOMES = ["Favorable", "Denied", "Hostile", "Flagged", "Withdrawn", None]
STATUSES = ["Closed", "Open", "Resolved", "Urgent", None]
SUBJECTS = ["License renewal", "Restraining order", "Pothole on Elm", None]

case = st.fixed_dictionaries(
    {
        "category": st.sampled_from(CATEGORIES),
        "outcome": st.sampled_from(OUTCOMES),
        "status": st.sampled_from(STATUSES),
        "subject": st.sampled_from(SUBJECTS),
        "deceased": st.booleans(),
        "do_not_contact": st.booleans(),
        "email_opt_in": st.booleans(),
        "voter": st.integers(0, 5),  # voters shared between cases
        "decisions": st.lists(
            st.sampled_from(["accepted", "rejected", "skipped", "undo", "redo"]),
            max_size=3,
        ),
        "override": st.sets(st.sampled_from(list(RULES)), max_size=3),
    }
)


def _frames(drawn: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    ids = [f"k{i}" for i in range(len(drawn))]
    cases = pl.DataFrame(
        {
            "case_id": ids,
            "first_name": [f"Case{i}" for i in range(len(drawn))],
            "last_name": ["Person"] * len(drawn),
            "email": [f"k{i}@mail.test" for i in range(len(drawn))],
            "opened": ["2024-01-02"] * len(drawn),
            **{k: [d[k] for d in drawn] for k in
               ("category", "outcome", "status", "subject", "deceased",
                "do_not_contact", "email_opt_in")},
        }
    )  # fmt: skip
    voters = pl.DataFrame(
        {
            "voter_id": [f"V{i}" for i in range(6)],
            "first_name": [f"Voter{i}" for i in range(6)],
            "last_name": ["Zoë"] * 6,
        }
    )
    return cases, voters


def _exported(folder: Path) -> tuple[set[str], set[str]]:
    """Case ids and voter ids found in any file of the export."""
    cases: set[str] = set()
    voters: set[str] = set()
    for target in TARGETS:
        for path in folder.glob(f"{Path(FILE_NAMES[target]).stem}*"):
            frame = (
                pl.read_parquet(path)
                if path.suffix == ".parquet"
                else pl.read_csv(path, infer_schema=False)
            )
            for column in ("case_id",):
                if column in frame.columns:
                    cases |= set(frame[column].drop_nulls())
            for column in ("voter_id", "VANID", "external_id"):
                if column in frame.columns:
                    voters |= set(frame[column].drop_nulls())
            if "First Name" in frame.columns:  # eCanvasser has no id: by name
                voters |= {f"V{n.removeprefix('Voter')}" for n in frame["First Name"]}
    return cases, voters


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(case, min_size=1, max_size=12))
def test_no_suppressed_or_unconfirmed_case_reaches_any_export(drawn) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["CASETUI_HOME"] = home
        session = Session.create("property")
        session.set_operator("Dana")
        session.set_setting("codebook", str(codebooks_dir() / "default.toml"))
        conversion = Conversion(session)
        cases, voters = _frames(drawn)
        hits = find_suppressions(cases, conversion.codebook)
        session.write_frame("cases", cases)
        session.write_frame("voters", voters)
        session.write_frame("hits", hits)

        pairs = []
        for i, d in enumerate(drawn):
            case_id, voter_id = f"k{i}", f"V{d['voter']}"
            pairs.append((case_id, voter_id, 0.9, "review"))
            for rule in d["override"]:  # even rules no override may lift
                session.set_override(case_id, rule, "a reason")
            for action in d["decisions"]:
                if action == "undo":
                    session.undo()
                elif action == "redo":
                    session.redo()
                else:
                    session.decide(case_id, voter_id, action)
        frame = pl.DataFrame(
            pairs, schema=["case_id", "voter_id", "score", "band"], orient="row"
        )
        session.write_frame("candidates", frame)
        session.write_frame("assignment", frame)

        folder = Path(home) / "out"
        request = conversion.request(folder, list(TARGETS))
        request.options = type(request.options)(ngpvan_columns=NGPVAN_COLUMNS)
        write_exports(request)
        found_cases, found_voters = _exported(folder)

        # What may go out, worked out independently of the export code.
        kept_out = suppressed_case_ids(hits, session.overrides())
        book = conversion.codebook
        latest = session.decisions()
        allowed = {
            f"k{i}"
            for i, d in enumerate(drawn)
            if f"k{i}" not in kept_out
            and (cat := book.category(d["category"])) is not None
            and not cat.sensitive
            and f"k{i}" in latest
            and latest[f"k{i}"].decision == "accepted"
        }
        allowed_voters = {latest[c].voter_id for c in allowed}
        assert found_cases <= allowed
        assert found_voters <= allowed_voters
        links, _ = exportable(request)
        assert set(links["case_id"]) == allowed
        session.close()
