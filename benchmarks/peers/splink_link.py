"""Splink 5 on DuckDB, set up the way its documentation teaches for a link job.

Settings, all stated here because they are the benchmark's choices:

- link_only between the cleaned cases and voters (`clean.py`), DuckDB in memory
  with its default threads (every core).
- Comparisons: NameComparison on first and last name (Jaro-Winkler 0.92 / 0.88 /
  0.7, term frequencies on exact agreement); the address as house number + street
  (exact, same house with the street at Jaro-Winkler >= 0.88, else); exact city;
  exact ZIP5; birth year within 1 (the voter's is 2026 minus age); phone, either
  of the voter's two against the case's.
- Blocking for prediction: last+zip, first+last, house+street+zip,
  birth year+last, and the phone against either voter phone.
- prior (probability two random records match): 0.8 / voters, the same "80% of
  cases are registered" assumption casetui makes.
- u by random sampling, max_pairs 1e7 with a fixed seed (the docstring suggests
  1e7 while testing and 1e9 for the final model; 1e7 keeps a 1M run in minutes).
- m by EM on two blocking rules: first+last (trains address, city, ZIP, birth
  year, phone) and phone (trains the names). A rule that pairs people by address
  (house+street+zip) was tried and left out: its pairs are mostly other members
  of the household, and EM learned the household, not the person, as the match.
  Where the phone rule finds fewer than MIN_EM_PAIRS pairs (FEBRL has no phones)
  the names are trained on house+street+zip instead, as a user would have to.
- predict without a threshold so the count of compared pairs is exact; every
  pair is written. The default link is match_probability >= 0.5, the conventional
  cut-off, taking each case's best voter.
"""

from __future__ import annotations

import logging

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from benchmarks.peers.clean import clean_cases, clean_voters
from benchmarks.peers.common import parse_args, write_stats

PRIOR_SHARE_REGISTERED = 0.8
U_MAX_PAIRS = 1e7
SEED = 7
DEFAULT_THRESHOLD = 0.5

PREDICTION_RULES = [
    block_on("last_name", "zip5"),
    block_on("first_name", "last_name"),
    block_on("house_number", "street", "zip5"),
    block_on("birth_year", "last_name"),
    block_on("phone"),
    # In link_only, either table can be on the left; a case has no second phone,
    # so one of these two finds nothing, but which one is not ours to know.
    "l.phone = r.phone2",
    "l.phone2 = r.phone",
]

EM_RULES = [block_on("first_name", "last_name")]
# The rule that trains the names, and the one used when it finds too few pairs.
NAME_EM_RULE = ("phone", block_on("phone"))
NAME_EM_FALLBACK = block_on("house_number", "street", "zip5")
MIN_EM_PAIRS = 300  # Splink asks for "at least a few hundred"


def address_comparison() -> cl.CustomComparison:
    missing = cll.CustomLevel(
        "house_number_l IS NULL OR house_number_r IS NULL "
        "OR street_l IS NULL OR street_r IS NULL",
        label_for_charts="house or street missing",
    ).configure(is_null_level=True)
    return cl.CustomComparison(
        [
            missing,
            cll.And(cll.ExactMatchLevel("house_number"), cll.ExactMatchLevel("street")),
            cll.And(
                cll.ExactMatchLevel("house_number"),
                cll.JaroWinklerLevel("street", 0.88),
            ),
            cll.ElseLevel(),
        ],
        output_column_name="address",
    )


def birth_year_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        [
            cll.NullLevel("birth_year"),
            cll.AbsoluteDifferenceLevel("birth_year", 1),
            cll.ElseLevel(),
        ],
        output_column_name="birth_year",
    )


def phone_comparison() -> cl.CustomComparison:
    missing = cll.CustomLevel(
        "(phone_l IS NULL AND phone2_l IS NULL) "
        "OR (phone_r IS NULL AND phone2_r IS NULL)",
        label_for_charts="no phone on one side",
    ).configure(is_null_level=True)
    same = cll.CustomLevel(
        "phone_l = phone_r OR phone_l = phone2_r OR phone2_l = phone_r "
        "OR phone2_l = phone2_r",
        label_for_charts="a phone in common",
    )
    return cl.CustomComparison(
        [missing, same, cll.ElseLevel()], output_column_name="phone"
    )


def settings(n_voters: int) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=PRIOR_SHARE_REGISTERED / n_voters,
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            address_comparison(),
            cl.ExactMatch("city"),
            cl.ExactMatch("zip5"),
            birth_year_comparison(),
            phone_comparison(),
        ],
        blocking_rules_to_generate_predictions=PREDICTION_RULES,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def main() -> None:
    args = parse_args("Link casework to the voter file with Splink 5 on DuckDB.")
    cases = clean_cases(args.dataset / "casework.csv").to_arrow()
    voters = clean_voters(args.dataset / "voters.csv").to_arrow()

    con = duckdb.connect()
    db_api = DuckDBAPI(con)
    tables = [
        db_api.register(cases, dataset_display_name="cases"),
        db_api.register(voters, dataset_display_name="voters"),
    ]
    linker = Linker(tables, settings(voters.num_rows), log_level=logging.WARNING)

    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    cases_table, voters_table = (t.physical_name for t in tables)
    column, rule = NAME_EM_RULE
    (name_pairs,) = con.execute(
        f"SELECT count(*) FROM {cases_table} c JOIN {voters_table} v "
        f"ON c.{column} = v.{column}"
    ).fetchall()[0]
    em_rules = [*EM_RULES, rule if name_pairs >= MIN_EM_PAIRS else NAME_EM_FALLBACK]
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)

    predictions = linker.inference.predict().physical_name
    (pairs,) = con.execute(f"SELECT count(*) FROM {predictions}").fetchall()[0]
    con.sql(
        f"""
        COPY (
            SELECT
                CASE WHEN source_dataset_l = 'cases'
                    THEN unique_id_l ELSE unique_id_r END AS case_id,
                CASE WHEN source_dataset_l = 'cases'
                    THEN unique_id_r ELSE unique_id_l END AS voter_id,
                match_probability AS score,
                match_probability >= {DEFAULT_THRESHOLD} AS "default"
            FROM {predictions}
        ) TO '{args.out}' (HEADER, DELIMITER ',')
        """
    )
    write_stats(
        args.out,
        pairs_compared=pairs,
        all_pairs=True,
        default=f"match_probability >= {DEFAULT_THRESHOLD}, best voter per case",
        u_max_pairs=U_MAX_PAIRS,
        em_rules=[r.get_blocking_rule("duckdb").blocking_rule_sql for r in em_rules],
    )


if __name__ == "__main__":
    main()
