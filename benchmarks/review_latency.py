"""Review latency: drive the review screen with Pilot through 500 decisions on a
queue of 50,000 cases and print how long each key press took to show the next
pair, the store's commit included.

    python benchmarks/review_latency.py [--cases 50000] [--decisions 500]

The session is synthetic (three candidate voters per case, evidence and reasons
like the matcher's) and lives in a throwaway casetui home. Half the decisions are
made at the start of the queue and half near its end, to show that moving does
not slow as the queue grows. A press counts as done when the pair table has
rendered the next case.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["CASETUI_HOME"] = tempfile.mkdtemp(prefix="casetui-latency-")

import polars as pl  # noqa: E402

from casetui.pipeline.suppress import HIT_SCHEMA  # noqa: E402
from casetui.session.store import Session  # noqa: E402
from casetui.tui.app import CasetuiApp  # noqa: E402
from casetui.tui.pairview import PairTable  # noqa: E402
from casetui.workflow import Conversion  # noqa: E402

PER_CASE = 3
FIRST = ["Ann", "Bill", "Cal", "Dee", "Eve", "Finn", "Gus", "Hal", "Ida", "Jo"]
LAST = ["Smith", "Lee", "Park", "Ng", "Diaz", "Khan", "Moss", "Ross", "Vale"]
EVIDENCE = ("first", "middle", "last", "suffix", "street", "unit", "city", "zip")
REASONS = ["nickname", "moved", "household", "typo", "", "initial", "phone"]


def people(prefix: str, n: int, offset: int = 0) -> pl.DataFrame:
    i = pl.int_range(offset, offset + n, eager=True)
    return pl.DataFrame(
        {
            f"{prefix}_id": [f"{prefix[0].upper()}{k:07d}" for k in i],
            "first_name": [FIRST[k % len(FIRST)] for k in i],
            "last_name": [LAST[k % len(LAST)] for k in i],
            "street": [f"{k % 997 + 1} Main St" for k in i],
            "city": ["Boston"] * n,
            "zip5": [f"{2100 + k % 50:05d}" for k in i],
            "birth_year": [str(1940 + k % 60) for k in i],
        }
    )


def build_session(n: int) -> Conversion:
    """A session at the review step with `n` cases to review."""
    session = Session.create("latency")
    session.set_operator("Benchmark")
    for step in ("checklist", "files", "suppression"):
        session.complete_step(step)
    cases = people("case", n)
    voters = people("voter", n * PER_CASE)
    case_of = [f"C{k // PER_CASE:07d}" for k in range(n * PER_CASE)]
    score = [0.2 + 0.6 * ((k * 7919) % 1000) / 1000 for k in range(n * PER_CASE)]
    candidates = pl.DataFrame(
        {
            "case_id": case_of,
            "voter_id": voters["voter_id"],
            "score": score,
            "weight": score,
            "rank": [k % PER_CASE + 1 for k in range(n * PER_CASE)],
            **{
                f"ev_{e}": [float(k % 9 - 3) for k in range(n * PER_CASE)]
                for e in EVIDENCE
            },  # fmt: skip
            "reasons": [REASONS[k % len(REASONS)] for k in range(n * PER_CASE)],
            "passes": ["name"] * (n * PER_CASE),
        }
    )
    best = candidates.filter(pl.col("rank") == 1)
    assignment = best.select(
        "case_id", "voter_id", "score", pl.lit("review").alias("band"), "reasons"
    )
    frames = {
        "cases": cases,
        "voters": voters,
        "candidates": candidates,
        "assignment": assignment,
        "hits": pl.DataFrame(schema=HIT_SCHEMA),
    }
    for name, frame in frames.items():
        session.write_frame(name, frame)
    return Conversion(session)


def summary(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{label:<28} n={len(values):<4} p50 {statistics.median(values):6.1f} ms  "
        f"p95 {p95:6.1f} ms  max {ordered[-1]:6.1f} ms"
    )


async def drive(conversion: Conversion, decisions: int) -> None:
    rendered: dict[str, float] = {}
    original = PairTable.render

    def timed_render(table: PairTable):  # type: ignore[no-untyped-def]
        result = original(table)
        rendered[str(table._case.get("case_id"))] = time.perf_counter()
        return result

    PairTable.render = timed_render  # type: ignore[method-assign]
    commits: list[float] = []
    decide = conversion.decide

    def timed_decide(*args):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        made = decide(*args)
        commits.append((time.perf_counter() - started) * 1000)
        return made

    conversion.decide = timed_decide  # type: ignore[method-assign]
    started = time.perf_counter()
    app = CasetuiApp(conversion)
    async with app.run_test(size=(100, 30)) as pilot:
        while not getattr(app.screen, "ready", False):
            await pilot.pause(0.01)
        await pilot.pause()
        print(f"{'open the review screen':<28} {(time.perf_counter() - started):.2f} s")
        screen = app.screen
        keys = "aaraasaara"
        segments: dict[str, list[float]] = {"start of the queue": [], "end": []}
        for segment, values in segments.items():
            if segment == "end":
                screen._show(screen.shown[-decisions // 2 - 5])  # type: ignore[attr-defined]
                await pilot.pause()
            for k in range(decisions // 2):
                before = screen.case_id  # type: ignore[attr-defined]
                pressed = time.perf_counter()
                await pilot.press(keys[k % len(keys)])
                after = screen.case_id  # type: ignore[attr-defined]
                while after == before or rendered.get(after, 0) < pressed:
                    await pilot.pause(0.001)
                    after = screen.case_id  # type: ignore[attr-defined]
                values.append((rendered[after] - pressed) * 1000)
        for segment, values in segments.items():
            print(summary(f"key to next pair, {segment}", values))
        everything = [v for values in segments.values() for v in values]
        print(summary("key to next pair, all", everything))
        print(summary("decision commit alone", commits))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--decisions", type=int, default=500)
    args = parser.parse_args()
    clock = time.perf_counter()
    conversion = build_session(args.cases)
    print(
        f"{'build a session':<28} {args.cases} review cases, "
        f"{args.cases * PER_CASE} candidate pairs, "
        f"{time.perf_counter() - clock:.1f} s"
    )
    asyncio.run(drive(conversion, args.decisions))


if __name__ == "__main__":
    main()
