"""m values estimated from the data by expectation-maximisation.

Given the level each candidate pair shows on each field and its u there, EM
alternates between the probability that each pair is a match (from the current
m values) and the m values those probabilities imply: the share of the matches'
weight at each level within its group. The defaults in `levels` act as a prior
worth PRIOR_PAIRS pairs, so a level no pair shows keeps its judgement value.

Estimation can degenerate: too few pairs, no convergence, or an answer in which
agreeing on a name is not typical of a match (EM then learned a household, not
a person). The defaults are used instead and the reason is returned, never an
empty result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from casetui.pipeline.levels import Comparison

PRIOR_PAIRS = 50.0  # how many pairs' worth of weight the defaults carry
MIN_PAIRS = 200  # below this, the defaults are kept
MAX_ROUNDS = 200
TOLERANCE = 1e-4  # largest change in any m between rounds at convergence
# An estimated match share outside is degenerate. All pairs matching can be
# right (a pass that only finds true links); MUST_AGREE catches when it is not.
LINK_BOUNDS = (0.001, 0.9999)
# Agreeing on these is what a match mostly looks like; EM saying otherwise has
# learned something else (a household, an address). Level names per field.
MUST_AGREE = {"first": ("exact",), "last": ("exact", "exact_at_home")}
MIN_AGREE = 0.4


@dataclass(frozen=True)
class Weights:
    """m per level for each compared field, and how they were obtained."""

    m: dict[str, list[float | None]]
    estimated: bool
    note: str  # why the defaults were kept, or how EM ended
    match_share: float | None = None
    rounds: int = 0


def defaults(comparisons: list[Comparison], reason: str = "") -> Weights:
    """The judgement m values of levels.py; `reason` says why they are used."""
    return Weights(
        {c.field: [level.m for level in c.levels] for c in comparisons},
        estimated=False,
        note="default m values" + (f": {reason}" if reason else ""),
    )


def estimate(
    pairs: pl.DataFrame,
    comparisons: list[Comparison],
    start_share: float,
    blocked_on: frozenset[str] | set[str] = frozenset(),
) -> Weights:
    """Estimate m from `pairs`, which carry lvl_<field> (level index) and
    u_<field> (u at that level, null where neutral) for every comparison.
    `start_share` is the first guess of the share of pairs that match. The
    fields in `blocked_on` agree on every pair by construction, matches or
    not: they tell EM nothing and keep their defaults."""
    if pairs.height < MIN_PAIRS:
        return defaults(comparisons, f"{pairs.height} pairs are too few to learn from")
    learn = [c for c in comparisons if c.estimated and c.field not in blocked_on]
    fixed = [c for c in comparisons if not c.estimated and c.field not in blocked_on]
    codes = {c.field: pairs[f"lvl_{c.field}"].to_numpy() for c in comparisons}
    # A null u (no frequency for the value) weighs nothing, as in scoring.
    log_u = {c.field: np.log(pairs[f"u_{c.field}"].to_numpy()) for c in comparisons}
    m = {c.field: _array([level.m for level in c.levels]) for c in comparisons}
    prior = {c.field: _normalized(c) for c in learn}
    # The fixed fields' evidence never changes: summed once.
    constant = sum(
        (_log_ratio(m[c.field], codes[c.field], log_u[c.field]) for c in fixed),
        np.zeros(pairs.height),
    )
    share, rounds = start_share, 0
    while rounds < MAX_ROUNDS:
        rounds += 1
        odds = constant + np.log(share / (1 - share))
        for c in learn:
            odds = odds + _log_ratio(m[c.field], codes[c.field], log_u[c.field])
        p = 1.0 / (1.0 + np.exp(-np.clip(odds, -700, 700)))
        share = float(np.clip(p.mean(), 1e-6, 1 - 1e-6))
        change = 0.0
        for c in learn:
            new = _m_step(c, codes[c.field], p, prior[c.field])
            change = max(change, float(np.nanmax(np.abs(new - m[c.field]))))
            m[c.field] = new
        if change < TOLERANCE:
            break
    if change >= TOLERANCE:
        return defaults(comparisons, f"EM did not settle in {MAX_ROUNDS} rounds")
    if not LINK_BOUNDS[0] <= share <= LINK_BOUNDS[1]:
        return defaults(comparisons, f"EM found {share:.1%} of pairs matching")
    for field, names in MUST_AGREE.items():
        comparison = next((c for c in learn if c.field == field), None)
        if comparison is None:
            continue
        levels = [level.name for level in comparison.levels]
        if max(m[field][levels.index(name)] for name in names) < MIN_AGREE:
            reason = f"EM found {field} names rarely agree on a match"
            return defaults(comparisons, reason)
    as_lists = {
        field: [None if np.isnan(x) else float(x) for x in values]
        for field, values in m.items()
    }
    note = f"estimated by EM in {rounds} rounds from {pairs.height} pairs"
    return Weights(as_lists, True, note, share, rounds)


def _array(values: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _normalized(comparison: Comparison) -> np.ndarray:
    """The default m values as shares within each group (NaN where neutral)."""
    m = _array([level.m for level in comparison.levels])
    for members in _groups(comparison).values():
        m[members] = m[members] / m[members].sum()
    return m


def _groups(comparison: Comparison) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, level in enumerate(comparison.levels):
        if level.m is not None:
            groups.setdefault(level.group, []).append(i)
    return groups


def _log_ratio(m: np.ndarray, codes: np.ndarray, log_u: np.ndarray) -> np.ndarray:
    """log(m / u) per pair; 0 where the level is neutral."""
    ratio = np.log(m[codes]) - log_u
    return np.where(np.isnan(ratio), 0.0, ratio)


def _m_step(
    comparison: Comparison, codes: np.ndarray, p: np.ndarray, prior: np.ndarray
) -> np.ndarray:
    weight = np.bincount(codes, weights=p, minlength=len(comparison.levels))
    m = np.full(len(comparison.levels), np.nan)
    for members in _groups(comparison).values():
        fixed = [i for i in members if not comparison.levels[i].learn]
        free = [i for i in members if comparison.levels[i].learn]
        m[fixed] = prior[fixed]
        counts = weight[free] + PRIOR_PAIRS * prior[free]
        m[free] = counts / counts.sum() * (1 - prior[fixed].sum())
    return m
