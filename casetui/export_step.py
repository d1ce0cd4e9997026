"""Step 5 of a conversion: the exports, their gate and their manifest.

`Conversion` inherits this; it is apart only so that each file reads in one
sitting. The gate is checked here as well as by the step order: export is
refused while a checklist item is withdrawn or the suppression review is open,
whatever the step table says.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from casetui import __version__
from casetui.errors import GateError, InputError
from casetui.pipeline import export as exporting
from casetui.pipeline.targets import NGPVAN_DEFAULT, TARGETS, check_ngpvan_columns
from casetui.sync import EXPORTED_BEFORE, EXPORTED_LINKS

if TYPE_CHECKING:
    from casetui.pipeline.codebook import Codebook
    from casetui.pipeline.match import Thresholds
    from casetui.pipeline.report import LoadReport
    from casetui.session.store import Session

log = logging.getLogger(__name__)

VAN_CONTACT_WARNING = (
    "Applying activist codes in NGP VAN can also record contact history for these "
    "people (a canvass result and date). Check the bulk upload's options before you "
    "apply it, so casework is not logged as campaign contact."
)


class ExportStep:
    """The export methods of a Conversion."""

    session: Session

    if TYPE_CHECKING:

        @property
        def codebook(self) -> Codebook: ...
        def frame(self, name: str) -> pl.DataFrame: ...
        def require(self, step: str) -> None: ...
        def missing_attestations(self) -> list[str]: ...
        def suppressed(self) -> set[str]: ...
        def thresholds(self) -> Thresholds: ...
        def pending(self) -> list[str]: ...
        def load_report(self, role: str) -> LoadReport | None: ...
        def suppression_summary(self) -> list[Any]: ...

    # -- choices -------------------------------------------------------------------

    @property
    def ngpvan_columns(self) -> tuple[str, ...]:
        """The NGP VAN columns the operator chose (VANID first)."""
        stored = self.session.setting("ngpvan_columns")
        return tuple(stored.split(",")) if stored else NGPVAN_DEFAULT

    def set_ngpvan_columns(self, columns: list[str] | tuple[str, ...]) -> None:
        """Choose the NGP VAN columns; raises InputError for a bad choice."""
        chosen = check_ngpvan_columns(tuple(columns))
        categories = self.codebook.official_categories()
        if "ActivistCodeID" in chosen and not any(
            c.activist_code_id for c in categories
        ):
            raise InputError(
                "No activist code ids",
                f"ActivistCodeID is chosen, but {self.codebook.path.name} gives no "
                "category an activist_code_id. Add the ids VAN shows, or choose "
                "ActivistCode.",
            )
        self.session.set_setting("ngpvan_columns", ",".join(chosen))

    @property
    def stale_days(self) -> int:
        """Cases older than this many days are flagged as likely stale addresses."""
        stored = self.session.setting("stale_days")
        return int(stored) if stored else exporting.STALE_DAYS

    def set_stale_days(self, days: int) -> None:
        """Set the stale-address age; raises InputError unless it is positive."""
        if days < 1:
            raise InputError(
                "Bad stale-address age", "Give the age in days, 1 or more."
            )
        self.session.set_setting("stale_days", str(days))

    def uncovered_categories(self) -> dict[str, int]:
        """Case types in the casework the codebook does not cover, with counts:
        their cases get no tag and are not exported."""
        cases = self.frame("cases")
        if "category" not in cases.columns:
            return {}
        raw = cases["category"].cast(pl.Utf8).to_list()
        return {k[:60]: n for k, n in self.codebook.uncovered(raw).items()}

    # -- the gate and the export ---------------------------------------------------

    def check_export_gate(self) -> None:
        """Raise GateError unless every checklist item is attested, the files are
        loaded, the suppression review is complete and the review has run."""
        missing = self.missing_attestations()
        if missing:
            raise GateError(
                "Export refused",
                "These checklist items are not attested (or were withdrawn): "
                + ", ".join(missing)
                + ". Attest them on the checklist before exporting.",
            )
        if "suppression" not in self.session.completed_steps():
            raise GateError(
                "Export refused",
                "The suppression review is not complete. Review each rule's cases "
                "and finish the suppression step before exporting.",
            )
        self.require("export")

    def links(self) -> pl.DataFrame:
        """Accepted (auto or confirmed) case-voter links, by latest decision."""
        rows = [
            (d.case_id, d.voter_id, d.by)
            for d in self.session.decisions().values()
            if d.decision == "accepted" and d.voter_id
        ]
        links = pl.DataFrame(
            rows,
            schema={"case_id": pl.Utf8, "voter_id": pl.Utf8, "decided_by": pl.Utf8},
            orient="row",
        )
        # The score of the pair accepted, which need not be the case's best.
        scores = self.frame("candidates").select("case_id", "voter_id", "score")
        return links.join(
            scores, on=["case_id", "voter_id"], how="left", maintain_order="left"
        ).select("case_id", "voter_id", "score", "decided_by")

    def request(self, out_dir: Path, targets: list[str]) -> exporting.ExportRequest:
        """The export request for the decisions as they stand."""
        links = self.links()
        voters = self.frame("voters").filter(
            pl.col("voter_id").is_in(links["voter_id"].to_list())
        )
        options = exporting.ExportOptions(
            ngpvan_columns=self.ngpvan_columns,
            stale_days=self.stale_days,
            exported_before=self.session.read_frame(EXPORTED_BEFORE),
        )
        return exporting.ExportRequest(
            out_dir=out_dir,
            targets=targets,
            cases=self.frame("cases"),
            voters=voters,
            links=links,
            suppressed=self.suppressed(),
            codebook=self.codebook,
            manifest=self.manifest(),
            options=options,
        )

    def export(self, out_dir: Path, targets: list[str]) -> list[Path]:
        """Write the chosen targets, the manifest and the summary; returns the
        files written. Raises GateError when the gate is shut (see
        check_export_gate) and InputError for a bad target or folder."""
        self.check_export_gate()
        request = self.request(out_dir, targets)
        exporting.make_out_folder(out_dir)
        self._remove_stale_exports(out_dir, targets)
        written = exporting.write_exports(request)

        # Remembered, so a resumed session offers the same export again, and a
        # later sync session knows what went out.
        self.session.set_setting("export_targets", ",".join(targets))
        self.session.set_setting("export_folder", str(out_dir))
        links, _ = exporting.exportable(request)
        self.session.write_frame(
            EXPORTED_LINKS, links.select("case_id", "voter_id", "category")
        )
        outputs = json.loads((out_dir / exporting.MANIFEST).read_text("utf-8"))
        for target, entry in outputs["exports"].items():
            for part in entry.get("parts", [entry]):
                self.session.record_export(
                    target, out_dir / part["file"], part["rows"], part["sha256"]
                )
        log.info("exported %d files", len(written))
        return written

    def _remove_stale_exports(self, out_dir: Path, targets: list[str]) -> None:
        """In a folder a previous export wrote (it has a manifest), remove the
        files of targets not chosen now: left there, they would look current
        while holding decisions since changed."""
        if not (out_dir / exporting.MANIFEST).exists():
            return
        for target in TARGETS:
            if target in targets:
                continue
            for stale in exporting.target_files(out_dir, target):
                stale.unlink()
                self.session.audit("export_removed", file=stale.name)

    # -- the manifest ----------------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        """Everything the export files do not say about how they were made:
        inputs, codebook, attestations, counts at every step, rules and
        overrides (reasons left out), thresholds and the audit head."""
        session = self.session
        decisions = session.decisions().values()
        thresholds = self.thresholds()
        suppressed = self.suppressed()
        counts: dict[str, int] = {
            "cases": self.frame("cases").height,
            "voters": self.frame("voters").height,
            "suppressed": len(suppressed),
            "matched_cases": self.frame("cases").height - len(suppressed),
            "accepted_auto": sum(
                d.decision == "accepted" and d.by == "auto" for d in decisions
            ),
            "accepted_by_operator": sum(
                d.decision == "accepted" and d.by != "auto" for d in decisions
            ),
            "rejected": sum(d.decision == "rejected" for d in decisions),
            "pending_review": len(self.pending()),
        }
        manifest: dict[str, Any] = {
            "casetui_version": __version__,
            "session": session.id,
            "operator": session.operator,
            "attestations": session.attestations(),
            "inputs": {
                role: {
                    "file": rec.path.name,
                    "sha256": rec.sha256,
                    "rows": rec.rows,
                    "layout": rec.layout,
                    "load_report": (
                        report.as_dict() if (report := self.load_report(role)) else None
                    ),
                }
                for role, rec in session.files().items()
            },
            "codebook": {
                "name": self.codebook.name,
                "version": self.codebook.version,
                "sha256": self.codebook.sha256,
            },
            "thresholds": {"accept": thresholds.accept, "review": thresholds.review},
            "counts": counts,
            "suppression": {
                rule.rule: {"hits": rule.hits, "overridden": rule.overridden}
                for rule in self.suppression_summary()
            },
            "overrides": session.override_records(),
            "uncovered_categories": self.uncovered_categories(),
            "audit_head": dict(zip(("seq", "hash"), session.audit_head(), strict=True)),
        }
        if since := session.setting("since_session"):
            manifest["since"] = {
                "session": since,
                "exported_at": session.setting("since_at"),
            }
            counts["cases_in_file"] = int(session.setting("cases_in_file") or 0)
        return manifest
