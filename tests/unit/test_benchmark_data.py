"""The benchmark's generated district: in the layouts casetui reads, with an
answer key that fits the files and the noise that makes matching hard."""

import polars as pl

from benchmarks.generate import generate
from casetui.pipeline.ingest import read_table
from casetui.pipeline.layouts import detect_layout


def test_a_small_district_is_written_in_real_layouts_with_its_truth(tmp_path):
    generate(n_voters=6000, n_cases=400, seed=11, out=tmp_path)
    voters = read_table(tmp_path / "voters.csv").frame
    cases = read_table(tmp_path / "casework.csv").frame
    assert detect_layout(voters.columns, "voter")[0].name == "l2"
    assert detect_layout(cases.columns, "casework")[0].name == "civicrm"
    assert voters.height == 6000 and voters["LALVOTERID"].n_unique() == 6000

    truth = pl.read_csv(tmp_path / "truth.csv", infer_schema=False)
    assert sorted(truth["case_id"]) == sorted(cases["case_id"])
    registered = truth.drop_nulls("voter_id")
    assert registered["voter_id"].is_in(voters["LALVOTERID"].implode()).all()
    # About 30% of the people helped are not registered.
    assert 0.2 < 1 - registered.height / truth.height < 0.4

    # Same seed, same files: the benchmark can be rerun and compared.
    again = tmp_path / "again"
    generate(n_voters=6000, n_cases=400, seed=11, out=again)
    for name in ("voters.csv", "casework.csv", "truth.csv"):
        assert (again / name).read_bytes() == (tmp_path / name).read_bytes()
