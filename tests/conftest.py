"""Every test gets its own user directories: nothing touches the real ones."""

from pathlib import Path

import pytest

import casetui

REPO = Path(casetui.__file__).resolve().parent.parent
SAMPLES = REPO / "casetui" / "samples"


@pytest.fixture(autouse=True)
def casetui_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("CASETUI_HOME", str(home))
    return home


@pytest.fixture
def attestations_file(tmp_path: Path) -> Path:
    text = (SAMPLES / "attestations.example.toml").read_text(encoding="utf-8")
    text = text.replace(
        'path = "codebooks/default.toml"',
        f'path = "{REPO / "codebooks" / "default.toml"}"',
    )
    path = tmp_path / "attest.toml"
    path.write_text(text, encoding="utf-8")
    return path
