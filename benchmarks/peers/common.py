"""What every peer process shares: its command line and the stats file it leaves.

A peer runs as `python -m benchmarks.peers.NAME DIR --out PAIRS.csv`, reads
DIR/casework.csv and DIR/voters.csv and writes PAIRS.csv with the columns
case_id, voter_id, score and default (true where the tool's own default setting
calls the pair a match), and optionally default_score, the tool's own ranking for
picking each case's default link when it is not the score. Beside it, PAIRS.json
holds the number of candidate pairs compared, whether PAIRS.csv holds all of them,
and the settings used.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "dataset", type=Path, help="folder with casework.csv, voters.csv"
    )
    parser.add_argument("--out", type=Path, required=True, help="pairs file to write")
    return parser.parse_args()


def stats_path(pairs_path: Path) -> Path:
    return pairs_path.with_suffix(".json")


def write_stats(
    pairs_path: Path, *, pairs_compared: int, all_pairs: bool, **settings: Any
) -> None:
    stats = {"pairs_compared": pairs_compared, "all_pairs": all_pairs, **settings}
    stats_path(pairs_path).write_text(json.dumps(stats, indent=2) + "\n")
