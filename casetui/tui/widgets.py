"""Widgets and dialogs shared by the wizard's screens: the step bar, the error
dialog, the help screen and the file picker."""

from __future__ import annotations

import logging
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, Vertical, VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Checkbox, DirectoryTree, Footer, Label, Static, TextArea
from textual.widgets._footer import FooterKey
from textual.worker import Worker, WorkerState

from casetui.errors import CasetuiError
from casetui.tui.inert import inert

log = logging.getLogger(__name__)

STEP_TITLES = {
    "checklist": "Checklist",
    "files": "Files",
    "suppression": "Suppression",
    "match": "Review",
    "export": "Export",
}
"""Screen names of the session's steps, in wizard order."""


class StepBar(Static):
    """One line naming the five steps: "[x]" done, "[~]" done with work left
    (review cases undecided), ">" shown now, "[ ]" to do.

    Text badges, not colour alone, so the bar reads the same with NO_COLOR.
    """

    DEFAULT_CSS = """
    StepBar {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    """

    def __init__(
        self,
        showing: str,
        completed: set[str],
        unfinished: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(id="step-bar")
        self.showing = showing
        self.completed = set(completed)
        self.unfinished = set(unfinished)

    def show_progress(self, completed: set[str], unfinished: frozenset[str]) -> None:
        """Show the steps as they stand now."""
        self.completed = set(completed)
        self.unfinished = set(unfinished)
        self.refresh()

    def render(self) -> Text:
        line = Text()
        for number, (step, title) in enumerate(STEP_TITLES.items(), start=1):
            if step == self.showing:
                badge, style = ">", "bold reverse"
            elif step in self.completed and step in self.unfinished:
                badge, style = "[~]", "bold"
            elif step in self.completed:
                badge, style = "[x]", "bold"
            else:
                badge, style = "[ ]", "dim"
            if number > 1:
                line.append("  ")
            line.append(f"{badge} {number} {title}", style=style)
        return line


class KeyFooter(Footer):
    """A footer that wraps its keys onto a second line when one line is too
    narrow, so every key of a screen with many shows at 80 columns."""

    DEFAULT_CSS = """
    KeyFooter {
        layout: vertical;
        height: auto;
        max-height: 3;
    }
    KeyFooter HorizontalGroup {
        height: 1;
    }
    KeyFooter FooterKey.-command-palette {
        dock: none;
    }
    """

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._width = 0

    def _keys(self) -> list[FooterKey]:
        seen: set[str] = set()
        keys = []
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip or binding.description,
            )
            key.compact = True
            keys.append(key)
        return keys

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width or self.app.size.width
        rows: list[list[FooterKey]] = [[]]
        used = 12  # the palette key, on the first line
        for key in self._keys():
            wide = len(key.key_display) + len(key.description) + 2
            if rows[-1] and used + wide > width:
                rows.append([])
                used = 0
            rows[-1].append(key)
            used += wide
        palette = self._palette_key()
        for number, row in enumerate(rows):
            with HorizontalGroup():
                for key in row:
                    key.styles.margin = (0, 1, 0, 0)
                    yield key
                if number == 0 and palette is not None:
                    yield palette

    def _palette_key(self) -> FooterKey | None:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None:
            return None
        _node, binding, enabled, _tooltip = found
        return FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            classes="-command-palette",
            disabled=not enabled,
        )

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._width = self.size.width
            self.call_after_refresh(self.recompose)


class TickBox(Checkbox):
    """A checkbox whose state shows in its character, not only its colour: X when
    ticked, blank when not, so it reads with NO_COLOR or on a monochrome
    terminal."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802
        return "X" if self.value else " "


class ErrorDialog(ModalScreen[None]):
    """A titled error whose text scrolls and can be selected and copied."""

    BINDINGS = [Binding("escape,enter", "dismiss", "Close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.error_title = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog"):
            yield Label(self.error_title, classes="dialog-title")
            yield TextArea(
                self.message, read_only=True, soft_wrap=True, id="error-text"
            )
            yield Label("Enter or Esc closes; select text to copy it.", classes="hint")


def key_name(key: str) -> str:
    """A key as the help names it: 'ctrl+y', 'U', '/', '↓' (modifiers spelled
    out, unlike the footer's '^y', so it reads as the docs write it)."""
    *modifiers, name = key.split("+")
    return "+".join([*modifiers, format_key(name)])


def keys_text(keys: list[str]) -> str:
    """Keys for one action: 'n, ↓', or a run of digits as '1-5'."""
    if len(keys) > 2 and all(k.isdigit() and len(k) == 1 for k in keys):
        digits = sorted(int(k) for k in keys)
        if digits == list(range(digits[0], digits[-1] + 1)):
            return f"{digits[0]}-{digits[-1]}"
    return ", ".join(key_name(key) for key in keys)


def help_lines(screen: Screen) -> list[tuple[str, str]]:
    """(keys, what they do) for each action of `screen` and the wizard, once,
    with every key bound to it; Textual's own keys (focus, copy, the palette,
    which the help's hint names) are left out."""
    actions: dict[str, list[str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        # The step's and the wizard's own keys; a text field's editing keys
        # (home, arrows, selection) would bury them.
        if active.node not in (screen, screen.app) or not binding.description:
            continue
        if binding.system or "." in binding.action.partition("(")[0]:
            continue
        if binding.action == "command_palette":
            continue
        keys = actions.setdefault(binding.tooltip or binding.description, [])
        if key not in keys:
            keys.append(key)
    # Keys a step handles itself rather than by binding (space on a checkbox).
    own = list(getattr(screen, "HELP_KEYS", ()))
    return own + [(keys_text(keys), what) for what, keys in actions.items()]


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the screen it was opened over."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close help")]

    def __init__(self, over: Screen) -> None:
        super().__init__()
        self.over = over

    def compose(self) -> ComposeResult:
        found = help_lines(self.over)
        width = max((len(keys) for keys, _ in found), default=0)
        lines = Text()
        for keys, what in found:
            lines.append(f"{keys:>{width}}  ", style="bold")
            lines.append(what + "\n")
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(lines)
            fields = " Tab moves between fields;" if self.over.focus_chain else ""
            yield Label(
                f"Esc, F1, ? or q closes this help.{fields} ctrl+p searches every "
                "command.",
                classes="hint",
            )


class FilePicker(ModalScreen[Path | None]):
    """A directory tree to pick a file with; returns the path or None. Backspace
    (or Left on a top entry) re-roots the tree at the parent folder, so a file
    outside the folder it opened in can be reached."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("backspace", "parent", "Parent folder"),
        Binding("left", "left", "Parent folder", show=False),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = (start if start.is_dir() else Path.cwd()).resolve()

    def compose(self) -> ComposeResult:
        with Vertical(id="file-picker", classes="dialog"):
            yield Label("", id="picker-title", classes="dialog-title", markup=False)
            yield DirectoryTree(self.start)
            yield Label(
                "Enter picks a file or opens a folder; Backspace goes up to the "
                "parent folder; Esc cancels.",
                classes="hint",
            )

    def on_mount(self) -> None:
        self._show_folder(self.start)

    @property
    def folder(self) -> Path:
        """The folder the tree is rooted at now."""
        return Path(self.query_one(DirectoryTree).path)

    def _show_folder(self, folder: Path) -> None:
        tree = self.query_one(DirectoryTree)
        if Path(tree.path) != folder:
            tree.path = folder
        self.query_one("#picker-title", Label).update(f"Pick a file under {folder}")
        tree.focus()

    def action_parent(self) -> None:
        folder = self.folder
        if folder.parent == folder:
            self.notify("This is the top folder.", severity="information")
            return
        self._show_folder(folder.parent)

    def action_left(self) -> None:
        """Left closes the open folder under the cursor, moves to the folder an
        entry is in, and from a top entry goes up to the parent folder."""
        tree = self.query_one(DirectoryTree)
        node = tree.cursor_node
        if node is None or node.parent is None:  # the root: the folder itself
            self.action_parent()
        elif node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent.parent is not None:
            tree.move_cursor(node.parent)
        else:
            self.action_parent()

    def on_directory_tree_file_selected(
        self, event: DirectoryTree.FileSelected
    ) -> None:
        self.dismiss(event.path)

    def action_cancel(self) -> None:
        self.dismiss(None)


def plain(value: object) -> Text:
    """A table cell or label shown as written: file data may hold brackets that
    Textual would otherwise read as markup (e.g. "[redacted]")."""
    return Text(inert(value))


def show_error(
    node: Widget | Screen, err: CasetuiError, *, dialog: bool = False
) -> None:
    """Tell the operator about `err`: a notification, or a dialog when the message
    needs reading (long, or asked for)."""
    if dialog or len(err.message) > 160:
        node.app.push_screen(ErrorDialog(err.title, err.message))
    else:
        node.app.notify(
            err.message, title=err.title, severity="error", timeout=8, markup=False
        )


def report_worker_failure(node: Widget | Screen, event: Worker.StateChanged) -> bool:
    """Show a failed worker's error; returns True when the worker failed.

    A CasetuiError is shown as written; anything else is logged (by type, no
    values) and shown as an unexpected error pointing at the log file.
    """
    if event.state != WorkerState.ERROR:
        return False
    error = event.worker.error
    if isinstance(error, CasetuiError):
        show_error(node, error, dialog=True)
    else:
        log.error("unexpected %s in %s", type(error).__name__, event.worker.name)
        node.app.push_screen(
            ErrorDialog(
                "Unexpected error",
                f"{type(error).__name__} while running {event.worker.name}. Nothing "
                "shown as done was lost; the session is saved. The log file under "
                "casetui's log directory has the details.",
            )
        )
    return True
