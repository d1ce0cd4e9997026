"""Scoring: a Fellegi-Sunter log-odds sum over field comparisons.

Each field is compared at a few levels (exact, nickname, initial, close, different,
missing). A level's evidence is log2(m / u): m is how often a true match shows the
level, u how often two unrelated people do. u for exact agreement is read from the
voter file's value frequencies, so a shared "Smith" counts for less than a shared
"Szczepanski". The m values are fixed judgement, not estimated from the data.

People at one address are not independent draws: they share a surname and a home
phone. When the street agrees, surname and phone agreement count for little, or
a spouse would look like the voter.
"""

from __future__ import annotations

import math

import polars as pl
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from casetui.pipeline.normalize import nickname_pairs

CLOSE = 0.92  # Jaro-Winkler similarity from which two names count as a typo
U_FLOOR = 1e-5  # rarest value frequency credited, so a unique name is not proof
EXPECTED_LINK_RATE = 0.8  # share of cases expected to be in the voter file

EVIDENCE = [
    "ev_first",
    "ev_middle",
    "ev_last",
    "ev_suffix",
    "ev_street",
    "ev_unit",
    "ev_city",
    "ev_zip",
    "ev_birth_year",
    "ev_phone",
    "ev_email",
]


def bits(m: float, u: float) -> float:
    """Return log2(m / u), the evidence of a level seen with probabilities m, u."""
    return math.log2(m / u)


def _tf(count: pl.Expr, total: int, m: float) -> pl.Expr:
    """Evidence of exact agreement on a value `count` voters of `total` share."""
    u = (count.cast(pl.Float64) / total).clip(lower_bound=U_FLOOR)
    return (pl.lit(m) / u).log(2)


def _similar(pairs: pl.DataFrame, left: str, right: str) -> pl.Series:
    """Jaro-Winkler similarity of two text columns, element-wise. Each distinct
    pair of values is compared once: blocks repeat the same names many times."""
    both = pairs.select(pl.col(left).fill_null(""), pl.col(right).fill_null(""))
    distinct = both.unique()
    sims = cpdist(
        distinct[left].to_list(),
        distinct[right].to_list(),
        scorer=JaroWinkler.normalized_similarity,
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
    return dict(zip(FREQUENCY_KEYS, pl.collect_all(counts), strict=True))


def score_pairs(
    pairs: pl.DataFrame,
    cases: pl.DataFrame,
    voters: pl.DataFrame,
    freq: dict[str, pl.DataFrame],
) -> pl.DataFrame:
    """Return `pairs` with the normalized fields of both sides (c_*, v_*), the
    ev_* columns, weight (log2 odds including the prior), score and reasons."""
    total = max(voters.height, 1)
    df = pairs.join(
        cases.select(pl.all().name.prefix("c_")),
        left_on="case_id",
        right_on="c_case_id",
    )
    # The voters paired with a case, with their values' frequencies: a few
    # hundred thousand rows at most, joined once, not the whole file.
    paired = voters.join(pairs.select("voter_id").unique(), on="voter_id", how="semi")
    for table in freq.values():
        cols = [c for c in table.columns if not c.startswith("n_")]
        paired = paired.join(table, on=cols, how="left", nulls_equal=False)
    df = df.join(
        paired.select(pl.exclude("^n_.*$").name.prefix("v_"), pl.col("^n_.*$")),
        left_on="voter_id",
        right_on="v_voter_id",
    )
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
    )
    df = df.with_columns(_street_level().alias("lvl_street"))
    df = df.with_columns(_name_evidence(total) + _place_evidence(total))
    df = df.with_columns(pl.col(EVIDENCE).fill_null(0.0))
    prior = math.log2(EXPECTED_LINK_RATE / total)
    weight = pl.sum_horizontal(EVIDENCE) + prior
    df = df.with_columns(weight.alias("weight"))
    return df.with_columns(
        (1.0 / (1.0 + pl.lit(2.0).pow(-pl.col("weight")))).alias("score"),
        _reasons().alias("reasons"),
    )


def _swapped() -> pl.Expr:
    """First and last name each in the other's field (a form filled in the
    wrong order): compared crosswise, they agree."""
    return (
        (pl.col("c_first_tok") == pl.col("v_last"))
        & (pl.col("c_last") == pl.col("v_first_tok"))
        & (pl.col("c_last") != pl.col("v_last"))
    )


def _name_evidence(total: int) -> list[pl.Expr]:
    c, v = pl.col("c_first_tok"), pl.col("v_first_tok")
    first_exact = (pl.col("c_first") == pl.col("v_first")) | (c == v)
    initial = (c.str.len_chars() == 1) | (v.str.len_chars() == 1)
    as_middle = (c == pl.col("v_middle")) | (pl.col("c_middle") == v)
    first = (
        pl.when(c.is_null() | v.is_null())
        .then(0.0)
        .when(_swapped())
        .then(bits(0.02, 0.0001))
        .when(first_exact)
        .then(_tf(pl.col("n_first"), total, 0.88))
        .when(initial & (c.str.slice(0, 1) == v.str.slice(0, 1)))
        .then(bits(0.9, 0.07))
        .when(initial)
        .then(bits(0.05, 0.93))
        .when(pl.col("is_nick"))
        .then(bits(0.08, 0.001))
        .when(pl.col("sim_first") >= CLOSE)
        .then(bits(0.04, 0.003))
        .when(as_middle)
        .then(bits(0.01, 0.001))
        .otherwise(bits(0.01, 0.95))
    )
    cm, vm = pl.col("c_middle"), pl.col("v_middle")
    middle = (
        pl.when(cm.is_null() | vm.is_null())
        .then(0.0)
        .when((cm == vm) & (cm.str.len_chars() > 1))
        .then(bits(0.85, 0.02))
        .when(pl.col("c_middle_init") == pl.col("v_middle_init"))
        .then(bits(0.9, 0.08))
        .otherwise(bits(0.05, 0.92))
    )
    cl, vl = pl.col("c_last"), pl.col("v_last")
    parts = [pl.col(f"{s}_last_p{i}") for s in "cv" for i in (1, 2)]
    compound = pl.any_horizontal(
        (a == b) & (a.str.len_chars() > 1) for a in parts[:2] for b in parts[2:]
    )
    same_home = pl.col("lvl_street") == "exact"
    last = (
        pl.when(cl.is_null() | vl.is_null())
        .then(0.0)
        .when(_swapped())
        .then(_tf(pl.col("n_last"), total, 0.9))
        .when((cl == vl) & same_home)
        .then(bits(0.9, 0.5))
        .when(cl == vl)
        .then(_tf(pl.col("n_last"), total, 0.9))
        .when(compound)
        .then(bits(0.04, 0.0005))
        .when(pl.col("sim_last") >= CLOSE)
        .then(bits(0.04, 0.002))
        .when(same_home)
        .then(bits(0.03, 0.3))
        .otherwise(bits(0.03, 0.99))
    )
    cs, vs = pl.col("c_suffix"), pl.col("v_suffix")
    suffix = (
        pl.when(cs.is_null() & vs.is_null())
        .then(0.0)
        .when(cs == vs)
        .then(bits(0.9, 0.15))
        .when(cs.is_not_null() & vs.is_not_null())
        .then(bits(0.001, 1.0))
        .otherwise(bits(0.3, 0.85))
    )
    return [
        first.alias("ev_first"),
        middle.alias("ev_middle"),
        last.alias("ev_last"),
        suffix.alias("ev_suffix"),
    ]


def _street_level() -> pl.Expr:
    ch, vh = pl.col("c_house"), pl.col("v_house")
    cn, vn = pl.col("c_street_name"), pl.col("v_street_name")
    return (
        pl.when(ch.is_null() | vh.is_null() | cn.is_null() | vn.is_null())
        .then(None)
        .when((ch == vh) & (cn == vn))
        .then(pl.lit("exact"))
        .when((ch == vh) & (pl.col("sim_street") >= 0.9))
        .then(pl.lit("close"))
        .otherwise(pl.lit("different"))
    )


def _place_evidence(total: int) -> list[pl.Expr]:
    level = pl.col("lvl_street")
    same_home = level == "exact"
    street = (
        pl.when(level == "exact")
        .then(_tf(pl.col("n_address"), total, 0.8))
        .when(level == "close")
        .then(bits(0.05, 0.0005))
        .when(level == "different")
        .then(bits(0.15, 1.0))
    )
    # Unit agreement counts for as much as the unit narrows the building down.
    unit_share = pl.col("n_home") / pl.col("n_address")
    cu, vu = pl.col("c_unit"), pl.col("v_unit")
    unit = (
        pl.when(~same_home | cu.is_null() | vu.is_null())
        .then(0.0)
        .when(cu == vu)
        .then((0.9 / unit_share).log(2))
        .otherwise((0.1 / (1 - unit_share).clip(lower_bound=0.3)).log(2))
    )
    cz, vz = pl.col("c_zip5"), pl.col("v_zip5")
    zip_ = (
        pl.when(cz.is_null() | vz.is_null() | same_home)
        .then(0.0)
        .when(cz == vz)
        .then(_tf(pl.col("n_zip"), total, 0.5).clip(upper_bound=4.0))
        .otherwise(bits(0.5, 0.9))
    )
    cc, vc = pl.col("c_city"), pl.col("v_city")
    city = (
        pl.when(cc.is_null() | vc.is_null() | same_home | (cz == vz))
        .then(0.0)
        .when(cc == vc)
        .then(_tf(pl.col("n_city"), total, 0.4).clip(upper_bound=2.0))
        .otherwise(bits(0.6, 0.9))
    )
    gap = (pl.col("c_birth_year") - pl.col("v_birth_year")).abs()
    year = (
        pl.when(gap.is_null())
        .then(0.0)
        .when(gap == 0)
        .then(_tf(pl.col("n_year"), total, 0.55))
        .when(gap == 1)
        .then(_tf(pl.col("n_year") * 2, total, 0.4))
        .when(gap <= 3)
        .then(bits(0.04, 0.08))
        .otherwise(bits(0.005, 0.85))
    )
    cp, vp = pl.col("c_phone"), pl.col("v_phone")
    phone = (
        pl.when(cp.is_null() | vp.is_null())
        .then(0.0)
        .when((cp == vp) & same_home)
        .then(bits(0.7, 0.5))
        .when(cp == vp)
        .then(_tf(pl.col("n_phone"), total, 0.7))
        .otherwise(bits(0.3, 1.0))
    )
    ce, ve = pl.col("c_email"), pl.col("v_email")
    email = (
        pl.when(ce.is_null() | ve.is_null())
        .then(0.0)
        .when(ce == ve)
        .then(_tf(pl.col("n_email"), total, 0.8))
        .otherwise(bits(0.4, 1.0))
    )
    return [
        street.alias("ev_street"),
        unit.alias("ev_unit"),
        city.alias("ev_city"),
        zip_.alias("ev_zip"),
        year.alias("ev_birth_year"),
        phone.alias("ev_phone"),
        email.alias("ev_email"),
    ]


def _reasons() -> pl.Expr:
    c, v = pl.col("c_first_tok"), pl.col("v_first_tok")
    first_exact = (pl.col("c_first") == pl.col("v_first")) | (c == v)
    flags = {
        "nickname": ~first_exact & pl.col("is_nick").fill_null(False),
        "initial": (c.str.len_chars() == 1)
        | (v.str.len_chars() == 1)
        | ((pl.col("ev_middle") > 0) & (pl.col("ev_middle") < 4)),
        "typo": ((pl.col("sim_first") >= CLOSE) & ~first_exact)
        | ((pl.col("sim_last") >= CLOSE) & (pl.col("c_last") != pl.col("v_last")))
        | (pl.col("lvl_street") == "close"),
        "compound": (pl.col("c_last") != pl.col("v_last")) & (pl.col("ev_last") > 5),
        "surname_changed": pl.col("ev_last") < -1,
        "swapped": _swapped(),
        "moved": pl.col("lvl_street") == "different",
        "suffix_conflict": pl.col("ev_suffix") < -5,
        "birth_year_gap": pl.col("ev_birth_year") < -5,
        "phone": pl.col("ev_phone") > 5,
        "email": pl.col("ev_email") > 5,
        # Name alone, away from the registered address, is how a namesake looks.
        "name_only": pl.col("lvl_street").is_in(["exact", "close"]).not_()
        & (pl.col("ev_birth_year") <= 0)
        & (pl.col("ev_phone") <= 0)
        & (pl.col("ev_email") <= 0),
    }
    words = [
        pl.when(cond.fill_null(False)).then(pl.lit(word))
        for word, cond in flags.items()
    ]
    return pl.concat_str(words, separator=",", ignore_nulls=True)
