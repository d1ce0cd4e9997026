"""Step 5: write the campaign's import files and show what went into them.

Exports can be written again after revisiting the review (F5): each export
reflects the decisions as they stand when it is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import polars as pl
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from casetui.errors import CasetuiError, GateError
from casetui.export_step import VAN_CONTACT_WARNING
from casetui.paths import exports_dir
from casetui.pipeline.summary import COUNT_LABELS
from casetui.pipeline.targets import DEFAULT_TARGETS, NGPVAN_COLUMNS, TARGETS
from casetui.tui.widgets import TickBox, show_error

if TYPE_CHECKING:
    from casetui.workflow import Conversion

# VANID is always the first column; the others are the operator's choice.
VAN_CHOICES = [c for c in NGPVAN_COLUMNS if c != "VANID"]


def default_folder(session_id: str) -> Path:
    """Where exports go unless the operator says otherwise."""
    return exports_dir() / session_id


def data_rows(path: Path) -> int | None:
    """Rows in a written CSV/TSV file (header excluded); None for other files."""
    separators = {".csv": ",", ".tsv": "\t"}
    if path.suffix.lower() not in separators:
        return None
    try:
        return pl.read_csv(
            path, separator=separators[path.suffix.lower()], infer_schema=False
        ).height
    except (OSError, pl.exceptions.PolarsError):
        return None


class ExportScreen(Screen[None]):
    """Choose targets and a folder, export, and read back what was written."""

    DEFAULT_CSS = """
    ExportScreen #export-form {
        height: 1fr;
        padding: 0 1;
    }
    ExportScreen #export-targets {
        height: auto;
    }
    ExportScreen #export-folder-row {
        height: auto;
    }
    ExportScreen #export-folder-row Input {
        width: 1fr;
        margin-right: 1;
    }
    ExportScreen #export-targets {
        margin-bottom: 1;
    }
    ExportScreen #export-result {
        padding: 0 1;
    }
    ExportScreen #van-columns {
        height: auto;
        padding-left: 2;
    }
    ExportScreen #van-warning {
        color: $warning;
        padding-left: 2;
    }
    ExportScreen #stale-row {
        height: auto;
    }
    ExportScreen #stale-days {
        width: 8;
        margin-right: 1;
    }
    """

    BINDINGS = [
        Binding("ctrl+r", "export", "Export"),
        Binding("f5", "back_to_review", "Revisit review"),
    ]
    HELP_KEYS = (("space", "Tick or untick the target or column under the cursor"),)

    def __init__(self, conversion: Conversion) -> None:
        super().__init__()
        self.conversion = conversion
        self.written: list[Path] = []

    def compose(self) -> ComposeResult:
        session = self.conversion.session
        # The last export's choices, when this session has made one.
        default = ",".join(DEFAULT_TARGETS)
        chosen = (session.setting("export_targets") or default).split(",")
        folder = session.setting("export_folder") or str(default_folder(session.id))
        van = self.conversion.ngpvan_columns
        with VerticalScroll(id="export-form"):
            yield Label("Export to (space toggles):")
            with Vertical(id="export-targets"):
                for name, title in TARGETS.items():
                    yield TickBox(
                        title, name in chosen, id=f"target-{name}", compact=True
                    )
                    if name == "ngpvan":
                        yield from self._van_options(van)
            with Horizontal(id="stale-row"):
                yield Label("Flag cases older than ")
                yield Input(
                    str(self.conversion.stale_days),
                    id="stale-days",
                    type="integer",
                    compact=True,
                )
                yield Label("days as likely stale addresses")
            yield Label("Output folder:")
            with Horizontal(id="export-folder-row"):
                yield Input(folder, id="export-folder", compact=True)
                yield Button(
                    "Export (ctrl+r)",
                    id="export-button",
                    variant="primary",
                    compact=True,
                )
            yield Static(id="export-result")
        yield Footer()

    def _van_options(self, chosen: tuple[str, ...]) -> ComposeResult:
        with Horizontal(id="van-columns"):
            yield Label("VANID + ")
            for column in VAN_CHOICES:
                yield TickBox(
                    column, column in chosen, id=f"van-{column}", compact=True
                )
        yield Static(f"Note: {VAN_CONTACT_WARNING}", id="van-warning")

    def on_mount(self) -> None:
        self._show_counts()

    def van_columns(self) -> list[str]:
        """VANID and the NGP VAN columns ticked."""
        ticked = [c for c in VAN_CHOICES if self.query_one(f"#van-{c}", Checkbox).value]
        return ["VANID", *ticked]

    def targets(self) -> list[str]:
        """The targets whose box is ticked, in TARGETS order."""
        return [
            name
            for name in TARGETS
            if self.query_one(f"#target-{name}", Checkbox).value
        ]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-button":
            event.stop()
            self.action_export()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        targets = self.targets()
        if not targets:
            self.notify("Tick at least one target.", severity="warning")
            return
        folder = self.query_one("#export-folder", Input).value.strip()
        if not folder:
            self.notify("Name an output folder.", severity="warning")
            return
        days = self.query_one("#stale-days", Input).value.strip()
        try:
            if "ngpvan" in targets:
                self.conversion.set_ngpvan_columns(self.van_columns())
            self.conversion.set_stale_days(int(days) if days.isdigit() else 0)
            self.written = self.conversion.export(Path(folder).expanduser(), targets)
        except GateError as err:
            show_error(self, err, dialog=True)  # what to attest needs reading
            return
        except CasetuiError as err:
            show_error(self, err)
            return
        except OSError as err:
            show_error(
                self,
                CasetuiError(
                    "Cannot write the export",
                    f"{folder}: {err.strerror}. Choose a folder you can write to.",
                ),
            )
            return
        self.notify(
            f"{len(self.written)} file(s) written to {folder}.", title="Exported"
        )
        self._show_counts()
        self.call_after_refresh(self._show_result)

    def _show_result(self) -> None:
        """Bring the results into view and give the form the keys, so Down and
        PageDown read on when they do not fit (80x24); Tab goes back to the
        fields."""
        form = self.query_one("#export-form", VerticalScroll)
        form.scroll_to_widget(self.query_one("#export-result"), top=True, animate=False)
        form.focus(scroll_visible=False)

    def _show_counts(self) -> None:
        lines: list[Content] = []
        if self.written:
            folder = self.written[0].parent
            lines.append(Content.styled(f"Files written to {folder}", "bold"))
            for path in self.written:
                rows = data_rows(path)
                suffix = "" if rows is None else f"{rows:>8} rows"
                lines.append(Content(f"  {path.name:<36} {suffix}"))
            lines.append(Content(""))
        try:
            manifest = self.conversion.manifest()
        except CasetuiError as err:
            show_error(self, err)
            manifest = {}
        counts = manifest.get("counts", {})
        if counts:
            lines.append(Content.styled("Counts (as in the manifest)", "bold"))
            for key, value in counts.items():
                label = COUNT_LABELS.get(key, key)
                lines.append(Content(f"  {label:<38} {value:>8}"))
        uncovered = manifest.get("uncovered_categories", {})
        if uncovered:
            lines.append(Content(""))
            lines.append(
                Content.styled(
                    "Case types not in the codebook: no tag, not exported", "bold"
                )
            )
            for name, count in uncovered.items():
                lines.append(Content(f"  {name[:40]:<40} {count:>6} cases"))
        if self.written:
            stale = self._stale_line()
            if stale:
                lines += [Content(""), Content(stale)]
        self.query_one("#export-result", Static).update(Content("\n").join(lines))

    def _stale_line(self) -> str:
        """What the last export flagged as likely stale, from its manifest."""
        manifest = self.written[0].parent / "manifest.json"
        try:
            stale = json.loads(manifest.read_text("utf-8"))["stale_addresses"]
        except (OSError, ValueError, KeyError):
            return ""
        return (
            f"{stale['cases']} exported cases are older than "
            f"{stale['older_than_days']} days: likely stale addresses "
            "(stale_address in linked-cases.csv and report-card.csv)."
        )

    def action_back_to_review(self) -> None:
        cast(Any, self.app).action_goto_step("match")
