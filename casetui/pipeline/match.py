"""Match cases to voters: normalize, block, score, classify, assign one-to-one.

See docs/matching.md for the levels, the thresholds and what each reason means.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from casetui.pipeline.assign import assign
from casetui.pipeline.block import BLOCK_CAP, candidate_pairs
from casetui.pipeline.normalize import (
    VOTER_SLICE,
    normalize_cases,
    normalize_voter_slices,
    normalize_voters,
    voter_slices,
)
from casetui.pipeline.score import EVIDENCE, frequencies, score_pairs
from casetui.pipeline.weights import Weights

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]

CASE_SLICE = 5_000  # cases blocked and scored at a time
KEEP_RANK = 10  # pairs kept per case besides those worth a review


@dataclass(frozen=True)
class Thresholds:
    """Score cut-offs for a case's best candidate."""

    accept: float = 0.80  # at/above: auto-accepted (unless a reason asks review)
    review: float = 0.08  # at/above and below accept: the operator decides
    # A pair that agrees on the name alone, away from the registered address,
    # is a namesake as often as a mover: accepted only when nearly certain.
    name_only: float = 0.99


@dataclass
class MatchResult:
    """The scored candidate pairs, one assignment per case, and run figures."""

    candidates: pl.DataFrame
    assignment: pl.DataFrame
    stats: dict[str, float | int] = field(default_factory=dict)
    weights: Weights | None = None


CANDIDATE_COLUMNS = [
    "case_id",
    "voter_id",
    "score",
    "weight",
    "rank",
    *EVIDENCE,
    "reasons",
    "passes",
]


def _ranked(scored: pl.DataFrame, review: float | None) -> pl.DataFrame:
    """The candidate columns of scored pairs, each case's pairs best first with
    their rank; narrowed before sorting, as the scored frame is wider. With a
    `review` threshold, only the KEEP_RANK best and those scoring at least it
    are kept: a case against millions of voters has thousands of hopeless
    pairs that no screen shows and no assignment needs."""
    home = pl.concat_str(["v_house", "v_street_name", "v_zip5"], separator="|")
    ranked = (
        scored.select(
            *[c for c in CANDIDATE_COLUMNS if c != "rank"], home.alias("home")
        )
        .sort(["case_id", "weight", "voter_id"], descending=[False, True, False])
        .with_columns(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("case_id").alias("rank")
        )
    )
    if review is None:
        return ranked
    return ranked.filter((pl.col("rank") <= KEEP_RANK) | (pl.col("score") >= review))


def match(
    cases: pl.DataFrame,
    voters: pl.DataFrame | pl.LazyFrame,
    thresholds: Thresholds = Thresholds(),
    progress: Progress | None = None,
    block_cap: int = BLOCK_CAP,
    learn: bool = True,
    keep_all: bool = False,
) -> MatchResult:
    """Match canonical casework rows to canonical voter rows.

    Returns a MatchResult whose `candidates` hold each case's KEEP_RANK best
    pairs and any others worth a review (every compared pair with `keep_all`;
    see CANDIDATE_COLUMNS; `passes` names the blocking passes that found it)
    and whose `assignment` has one row per case. With `learn`, the m values
    are estimated from the pairs by EM (`weights` says whether they were, or
    why the defaults were kept). Raises InputError when either
    side lacks its id column; values that cannot be read weigh nothing.
    """
    stats: dict[str, float | int] = {}
    clock = time.perf_counter()

    def stage(name: str, done: float) -> None:
        nonlocal clock
        now = time.perf_counter()
        stats[f"seconds_{name}"] = round(now - clock, 3)
        clock = now
        if progress is not None:
            progress(name, done)

    normal_cases = normalize_cases(cases)
    stage("normalize_cases", 0.1)
    if isinstance(voters, pl.DataFrame) and voters.height > VOTER_SLICE:
        # Sliced and let go here: a caller that handed the frame over holds no
        # other reference, so each slice's raw rows go once it is normalized.
        slices = voter_slices(voters)
        del voters
        normal_voters = normalize_voter_slices(slices)
    else:
        normal_voters = normalize_voters(voters)
        del voters
    stage("normalize_voters", 0.4)
    total = normal_voters.height
    # Cases are blocked and scored CASE_SLICE at a time: 50,000 cases make
    # millions of pairs, and only each slice's ranked pairs are kept. The m
    # values are estimated on the first slice and used for the rest.
    ranked, weights = [], None
    timings = {"block": 0.0, "score": 0.0}
    if normal_cases.height > CASE_SLICE:
        # Slices in case id order keep the pairs sorted by case once joined.
        normal_cases = normal_cases.sort("case_id")
    starts = range(0, max(normal_cases.height, 1), CASE_SLICE)
    for step, start in enumerate(starts, start=1):
        some = normal_cases.slice(start, CASE_SLICE)
        began = time.perf_counter()
        pairs, block_stats = candidate_pairs(some, normal_voters, block_cap)
        for key, count in block_stats.items():
            stats[key] = stats.get(key, 0) + count
        blocked = time.perf_counter()
        # On the streaming engine: the in-memory semi join of a file of
        # millions took a second and a gigabyte more than the voters it keeps.
        paired = (
            normal_voters.lazy()
            .join(pairs.lazy().select("voter_id").unique(), on="voter_id", how="semi")
            .collect(engine="streaming")
        )
        freq = frequencies(normal_voters, among=paired)
        if step == len(starts):
            del normal_voters  # the last slice is scored with its paired voters only
        scored, weights = score_pairs(pairs, some, paired, total, freq, learn, weights)
        del pairs, paired, freq
        ranked.append(_ranked(scored, None if keep_all else thresholds.review))
        del scored
        timings["block"] += blocked - began
        timings["score"] += time.perf_counter() - blocked
        if progress is not None:
            progress("score", 0.4 + 0.45 * step / len(starts))
    stats["seconds_block"] = round(timings["block"], 3)
    stats["seconds_score"] = round(timings["score"], 3)
    assert weights is not None  # at least one slice, if an empty one
    stats["weights_estimated"] = int(weights.estimated)
    candidates = pl.concat(ranked, rechunk=False)
    del ranked
    stats["pairs_kept"] = candidates.height
    clock = time.perf_counter()
    assignment = assign(
        normal_cases,
        candidates.filter(
            (pl.col("score") >= thresholds.review) | (pl.col("rank") == 1)
        ),
        thresholds.accept,
        thresholds.review,
        thresholds.name_only,
    )
    stage("assign", 1.0)

    stats["cases"] = cases.height
    stats["voters"] = total
    for band in ("accept", "review", "reject"):
        stats[f"band_{band}"] = assignment.filter(pl.col("band") == band).height
    log.info(
        "matched %d cases against %d voters: %d pairs, %d accept, %d review",
        cases.height,
        total,
        stats["pairs_total"],
        stats["band_accept"],
        stats["band_review"],
    )
    return MatchResult(candidates.select(CANDIDATE_COLUMNS), assignment, stats, weights)


def pair_table(result: MatchResult) -> pl.DataFrame:
    """Return every scored pair with its case's band and `assigned` (true on the
    pair that is the case's one-to-one assignment): ids, scores and reasons only."""
    chosen = result.assignment.select(
        "case_id", pl.col("voter_id").alias("chosen"), "band"
    )
    return (
        result.candidates.join(chosen, on="case_id", how="left")
        .select(
            "case_id",
            "voter_id",
            "score",
            "rank",
            "band",
            (pl.col("voter_id") == pl.col("chosen")).fill_null(False).alias("assigned"),
            "reasons",
        )
        .sort("case_id", "rank")
    )
