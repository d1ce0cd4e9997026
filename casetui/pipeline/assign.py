"""One-to-one assignment: each voter goes to at most one person.

Cases sharing a contact_id are one person and share a voter. Pairs are taken
strongest first; a person whose best voter is already taken gets the reason
`claimed`, goes to review, and its next candidate is considered. A runner-up
within RUNNER_UP_BITS of the best sends the case to review: `household` when
the two voters share an address (Jr/Sr, twins), `namesake` otherwise. A pair
agreeing on the name only (reason `name_only`) is never accepted without review.
"""

from __future__ import annotations

import polars as pl

RUNNER_UP_BITS = 3.0


def _merge(*reason_lists: str | None) -> str:
    words: list[str] = []
    for reasons in reason_lists:
        for word in (reasons or "").split(","):
            if word and word not in words:
                words.append(word)
    return ",".join(words)


def _people(cases: pl.DataFrame) -> pl.DataFrame:
    """Return case_id -> person. Cases sharing a contact id are one person; so
    are cases with the same full name at the same address (a constituent who
    came back and was entered as a new contact), who would otherwise claim
    each other's voter."""
    contact = pl.coalesce(pl.col("contact_id"), pl.lit("case:") + pl.col("case_id"))
    identity = pl.concat_str(
        ["first", "last", "suffix", "house", "street_name", "unit", "zip5"],
        separator="|",
        ignore_nulls=True,
    )
    whole = pl.all_horizontal(
        pl.col(c).is_not_null() for c in ("first", "last", "house", "street_name")
    )
    with_identity = cases.select(
        "case_id",
        "birth_year",
        contact.alias("contact"),
        pl.when(whole).then(identity).alias("identity"),
    )
    # Two birth years under one name and address are a parent and child.
    one_born = pl.col("birth_year").drop_nulls().n_unique().over("identity") <= 1
    return with_identity.select(
        "case_id",
        pl.when(pl.col("identity").is_not_null() & one_born)
        .then(pl.col("contact").min().over("identity"))
        .otherwise(pl.col("contact"))
        .alias("person"),
    )


def assign(
    cases: pl.DataFrame,
    candidates: pl.DataFrame,
    accept: float,
    review: float,
    name_only: float,
) -> pl.DataFrame:
    """Return one row per case: case_id, voter_id (null when rejected), score,
    band (accept / review / reject) and reasons. `cases` needs case_id,
    contact_id and the normalized name and address; `candidates` needs case_id,
    voter_id, weight, score, reasons and `home` (the voter's address key, null
    when unknown)."""
    people = _people(cases)
    per_person = (
        candidates.join(people, on="case_id")
        .sort("weight", descending=True)
        .unique(subset=["person", "voter_id"], keep="first", maintain_order=True)
    )

    # Only the two best voters per person matter for the runner-up check.
    per_person = per_person.with_columns(
        pl.int_range(pl.len()).over("person").alias("place")
    )
    top = per_person.filter(pl.col("place") == 0).select(
        "person", pl.col("weight").alias("w1"), pl.col("home").alias("home1")
    )
    second = per_person.filter((pl.col("place") == 1) & (pl.col("score") >= review))
    close = (
        top.join(second.select("person", "weight", "home"), on="person")
        .filter(pl.col("w1") - pl.col("weight") < RUNNER_UP_BITS)
        .select(
            "person",
            pl.when(pl.col("home") == pl.col("home1"))
            .then(pl.lit("household"))
            .otherwise(pl.lit("namesake"))
            .alias("why"),
        )
    )
    runner_up: dict[str, str] = dict(close.iter_rows())

    taken: dict[str, str] = {}
    chosen: dict[str, tuple[str, float, str]] = {}
    claimed: dict[str, tuple[str, float, str]] = {}
    strong = per_person.filter(pl.col("score") >= review)
    for who, voter, score, reasons in strong.select(
        "person", "voter_id", "score", "reasons"
    ).iter_rows():
        if who in chosen:
            continue
        if voter in taken and taken[voter] != who:
            claimed.setdefault(who, (voter, score, reasons))
            continue
        taken[voter] = who
        chosen[who] = (voter, score, reasons)

    best = per_person.filter(pl.col("place") == 0).select("person", "score", "reasons")
    best_of = {who: (score, reasons) for who, score, reasons in best.iter_rows()}
    rows: list[tuple[str, str | None, float, str, str]] = []
    for case_id, who in people.iter_rows():
        extra = runner_up.get(who, "")
        if who in chosen:
            voter, score, reasons = chosen[who]
            if who in claimed:
                extra = _merge(extra, "claimed")
        elif who in claimed:
            voter, score, reasons = claimed[who]
            extra = _merge(extra, "claimed")
        else:
            # The best guess's reasons stay, to say why nothing was good enough.
            score, reasons = best_of.get(who, (0.0, ""))
            rows.append((case_id, None, score, "reject", _merge(reasons)))
            continue
        needed = name_only if "name_only" in reasons else accept
        if score >= needed and not extra:
            band = "accept"
        else:
            band = "review"
        rows.append((case_id, voter, score, band, _merge(reasons, extra)))
    return pl.DataFrame(
        rows,
        schema={
            "case_id": pl.Utf8,
            "voter_id": pl.Utf8,
            "score": pl.Float64,
            "band": pl.Utf8,
            "reasons": pl.Utf8,
        },
        orient="row",
    )
