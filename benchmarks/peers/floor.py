"""The floor: the least any tool must do, read both files and join them once.

Imports polars and nothing that matches: both files read as text, joined on
lower(last name) + the first five characters of the ZIP, pairs written. Its wall
time and memory are what reading a voter file costs before any matching starts.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polars as pl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    voters = pl.read_csv(args.dataset / "voters.csv", infer_schema=False)
    cases = pl.read_csv(args.dataset / "casework.csv", infer_schema=False)
    voter_keys = voters.select(
        pl.col("LALVOTERID").alias("voter_id"),
        pl.col("Voters_LastName").str.to_lowercase().alias("last"),
        pl.col("Residence_Addresses_Zip").str.slice(0, 5).alias("zip5"),
    )
    case_keys = cases.select(
        pl.col("case_id"),
        pl.col("last_name").str.to_lowercase().alias("last"),
        pl.col("postal_code").str.slice(0, 5).alias("zip5"),
    )
    pairs = case_keys.join(voter_keys, on=["last", "zip5"], how="inner")
    pairs.select("case_id", "voter_id", pl.lit(1.0).alias("score")).write_csv(args.out)
    stats = {"pairs_compared": pairs.height, "all_pairs": True}
    args.out.with_suffix(".json").write_text(json.dumps(stats) + "\n")


if __name__ == "__main__":
    main()
