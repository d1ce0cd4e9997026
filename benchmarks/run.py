"""Run casetui and its peers on benchmark datasets and compare them.

    python benchmarks/run.py DIR [DIR ...] [--tools casetui,splink,recordlinkage,floor]
        [--repeat 3] [--markdown FILE] [--work DIR]

Each DIR holds casework.csv, voters.csv and truth.csv. Every tool runs as its own
process `--repeat` times on the same files; the table gives the median wall time,
the largest peak RSS of the process and its children, and the accuracy of the last
run's pairs file. Pairs files and each process's output go under --work. Only the
tables are printed to stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

if __package__ in (None, ""):
    # Run as a script: make `benchmarks` importable from the checkout.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import metrics
from benchmarks.measure import Run, measure
from benchmarks.report import Row, render_markdown, render_plain

REPO = Path(__file__).resolve().parent.parent


def casetui_command(dataset: Path, out: Path) -> list[str]:
    script = Path(sys.executable).parent / "casetui"
    exe = [str(script)] if script.exists() else ["casetui"]
    return [
        *exe,
        "match",
        str(dataset / "casework.csv"),
        str(dataset / "voters.csv"),
        "--out",
        str(out),
        "--all-pairs",  # every compared pair: the blocking losses are measured
    ]


def peer_command(module: str) -> Callable[[Path, Path], list[str]]:
    def command(dataset: Path, out: Path) -> list[str]:
        return [
            sys.executable,
            "-m",
            f"benchmarks.peers.{module}",
            str(dataset),
            "--out",
            str(out),
        ]

    return command


def casetui_default(pairs: pl.DataFrame) -> pl.DataFrame:
    accepted = pairs.filter(pl.col("assigned") & (pl.col("band") == "accept"))
    return accepted.select("case_id", "voter_id")


def peer_default(pairs: pl.DataFrame) -> pl.DataFrame:
    flagged = pairs.filter(pl.col("default"))
    if "default_score" in pairs.columns:
        flagged = flagged.with_columns(
            pl.col("default_score").cast(pl.Float64).alias("score")
        )
    return metrics.best_per_case(flagged).select("case_id", "voter_id")


@dataclass(frozen=True)
class Tool:
    name: str
    command: Callable[[Path, Path], list[str]]
    default_links: Callable[[pl.DataFrame], pl.DataFrame] | None
    note: str


TOOLS = {
    "casetui": Tool(
        "casetui",
        casetui_command,
        casetui_default,
        "default: the accepted assignments; swept score: each case's best pair",
    ),
    "splink": Tool(
        "splink",
        peer_command("splink_link"),
        peer_default,
        "default: match_probability >= 0.5 (Splink's conventional cut-off), best "
        "voter per case; swept score: match_probability",
    ),
    "recordlinkage": Tool(
        "recordlinkage",
        peer_command("rl_link"),
        peer_default,
        "default: ECMClassifier's classification, best voter per case; swept "
        "score: share of the 8 comparison features that agree",
    ),
    "floor": Tool(
        "floor",
        peer_command("floor"),
        None,
        "read both files with polars and join on lower(last name) + ZIP5; no scoring",
    ),
}


@dataclass
class Dataset:
    path: Path
    cases: int = 0
    voters: int = 0
    true_links: int = 0
    rows: list[Row] = field(default_factory=list)

    @property
    def title(self) -> str:
        return (
            f"{self.path}: {self.cases:,} cases, {self.voters:,} voters, "
            f"{self.true_links:,} true links"
        )


def count_rows(path: Path) -> int:
    return pl.scan_csv(path, infer_schema=False).select(pl.len()).collect().item()


def evaluate(tool: Tool, out: Path, truth: pl.DataFrame, runs: list[Run]) -> Row:
    row = Row(
        tool=tool.name,
        wall_s=statistics.median(r.wall_s for r in runs),
        peak_rss_mib=max(r.peak_rss_bytes for r in runs) / 2**20,
    )
    stats_file = out.with_suffix(".json")
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    pairs = metrics.read_pairs(out)
    row.pairs = stats.get("pairs_compared", pairs.height)
    if tool.default_links is None:
        return row

    row.default = metrics.accuracy(tool.default_links(pairs), truth)
    row.best = metrics.best_threshold(pairs, truth)
    if stats.get("all_pairs", tool.name == "casetui"):
        row.lost_in_blocking = metrics.lost_in_blocking(pairs, truth)
    if tool.name == "casetui":
        row.bands = metrics.casetui_bands(pairs, truth)
    return row


def run_dataset(dataset: Dataset, tools: list[Tool], repeat: int, work: Path) -> None:
    truth = metrics.read_truth(dataset.path / "truth.csv")
    dataset.cases = truth.height
    dataset.voters = count_rows(dataset.path / "voters.csv")
    dataset.true_links = metrics.true_link_count(truth)
    folder = work / dataset.path.resolve().name
    folder.mkdir(parents=True, exist_ok=True)

    for tool in tools:
        out = folder / f"{tool.name}.csv"
        log = folder / f"{tool.name}.log"
        log.write_text("")
        for stale in (out, out.with_suffix(".json")):
            stale.unlink(missing_ok=True)
        runs: list[Run] = []
        for i in range(repeat):
            print(f"{dataset.path} {tool.name} run {i + 1}/{repeat}", file=sys.stderr)
            run = measure(tool.command(dataset.path, out), log, cwd=REPO)
            if run.returncode != 0:
                print(
                    f"  failed with exit code {run.returncode}; see {log}",
                    file=sys.stderr,
                )
                break
            print(
                f"  {run.wall_s:.1f} s, {run.peak_rss_bytes / 2**20:,.0f} MiB",
                file=sys.stderr,
            )
            runs.append(run)
        if len(runs) < repeat:
            dataset.rows.append(Row(tool=tool.name, failed=True))
            continue
        dataset.rows.append(evaluate(tool, out, truth, runs))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", type=Path, nargs="+", metavar="DIR")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", type=Path, metavar="FILE")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "casetui-bench",
        metavar="DIR",
        help="where pairs files and process output go",
    )
    args = parser.parse_args()
    # The tools run from the checkout, so relative paths must not depend on it.
    args.datasets = [path.resolve() for path in args.datasets]
    unknown = [t for t in args.tools.split(",") if t not in TOOLS]
    if unknown:
        parser.error(
            f"unknown tools {', '.join(unknown)}; choose from {', '.join(TOOLS)}"
        )
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    for path in args.datasets:
        missing = [
            n
            for n in ("casework.csv", "voters.csv", "truth.csv")
            if not (path / n).exists()
        ]
        if missing:
            parser.error(f"{path} has no {', '.join(missing)}")
    return args


def main() -> None:
    args = parse_args()
    tools = [TOOLS[name] for name in args.tools.split(",")]
    datasets = [Dataset(path) for path in args.datasets]
    for dataset in datasets:
        run_dataset(dataset, tools, args.repeat, args.work)

    notes = [f"{t.name}: {t.note}" for t in tools]
    tables = [(d.title, d.rows) for d in datasets]
    print(render_plain(tables, notes, args.repeat))
    if args.markdown:
        args.markdown.write_text(render_markdown(tables, notes, args.repeat))


if __name__ == "__main__":
    main()
