"""Accuracy of the default thresholds on the bundled samples, read through the
same ingest and layout steps an operator's files go through."""

import importlib.util
import sys
from pathlib import Path

import polars as pl
import pytest

from casetui.pipeline.ingest import read_table
from casetui.pipeline.layouts import apply_layout, detect_layout
from casetui.pipeline.match import MatchResult, match

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "casetui" / "samples"
FILES = ("casework_civicrm.csv", "voters_l2.csv", "truth.csv")


def _sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples, or the same files freshly generated when a checkout
    does not carry them."""
    if all((SAMPLES / name).exists() for name in FILES):
        return SAMPLES
    spec = importlib.util.spec_from_file_location(
        "make_samples", ROOT / "scripts" / "make_samples.py"
    )
    assert spec and spec.loader
    make_samples = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = make_samples  # its dataclasses look themselves up
    spec.loader.exec_module(make_samples)
    out = tmp_path_factory.mktemp("samples")
    make_samples.write(out, *make_samples.generate())
    return out


def _load(path: Path, kind: str) -> pl.DataFrame:
    table = read_table(path)
    layout, _ = detect_layout(table.frame.columns, kind)
    assert layout is not None, f"no {kind} layout for {path.name}"
    return apply_layout(table.frame, layout, path)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory) -> tuple[MatchResult, pl.DataFrame]:
    folder = _sample_dir(tmp_path_factory)
    cases = _load(folder / "casework_civicrm.csv", "casework")
    voters = _load(folder / "voters_l2.csv", "voter")
    truth = pl.read_csv(folder / "truth.csv", infer_schema=False)
    result = match(cases, voters)
    scored = result.assignment.join(
        truth.rename({"voter_id": "true_voter_id"}), on="case_id"
    )
    return result, scored


def test_auto_accepted_matches_are_right(outcome):
    _, scored = outcome
    accepted = scored.filter(pl.col("band") == "accept")
    right = accepted.filter(pl.col("voter_id") == pl.col("true_voter_id")).height
    precision = right / accepted.height
    print(f"accepted {accepted.height}, precision {precision:.4f}")
    assert accepted.height > 0.5 * scored.height
    assert precision >= 0.995


def test_true_links_are_accepted_or_offered_for_review(outcome):
    _, scored = outcome
    links = scored.filter(pl.col("true_voter_id").is_not_null())
    found = links.filter(
        pl.col("band").is_in(["accept", "review"])
        & (pl.col("voter_id") == pl.col("true_voter_id"))
    ).height
    recall = found / links.height
    print(f"true links {links.height}, recall of accept+review {recall:.4f}")
    assert recall >= 0.97


def test_the_review_band_stays_small(outcome):
    result, scored = outcome
    share = scored.filter(pl.col("band") == "review").height / scored.height
    print(f"review share {share:.3f}; stats {result.stats}")
    assert share <= 0.15


def test_people_outside_the_voter_file_are_not_accepted(outcome):
    _, scored = outcome
    outsiders = scored.filter(pl.col("true_voter_id").is_null())
    assert outsiders.height > 0
    assert outsiders.filter(pl.col("band") == "accept").height == 0


def test_the_weights_are_learnt_from_the_samples(outcome):
    result, _ = outcome
    assert result.weights is not None and result.weights.estimated
    assert "estimated by EM" in result.weights.note
