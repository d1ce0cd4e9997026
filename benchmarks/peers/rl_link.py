"""The Python Record Linkage Toolkit (recordlinkage), set up as its tutorials do.

Settings, all stated here because they are the benchmark's choices:

- The cleaned cases and voters of `clean.py`, as pandas frames indexed by id.
- Index: the union of Block passes on the keys Splink blocks on: last+zip,
  first+last, house+street+zip, birth year+last, and the case phone against
  each of the voter's two phones. A key that more than BLOCK_CAP voters share is
  skipped in that pass (the other passes still reach those voters). That is a
  safeguard: recordlinkage compares pairs one by one in Python, so one huge
  block (a common surname in a file with few ZIP codes) would swamp its run time.
  No key reached the cap on the generated 100k and 1M sets or on FEBRL4, so
  there its pairs are exactly Splink's; the stats file counts capped keys.
- Compare (two worker processes): Jaro-Winkler >= 0.85 on first name, last name
  and street; exact house number, city and ZIP5; birth year within 1 (the voter's
  is 2026 minus age); a phone in common with either voter phone. Every feature is
  0 or 1, as ECM needs.
- ECMClassifier (unsupervised Fellegi-Sunter by EM, library defaults). Its own
  classification is the default link: each case's most probable voter (by ECM's
  probability, written as default_score) among the pairs it classes as matches.
- The score swept for the best F1 is the share of the eight features that agree,
  the tutorials' other classic. ECM's own probability is not swept: ECM
  estimates u from the blocked pairs, where the surname nearly always agrees,
  and on household-heavy data settles on "same household" as the match class,
  which makes its probability useless for ranking.
"""

from __future__ import annotations

import pandas as pd
import polars as pl
import recordlinkage as rl
from recordlinkage.index import Block

from benchmarks.peers.clean import clean_cases, clean_voters
from benchmarks.peers.common import parse_args, write_stats

BLOCK_CAP = 1000
STRING_THRESHOLD = 0.85
N_JOBS = 2

# (case columns, voter columns) of each blocking pass
PASSES = [
    (["last_name", "zip5"], ["last_name", "zip5"]),
    (["first_name", "last_name"], ["first_name", "last_name"]),
    (["house_number", "street", "zip5"], ["house_number", "street", "zip5"]),
    (["birth_year", "last_name"], ["birth_year", "last_name"]),
    (["phone"], ["phone"]),
    (["phone"], ["phone2"]),
]


def candidate_pairs(
    cases: pd.DataFrame, voters: pd.DataFrame
) -> tuple[pd.MultiIndex, int]:
    """The union of the blocking passes, and how many keys the cap skipped."""
    pairs: pd.MultiIndex | None = None
    skipped = 0
    for case_keys, voter_keys in PASSES:
        size = voters.groupby(voter_keys)[voter_keys[0]].transform("size")
        big = size > BLOCK_CAP
        skipped += voters.loc[big, voter_keys].drop_duplicates().shape[0]
        block = Block(left_on=case_keys, right_on=voter_keys)
        found = block.index(cases, voters.loc[~big])
        pairs = found if pairs is None else pairs.union(found)
    assert pairs is not None
    return pairs, skipped


def features(
    pairs: pd.MultiIndex, cases: pd.DataFrame, voters: pd.DataFrame
) -> pd.DataFrame:
    compare = rl.Compare(n_jobs=N_JOBS)
    for column in ("first_name", "last_name", "street"):
        compare.string(
            column,
            column,
            method="jarowinkler",
            threshold=STRING_THRESHOLD,
            label=column,
        )
    for column in ("house_number", "city", "zip5"):
        compare.exact(column, column, label=column)
    compare.numeric(
        "birth_year", "birth_year", method="step", offset=1, label="birth_year"
    )
    compare.exact("phone", "phone", label="phone_cell")
    compare.exact("phone", "phone2", label="phone_land")
    vectors = compare.compute(pairs, cases, voters)

    phones = ["phone_cell", "phone_land"]
    vectors["phone"] = vectors[phones].max(axis=1)
    return vectors.drop(columns=phones).astype("int8")


def main() -> None:
    args = parse_args("Link casework to the voter file with recordlinkage.")
    cases = clean_cases(args.dataset / "casework.csv").to_pandas()
    voters = clean_voters(args.dataset / "voters.csv").to_pandas()
    cases = cases.set_index("unique_id")
    voters = voters.set_index("unique_id")

    pairs, skipped = candidate_pairs(cases, voters)
    vectors = features(pairs, cases, voters)

    ecm = rl.ECMClassifier(binarize=None)
    matches = ecm.fit_predict(vectors)
    ecm_prob = ecm.prob(vectors)
    agreeing = vectors.sum(axis=1) / vectors.shape[1]

    is_match = pd.Series(False, index=vectors.index)
    is_match[matches] = True
    out = pl.DataFrame(
        {
            "case_id": vectors.index.get_level_values(0).to_numpy(),
            "voter_id": vectors.index.get_level_values(1).to_numpy(),
            "score": agreeing.to_numpy(),
            "default": is_match.to_numpy(),
            "default_score": ecm_prob.to_numpy(),
        }
    )
    out.write_csv(args.out)
    write_stats(
        args.out,
        pairs_compared=len(pairs),
        all_pairs=True,
        default="ECMClassifier classification, best voter per case",
        score="share of agreeing features",
        ecm_match_share=float(ecm.p),
        block_cap=BLOCK_CAP,
        capped_keys=skipped,
        string_threshold=STRING_THRESHOLD,
    )


if __name__ == "__main__":
    main()
