"""A casetui at work in a child process, for the tests that kill it.

`python -m tests.faults.driver PHASE SESSION_ID OUT_DIR` opens the session (held,
as the wizard holds it), brings it up to PHASE, prints "ready", then repeats that
phase's work until it is killed. After each action is committed it prints what
the screen would now show as done: "decided SEQ CASE DECISION", "undone SEQ",
"loaded ROLE", "matched", "exported". The tests compare those lines with what a
fresh process finds in the session.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from casetui.paths import samples_dir
from casetui.session.store import Session
from casetui.workflow import Conversion

FILES = {
    "casework": samples_dir() / "casework_civicrm.csv",
    "voter": samples_dir() / "voters_l2.csv",
}
TARGETS = ["ngpvan", "nationbuilder", "ecanvasser", "csv"]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def catch_up(conv: Conversion, phase: str) -> None:
    """Finish the steps before `phase` that an earlier kill left undone."""
    done = conv.session.completed_steps()
    if phase == "load":
        return
    if "files" not in done:
        for role, path in FILES.items():
            conv.load(role, path)
        conv.complete_files()
    if "suppression" not in conv.session.completed_steps():
        conv.run_suppression()
        conv.complete_suppression()
    if phase == "match":
        return
    if conv.session.read_frame("assignment") is None:
        conv.run_match()
    if phase == "export" and "match" not in conv.session.completed_steps():
        conv.complete_match()


def review(conv: Conversion) -> None:
    queue = conv.review_queue()
    choices = itertools.cycle(["accepted", "rejected", "skipped", "accepted"])
    for turn, case_id in enumerate(itertools.cycle(queue)):
        if turn % 7 == 6:
            undone = conv.session.undo()
            if undone is not None:
                say(f"undone {undone.seq}")
            continue
        decision = next(choices)
        voter = None
        if decision == "accepted":
            view = conv.pair_view(case_id)
            if not view.candidates:
                decision = "rejected"
            else:
                voter = str(view.candidates[0].voter["voter_id"])
        made = conv.decide(case_id, voter, decision)
        say(f"decided {made.seq} {case_id} {decision}")


def main(phase: str, session_id: str, out_dir: str) -> None:
    conv = Conversion(Session.open(session_id).hold())
    catch_up(conv, phase)
    say("ready")
    while True:
        if phase == "review":
            review(conv)
        elif phase == "load":
            for role, path in FILES.items():
                conv.load(role, path)
                say(f"loaded {role}")
        elif phase == "match":
            conv.run_match()
            say("matched")
        elif phase == "export":
            conv.export(Path(out_dir), TARGETS)
            say("exported")


if __name__ == "__main__":
    main(*sys.argv[1:4])
