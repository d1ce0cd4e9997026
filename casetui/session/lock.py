"""Who has a session open: a lock file in the session's folder.

`session.lock` holds the pid, user and host of the casetui that opened the session,
and that casetui keeps an exclusive `flock` on it for as long as it runs. The
kernel drops the flock when the process ends however it ends (closed, killed,
SSH connection dropped), so a lock file whose flock can be taken is stale and is
taken over; its content is only there to say who holds a live one.

Known shortcoming: flock is not reliable on network file systems (NFS, SMB); a
session folder on one can be opened twice from two machines.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from casetui.errors import SessionError

LOCK_NAME = "session.lock"

log = logging.getLogger("casetui.session")


@dataclass(frozen=True)
class Holder:
    """Who holds a session open."""

    pid: int
    user: str
    host: str
    since: str

    def describe(self) -> str:
        since = self.since[:16].replace("T", " ")
        return f"{self.user} on {self.host} (process {self.pid}, since {since} UTC)"


def _me(since: str) -> Holder:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        user = f"uid {os.getuid()}"
    return Holder(os.getpid(), user, socket.gethostname(), since)


def _read(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    raw = os.read(fd, 4096)
    try:
        data = json.loads(raw.decode("utf-8"))
        return Holder(int(data["pid"]), str(data["user"]), str(data["host"]),
                      str(data["since"]))  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return None


class SessionLock:
    """An exclusive hold on one session folder, released by `release()` or by the
    process ending."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, folder: Path, session_id: str, since: str) -> SessionLock:
        """Hold the session in `folder` and return the hold.

        Raises SessionError naming who holds it when another casetui does."""
        path = folder / LOCK_NAME
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise SessionError(
                "Session cannot be opened",
                f"Session {session_id}: its lock file could not be written "
                f"({exc.strerror}). Check the folder's owner and free space.",
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _read(fd)
            os.close(fd)
            who = holder.describe() if holder else "another casetui"
            raise SessionError(
                "Session already open",
                f"Session {session_id} is open in another casetui: {who}. Close "
                "it there first (it saves as it goes), or open another session.",
            ) from None
        stale = _read(fd)
        if stale is not None:
            log.info("session %s: stale lock of process %d taken over",
                     session_id, stale.pid)  # fmt: skip
        body = json.dumps(_me(since).__dict__).encode("utf-8")
        os.ftruncate(fd, 0)
        os.pwrite(fd, body, 0)
        return cls(path, fd)

    def release(self) -> None:
        """Give the session up (the lock file is emptied, then unlocked)."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
        except OSError:
            pass  # a full or read-only disk: the unlock below is what counts
        os.close(self._fd)
        self._fd = None


def holder(folder: Path) -> Holder | None:
    """Return who holds the session in `folder` open right now, or None (never
    held, or held by a process that has ended)."""
    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        found = _read(fd)
        return found or Holder(0, "unknown", "unknown", "unknown")
    finally:
        os.close(fd)
    return None
