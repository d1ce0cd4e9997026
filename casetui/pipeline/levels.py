"""The comparison levels of each field, with their default m and u.

A pair falls in exactly one level per field: the first whose condition holds.
A level's evidence is log2(m / u). m is how often a true match shows the level
and is estimated from the data by `weights.estimate` (these defaults are its
starting point and its fallback); u is how often two unrelated people do: a
fixed judgement, or for exact agreement the share of voters holding the value,
so a shared "Smith" counts for less than a shared "Szczepanski".

m values are shares within a level's group: the levels of a field that can
occur under the same condition. "home" groups hold the levels seen when the
street address agrees: people at one address share a surname and a phone, so
agreement there counts for little, or a spouse would look like the voter.
A neutral level (m None) is missing data: it weighs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

CLOSE = 0.92  # Jaro-Winkler similarity from which two names count as a typo
U_FLOOR = 1e-5  # rarest value frequency credited, so a unique name is not proof


@dataclass(frozen=True)
class Level:
    name: str
    when: pl.Expr
    m: float | None = None  # None: neutral, weighs nothing
    u: float | pl.Expr = 1.0
    group: str = "all"
    cap: float | None = None  # most evidence the level may give, in bits
    # False: EM keeps this level's default share. For levels that people at
    # one address show as often as one person does, which EM would learn as
    # what a match looks like.
    learn: bool = True


@dataclass(frozen=True)
class Comparison:
    field: str  # the evidence column is ev_<field>
    levels: tuple[Level, ...]
    estimated: bool = True  # False: too rare in casework for EM to learn


def share(count: pl.Expr, total: int) -> pl.Expr:
    """The share of the voter file holding a value, floored at U_FLOOR."""
    return (count.cast(pl.Float64) / total).clip(lower_bound=U_FLOOR)


def swapped() -> pl.Expr:
    """First and last name each in the other's field (a form filled in the
    wrong order): compared crosswise, they agree."""
    return (
        (pl.col("c_first_tok") == pl.col("v_last"))
        & (pl.col("c_last") == pl.col("v_first_tok"))
        & (pl.col("c_last") != pl.col("v_last"))
    )


def first_exact() -> pl.Expr:
    c, v = pl.col("c_first_tok"), pl.col("v_first_tok")
    return (pl.col("c_first") == pl.col("v_first")) | (c == v)


def same_home() -> pl.Expr:
    return pl.col("street_match") == "exact"


def street_level() -> pl.Expr:
    """exact (house and street), close (house and a near street), different,
    or null when either side lacks them; other comparisons read it."""
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


def _missing(side: str) -> pl.Expr:
    return pl.col(f"c_{side}").is_null() | pl.col(f"v_{side}").is_null()


def typo(side: str) -> pl.Expr:
    """A name that differs by a typo: close by Jaro-Winkler, or one edit
    (a letter added, dropped, changed or two swapped) in a name of four or more
    letters, which Jaro-Winkler rates low in short names ("kwvin", "kevin")."""
    shortest = pl.min_horizontal(
        pl.col(f"c_{side}").str.len_chars(), pl.col(f"v_{side}").str.len_chars()
    )
    side = "first" if side == "first_tok" else side
    return (pl.col(f"sim_{side}") >= CLOSE) | (
        (pl.col(f"edits_{side}") == 1) & (shortest >= 4)
    )


def as_middle() -> pl.Expr:
    """One side's first name is the other's middle name: a person known by
    their middle name."""
    c, v = pl.col("c_first_tok"), pl.col("v_first_tok")
    return (c == pl.col("v_middle")) | (pl.col("c_middle") == v)


def middle_initial() -> pl.Expr:
    """One side's first initial is the other's middle initial, where that
    middle is only an initial: perhaps known by the middle name."""
    c, v = pl.col("c_first_tok"), pl.col("v_first_tok")
    return (
        (pl.col("v_middle").str.len_chars() == 1)
        & (c.str.slice(0, 1) == pl.col("v_middle"))
    ) | (
        (pl.col("c_middle").str.len_chars() == 1)
        & (v.str.slice(0, 1) == pl.col("c_middle"))
    )


def _first(total: int) -> Comparison:
    c, v = pl.col("c_first_tok"), pl.col("v_first_tok")
    initial = (c.str.len_chars() == 1) | (v.str.len_chars() == 1)
    yes = pl.lit(True)
    return Comparison(
        "first",
        (
            Level("missing", _missing("first_tok")),
            Level("swapped", swapped(), 0.02, 0.0001),
            Level("exact", first_exact(), 0.88, share(pl.col("n_first"), total)),
            Level(
                "initial",
                initial & (c.str.slice(0, 1) == v.str.slice(0, 1)),
                0.9,
                0.07,
                "initial",
            ),
            Level("initial_differs", initial, 0.05, 0.93, "initial"),
            Level("nickname", pl.col("is_nick").fill_null(False), 0.08, 0.001),
            Level("typo", typo("first_tok"), 0.04, 0.003),
            Level("as_middle", as_middle(), 0.01, 0.001, learn=False),
            Level("middle_initial", middle_initial(), 0.005, 0.03, learn=False),
            Level("different", yes, 0.005, 0.95),
        ),
    )


def _middle_initial_agrees() -> pl.Expr:
    """The initials agree where one middle is only an initial, or both are
    written out and start alike (Jonathon, Jonathan); Gary and Gabriela are two
    people, however alike their initials."""
    cm, vm = pl.col("c_middle"), pl.col("v_middle")
    shortest = pl.min_horizontal(cm.str.len_chars(), vm.str.len_chars())
    start_alike = cm.str.slice(0, 3) == vm.str.slice(0, 3)
    return (pl.col("c_middle_init") == pl.col("v_middle_init")) & (
        (shortest == 1) | start_alike
    )


def _middle() -> Comparison:
    cm, vm = pl.col("c_middle"), pl.col("v_middle")
    c_first, v_first = pl.col("c_first_tok"), pl.col("v_first_tok")
    # Known by the middle name: the case's first name is the voter's middle
    # (or the other way round), so the case's middle is compared with the
    # voter's first name. Robert Joseph Norman and Joseph Michael Norman at
    # one address are a father and his son, not one man written crosswise.
    crossed = _is(_first(1), "as_middle", "middle_initial")
    case_first_is_middle = (c_first == vm) | (
        (vm.str.len_chars() == 1) & (c_first.str.slice(0, 1) == vm)
    )
    other_middle = pl.when(case_first_is_middle).then(cm).otherwise(vm)
    other_first = pl.when(case_first_is_middle).then(v_first).otherwise(c_first)
    crossed_agree = other_middle.str.slice(0, 1) == other_first.str.slice(0, 1)
    return Comparison(
        "middle",
        (
            Level("crossed", crossed & crossed_agree, 0.05, 0.01),
            Level("crossed_unknown", crossed & other_middle.is_null()),
            Level("missing", _missing("middle")),
            Level("exact", (cm == vm) & (cm.str.len_chars() > 1), 0.85, 0.02),
            Level("initial", _middle_initial_agrees(), 0.9, 0.08),
            Level("different", pl.lit(True), 0.05, 0.92),
        ),
    )


def _last(total: int) -> Comparison:
    cl, vl = pl.col("c_last"), pl.col("v_last")
    parts = [pl.col(f"{s}_last_p{i}") for s in "cv" for i in (1, 2)]
    compound = pl.any_horizontal(
        (a == b) & (a.str.len_chars() > 1) for a in parts[:2] for b in parts[2:]
    )
    tf = share(pl.col("n_last"), total)
    return Comparison(
        "last",
        (
            Level("missing", _missing("last")),
            Level("swapped", swapped(), 0.9, tf),
            Level("exact_at_home", (cl == vl) & same_home(), 0.9, 0.5, "home"),
            Level("exact", cl == vl, 0.9, tf),
            Level("compound", compound, 0.04, 0.0005),
            Level("typo", typo("last"), 0.04, 0.002),
            Level("different_at_home", same_home(), 0.03, 0.3, "home"),
            Level("different", pl.lit(True), 0.03, 0.99),
        ),
    )


def _suffix() -> Comparison:
    cs, vs = pl.col("c_suffix"), pl.col("v_suffix")
    return Comparison(
        "suffix",
        (
            Level("missing", cs.is_null() & vs.is_null()),
            Level("exact", cs == vs, 0.9, 0.15),
            Level("conflict", cs.is_not_null() & vs.is_not_null(), 0.001, 1.0),
            Level("one_side", pl.lit(True), 0.3, 0.85),
        ),
        estimated=False,
    )


def _street(total: int) -> Comparison:
    level = pl.col("street_match")
    return Comparison(
        "street",
        (
            Level("missing", level.is_null()),
            Level("exact", level == "exact", 0.8, share(pl.col("n_address"), total)),
            Level("close", level == "close", 0.05, 0.0005),
            Level("different", pl.lit(True), 0.15, 1.0),
        ),
    )


def _unit() -> Comparison:
    # Unit agreement counts for as much as the unit narrows the building down.
    unit_share = pl.col("n_home") / pl.col("n_address")
    cu, vu = pl.col("c_unit"), pl.col("v_unit")
    return Comparison(
        "unit",
        (
            Level("missing", ~same_home() | cu.is_null() | vu.is_null()),
            Level("exact", cu == vu, 0.9, unit_share),
            Level(
                "different", pl.lit(True), 0.1, (1 - unit_share).clip(lower_bound=0.3)
            ),
        ),
    )


def _zip(total: int) -> Comparison:
    cz, vz = pl.col("c_zip5"), pl.col("v_zip5")
    return Comparison(
        "zip",
        (
            Level("missing", _missing("zip5") | same_home()),
            Level("exact", cz == vz, 0.5, share(pl.col("n_zip"), total), cap=4.0),
            Level("different", pl.lit(True), 0.5, 0.9),
        ),
    )


def _city(total: int) -> Comparison:
    cc, vc = pl.col("c_city"), pl.col("v_city")
    same_zip = pl.col("c_zip5") == pl.col("v_zip5")
    return Comparison(
        "city",
        (
            Level("missing", _missing("city") | same_home() | same_zip),
            Level("exact", cc == vc, 0.4, share(pl.col("n_city"), total), cap=2.0),
            Level("different", pl.lit(True), 0.6, 0.9),
        ),
    )


def _birth_year(total: int) -> Comparison:
    gap = (pl.col("c_birth_year") - pl.col("v_birth_year")).abs()
    n_year = pl.col("n_year")
    return Comparison(
        "birth_year",
        (
            Level("missing", gap.is_null()),
            Level("exact", gap == 0, 0.55, share(n_year, total)),
            Level("one_off", gap == 1, 0.4, share(n_year * 2, total)),
            Level("near", gap <= 3, 0.04, 0.08),
            Level("different", pl.lit(True), 0.005, 0.85),
        ),
    )


def _phone(total: int) -> Comparison:
    cp, vp = pl.col("c_phone"), pl.col("v_phone")
    return Comparison(
        "phone",
        (
            Level("missing", _missing("phone")),
            Level("exact_at_home", (cp == vp) & same_home(), 0.7, 0.5, "home"),
            Level("different_at_home", same_home(), 0.3, 1.0, "home"),
            Level("exact", cp == vp, 0.7, share(pl.col("n_phone"), total)),
            Level("different", pl.lit(True), 0.3, 1.0),
        ),
    )


def _email(total: int) -> Comparison:
    ce, ve = pl.col("c_email"), pl.col("v_email")
    return Comparison(
        "email",
        (
            Level("missing", _missing("email")),
            Level("exact", ce == ve, 0.8, share(pl.col("n_email"), total)),
            Level("different", pl.lit(True), 0.4, 1.0),
        ),
    )


def comparisons(total: int) -> list[Comparison]:
    """Every field's comparison, in evidence-column order; `total` is the
    number of voters, the denominator of value shares."""
    return [
        _first(total),
        _middle(),
        _last(total),
        _suffix(),
        _street(total),
        _unit(),
        _city(total),
        _zip(total),
        _birth_year(total),
        _phone(total),
        _email(total),
    ]


def level_code(comparison: Comparison) -> pl.Expr:
    """The index of the pair's level in `comparison.levels`, as UInt8."""
    levels = comparison.levels
    expr: Any = pl.when(levels[0].when.fill_null(False)).then(pl.lit(0, pl.UInt8))
    for i, level in enumerate(levels[1:-1], start=1):
        expr = expr.when(level.when.fill_null(False)).then(pl.lit(i, pl.UInt8))
    return expr.otherwise(pl.lit(len(levels) - 1, pl.UInt8))


def _u(level: Level) -> pl.Expr:
    if isinstance(level.u, pl.Expr):
        return level.u.cast(pl.Float64)
    return pl.lit(level.u, pl.Float64)


def u_value(comparison: Comparison) -> pl.Expr:
    """The pair's u at its level (null at a neutral level), from lvl_<field>."""
    code = pl.col(f"lvl_{comparison.field}")
    expr: Any = pl.when(pl.lit(False)).then(pl.lit(None, pl.Float64))
    for i, level in enumerate(comparison.levels):
        if level.m is not None:
            expr = expr.when(code == i).then(_u(level))
    return expr.otherwise(None)


def evidence(comparison: Comparison, m: list[float | None]) -> pl.Expr:
    """log2(m / u) at the pair's level, capped where the level says; 0 at a
    neutral level. `m` holds one value per level (None where neutral); u is
    read from u_<field> (see u_value)."""
    code = pl.col(f"lvl_{comparison.field}")
    u = pl.col(f"u_{comparison.field}")
    expr: Any = pl.when(pl.lit(False)).then(pl.lit(0.0))
    for i, (level, m_i) in enumerate(zip(comparison.levels, m, strict=True)):
        if m_i is None:
            continue
        bits = (pl.lit(m_i) / u).log(2)
        if level.cap is not None:
            bits = bits.clip(upper_bound=level.cap)
        expr = expr.when(code == i).then(bits)
    return expr.otherwise(0.0).fill_null(0.0)


def at(field: str, *names: str) -> pl.Expr:
    """True where the pair's level on `field` is one of `names`."""
    return _is(next(c for c in comparisons(1) if c.field == field), *names)


def _is(comparison: Comparison, *names: str) -> pl.Expr:
    index = [level.name for level in comparison.levels]
    unknown = set(names) - set(index)
    if unknown:
        raise ValueError(f"{comparison.field} has no level {sorted(unknown)}")
    codes = pl.Series([index.index(n) for n in names], dtype=pl.UInt8)
    return pl.col(f"lvl_{comparison.field}").is_in(codes.implode())
