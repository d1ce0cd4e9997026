"""Load: a full headless run (`casetui run`) on a large district, its peak memory
held to the matching bound, then the review's key-press latency on a queue of
50,000 pairs.

    python benchmarks/load.py [--voters 5000000] [--cases 50000] [--max-gb 3.0]
                              [--work build/load] [--review-cases 50000]

The district is generated once by benchmarks/generate.py (seeded) and kept in
--work. The run happens in a child process so that its peak resident memory can
be read on its own; the script exits 1 when the run fails or goes over --max-gb,
and prints the review latency from benchmarks/review_latency.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ATTESTATIONS = """operator = "Load Benchmark"
[counsel_review]
attested = true
counsel_name = "Benchmark"
review_date = "2026-01-02"
[vendor_account]
attested = true
vendor = "Benchmark"
[codebook]
attested = true
path = "{codebook}"
[suppression_list]
attested = true
source = "none"
[opt_in_plan]
attested = true
plan = "Benchmark"
[campaign_resources]
attested = true
"""


# `casetui ARGS` that writes its own peak resident memory (KiB) to a file on exit:
# the generator's memory must not count.
MEASURED = """
import atexit, resource, sys
from pathlib import Path
out = Path(sys.argv[1])
atexit.register(lambda: out.write_text(
    str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
sys.argv = ["casetui", *sys.argv[2:]]
from casetui.cli import main
main()
"""


def district(work: Path, voters: int, cases: int) -> Path:
    folder = work / f"district-{voters}-{cases}"
    if not (folder / "truth.csv").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "generate.py"),
             "--voters", str(voters), "--cases", str(cases), "--seed", "7",
             "--out", str(folder)],
            check=True,
        )  # fmt: skip
    return folder


def headless_run(folder: Path, work: Path) -> tuple[int, float, float]:
    """Run `casetui run` in a child; return (exit code, seconds, peak GB)."""
    home = work / "home"
    attest = work / "attest.toml"
    attest.write_text(
        ATTESTATIONS.format(codebook=ROOT / "codebooks" / "default.toml"), "utf-8"
    )
    peak_file = work / "peak-kb.txt"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, str(peak_file), "run",
         "--casework", str(folder / "casework.csv"),
         "--voters", str(folder / "voters.csv"),
         "--attestations", str(attest), "--out", str(work / "exports"),
         "--targets", "csv"],
        env={**os.environ, "CASETUI_HOME": str(home), "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak_kb = int(peak_file.read_text()) if peak_file.exists() else 0
    return done.returncode, seconds, peak_kb / 1024 / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=5_000_000)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--max-gb", type=float, default=3.0)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "load")
    parser.add_argument("--review-cases", type=int, default=50_000)
    parser.add_argument("--decisions", type=int, default=200)
    args = parser.parse_args(argv)

    args.work.mkdir(parents=True, exist_ok=True)
    folder = district(args.work, args.voters, args.cases)
    code, seconds, peak = headless_run(folder, args.work)
    verdict = "within" if peak <= args.max_gb else "OVER"
    print(
        f"casetui run: {args.cases:,} cases, {args.voters:,} voters: exit {code}, "
        f"{seconds:.1f} s, peak {peak:.2f} GB ({verdict} the {args.max_gb} GB bound)"
    )
    review = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "review_latency.py"),
         "--cases", str(args.review_cases), "--decisions", str(args.decisions)],
    )  # fmt: skip
    return int(code != 0 or peak > args.max_gb or review.returncode != 0)


if __name__ == "__main__":
    sys.exit(main())
