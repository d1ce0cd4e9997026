"""Two operators on one machine: each sees only their own sessions, and a session
held by one casetui is refused to a second, with who holds it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casetui.cli import app
from casetui.errors import SessionError
from casetui.paths import sessions_dir
from casetui.session import lock
from casetui.session.store import Session

runner = CliRunner()
OTHER_UID = 65534  # nobody


def said(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


def test_session_folders_keep_other_users_out() -> None:
    session = Session.create("mine")
    for folder in (sessions_dir(), session.path):
        mode = stat.S_IMODE(folder.stat().st_mode)
        assert mode == 0o700, f"{folder} is {mode:o}"


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder away needs root")
def test_another_users_session_in_a_shared_home_is_not_listed_or_opened() -> None:
    mine = Session.create("mine")
    mine.close()
    theirs = Session.create("theirs")
    theirs.close()
    for path in (theirs.path, *theirs.path.iterdir()):
        os.chown(path, OTHER_UID, OTHER_UID)

    assert [i.name for i in Session.list_all()] == ["mine"]
    code, text = said("sessions")
    assert "mine" in text and "theirs" not in text
    with pytest.raises(SessionError, match="not found"):
        Session.open(theirs.id)
    code, text = said("purge", theirs.id, "--yes")
    assert code == 2 and theirs.path.exists()


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder away needs root")
def test_a_casetui_home_belonging_to_another_user_is_refused(
    casetui_home: Path,
) -> None:
    (casetui_home / "data").mkdir(parents=True)
    os.chown(casetui_home / "data", OTHER_UID, OTHER_UID)
    code, text = said("sessions")
    assert code == 2
    assert "Folder belongs to another user" in text and "CASETUI_HOME" in text


def test_a_held_session_is_refused_naming_the_holder() -> None:
    first = Session.create("shared").hold()
    second = Session.open(first.id)
    with pytest.raises(SessionError) as refused:
        second.hold()
    assert refused.value.title == "Session already open"
    assert f"process {os.getpid()}" in refused.value.message
    code, text = said("purge", first.id, "--yes")
    assert code == 2 and "open in another casetui" in text
    assert first.path.exists()

    first.close()  # released: the next casetui may have it
    second.hold()
    assert lock.holder(second.path) is not None
    second.close()
    assert lock.holder(second.path) is None


def test_a_stale_lock_left_by_a_dead_process_is_taken_over() -> None:
    session = Session.create("stale")
    session.close()
    (session.path / lock.LOCK_NAME).write_text(
        '{"pid": 999999, "user": "gone", "host": "here", "since": "2026-01-01"}'
    )
    assert lock.holder(session.path) is None  # nobody holds the flock
    code, text = said("purge", session.id, "--yes")
    assert code == 0 and "Removed session stale" in text
