"""The wizard over a terminal that goes away mid-review (SIGHUP, as when an SSH
connection drops) or is killed: every decision the screen had counted is in the
session, the audit chain verifies, and the next casetui can open the session."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from casetui.session.store import Session
from casetui.workflow import Conversion
from tests.conftest import REPO
from tests.faults.driver import catch_up
from tests.faults.test_kill import attested_session

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>78]")
DECIDED = re.compile(r"Decided (\d+) of (\d+)")


class Terminal:
    """casetui in a pseudo-terminal of 100x30, read as an operator sees it."""

    def __init__(self, args: list[str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            [sys.executable, "-m", "casetui.cli", *args],
            stdin=slave, stdout=slave, stderr=slave, cwd=REPO,
            env={**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(REPO)},
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.screen = b""

    def read(self, seconds: float) -> str:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.screen += chunk
        return ANSI.sub(b"", self.screen).decode("utf-8", "replace")

    def wait_for(self, text: str, seconds: float = 30) -> str:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            shown = self.read(0.2)
            if text in shown:
                return shown
        raise AssertionError(f"never showed {text!r}:\n{shown[-2000:]}")

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def hang_up(self, sig: int) -> int:
        os.close(self.master)
        self.process.send_signal(sig)
        return self.process.wait(30)


def reviewing(attestations: Path) -> str:
    session_id = attested_session(attestations)
    with Session.open(session_id) as session:
        catch_up(Conversion(session), "review")
    return session_id


def decided_shown(screen: str) -> int:
    return max((int(n) for n, _ in DECIDED.findall(screen)), default=0)


def hang_up_mid_review(attestations: Path, sig: int, presses: int) -> None:
    session_id = reviewing(attestations)
    term = Terminal(["tui", "--session", session_id])
    term.wait_for("Decided 0 of")
    for _ in range(presses):
        term.press("r")
        time.sleep(0.05)
    screen = term.read(0.3)
    code = term.hang_up(sig)
    assert code != 0  # it did not get to quit on its own

    shown = decided_shown(screen)
    assert shown > 0, screen[-1500:]
    with Session.open(session_id) as session:
        session.hold()  # the lock the wizard held is stale now
        rejected = [d for d in session.decisions().values() if d.decision == "rejected"]
        assert len(rejected) >= shown
        assert session.verify_audit() is None


def test_ssh_drop_mid_review_keeps_every_decision_shown(
    attestations_file: Path,
) -> None:
    hang_up_mid_review(attestations_file, signal.SIGHUP, presses=6)


def test_second_wizard_on_the_same_session_is_refused_saying_who(
    attestations_file: Path,
) -> None:
    session_id = reviewing(attestations_file)
    term = Terminal(["tui", "--session", session_id])
    term.wait_for("Decided 0 of")
    second = subprocess.run(
        [sys.executable, "-m", "casetui.cli", "tui", "--session", session_id],
        cwd=REPO, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    term.hang_up(signal.SIGKILL)
    said = " ".join(second.stderr.split())
    assert second.returncode == 2
    assert "Session already open" in said
    assert f"on {socket.gethostname()} (process {term.process.pid}," in said
    assert "Traceback" not in second.stderr + second.stdout


@pytest.mark.slow
def test_killed_wizard_again_and_again(attestations_file: Path) -> None:
    for turn in range(10):
        sig = signal.SIGKILL if turn % 2 else signal.SIGHUP
        hang_up_mid_review(attestations_file, sig, presses=1 + turn % 4)
