"""The benchmark's scoring of a pairs file: what its table reports."""

import polars as pl

from benchmarks.metrics import accuracy, best_threshold, lost_in_blocking

TRUTH = pl.DataFrame(
    {"case_id": ["C1", "C2", "C3", "C4"], "true_voter": ["V1", "V2", "V3", None]}
)
PAIRS = pl.DataFrame(
    {
        "case_id": ["C1", "C1", "C2", "C4"],
        "voter_id": ["V1", "V9", "V8", "V4"],
        "score": [0.99, 0.20, 0.90, 0.40],
    }
)


def test_precision_and_recall_count_true_links_only():
    links = pl.DataFrame(
        {"case_id": ["C1", "C2", "C4"], "voter_id": ["V1", "V8", "V4"]}
    )
    result = accuracy(links, TRUTH)
    assert result.precision == 1 / 3
    assert result.recall == 1 / 3  # C4 has no true voter: it costs precision only
    assert round(result.f1, 4) == round(2 * 1 / 6, 4)


def test_the_best_threshold_keeps_only_the_sure_pair():
    best = best_threshold(PAIRS, TRUTH)
    assert best.threshold == 0.99
    assert (best.accuracy.precision, best.accuracy.recall) == (1.0, 1 / 3)


def test_true_links_never_compared_are_counted():
    assert lost_in_blocking(PAIRS, TRUTH) == 2 / 3  # C2's V2 and C3's V3
