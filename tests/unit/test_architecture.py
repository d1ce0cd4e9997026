"""The headless core must stay usable without Textual (DESIGN.md's house rule)."""

import ast
from pathlib import Path

import casetui

PACKAGE = Path(casetui.__file__).parent
HEADLESS = ["pipeline", "session", "workflow.py", "checklist.py", "headless.py"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_pipeline_and_session_never_import_textual() -> None:
    files = []
    for part in HEADLESS:
        target = PACKAGE / part
        files += sorted(target.rglob("*.py")) if target.is_dir() else [target]
    offenders = [
        str(f.relative_to(PACKAGE)) for f in files if "textual" in imported_modules(f)
    ]
    assert len(files) > 5
    assert offenders == []
