"""Scoring: a Fellegi-Sunter log-odds sum over field comparisons.

Each field is compared at a few levels (levels.py: exact, nickname, initial,
typo, different, missing...). A level's evidence is log2(m / u); m is estimated
from the candidate pairs by EM (weights.py) and u comes from the voter file's
value frequencies or a fixed judgement. The weight adds the prior odds that a
case's person is a given voter; the score is that weight as a probability.
"""

from __future__ import annotations

import logging
import math

import polars as pl
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from rapidfuzz.process import cpdist

from casetui.pipeline.levels import (
    at,
    comparisons,
    evidence,
    level_code,
    street_level,
    swapped,
    u_value,
)
from casetui.pipeline.normalize import nickname_pairs
from casetui.pipeline.weights import MIN_PAIRS, Weights, defaults, estimate

log = logging.getLogger(__name__)

EXPECTED_LINK_RATE = 0.8  # share of cases expected to be in the voter file

EVIDENCE = [f"ev_{c.field}" for c in comparisons(1)]
EDITS = DamerauLevenshtein.distance  # letters added, dropped, changed or swapped
HOME = ["v_house", "v_street_name", "v_zip5"]  # kept for the one-to-one step
PAIR_BATCH = 500_000  # pairs whose two sides are side by side at once


def _similar(
    pairs: pl.DataFrame, left: str, right: str, scorer=JaroWinkler.normalized_similarity
) -> pl.Series:
    """Jaro-Winkler similarity (or `scorer`) of two text columns, element-wise.
    Each distinct pair of values is compared once: blocks repeat the same names
    many times."""
    both = pairs.select(pl.col(left).fill_null(""), pl.col(right).fill_null(""))
    distinct = both.unique()
    sims = cpdist(
        distinct[left].to_list(),
        distinct[right].to_list(),
        scorer=scorer,
        workers=-1,
    )
    looked_up = both.join(
        distinct.with_columns(pl.Series("sim", sims, dtype=pl.Float64)),
        on=[left, right],
        how="left",
        maintain_order="left",
    )
    return looked_up["sim"].alias(f"sim_{left}")


FREQUENCY_KEYS = {
    "first": ["first_tok"],
    "last": ["last"],
    "address": ["house", "street_name"],
    "home": ["house", "street_name", "unit"],
    "zip": ["zip5"],
    "city": ["city"],
    "year": ["birth_year"],
    "phone": ["phone"],
    "email": ["email"],
}


def frequencies(
    voters: pl.DataFrame, among: pl.DataFrame | None = None
) -> dict[str, pl.DataFrame]:
    """Return value counts over the voter file, one frame per compared value,
    keyed by the value column(s) with the count in `n_<name>`. With `among`
    (some voters), only the values those voters hold are counted: scoring needs
    no other, and a million-row file has far more."""
    counts = []
    for name, cols in FREQUENCY_KEYS.items():
        values = voters.lazy().select(cols)
        if among is None:
            values = values.drop_nulls()
        else:
            # The join leaves out nulls itself; no copy of the column first.
            wanted = among.lazy().select(cols).drop_nulls().unique()
            values = values.join(wanted, on=cols, how="semi")
        counts.append(values.group_by(cols).len(name=f"n_{name}"))
    # One at a time: run together, each would hold its own copy of a column
    # of a file of millions at once.
    return {
        name: count.collect()
        for name, count in zip(FREQUENCY_KEYS, counts, strict=True)
    }


def score_pairs(
    pairs: pl.DataFrame,
    cases: pl.DataFrame,
    paired: pl.DataFrame,
    total: int,
    freq: dict[str, pl.DataFrame],
    learn: bool = True,
    weights: Weights | None = None,
) -> tuple[pl.DataFrame, Weights]:
    """Return (`pairs` with the ev_* columns, the voter's address
    (HOME), weight (log2 odds including the prior), score and reasons; the
    weights used). `paired` holds the normalized voters some pair names,
    `total` the number of voters in the file. With `learn`, m is estimated by
    EM; without, or when EM degenerates, the defaults of levels.py are used.
    Given `weights` (from an earlier slice of the same match), they are used
    as they are."""
    total = max(total, 1)
    # The voters paired with a case, with their values' frequencies: a few
    # hundred thousand rows at most, joined once, not the whole file.
    for table in freq.values():
        cols = [c for c in table.columns if not c.startswith("n_")]
        paired = paired.join(table, on=cols, how="left", nulls_equal=False)
    voters = paired.select(pl.exclude("^n_.*$").name.prefix("v_"), pl.col("^n_.*$"))
    cases = cases.select(pl.all().name.prefix("c_"))
    fields = comparisons(total)
    # Both sides' fields side by side take about a kilobyte a pair; levels are
    # worked out PAIR_BATCH pairs at a time, so that only the narrow result is
    # ever held for all of them (50,000 cases make millions of pairs).
    df = pl.concat(
        [
            _levels(pairs.slice(start, PAIR_BATCH), cases, voters, fields)
            for start in range(0, max(pairs.height, 1), PAIR_BATCH)
        ],
        rechunk=False,
    )
    if weights is None:
        weights = _fit(df, fields, total) if learn else defaults(fields)
        log.info("match weights: %s", weights.note)
    # The levels and u values are let go once they are evidence: millions of
    # pairs are sorted next, and each column less is one copy less.
    df = df.select(
        pl.exclude("^lvl_.*$", "^u_.*$"),
        *[evidence(c, weights.m[c.field]).alias(f"ev_{c.field}") for c in fields],
    )
    prior = math.log2(EXPECTED_LINK_RATE / total)
    weight = pl.sum_horizontal(EVIDENCE) + prior
    df = df.with_columns(weight.alias("weight"))
    scored = df.with_columns(
        (1.0 / (1.0 + pl.lit(2.0).pow(-pl.col("weight")))).alias("score")
    )
    return scored, weights


def _levels(
    pairs: pl.DataFrame, cases: pl.DataFrame, voters: pl.DataFrame, fields: list
) -> pl.DataFrame:
    """`pairs` with each field's level and u, the voter's address and the
    reasons; the two sides' own values are let go once the levels say all."""
    df = pairs.join(cases, left_on="case_id", right_on="c_case_id")
    df = df.join(voters, left_on="voter_id", right_on="v_voter_id")
    nick = nickname_pairs().with_columns(pl.lit(True).alias("is_nick"))
    df = df.join(
        nick,
        left_on=["c_first_tok", "v_first_tok"],
        right_on=["name_a", "name_b"],
        how="left",
    )
    df = df.with_columns(
        _similar(df, "c_first_tok", "v_first_tok").alias("sim_first"),
        _similar(df, "c_last", "v_last").alias("sim_last"),
        _similar(df, "c_street_name", "v_street_name").alias("sim_street"),
        _similar(df, "c_first_tok", "v_first_tok", EDITS).alias("edits_first"),
        _similar(df, "c_last", "v_last", EDITS).alias("edits_last"),
    )
    df = df.with_columns(street_level().alias("street_match"))
    # The first name's level first: the middle name's reads it.
    first, *others = fields
    df = df.with_columns(level_code(first).alias("lvl_first"))
    df = df.with_columns(level_code(c).alias(f"lvl_{c.field}") for c in others)
    df = df.with_columns(u_value(c).alias(f"u_{c.field}") for c in fields)
    # The voter's address stays: assignment compares it between candidates.
    return df.select(
        "case_id",
        "voter_id",
        "passes",
        *[f"{kind}_{c.field}" for c in fields for kind in ("lvl", "u")],
        *HOME,
        _reasons().alias("reasons"),
    )


# EM sessions: the pairs one blocking pass found, and the fields that pass
# blocked on (which agree on all its pairs, so EM cannot learn them there).
# The name pass's unrelated pairs are namesakes, whose addresses and birth
# years are a fair draw; the address pass's are housemates, whose first names
# and birth years are. Each field is learnt where it is a fair draw.
SESSIONS = {
    "name": (
        {"first", "last"},
        {"middle", "street", "unit", "zip", "city", "birth_year"},
    ),
    "address": (
        {"street", "unit", "zip", "city"},
        {"first", "phone", "email"},
    ),
}


def _fit(df: pl.DataFrame, fields: list, total: int) -> Weights:
    """Estimate m by EM, one session per entry of SESSIONS, and take each field
    from the session that learns it. A session that degenerates leaves its
    fields at their defaults, and the note says so."""
    if df.height < MIN_PAIRS:
        return defaults(fields, f"{df.height} pairs are too few to learn from")
    merged = dict(defaults(fields).m)
    notes, learnt = [], False
    for name, (blocked, taken) in SESSIONS.items():
        found = df.filter(pl.col("passes").str.contains(rf"(?:^|,){name}(?:,|$)"))
        cases = found["case_id"].n_unique()
        start = min(EXPECTED_LINK_RATE * cases / max(found.height, 1), 0.5)
        session = estimate(found, fields, start, blocked)
        notes.append(f"{name} pass: {session.note}")
        if session.estimated:
            learnt = True
            merged |= {f: session.m[f] for f in taken}
    return Weights(merged, learnt, "; ".join(notes))


def _reasons() -> pl.Expr:
    c, v = pl.col("c_first_tok"), pl.col("v_first_tok")
    flags = {
        "nickname": at("first", "nickname"),
        "initial": (c.str.len_chars() == 1)
        | (v.str.len_chars() == 1)
        | at("middle", "initial"),
        "typo": at("first", "typo")
        | at("last", "typo")
        | (pl.col("street_match") == "close"),
        "middle_name": at("first", "as_middle", "middle_initial"),
        "compound": at("last", "compound"),
        "surname_changed": at("last", "different", "different_at_home"),
        "swapped": swapped(),
        "moved": pl.col("street_match") == "different",
        "suffix_conflict": at("suffix", "conflict"),
        "birth_year_gap": at("birth_year", "different"),
        "phone": at("phone", "exact"),
        "email": at("email", "exact"),
        # Name alone, away from the registered address, is how a namesake looks.
        "name_only": pl.col("street_match").is_in(["exact", "close"]).not_()
        & ~at("birth_year", "exact", "one_off")
        & ~at("phone", "exact")
        & ~at("email", "exact"),
    }
    words = [
        pl.when(cond.fill_null(False)).then(pl.lit(word))
        for word, cond in flags.items()
    ]
    return pl.concat_str(words, separator=",", ignore_nulls=True)
