"""Logging to a rotating file under the user's log directory. Log ids and counts
only: never a name, an address, a phone or an email."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from typing import Any

from casetui.paths import log_dir

_configured = False


class _PrivateFileHandler(RotatingFileHandler):
    """A rotating log whose every file, new or rotated in, is created 0600, so
    there is no moment when another user on a shared machine could read it."""

    def _open(self) -> Any:  # a text stream, as FileHandler's own
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def setup_logging(level: int = logging.INFO) -> None:
    """Send casetui's log records to casetui.log (1 MB, 3 backups), once."""
    global _configured
    if _configured:
        return
    path = log_dir() / "casetui.log"
    handler = _PrivateFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger("casetui")
    root.setLevel(level)
    root.addHandler(handler)
    root.propagate = False
    path.chmod(0o600)
    _configured = True
