"""The conversion's steps run against a session, with the gates between them.

The CLI and the TUI both drive a `Conversion`; neither holds business logic. Every
method that changes state records it in the session (and the audit log) before it
returns, so a dropped connection loses nothing that was shown as done.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from casetui.checklist import CHECKLIST, ITEMS, missing_fields, review_date_problem
from casetui.errors import GateError, InputError
from casetui.export_step import ExportStep
from casetui.pipeline.codebook import Codebook, load_codebook
from casetui.pipeline.layouts import Layout, check_unique_cases, mapped_headers
from casetui.pipeline.loading import load_file, peek, require_rows
from casetui.pipeline.match import MatchResult, Thresholds, match
from casetui.pipeline.report import LoadReport
from casetui.pipeline.scrub import DROPPED, ScrubReport, preview_safe, scrub
from casetui.pipeline.suppress import (
    NOT_OVERRIDABLE,
    RULES,
    find_suppressions,
    read_opt_out,
    suppressed_case_ids,
)
from casetui.review_queue import PairSource, PairView, ReviewQueue
from casetui.session.decisions import UNDECIDED
from casetui.session.store import STEPS, Decision, FileRecord, Session
from casetui.sync import PREVIOUS_CASES, new_or_changed

log = logging.getLogger(__name__)

ROLES = {"casework": "casework", "voter": "voter"}
Progress = Callable[[str, float], None]


@dataclass
class FileInspection:
    """What the file step shows before anything is stored: a preview and a layout."""

    path: Path
    kind: str
    headers: list[str]
    preview: pl.DataFrame
    encoding: str
    delimiter: str | None
    layout: Layout | None
    score: float
    notes: list[str] = field(default_factory=list)


@dataclass
class LoadedFile:
    role: str
    path: Path
    layout: str
    rows: int
    notes: list[str]
    scrub: ScrubReport | None = None
    report: LoadReport | None = None


@dataclass
class RuleSummary:
    rule: str
    description: str
    hits: int
    overridden: int


@dataclass
class MatchSummary:
    accepted: int
    review: int
    rejected: int
    suppressed: int
    seconds: float
    stats: dict[str, Any]


class Conversion(ExportStep):
    """One session's conversion, with its frames cached in memory."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._frames: dict[str, pl.DataFrame] = {}
        self._codebook: Codebook | None = None
        self._pairs: PairSource | None = None

    # -- gates ---------------------------------------------------------------

    def require(self, step: str) -> None:
        """Raise GateError unless every step before `step` is complete."""
        done = self.session.completed_steps()
        for earlier in STEPS[: STEPS.index(step)]:
            if earlier not in done:
                raise GateError(
                    "Step not available yet",
                    f"Complete the {earlier} step before the {step} step.",
                )

    # -- 1. readiness checklist ----------------------------------------------

    def missing_attestations(self) -> list[str]:
        """Return the keys of checklist items not yet attested."""
        done = self.session.attestations()
        return [item.key for item in CHECKLIST if item.key not in done]

    def attest(self, key: str, details: dict[str, str]) -> None:
        """Record one attestation; raises GateError when a field is blank and
        CodebookError when the codebook item names a bad codebook."""
        item = ITEMS[key]
        blank = missing_fields(item, details)
        if blank:
            raise GateError(
                "Attestation incomplete", f"{item.title}: fill in " + ", ".join(blank)
            )
        if key == "counsel_review":
            problem = review_date_problem(details["review_date"])
            if problem:
                raise GateError("Attestation incomplete", f"Review date: {problem}")
        if key == "suppression_list":
            self._opt_out_source(details["source"])  # refused now, not later
        if key == "codebook":
            codebook = load_codebook(Path(details["path"]).expanduser())
            self._codebook = codebook
            self.session.set_setting("codebook", str(codebook.path))
            details = {**details, "name": codebook.name, "version": codebook.version}
        self.session.attest(key, details)

    def withdraw(self, key: str) -> None:
        """Withdraw an attestation (audited) and re-lock every later step: the
        checklist must be completed again before anything moves."""
        self.session.withdraw_attestation(key)
        if "checklist" in self.session.completed_steps():
            self.session.reopen_step("checklist")

    def still_to_do(self, step: str) -> list[str]:
        """What keeps `step` from being completed, in words for the operator
        ("opt_in_plan is not attested", "the voter file is not loaded"); empty
        when only the step's own Continue is left."""
        if step == "checklist":
            todo = [] if self.session.operator else ["your name is not entered"]
            return todo + [f"{k} is not attested" for k in self.missing_attestations()]
        if step == "files":
            files = self.session.files()
            return [
                f"the {role} file is not loaded" for role in ROLES if role not in files
            ]
        return []

    def complete_checklist(self) -> None:
        """Close the checklist step; raises GateError naming what is missing."""
        missing = self.missing_attestations()
        if not self.session.operator:
            missing.insert(0, "operator name")
        if missing:
            raise GateError(
                "Readiness checklist incomplete",
                "Still to attest: " + ", ".join(missing),
            )
        self.session.complete_step("checklist")

    @property
    def codebook(self) -> Codebook:
        if self._codebook is None:
            path = self.session.setting("codebook")
            if path is None:
                raise GateError("No codebook", "Attest the codebook item first.")
            self._codebook = load_codebook(Path(path))
        return self._codebook

    # -- 2. files -------------------------------------------------------------

    def inspect(self, path: Path, kind: str) -> FileInspection:
        """Read a preview of `path` and detect its layout; stores nothing."""
        first = peek(path, kind)
        table, layout = first.table, first.layout
        headers = first.headers
        mapped = mapped_headers(headers, layout) if layout else {}
        dropped = {h for field in DROPPED for h in mapped.get(field, [])}
        return FileInspection(
            path,
            kind,
            headers,
            preview_safe(table.frame.head(20), dropped),
            table.encoding,
            table.delimiter,
            layout,
            first.score,
            table.notes,
        )

    def load(
        self,
        role: str,
        path: Path,
        layout_name: str | None = None,
        layout: Layout | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
        layout_option: str | None = None,
    ) -> LoadedFile:
        """Read the whole file, map it to canonical fields, scrub casework, and
        store the result and its load report in the session. Raises InputError
        or LayoutError (LoadCancelled when `cancelled()` turns true);
        `layout_option` is the CLI option to name in the advice, if any."""
        self.require("files")
        result = load_file(
            path, ROLES[role], layout_name, layout, progress, cancelled, layout_option
        )
        require_rows(result, path)
        frame, table, layout = result.frame, result.table, result.layout

        report = None
        if role == "casework":
            frame, report = scrub(frame, present=result.mapped)
            check_unique_cases(frame, path)
            frame = self._since_filter(frame, path)
        name = "cases" if role == "casework" else "voters"
        self.session.write_frame(name, frame)
        self._frames[name] = frame
        self._pairs = None
        self.session.record_file(
            FileRecord(
                role,
                path.resolve(),
                table.size,
                table.sha256,
                layout.name,
                frame.height,
            )
        )
        self.session.set_setting(
            f"load_report:{role}", json.dumps(result.report.as_dict())
        )
        self.session.reopen_step("suppression")
        log.info("loaded %s file: %d rows, layout %s", role, frame.height, layout.name)
        return LoadedFile(
            role, path, layout.name, frame.height, table.notes, report, result.report
        )

    def _since_filter(self, cases: pl.DataFrame, path: Path) -> pl.DataFrame:
        """In a sync session, the cases new or changed since the earlier export;
        raises InputError when there are none."""
        since_at = self.session.setting("since_at")
        if since_at is None:
            return cases
        previous = self.session.read_frame(PREVIOUS_CASES)
        since = datetime.fromisoformat(since_at).date()
        kept = new_or_changed(cases, previous, since)
        self.session.set_setting("cases_in_file", str(cases.height))
        self.session.audit("sync_filtered", rows=cases.height, kept=kept.height)
        if kept.height == 0:
            raise InputError(
                "Nothing new to sync",
                f"{path.name}: none of its {cases.height} cases is new or changed "
                f"since the earlier session's export of {since_at[:10]}.",
            )
        return kept

    def load_report(self, role: str) -> LoadReport | None:
        """The stored load report of the file loaded for `role`, if any."""
        stored = self.session.setting(f"load_report:{role}")
        return LoadReport.from_dict(json.loads(stored)) if stored else None

    def complete_files(self) -> None:
        files = self.session.files()
        missing = [role for role in ROLES if role not in files]
        if missing:
            raise GateError("Files missing", "Still to load: " + ", ".join(missing))
        self.session.complete_step("files")

    def frame(self, name: str) -> pl.DataFrame:
        """Return a stored frame ('cases', 'voters', 'hits', 'candidates',
        'assignment'); raises GateError when its step has not run."""
        if name not in self._frames:
            stored = self.session.read_frame(name)
            if stored is None:
                raise GateError("Not available yet", f"The {name} table is not built.")
            self._frames[name] = stored
        return self._frames[name]

    def _take(self, name: str) -> pl.DataFrame:
        """A stored frame, no longer cached here (see frame)."""
        self.frame(name)
        return self._frames.pop(name)

    # -- 3. suppression --------------------------------------------------------

    def run_suppression(self) -> list[RuleSummary]:
        """Apply every suppression rule and store the hits."""
        self.require("suppression")
        source = self.session.attestations().get("suppression_list", {})
        opt_out = self._opt_out_source(source.get("source", "none"))
        hits = find_suppressions(self.frame("cases"), self.codebook, opt_out)
        self.session.write_frame("hits", hits)
        self._frames["hits"] = hits
        self.session.audit(
            "suppression_run",
            **{f"hits_{rule}": int((hits["rule"] == rule).sum()) for rule in RULES},
        )
        return self.suppression_summary()

    @staticmethod
    def _opt_out_source(source: str) -> pl.DataFrame | None:
        """The attested opt-out list read, or None for 'none'. Raises InputError
        for a file that is missing or has nothing to match people by."""
        if source.strip().lower() == "none":
            return None
        return read_opt_out(Path(source.strip()).expanduser())

    def suppression_summary(self) -> list[RuleSummary]:
        hits = self.frame("hits")
        overrides = self.session.overrides()
        summary = []
        for rule, description in RULES.items():
            ids = hits.filter(pl.col("rule") == rule)["case_id"].to_list()
            kept = sum((case_id, rule) in overrides for case_id in ids)
            summary.append(RuleSummary(rule, description, len(ids), kept))
        return summary

    def rule_hits(self, rule: str) -> pl.DataFrame:
        """The cases a rule hits, with their override (if any) and the other
        rules still holding each case (comma-separated, or null), for review."""
        overrides = self.session.overrides()
        hits = self.frame("hits").filter(pl.col("rule") == rule)
        cases = self.frame("cases").select(
            "case_id", "first_name", "last_name", "category", "status", "outcome"
        )
        rows = hits.join(cases, on="case_id", how="left")
        ids = rows["case_id"].to_list()
        reasons = [overrides.get((c, rule)) for c in ids]
        holding = self._holding(set(ids), overrides)
        others = [
            ", ".join(r for r in holding.get(c, []) if r != rule) or None for c in ids
        ]
        return rows.with_columns(
            pl.Series("override", reasons, dtype=pl.Utf8),
            pl.Series("held_by", others, dtype=pl.Utf8),
        )

    def held_by(self, case_id: str) -> list[str]:
        """The rules keeping `case_id` out of matching, in RULES order: its hits
        with no override, and the category rules whatever the overrides say.
        Empty when the case goes on."""
        return self._holding({case_id}, self.session.overrides()).get(case_id, [])

    def _holding(
        self, case_ids: set[str], overrides: dict[tuple[str, str], str]
    ) -> dict[str, list[str]]:
        hits = self.frame("hits").filter(pl.col("case_id").is_in(list(case_ids)))
        holding: dict[str, list[str]] = {}
        for case_id, rule in hits.select("case_id", "rule").iter_rows():
            if rule in NOT_OVERRIDABLE or (case_id, rule) not in overrides:
                holding.setdefault(case_id, []).append(rule)
        return holding

    def override(self, case_id: str, rule: str, reason: str) -> None:
        """Let a case through one rule. Raises GateError for a rule that no
        override can lift (sensitive and unknown categories)."""
        if rule in NOT_OVERRIDABLE:
            raise GateError(
                "Not overridable",
                f"Case {case_id}: rule {rule} cannot be overridden; such cases never "
                "leave the office. Change the codebook if the category is not "
                "sensitive.",
            )
        self.session.set_override(case_id, rule, reason)

    def restore(self, case_id: str, rule: str) -> None:
        self.session.clear_override(case_id, rule)

    def suppressed(self) -> set[str]:
        return suppressed_case_ids(self.frame("hits"), self.session.overrides())

    def complete_suppression(self) -> None:
        self.require("suppression")
        self.frame("hits")
        self.session.complete_step("suppression")
        self.session.reopen_step("match")

    # -- 4. match ----------------------------------------------------------------

    def thresholds(self) -> Thresholds:
        default = Thresholds()
        accept = self.session.setting("threshold_accept")
        review = self.session.setting("threshold_review")
        return Thresholds(
            accept=float(accept) if accept else default.accept,
            review=float(review) if review else default.review,
        )

    def run_match(self, progress: Progress | None = None) -> MatchSummary:
        """Match the unsuppressed cases to the voter file, record the sure
        decisions as automatic ones and leave the uncertain band pending."""
        self.require("match")
        started = time.perf_counter()
        suppressed = self.suppressed()
        cases = self.frame("cases").filter(~pl.col("case_id").is_in(list(suppressed)))
        # Handed over, not kept: match() lets the voters go slice by slice once
        # normalized; they are read back from the session when next wanted.
        result: MatchResult = match(
            cases, self._take("voters"), self.thresholds(), progress
        )
        for name in ("candidates", "assignment"):
            frame = getattr(result, name)
            self.session.write_frame(name, frame)
            self._frames[name] = frame
        self.session.write_frame("candidate_voters", self._voters_of(result.candidates))
        self._pairs = None

        bands = result.assignment
        auto = [
            (
                row["case_id"],
                row["voter_id"],
                "accepted" if row["band"] == "accept" else "rejected",
            )
            for row in bands.filter(pl.col("band") != "review").iter_rows(named=True)
        ]
        self.session.decide_many(auto, by="auto")
        seconds = time.perf_counter() - started
        summary = MatchSummary(
            accepted=int((bands["band"] == "accept").sum()),
            review=int((bands["band"] == "review").sum()),
            rejected=int((bands["band"] == "reject").sum()),
            suppressed=len(suppressed),
            seconds=seconds,
            stats=dict(result.stats),
        )
        self.session.audit(
            "match_run",
            accepted=summary.accepted,
            review=summary.review,
            rejected=summary.rejected,
            seconds=round(seconds, 2),
            accept_threshold=self.thresholds().accept,
            review_threshold=self.thresholds().review,
        )
        return summary

    def _voters_of(self, candidates: pl.DataFrame) -> pl.DataFrame:
        ids = candidates["voter_id"].unique()
        return (
            self.frame("voters")
            .filter(pl.col("voter_id").is_in(ids.implode()))
            .sort("voter_id")
        )

    def review_queue(self) -> list[str]:
        """Case ids in the review band, most likely matches first."""
        bands = self.frame("assignment")
        queue = bands.filter(pl.col("band") == "review").sort(
            ["score", "case_id"], descending=[True, False]
        )
        return queue["case_id"].to_list()

    def review(self) -> ReviewQueue:
        """The review queue with the session's latest decisions (read once: about
        0.2 s for 50,000 decisions)."""
        return ReviewQueue(self.frame("assignment"), self.session.decisions())

    def _candidate_voters(self) -> pl.DataFrame:
        """The voters some case has as a candidate: the review reads these, not
        the whole voter file, which may hold millions."""
        stored = self.session.read_frame("candidate_voters")
        if stored is None:
            stored = self._voters_of(self.frame("candidates"))
            self.session.write_frame("candidate_voters", stored)
        return stored

    def pairs(self) -> PairSource:
        """The pair views' source, built once per match run."""
        if self._pairs is None:
            self._pairs = PairSource(
                self.frame("cases"),
                self.frame("candidates"),
                self._candidate_voters(),
                self.frame("assignment"),
            )
        return self._pairs

    def pair_view(self, case_id: str, top: int = 5) -> PairView:
        """The case, its best candidates with evidence, and its latest decision."""
        return self.pairs().view(case_id, self.session.decision(case_id), top)

    def bulk_accept(
        self, rows: list[tuple[str, str | None, str]], min_score: float, chosen: str
    ) -> int:
        """Accept many review cases as one decision (one undo takes all back),
        audited with the score floor and the filter they were chosen by."""
        operator = self.session.operator or ""
        return self.session.decide_many(
            rows, by=operator, min_score=min_score, chosen_by=chosen or "all"
        )

    def decide(self, case_id: str, voter_id: str | None, decision: str) -> Decision:
        """Record the operator's decision on one case (committed on return)."""
        return self.session.decide(case_id, voter_id, decision)

    def keep_voter(self, case_id: str, voter_id: str, others: list[str]) -> int:
        """Accept `voter_id` for `case_id` and set `others`, the cases it was
        accepted for, back to undecided: one decision, so one undo restores all
        of them as they were. Returns how many cases it changed."""
        rows: list[tuple[str, str | None, str]] = [
            *((other, None, UNDECIDED) for other in others),
            (case_id, voter_id, "accepted"),
        ]
        operator = self.session.operator or ""
        return self.session.decide_many(
            rows, by=operator, voter_id=voter_id, kept_by=case_id
        )

    def claimed_by(self, voter_id: str, except_case: str) -> list[str]:
        """Other cases whose accepted match is this voter."""
        return [
            case_id
            for case_id in self.session.accepted_for_voter(voter_id)
            if case_id != except_case
        ]

    def pending(self) -> list[str]:
        decided = self.session.decisions()
        return [
            c
            for c in self.review_queue()
            if c not in decided or decided[c].decision == "skipped"
        ]

    def complete_match(self) -> None:
        self.require("match")
        self.frame("assignment")
        self.session.complete_step("match")
