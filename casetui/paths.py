"""Where casetui keeps its files. CASETUI_HOME, when set, roots every directory
(tests and shared machines use it); otherwise platformdirs decides."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from casetui.errors import SessionError

APP = "casetui"


def _root(kind: str) -> Path | None:
    home = os.environ.get("CASETUI_HOME")
    return Path(home) / kind if home else None


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the owner only, and return it.

    Raises SessionError when the folder belongs to another user or cannot be
    made (casetui never shares a folder between operators)."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.stat().st_uid != os.getuid():
            raise PermissionError
        path.chmod(0o700)
    except PermissionError:
        raise SessionError(
            "Folder belongs to another user",
            f"{path} is not yours, so casetui will not keep data there. Each "
            "operator needs their own folder: unset CASETUI_HOME, or point it at "
            "a folder of your own.",
        ) from None
    except OSError as exc:
        raise SessionError(
            "Folder cannot be made",
            f"{path} could not be created ({exc.strerror}). Free some space or "
            "point CASETUI_HOME at another folder.",
        ) from None
    return path


def data_dir() -> Path:
    return private_dir(_root("data") or Path(platformdirs.user_data_dir(APP)))


def config_dir() -> Path:
    return private_dir(_root("config") or Path(platformdirs.user_config_dir(APP)))


def log_dir() -> Path:
    return private_dir(_root("log") or Path(platformdirs.user_log_dir(APP)))


def exports_dir() -> Path:
    """Where the wizard suggests writing exports: the home folder, never the
    current folder, which may be a checkout that would pick them up in a commit.
    Not created here; the export creates its folder owner-only."""
    return _root("exports") or Path.home() / "casetui-exports"


def sessions_dir() -> Path:
    return private_dir(data_dir() / "sessions")


def package_dir() -> Path:
    return Path(__file__).resolve().parent


def codebooks_dir() -> Path:
    """Shipped codebooks: the repository's codebooks/ in a checkout, the copy
    inside the package once installed from a wheel."""
    in_checkout = package_dir().parent / "codebooks"
    return in_checkout if in_checkout.is_dir() else package_dir() / "codebooks"


def samples_dir() -> Path:
    return package_dir() / "samples"
