"""The load benchmark's script works end to end at a small size (the full size,
50,000 cases against 5,000,000 voters, is `python benchmarks/load.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import load


@pytest.mark.slow
def test_load_benchmark_runs_within_its_bound_at_a_small_size(tmp_path: Path) -> None:
    code = load.main(
        ["--voters", "20000", "--cases", "2000", "--max-gb", "3.0",
         "--work", str(tmp_path), "--review-cases", "5000", "--decisions", "20"]
    )  # fmt: skip
    assert code == 0
