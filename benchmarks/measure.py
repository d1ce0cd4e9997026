"""Wall time and peak memory of one benchmark process.

Peak RSS is the larger of two readings: the kernel's ru_maxrss for the process
(which folds in the children it waited for) and the largest sum of RSS over the
whole process tree seen by polling every 20 ms, which also counts children that
run side by side (recordlinkage's worker processes).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Run:
    wall_s: float
    peak_rss_bytes: int
    returncode: int


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for proc in tree:
                try:
                    total += proc.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            self.peak = max(self.peak, total)
            self.done.wait(POLL_SECONDS)


def measure(command: list[str], log: Path, cwd: Path) -> Run:
    """Run command to the end, its stdout and stderr appended to log."""
    with log.open("ab") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=sink, stderr=sink, cwd=cwd)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
    # os.wait4 reaped the child; tell Popen so it does not try again.
    proc.returncode = os.waitstatus_to_exitcode(status)
    kernel_peak = usage.ru_maxrss * 1024  # KiB on Linux
    return Run(wall, max(kernel_peak, sampler.peak), proc.returncode)
