"""The wizard's app: one screen per step, a step bar, the gate between steps.

The app only wires screens together; each screen calls the `Conversion` and the
session decides which step is current. The session also remembers the step on
screen, so a resumed session opens where it was left.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from casetui.errors import CasetuiError
from casetui.log import setup_logging
from casetui.tui.widgets import STEP_TITLES, HelpScreen, StepBar
from casetui.workflow import Conversion

log = logging.getLogger(__name__)

STEPS = tuple(STEP_TITLES)

SCREENS_BY_STEP = {
    "checklist": ("casetui.tui.checklist", "ChecklistScreen"),
    "files": ("casetui.tui.files", "FilesScreen"),
    "suppression": ("casetui.tui.suppression", "SuppressionScreen"),
    "match": ("casetui.tui.review", "ReviewScreen"),
    "export": ("casetui.tui.export", "ExportScreen"),
}
"""Where each step's screen lives; imported when first shown, so one screen that
fails to import does not take the others down."""


class CasetuiApp(App[None]):
    """The casework conversion wizard over one session."""

    TITLE = "casetui"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("q", "quit", "Quit", show=False),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "goto_step('checklist')", "Checklist", show=False),
        Binding("f3", "goto_step('files')", "Files", show=False),
        Binding("f4", "goto_step('suppression')", "Suppression", show=False),
        Binding("f5", "goto_step('match')", "Review", show=False),
        Binding("f6", "goto_step('export')", "Export", show=False),
    ]

    def __init__(
        self, conversion: Conversion, demo_files: dict[str, Path] | None = None
    ) -> None:
        super().__init__()
        self.conversion = conversion
        self.demo_files = dict(demo_files or {})
        self.showing: str | None = None

    @property
    def current_step(self) -> str:
        """The session's current step: the first one not yet complete."""
        return self.conversion.session.step

    def on_mount(self) -> None:
        self.sub_title = self.conversion.session.name
        self._show(self._resume_step())

    def _resume_step(self) -> str:
        """The step that was on screen when the session was left (an earlier
        one revisited, say), unless it has been locked again since; else the
        current step."""
        current = self.current_step
        shown = self.conversion.session.shown_step()
        if shown not in STEPS:
            return current
        if current in STEPS and STEPS.index(shown) > STEPS.index(current):
            return current
        return shown

    # -- moving between steps ------------------------------------------------------

    def _show(self, step: str) -> None:
        module_name, class_name = SCREENS_BY_STEP[step]
        screen_class = getattr(importlib.import_module(module_name), class_name)
        screen: Screen = screen_class(self.conversion)
        if self.showing is None:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)
        self.showing = step
        self.conversion.session.set_shown_step(step)
        screen.mount(StepBar(step, *self._progress()), before=0)
        log.info("showing step %s", step)

    def _progress(self) -> tuple[set[str], frozenset[str]]:
        """The completed steps, and those of them left with work to do."""
        completed = self.conversion.session.completed_steps()
        # The review can be left with cases undecided; they stay out of exports.
        unfinished = frozenset(
            {"match"} if "match" in completed and self._undecided() else ()
        )
        return completed, unfinished

    def refresh_step_bar(self) -> None:
        """Redraw the step bar after a step was completed or locked again (an
        attestation withdrawn, a new file loaded) without leaving the screen."""
        completed, unfinished = self._progress()
        for bar in self.screen.query(StepBar):
            bar.show_progress(completed, unfinished)

    def _undecided(self) -> bool:
        try:
            return bool(self.conversion.pending())
        except CasetuiError:
            return False

    def advance(self) -> None:
        """Show the screen of the session's current step (after one completed)."""
        self._show(self.current_step)

    def action_goto_step(self, step: str) -> None:
        """Go to `step` if it is the current step or an earlier one; a later step
        is refused with a notification naming what is missing."""
        current = self.current_step
        if current in STEPS and STEPS.index(step) > STEPS.index(current):
            todo = self.conversion.still_to_do(current)
            key = f"F{STEPS.index(current) + 2}"
            reason = (
                "; ".join(todo) if todo else f"continue from it with ctrl+n ({key})"
            )
            self.notify(
                f"Finish the {STEP_TITLES[current]} step first: {reason}.",
                title=f"{STEP_TITLES[step]} is not available yet",
                severity="warning",
                markup=False,
            )
            return
        if step != self.showing:
            self._show(step)

    # -- keys, help and quitting ---------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        self.notify("Session saved.", title="Quitting")
        log.info("quit at step %s", self.current_step)
        self.exit(
            message=f"Session saved: {self.conversion.session.name} "
            f"(resume with: casetui tui --session {self.conversion.session.id})"
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers every key of the screen, plus the step jumps."""
        yield from super().get_system_commands(screen)
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            if binding.action.startswith("goto_step") or binding.action == "quit":
                continue
            yield SystemCommand(
                binding.description,
                f"Key: {self.get_key_display(binding)}",
                partial(self.run_action, binding.action, active.node),
            )
        for step, title in STEP_TITLES.items():
            yield SystemCommand(
                f"Go to step: {title}",
                "Earlier steps can be revisited; later ones wait for this one",
                partial(self.action_goto_step, step),
            )


def run_tui(conversion: Conversion, demo_files: dict[str, Path] | None = None) -> None:
    """Run the wizard until the operator quits; everything is saved as it goes."""
    setup_logging()
    CasetuiApp(conversion, demo_files).run()
