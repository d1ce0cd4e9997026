"""Blocking: which case-voter pairs are worth scoring.

Each pass joins cases to voters on a key; the passes are unioned so a pair found
by any of them is scored once. A key shared by more than `cap` voters (a common
name in a big file) is skipped for that pass and counted in the stats, so one
"John Smith" cannot make millions of pairs; the other passes still see him.
"""

from __future__ import annotations

import polars as pl

from casetui.pipeline.normalize import nickname_pairs

BLOCK_CAP = 400

# name: (case-side key columns, voter-side key columns). Each pass is one bit
# of a UInt16 mask in candidate_pairs: sixteen at most.
PASSES: dict[str, tuple[list[str], list[str]]] = {
    "last_zip": (["last", "zip5"], ["last", "zip5"]),
    "name": (["first_key", "last3"], ["first_tok", "last3"]),
    "address": (["house", "street_name", "zip5"], ["house", "street_name", "zip5"]),
    "phone": (["phone"], ["phone"]),
    "email": (["email"], ["email"]),
    "moved": (
        ["birth_year", "first_key", "last1"],
        ["birth_year", "first_tok", "last1"],
    ),
    "born": (["birth_year", "last"], ["birth_year", "last"]),
    # The same door with a mistyped ZIP code: house and street in a region.
    "address_region": (
        ["house", "street_name", "zip3"],
        ["house", "street_name", "zip3"],
    ),
    # A mistyped surname away from home: birth year and first name in a region.
    "born_first": (
        ["birth_year", "first_key", "zip3"],
        ["birth_year", "first_tok", "zip3"],
    ),
    # First and last name entered in each other's fields.
    "swapped": (["last", "first_tok"], ["first_tok", "last"]),
    # A mistyped surname at home: the first name and the house number still agree.
    "first_house": (["first_key", "house", "zip5"], ["first_tok", "house", "zip5"]),
    # The initial alone across a whole file makes half of all pairs for a few
    # true links; within a ZIP code's first three digits (a region) it keeps
    # nearly all of them.
    "initial": (["first1", "last", "zip3"], ["first1", "last", "zip3"]),
    # Known by the middle name: the case's first name is the voter's middle.
    "middle_first": (["first_key", "last"], ["middle", "last"]),
    # A mistyped surname away from home: it still sounds the same (Soundex).
    "sounds_like": (
        ["first_key", "last_sound", "zip3"],
        ["first_tok", "last_sound", "zip3"],
    ),
}


def _case_keys(cases: pl.DataFrame) -> pl.DataFrame:
    """Cases with their blocking keys; one row per first-name variant, so a
    "Bill" meets every "William" without exploding the voter side."""
    nicks = nickname_pairs().rename({"name_a": "first_tok", "name_b": "variant"})
    variants = (
        cases.select("case_id", "first_tok")
        .drop_nulls()
        .join(nicks, on="first_tok", how="left")
        .select("case_id", pl.coalesce("variant", "first_tok").alias("first_key"))
    )
    own = cases.select("case_id", pl.col("first_tok").alias("first_key")).drop_nulls()
    keys = pl.concat([own, variants]).unique()
    return cases.with_columns(_short_keys()).join(keys, on="case_id", how="left")


def _short_keys() -> list[pl.Expr]:
    return [
        pl.col("last").str.slice(0, 3).alias("last3"),
        pl.col("last").str.slice(0, 1).alias("last1"),
        # The region: a ZIP code but its last two digits (the first three of a
        # US one; kept-as-written short codes, as abroad, are regions too).
        pl.col("zip5").str.slice(0, pl.col("zip5").str.len_chars() - 2).alias("zip3"),
        pl.col("first_tok").str.slice(0, 1).alias("first1"),
    ]


def candidate_pairs(
    cases: pl.DataFrame, voters: pl.DataFrame, cap: int = BLOCK_CAP
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Return (pairs, stats): pairs has case_id, voter_id and `passes` (the
    comma-separated passes that found the pair); stats counts pairs_<pass>,
    capped_<pass> (keys skipped for having more than `cap` voters) and
    pairs_total."""
    case_keys = _case_keys(cases)
    # Lazy: each pass reads only its key columns and keeps only the voters whose
    # keys some case has, never a whole-file copy of them.
    voter_keys = voters.lazy().with_columns(_short_keys())
    found: list[pl.DataFrame] = []
    stats: dict[str, int] = {}
    for name, (case_cols, voter_cols) in PASSES.items():
        left = case_keys.select("case_id", *case_cols).drop_nulls().unique()
        left = left.rename(dict(zip(case_cols, voter_cols, strict=True)))
        # Short keys make huge blocks of weak pairs (an initial, a 1-letter name).
        for name_col in {"first_tok", "middle"} & set(voter_cols):
            left = left.filter(pl.col(name_col).str.len_chars() > 1)
        right = (
            voter_keys.select("voter_id", *voter_cols)
            .join(left.lazy().select(voter_cols).unique(), on=voter_cols, how="semi")
            .collect()
        )
        sizes = right.group_by(voter_cols).len()
        big = sizes.filter(pl.col("len") > cap)
        right = right.join(big.select(voter_cols), on=voter_cols, how="anti")
        pairs = left.join(right, on=voter_cols).select(
            "case_id", "voter_id", pl.lit(1 << len(found), pl.UInt16).alias("mask")
        )
        pairs = pairs.unique(subset=["case_id", "voter_id"])
        stats[f"pairs_{name}"] = pairs.height
        stats[f"capped_{name}"] = big.height
        found.append(pairs)
    # Each pass contributes one bit, so the union is a sum per pair; the names
    # are spelt out once per distinct set of passes, not once per pair.
    union = pl.concat(found).group_by("case_id", "voter_id").agg(pl.col("mask").sum())
    masks = union["mask"].unique().to_list()
    names = list(PASSES)
    spelt = [
        ",".join(sorted(n for i, n in enumerate(names) if m & (1 << i))) for m in masks
    ]
    union = union.select(
        "case_id",
        "voter_id",
        pl.col("mask")
        .replace_strict(masks, spelt, return_dtype=pl.Utf8)
        .alias("passes"),
    )
    stats["pairs_total"] = union.height
    return union, stats
