"""EM estimation of m values: it recovers what the data shows, and falls back
to the defaults, saying why, when it cannot."""

import numpy as np
import polars as pl
import pytest

from casetui.pipeline.levels import Comparison, Level
from casetui.pipeline.weights import estimate

YES = pl.lit(True)


def _comparison(field: str, m: list[float], u: list[float]) -> Comparison:
    names = ["exact", "typo", "different"]
    levels = [Level("missing", YES)]
    levels += [Level(n, YES, m_i, u_i) for n, m_i, u_i in zip(names, m, u, strict=True)]
    return Comparison(field, tuple(levels))


FIRST = _comparison("first", [0.5, 0.3, 0.2], [0.01, 0.04, 0.95])
STREET = _comparison("street", [0.5, 0.3, 0.2], [0.02, 0.03, 0.95])
YEAR = _comparison("birth_year", [0.5, 0.3, 0.2], [0.05, 0.1, 0.85])
ALL = [FIRST, STREET, YEAR]


YEAR_M = {"birth_year": [0.7, 0.2, 0.1]}


def _pairs(n: int, share: float, true_m: dict[str, list[float]], seed: int = 3):
    """Pairs drawn from a two-class model: matches show levels with the true
    m values, unrelated pairs with the comparisons' u values."""
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < share
    columns = {}
    for comparison in ALL:
        u = np.array([level.u for level in comparison.levels[1:]])
        m = np.array(true_m[comparison.field])
        codes = np.where(
            is_match, rng.choice(3, n, p=m), rng.choice(3, n, p=u / u.sum())
        )
        columns[f"lvl_{comparison.field}"] = pl.Series(codes + 1, dtype=pl.UInt8)
        columns[f"u_{comparison.field}"] = pl.Series(u[codes])
    return pl.DataFrame(columns)


def test_em_recovers_the_m_values_the_matches_show():
    truth = {"first": [0.8, 0.15, 0.05], "street": [0.6, 0.1, 0.3], **YEAR_M}
    pairs = _pairs(20_000, 0.2, truth)

    weights = estimate(pairs, ALL, start_share=0.5)

    assert weights.estimated, weights.note
    assert abs(weights.match_share - 0.2) < 0.02
    for field, expected in truth.items():
        assert np.allclose(weights.m[field][1:], expected, atol=0.03), field
    assert weights.m["first"][0] is None  # missing data weighs nothing


def test_a_blocked_field_keeps_its_defaults():
    truth = {"first": [0.8, 0.15, 0.05], "street": [0.6, 0.1, 0.3], **YEAR_M}
    pairs = _pairs(20_000, 0.2, truth)

    weights = estimate(pairs, ALL, 0.5, blocked_on={"street"})

    assert weights.m["street"] == [None, 0.5, 0.3, 0.2]
    assert weights.estimated, weights.note
    assert abs(weights.m["first"][1] - 0.8) < 0.05


def test_too_few_pairs_keep_the_defaults_and_say_so():
    truth = {"first": [0.8, 0.15, 0.05], "street": [0.6, 0.1, 0.3], **YEAR_M}
    pairs = _pairs(50, 0.2, truth)

    weights = estimate(pairs, ALL, 0.5)

    assert not weights.estimated
    assert "too few" in weights.note
    assert weights.m["first"] == [None, 0.5, 0.3, 0.2]


def test_em_that_learns_names_rarely_agree_falls_back():
    # Every pair matches and the first names mostly differ: what EM learns
    # from a household, not from one person.
    truth = {"first": [0.1, 0.1, 0.8], "street": [0.9, 0.05, 0.05], **YEAR_M}
    pairs = _pairs(5_000, 1.0, truth)

    weights = estimate(pairs, ALL, 0.5)

    assert not weights.estimated
    assert "first names rarely agree" in weights.note
    assert weights.m["first"] == [None, 0.5, 0.3, 0.2]


def test_a_level_em_must_not_learn_keeps_its_default_share():
    held = Comparison(
        "first",
        (
            Level("missing", YES),
            Level("exact", YES, 0.5, 0.01),
            Level("typo", YES, 0.3, 0.04, learn=False),
            Level("different", YES, 0.2, 0.95),
        ),
    )
    truth = {"first": [0.8, 0.15, 0.05], "street": [0.6, 0.1, 0.3], **YEAR_M}
    pairs = _pairs(20_000, 0.2, truth)

    weights = estimate(pairs, [held, STREET, YEAR], start_share=0.5)

    assert weights.estimated, weights.note
    assert weights.m["first"][2] == pytest.approx(0.3)
    assert sum(weights.m["first"][1:]) == pytest.approx(1.0)
