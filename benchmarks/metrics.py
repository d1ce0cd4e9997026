"""Accuracy of a pairs file against a dataset's truth.

A predicted link (case, voter) is right when the voter is the case's true voter.
Recall's denominator is the number of cases whose true voter is not empty, so a
case that is not registered can only cost precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class Accuracy:
    precision: float | None
    recall: float
    f1: float
    links: int


@dataclass(frozen=True)
class BestThreshold:
    accuracy: Accuracy
    threshold: float | None


def read_truth(path: Path) -> pl.DataFrame:
    """case_id and true_voter (null where the person is not registered)."""
    truth = pl.read_csv(path, infer_schema=False)
    return truth.select(
        pl.col("case_id"),
        pl.when(pl.col("voter_id").str.strip_chars() != "")
        .then(pl.col("voter_id"))
        .alias("true_voter"),
    )


def true_link_count(truth: pl.DataFrame) -> int:
    return truth["true_voter"].drop_nulls().len()


def read_pairs(path: Path) -> pl.DataFrame:
    """A pairs file with ids as text, the score as a float and any true/false
    columns as booleans."""
    pairs = pl.read_csv(path, infer_schema=False)
    flags = [c for c in ("default", "assigned") if c in pairs.columns]
    return pairs.with_columns(
        pl.col("score").cast(pl.Float64),
        *[pl.col(c).str.to_lowercase().is_in(["true", "1"]) for c in flags],
    )


def _f1(correct: int, predicted: int, true_links: int) -> float:
    total = predicted + true_links
    return 2 * correct / total if total else 0.0


def accuracy(links: pl.DataFrame, truth: pl.DataFrame) -> Accuracy:
    """Precision, recall and F1 of links (case_id, voter_id), one per case."""
    if links["case_id"].n_unique() != links.height:
        raise ValueError("accuracy() takes at most one link per case")
    true_links = true_link_count(truth)
    correct = (
        links.join(truth, on="case_id", how="inner")
        .filter(pl.col("voter_id") == pl.col("true_voter"))
        .height
    )
    predicted = links.height
    return Accuracy(
        precision=correct / predicted if predicted else None,
        recall=correct / true_links if true_links else 0.0,
        f1=_f1(correct, predicted, true_links),
        links=predicted,
    )


def best_per_case(pairs: pl.DataFrame) -> pl.DataFrame:
    """Each case's highest-scoring pair (ties broken by voter id, to be stable)."""
    return pairs.sort(
        ["case_id", "score", "voter_id"], descending=[False, True, False]
    ).unique("case_id", keep="first", maintain_order=True)


def best_threshold(pairs: pl.DataFrame, truth: pl.DataFrame) -> BestThreshold:
    """The score threshold on each case's best pair that gives the best F1."""
    true_links = true_link_count(truth)
    best = best_per_case(pairs).join(truth, on="case_id", how="left")
    by_score = (
        best.with_columns(
            (pl.col("voter_id") == pl.col("true_voter")).fill_null(False).alias("ok")
        )
        .group_by("score")
        .agg(pl.len().alias("n"), pl.col("ok").sum().alias("ok"))
        .sort("score", descending=True)
        .with_columns(
            pl.col("n").cum_sum().alias("predicted"),
            pl.col("ok").cum_sum().alias("correct"),
        )
    )
    if by_score.is_empty():
        return BestThreshold(Accuracy(None, 0.0, 0.0, 0), None)

    f1 = 2 * pl.col("correct") / (pl.col("predicted") + true_links)
    top = (
        by_score.with_columns(f1.alias("f1"))
        .sort(["f1", "score"], descending=[True, True])
        .row(0, named=True)
    )
    return BestThreshold(
        Accuracy(
            precision=top["correct"] / top["predicted"],
            recall=top["correct"] / true_links if true_links else 0.0,
            f1=top["f1"],
            links=top["predicted"],
        ),
        threshold=top["score"],
    )


def lost_in_blocking(pairs: pl.DataFrame, truth: pl.DataFrame) -> float:
    """Share of true links whose (case, voter) pair was never compared; only
    meaningful when the pairs file holds every compared pair."""
    true = truth.drop_nulls("true_voter")
    if true.is_empty():
        return 0.0
    seen = pairs.select("case_id", pl.col("voter_id").alias("true_voter")).unique()
    missing = true.join(seen, on=["case_id", "true_voter"], how="anti").height
    return missing / true.height


@dataclass(frozen=True)
class CaseworkBands:
    review_share: float
    accepted_precision: float | None
    recall_accept_review: float


def casetui_bands(pairs: pl.DataFrame, truth: pl.DataFrame) -> CaseworkBands:
    """casetui's bands: the review band's share of all cases, the precision of the
    accepted assignments, and recall counting the assigned pair of every accept or
    review case."""
    per_case = pairs.unique("case_id").select("case_id", "band")
    review = per_case.filter(pl.col("band") == "review").height
    assigned = pairs.filter(pl.col("assigned"))
    accepted = accuracy(
        assigned.filter(pl.col("band") == "accept").select("case_id", "voter_id"), truth
    )
    either = accuracy(
        assigned.filter(pl.col("band").is_in(["accept", "review"])).select(
            "case_id", "voter_id"
        ),
        truth,
    )
    return CaseworkBands(
        review_share=review / truth.height if truth.height else 0.0,
        accepted_precision=accepted.precision,
        recall_accept_review=either.recall,
    )
