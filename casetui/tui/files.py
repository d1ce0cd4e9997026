"""Step 2: the casework file and the voter file. Inspect shows the detected layout
and a preview with each column's canonical field; Load reads the whole file in a
worker; an unknown export gets a column mapping the operator can save as a layout."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker, get_current_worker

from casetui.errors import CasetuiError, InputError
from casetui.pipeline import layouts
from casetui.tui import file_text
from casetui.tui.file_text import ROLE_TITLES
from casetui.tui.widgets import FilePicker, plain, report_worker_failure, show_error
from casetui.workflow import Conversion, FileInspection, LoadedFile

MAP_MYSELF = "__mapping__"
"""The layout Select's choice for "map the columns myself"."""


class FilesScreen(Screen[None]):
    """Pick, inspect and load the casework export and the voter file."""

    BINDINGS = [
        Binding("ctrl+r", "inspect", "Inspect"),
        Binding("ctrl+l", "load", "Load"),
        Binding("ctrl+f", "browse", "Browse"),
        Binding("ctrl+n", "continue", "Continue"),
        Binding("ctrl+x", "cancel_load", "Cancel load"),
    ]

    def __init__(self, conversion: Conversion) -> None:
        super().__init__()
        self.conversion = conversion
        self.role = "casework"
        self.inspections: dict[str, FileInspection] = {}
        self.reports: dict[str, str] = {}
        self._loading: tuple[str, Path] | None = None

    def compose(self) -> ComposeResult:
        recorded = self.conversion.session.files()
        demo = getattr(self.app, "demo_files", {})
        with VerticalScroll(id="files"):
            for role, title in ROLE_TITLES.items():
                path = recorded[role].path if role in recorded else demo.get(role, "")
                with Horizontal(classes="file-row"):
                    yield Label(title, classes="file-title")
                    yield Input(
                        str(path),
                        placeholder=f"Path to the {title.lower()}",
                        id=f"path-{role}",
                        compact=True,
                    )
                yield Static(
                    self._status(role),
                    id=f"status-{role}",
                    classes="file-status",
                    markup=False,
                )
            yield Label("", id="details-title", classes="section-title", markup=False)
            yield Static("", id="summary", markup=False)
            with Horizontal(id="layout-row", classes="field-row"):
                yield Label("Layout", classes="field-label")
                yield Select[str]([], prompt="Layout", id="layout", compact=True)
            yield DataTable(id="preview", zebra_stripes=True)
            with Vertical(id="mapping"):
                yield Label(
                    "Map the columns: for each field, the file's column "
                    "(blank when the file has none).",
                    classes="hint",
                )
                yield Vertical(id="mapping-fields")
                with Horizontal(classes="field-row"):
                    yield Label("Save as layout", classes="field-label")
                    yield Input(
                        placeholder="name (optional), e.g. office_crm",
                        id="layout-name",
                        compact=True,
                    )
            yield ProgressBar(total=1.0, show_eta=False, id="progress")
            yield Static("", id="report", markup=False)
        yield Static("", id="next-step", classes="next-step", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        self.query_one("#mapping").display = False
        self.query_one("#layout-row").display = False
        self.query_one("#preview").display = False
        self._show_next()
        self.query_one("#path-casework", Input).focus()

    def _show_next(self) -> None:
        loaded = self.conversion.session.files()
        self.query_one("#next-step", Static).update(file_text.next_step(loaded))

    def _status(self, role: str) -> str:
        return file_text.status(self.conversion.session.files().get(role))

    def _path(self, role: str) -> Path | None:
        """The role's path when it names a file; otherwise the operator is told
        (a slip fixed on the spot: a notification) and the old details go."""
        text = self.query_one(f"#path-{role}", Input).value.strip()
        if not text:
            self.notify(
                f"Type the path of the {ROLE_TITLES[role].lower()} first.",
                severity="warning",
            )
            return None
        path = Path(text).expanduser()
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "does not exist"
            self._forget(role, f"{path.name or path} {what}")
            show_error(
                self,
                InputError(
                    "File not found",
                    f"{path} {what}. Check the path, or press ctrl+f to browse.",
                ),
            )
            return None
        return path

    def on_descendant_focus(self, event) -> None:
        widget_id = event.widget.id or ""
        if widget_id.startswith("path-") and self.role != widget_id[5:]:
            self.role = widget_id.removeprefix("path-")
            if self.role in self.inspections:
                self._show_inspection(self.inspections[self.role])
            else:
                self._hide_inspection()  # never one file's details under another

    def _hide_inspection(self, why: str | None = None) -> None:
        title = ROLE_TITLES[self.role]
        record = self.conversion.session.files().get(self.role)
        typed = self.query_one(f"#path-{self.role}", Input).value.strip()
        if (
            why is None
            and record is not None
            and file_text.same_file(Path(typed), record.path)
        ):
            why = f"{record.path.name} is loaded; enter or ctrl+r inspects it again"
        self.query_one("#details-title", Label).update(
            f"{title}: {why or 'press enter or ctrl+r to inspect it'}"
        )
        self.query_one("#summary", Static).update("")
        for part in ("#layout-row", "#preview", "#mapping"):
            self.query_one(part).display = False

    def _forget(self, role: str, why: str | None = None) -> None:
        """Drop the role's inspection: its preview is of a file no longer named."""
        self.inspections.pop(role, None)
        if role == self.role:
            self._hide_inspection(why)

    def on_input_changed(self, event: Input.Changed) -> None:
        role = (event.input.id or "").removeprefix("path-")
        shown = self.inspections.get(role)
        if shown is not None and Path(event.value.strip()).expanduser() != shown.path:
            self._forget(role)

    # -- inspecting ----------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if (event.input.id or "").startswith("path-"):
            self.action_inspect()
        elif event.input.id == "layout-name":
            self.action_load()

    def action_inspect(self) -> None:
        path = self._path(self.role)
        if path is None:
            return
        try:
            inspection = self.conversion.inspect(path, self.role)
        except CasetuiError as err:
            # A file that is there but will not parse: the message names the row
            # and needs reading, so it opens in a dialog that can be copied from.
            self._forget(self.role, f"{path.name} could not be read")
            show_error(self, err, dialog=True)
            return
        self.inspections[self.role] = inspection
        self._show_inspection(inspection)

    def _show_inspection(self, inspection: FileInspection) -> None:
        title = ROLE_TITLES[inspection.kind]
        self.query_one("#details-title", Label).update(
            f"{title}: {inspection.path.name}"
        )
        layout = inspection.layout
        self.query_one("#summary", Static).update(file_text.summary(inspection))

        select = self.query_one("#layout", Select)
        options = [
            (f"{lay.title} ({lay.name})", lay.name)
            for lay in layouts.all_layouts(inspection.kind)
        ]
        options.append(("Map the columns myself", MAP_MYSELF))
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = layout.name if layout else MAP_MYSELF
        self.query_one("#layout-row").display = True
        self._show_layout(layout.name if layout else MAP_MYSELF)
        self.query_one("#report", Static).update(self._report(inspection.kind))

    def _report(self, role: str) -> str:
        """This run's load text, or the load report stored when the session was
        last at this step."""
        if role in self.reports:
            return self.reports[role]
        stored = self.conversion.load_report(role)
        if stored is None:
            return ""
        return "\n".join(["Load report:", *(f"  {line}" for line in stored.lines())])

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "layout" and isinstance(event.value, str):
            self._show_layout(event.value)

    def _show_layout(self, choice: str) -> None:
        inspection = self.inspections.get(self.role)
        if inspection is None:
            return
        mapping_box = self.query_one("#mapping")
        if choice == MAP_MYSELF:
            mapping = layouts.mapping_from(inspection.headers, inspection.kind)
            self._build_mapping(inspection.headers, mapping)
            mapping_box.display = True
            field_of = {h: f for f, h in mapping.items() if h}
        else:
            mapping_box.display = False
            layout = self._layout_named(choice, inspection.kind)
            field_of = {h: f for f, hs in layout.fields.items() for h in hs}
        self._fill_preview(inspection, field_of)

    @staticmethod
    def _layout_named(name: str, kind: str) -> layouts.Layout:
        return next(lay for lay in layouts.all_layouts(kind) if lay.name == name)

    def _fill_preview(
        self, inspection: FileInspection, field_of: dict[str, str]
    ) -> None:
        table = self.query_one("#preview", DataTable)
        table.clear(columns=True)
        for header in inspection.headers:
            mapped = field_of.get(header)
            table.add_column(
                plain(f"{header} -> {mapped}" if mapped else f"{header} (unused)")
            )
        for row in inspection.preview.head(8).iter_rows():
            table.add_row(*(plain(value) for value in row))
        table.display = True

    def _build_mapping(
        self, headers: list[str], mapping: dict[str, str | None]
    ) -> None:
        box = self.query_one("#mapping-fields", Vertical)
        box.remove_children()
        options = [(plain(header), header) for header in headers]
        rows = []
        for field, header in mapping.items():
            select = Select[str](
                options,
                prompt="(none)",
                id=f"map-{field}",
                compact=True,
                value=header if header in headers else Select.NULL,
            )
            rows.append(
                Horizontal(
                    Label(field, classes="map-field", markup=False),
                    select,
                    classes="map-row",
                )
            )
        box.mount_all(rows)

    def _mapping(self) -> dict[str, str]:
        chosen = {}
        for select in self.query("#mapping-fields Select").results(Select):
            if isinstance(select.value, str):
                chosen[(select.id or "").removeprefix("map-")] = select.value
        return chosen

    # -- loading -------------------------------------------------------------------

    def action_load(self) -> None:
        role = self.role
        path = self._path(role)
        if path is None:
            return
        inspection = self.inspections.get(role)
        choice = self.query_one("#layout", Select).value if inspection else None
        layout = None
        layout_name = None
        if choice == MAP_MYSELF:
            try:
                layout = self._mapped_layout(role)
            except CasetuiError as err:
                show_error(self, err)
                return
        elif isinstance(choice, str):
            layout_name = choice
        bar = self.query_one("#progress", ProgressBar)
        bar.update(progress=0)
        bar.display = True
        self.query_one("#report", Static).update(
            f"Loading {path.name} ... (ctrl+x cancels)"
        )
        self._loading = (role, path)
        self._load(role, path, layout_name, layout)

    def _mapped_layout(self, role: str) -> layouts.Layout:
        name = self.query_one("#layout-name", Input).value.strip()
        layout = layouts.layout_from_mapping(
            name or f"unsaved_{role}", role, self._mapping()
        )
        if name:
            saved = layouts.save_layout(layout)
            self.notify(f"Layout {name!r} saved to {saved}.", title="Layout saved")
        return layout

    @work(thread=True, exclusive=True, exit_on_error=False, name="loading a file")
    def _load(
        self,
        role: str,
        path: Path,
        layout_name: str | None,
        layout: layouts.Layout | None,
    ) -> None:
        worker = get_current_worker()

        def progress(stage: str, fraction: float) -> None:
            self.app.call_from_thread(self._progress, path.name, stage, fraction)

        loaded = self.conversion.load(
            role,
            path,
            layout_name,
            layout=layout,
            progress=progress,
            cancelled=lambda: worker.is_cancelled,
        )
        self.app.call_from_thread(self._loaded, loaded)

    def _progress(self, name: str, stage: str, fraction: float) -> None:
        self.query_one("#progress", ProgressBar).update(progress=fraction)
        self.query_one("#report", Static).update(
            f"Loading {name}: {stage} ... (ctrl+x cancels)"
        )

    def action_cancel_load(self) -> None:
        running = [w for w in self.workers if w.name == "loading a file"]
        if not running or running[0].is_finished:
            self.notify("No load is running.", severity="information")
            return
        running[0].cancel()
        self.query_one("#progress").display = False
        self.query_one("#report", Static).update(
            "Load cancelled: nothing was stored. The load stops at its next stage."
        )

    def _loaded(self, loaded: LoadedFile) -> None:
        self.query_one("#progress").display = False
        self.query_one(f"#status-{loaded.role}", Static).update(
            self._status(loaded.role)
        )
        self.app.refresh_step_bar()  # type: ignore[attr-defined]
        self._show_next()
        if loaded.role == self.role and loaded.role not in self.inspections:
            self._hide_inspection()  # the title says the file is loaded now
        self.reports[loaded.role] = file_text.load_report(loaded)
        self.query_one("#report", Static).update(self.reports[loaded.role])
        if loaded.role == "casework" and "voter" not in self.conversion.session.files():
            self.query_one("#path-voter", Input).focus()
        self.notify(f"{ROLE_TITLES[loaded.role]} loaded: {loaded.rows:,} rows.")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if report_worker_failure(self, event):
            self.query_one("#progress").display = False
            if self._loading is not None:
                role, path = self._loading
                shown = self.inspections.get(role)
                if shown is None or shown.path != path:
                    self._forget(role, f"{path.name} could not be loaded")
            self.query_one("#report", Static).update("Loading failed.")

    # -- other keys ----------------------------------------------------------------

    def action_browse(self) -> None:
        role = self.role
        current = self.query_one(f"#path-{role}", Input).value.strip()
        start = Path(current).expanduser().parent if current else Path.cwd()

        def picked(path: Path | None) -> None:
            if path is not None:
                field = self.query_one(f"#path-{role}", Input)
                field.value = str(path)
                field.focus()
                self.action_inspect()

        self.app.push_screen(FilePicker(start), picked)

    def action_continue(self) -> None:
        try:
            self.conversion.complete_files()
        except CasetuiError as err:
            show_error(self, err)
            return
        self.app.advance()  # type: ignore[attr-defined]
