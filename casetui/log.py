"""Logging to a rotating file under the user's log directory. Log ids and counts
only: never a name, an address, a phone or an email."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from casetui.paths import log_dir

_configured = False


def setup_logging(level: int = logging.INFO) -> None:
    """Send casetui's log records to casetui.log (1 MB, 3 backups), once."""
    global _configured
    if _configured:
        return
    path = log_dir() / "casetui.log"
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger("casetui")
    root.setLevel(level)
    root.addHandler(handler)
    root.propagate = False
    path.chmod(0o600)
    _configured = True
