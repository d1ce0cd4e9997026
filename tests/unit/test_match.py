import itertools

import polars as pl
import pytest

from casetui.pipeline.match import CANDIDATE_COLUMNS, Thresholds, match

VOTER_FIELDS = [
    "voter_id", "first_name", "middle_name", "last_name", "name_suffix", "street",
    "unit", "city", "state", "zip5", "zip4", "phone", "email", "birth_year",
]  # fmt: skip
CASE_FIELDS = ["case_id", "contact_id", *VOTER_FIELDS[1:]]


def _frame(rows: list[dict], fields: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        [{f: row.get(f) for f in fields} for row in rows],
        schema={f: pl.Utf8 for f in fields},
    )


def _background() -> list[dict]:
    """Two thousand unrelated voters, so the prior and name frequencies look
    like a small district rather than a handful of rows."""
    firsts = ["Ann", "Carl", "Dora", "Ed", "Fay", "Gus", "Hal", "Ida", "Jo", "Kim"]
    lasts = [f"Zed{i}" for i in range(200)]
    rows = []
    for n, (first, last) in enumerate(itertools.product(firsts, lasts)):
        rows.append(
            {"voter_id": f"B{n}", "first_name": first, "last_name": last,
             "street": f"{n + 1000} Far Rd", "city": "Lowell", "zip5": "01852",
             "birth_year": str(1940 + n % 60)}
        )  # fmt: skip
    return rows


HOME = {"street": "12 Main Street", "city": "Boston", "zip5": "02139"}


def _voters(*rows: dict) -> pl.DataFrame:
    return _frame([*_background(), *rows], VOTER_FIELDS)


def _cases(*rows: dict) -> pl.DataFrame:
    return _frame(
        [{"case_id": f"C{i}", **row} for i, row in enumerate(rows)], CASE_FIELDS
    )


def _assigned(result, case_id="C0"):
    return result.assignment.filter(pl.col("case_id") == case_id).row(0, named=True)


def test_a_nickname_at_the_same_address_is_accepted():
    voters = _voters(
        {"voter_id": "V1", "first_name": "William", "last_name": "Okafor", **HOME},
        {"voter_id": "V2", "first_name": "Grace", "last_name": "Okafor", **HOME},
    )
    cases = _cases({"first_name": "Bill", "last_name": "Okafor", **HOME,
                    "street": "12 Main St"})  # fmt: skip
    row = _assigned(match(cases, voters))
    assert (row["voter_id"], row["band"]) == ("V1", "accept")
    assert "nickname" in row["reasons"]


def test_junior_and_senior_at_one_address_are_kept_apart():
    voters = _voters(
        {"voter_id": "SR", "first_name": "John", "last_name": "Brennan",
         "name_suffix": "Sr", **HOME},
        {"voter_id": "JR", "first_name": "John", "last_name": "Brennan Jr", **HOME},
    )  # fmt: skip
    cases = _cases({"first_name": "John", "last_name": "Brennan", "name_suffix": "Jr.",
                    **HOME})  # fmt: skip
    result = match(cases, voters)
    row = _assigned(result)
    assert (row["voter_id"], row["band"]) == ("JR", "accept")
    senior = result.candidates.filter(pl.col("voter_id") == "SR").row(0, named=True)
    assert senior["ev_suffix"] < -5
    assert "suffix_conflict" in senior["reasons"]
    junior = result.candidates.filter(pl.col("voter_id") == "JR").row(0, named=True)
    assert junior["weight"] - senior["weight"] > 10


def test_a_spouse_at_the_same_address_is_not_a_match():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Robert", "last_name": "Quist", **HOME},
    )
    cases = _cases({"first_name": "Mary", "last_name": "Quist", **HOME})
    row = _assigned(match(cases, voters))
    assert row["band"] == "reject"
    assert row["voter_id"] is None


def test_a_birth_year_gap_weighs_heavily_against():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Lena", "last_name": "Moss",
         "birth_year": "1950", **HOME},
    )  # fmt: skip
    near = _cases({"first_name": "Lena", "last_name": "Moss", "birth_year": "1951",
                   **HOME})  # fmt: skip
    far = _cases({"first_name": "Lena", "last_name": "Moss", "birth_year": "1990",
                  **HOME})  # fmt: skip
    assert _assigned(match(near, voters))["band"] == "accept"
    far_pair = match(far, voters).candidates.row(0, named=True)
    assert far_pair["ev_birth_year"] < -5
    assert "birth_year_gap" in far_pair["reasons"]


def test_a_mover_found_by_birth_year_and_phone():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Priya", "last_name": "Raman",
         "birth_year": "1971", "phone": "617-555-0101", **HOME},
    )  # fmt: skip
    cases = _cases({"first_name": "Priya", "last_name": "Raman", "birth_year": "1971",
                    "phone": "(617) 555 0101", "street": "9 Elm Ave",
                    "city": "Lowell", "zip5": "01852"})  # fmt: skip
    row = _assigned(match(cases, voters))
    assert row["voter_id"] == "V1"
    assert row["band"] == "accept"
    assert "moved" in row["reasons"]


def test_two_people_claiming_one_voter_send_the_weaker_to_review():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Omar", "last_name": "Haddad",
         "birth_year": "1980", **HOME},
    )  # fmt: skip
    # Father and son of one name at one address: told apart by birth year.
    cases = _cases(
        {"contact_id": "P1", "first_name": "Omar", "last_name": "Haddad",
         "birth_year": "1980", **HOME},
        {"contact_id": "P2", "first_name": "Omar", "last_name": "Haddad",
         "birth_year": "1954", **HOME},
    )  # fmt: skip
    result = match(cases, voters)
    strong, weak = _assigned(result, "C0"), _assigned(result, "C1")
    assert (strong["voter_id"], strong["band"]) == ("V1", "accept")
    assert weak["band"] == "review"
    assert "claimed" in weak["reasons"]


def test_one_name_at_one_address_under_two_contacts_is_one_person():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Omar", "last_name": "Haddad",
         "birth_year": "1980", **HOME},
    )  # fmt: skip
    cases = _cases(
        {"contact_id": "P1", "first_name": "Omar", "last_name": "Haddad",
         "birth_year": "1980", **HOME},
        {"contact_id": "P2", "first_name": "OMAR", "last_name": "Haddad", **HOME},
    )  # fmt: skip
    result = match(cases, voters)
    for case_id in ("C0", "C1"):
        row = _assigned(result, case_id)
        assert (row["voter_id"], row["band"]) == ("V1", "accept")
        assert "claimed" not in row["reasons"]


def test_cases_of_one_contact_share_their_voter():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Omar", "last_name": "Haddad", **HOME},
    )
    cases = _cases(
        {"contact_id": "P1", "first_name": "Omar", "last_name": "Haddad", **HOME},
        {"contact_id": "P1", "first_name": "Omar", "last_name": "Haddad", **HOME},
    )
    bands = match(cases, voters).assignment.select("voter_id", "band").rows()
    assert bands == [("V1", "accept"), ("V1", "accept")]


def test_two_equally_good_voters_send_the_case_to_review():
    twin = {"first_name": "Dana", "last_name": "Whitlock", "city": "Boston",
            "zip5": "02139"}  # fmt: skip
    voters = _voters(
        {"voter_id": "V1", **twin, "street": "1 Oak St"},
        {"voter_id": "V2", **twin, "street": "99 Pine St"},
    )
    cases = _cases({**twin})
    row = _assigned(match(cases, voters))
    assert row["band"] == "review"
    assert "namesake" in row["reasons"]


def test_a_case_with_no_candidate_is_rejected():
    cases = _cases({"first_name": "Nobody", "last_name": "Anywhere", **HOME})
    row = _assigned(match(cases, _voters()))
    assert (row["voter_id"], row["band"]) == (None, "reject")


def test_thresholds_move_the_bands():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Ines", "last_name": "Vale", **HOME},
    )
    cases = _cases({"first_name": "Ines", "last_name": "Vale", **HOME})
    strict = Thresholds(accept=0.999999999, review=0.5)
    assert _assigned(match(cases, voters))["band"] == "accept"
    assert _assigned(match(cases, voters, strict))["band"] == "review"


def test_common_keys_are_capped_and_counted():
    crowd = [
        {"voter_id": f"S{i}", "first_name": f"N{i}", "last_name": "Smith", **HOME,
         "street": f"{i} Main St"}
        for i in range(5)
    ]  # fmt: skip
    cases = _cases({"first_name": "Ann", "last_name": "Smith", **HOME})
    result = match(cases, _voters(*crowd), block_cap=3)
    assert result.stats["capped_last_zip"] == 1
    assert result.stats["pairs_last_zip"] == 0


def test_results_have_the_documented_shape_and_progress_is_reported():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Ines", "last_name": "Vale", **HOME},
    )
    cases = _cases(
        {"first_name": "Ines", "last_name": "Vale", **HOME},
        {"first_name": "Ines", "last_name": "Vail", **HOME},
    )
    seen: list[tuple[str, float]] = []
    result = match(
        cases, voters, progress=lambda stage, done: seen.append((stage, done))
    )
    assert result.candidates.columns == CANDIDATE_COLUMNS
    assert result.candidates.filter(pl.col("rank") == 1).height == 2
    assert result.assignment.columns == ["case_id", "voter_id", "score", "band",
                                         "reasons"]  # fmt: skip
    fractions = [done for _, done in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert result.stats["pairs_total"] >= 2
    assert "seconds_score" in result.stats


@pytest.mark.parametrize("bad", ["", "n/a", "12"])
def test_unreadable_values_weigh_nothing(bad):
    voters = _voters(
        {"voter_id": "V1", "first_name": "Ines", "last_name": "Vale", **HOME},
    )
    cases = _cases({"first_name": "Ines", "last_name": "Vale", **HOME, "phone": bad,
                    "birth_year": bad, "email": bad})  # fmt: skip
    pair = match(cases, voters).candidates.row(0, named=True)
    assert pair["ev_phone"] == pair["ev_birth_year"] == pair["ev_email"] == 0.0


def test_first_and_last_name_in_each_others_fields_are_found():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Jassim", "last_name": "Rybak",
         "birth_year": "1984", **HOME},
    )  # fmt: skip
    cases = _cases({"first_name": "Rybak", "last_name": "Jassim",
                    "birth_year": "1984", **HOME})  # fmt: skip
    row = _assigned(match(cases, voters))
    assert row["voter_id"] == "V1"
    assert row["band"] == "accept"
    assert "swapped" in row["reasons"]


def test_a_mistyped_zip_code_at_the_registered_door_is_still_compared():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Ines", "last_name": "Vale", **HOME},
    )  # fmt: skip
    cases = _cases({"first_name": "Ines", "last_name": "Vaale", **HOME,
                    "zip5": "02193"})  # fmt: skip
    result = match(cases, voters)
    pair = result.candidates.filter(pl.col("voter_id") == "V1")
    assert pair.height == 1
    assert "address_region" in pair["passes"][0]


def test_swapped_names_are_compared_even_away_from_the_registered_address():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Jassim", "last_name": "Rybak",
         "birth_year": "1984", **HOME},
    )  # fmt: skip
    cases = _cases({"first_name": "Rybak", "last_name": "Jassim",
                    "birth_year": "1984", **HOME, "street": "98 Other Rd"})  # fmt: skip
    pair = match(cases, voters).candidates.filter(pl.col("voter_id") == "V1")
    assert pair.height == 1
    assert "swapped" in pair["passes"][0]


def test_a_one_letter_typo_in_a_short_first_name_is_a_typo():
    # Jaro-Winkler puts "Kwvin" and "Kevin" at 0.88, below its typo cut-off.
    voters = _voters(
        {"voter_id": "V1", "first_name": "Kevin", "last_name": "Schultz",
         "birth_year": "1953", **HOME},
        {"voter_id": "V2", "first_name": "Grace", "last_name": "Schultz",
         "birth_year": "1955", **HOME},
    )  # fmt: skip
    cases = _cases({"first_name": "Kwvin", "last_name": "Schultz", **HOME})
    row = _assigned(match(cases, voters))
    assert row["voter_id"] == "V1" and row["band"] in ("accept", "review")
    assert "typo" in row["reasons"]


def test_someone_known_by_the_middle_name_is_offered_for_review():
    # Registered as "Jennifer K. Love", she asked the office as "Karen".
    voters = _voters(
        {"voter_id": "V1", "first_name": "Jennifer", "middle_name": "K",
         "last_name": "Love", **HOME},
        {"voter_id": "V2", "first_name": "Robert", "last_name": "Love", **HOME},
    )  # fmt: skip
    cases = _cases({"first_name": "Karen", "last_name": "Love", **HOME})
    row = _assigned(match(cases, voters))
    assert (row["voter_id"], row["band"]) == ("V1", "review")
    assert "middle_name" in row["reasons"]


def test_first_and_middle_written_the_other_way_round_agree_crosswise():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Tania", "middle_name": "Elizabeth",
         "last_name": "Richards", **HOME},
        {"voter_id": "V2", "first_name": "Mark", "last_name": "Richards", **HOME},
    )  # fmt: skip
    cases = _cases({"first_name": "Elizabeth", "middle_name": "T",
                    "last_name": "Richards", **HOME})  # fmt: skip
    result = match(cases, voters)
    row = _assigned(result)
    assert row["voter_id"] == "V1" and row["band"] in ("accept", "review")
    pair = result.candidates.filter(pl.col("voter_id") == "V1").row(0, named=True)
    assert pair["ev_middle"] > 0  # "T" agrees with Tania, not against Elizabeth


def test_a_mover_known_by_the_middle_name_is_still_compared():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Dustin", "middle_name": "Brian",
         "last_name": "Squahern", "street": "61 Jefferson St", "city": "Boston",
         "zip5": "02270"},
    )  # fmt: skip
    cases = _cases({"first_name": "Brian", "last_name": "Squahern", **HOME})
    pairs = match(cases, voters).candidates.filter(pl.col("voter_id") == "V1")
    assert "middle_first" in pairs["passes"].item()


def test_a_mover_with_a_mistyped_surname_is_still_compared():
    # No key of the other passes survives: another street, another ZIP code in
    # the same region, and the typo falls in the surname's first three letters.
    voters = _voters(
        {"voter_id": "V1", "first_name": "Elizabeth", "last_name": "Schmitt",
         "street": "55 Bay Ln", "city": "Boston", "zip5": "02141"},
    )  # fmt: skip
    cases = _cases({"first_name": "Elizabeth", "last_name": "Scjmitt", **HOME})
    pairs = match(cases, voters).candidates.filter(pl.col("voter_id") == "V1")
    assert "sounds_like" in pairs["passes"].item()


def test_middle_names_written_out_count_against_unless_they_start_alike():
    voters = _voters(
        {"voter_id": "V1", "first_name": "Chris", "middle_name": "Gabriela",
         "last_name": "Oneil", **HOME},
        {"voter_id": "V2", "first_name": "Chris", "middle_name": "Jonathan",
         "last_name": "Oneil", **HOME},
    )  # fmt: skip
    cases = _cases(
        {"first_name": "Chris", "middle_name": "Gary", "last_name": "Oneil", **HOME},
        {"first_name": "Chris", "middle_name": "Jonathon", "last_name": "Oneil",
         **HOME},
    )  # fmt: skip
    pairs = match(cases, voters).candidates
    evidence = {
        (row["case_id"], row["voter_id"]): row["ev_middle"]
        for row in pairs.iter_rows(named=True)
    }
    assert evidence[("C0", "V1")] < 0  # Gary is not Gabriela
    assert evidence[("C1", "V2")] > 0  # a typo in Jonathan


def test_a_son_named_after_his_father_is_not_taken_for_him():
    # Robert Joseph Norman's son Joseph Michael lives with him: the case's
    # first name is the father's middle, but the case's middle is not his first.
    voters = _voters(
        {"voter_id": "V1", "first_name": "Robert", "middle_name": "Joseph",
         "last_name": "Norman", **HOME},
    )  # fmt: skip
    cases = _cases({"first_name": "Joseph", "middle_name": "Micheal",
                    "last_name": "Norman", **HOME})  # fmt: skip
    result = match(cases, voters)
    pair = result.candidates.filter(pl.col("voter_id") == "V1").row(0, named=True)
    assert pair["ev_middle"] < 0
    assert _assigned(result)["band"] != "accept"


def test_cases_matched_a_slice_at_a_time_give_the_same_pairs(monkeypatch):
    from casetui.pipeline import match as matching
    from casetui.pipeline.loading import load_file
    from tests.conftest import SAMPLES

    cases = load_file(SAMPLES / "casework_civicrm.csv", "casework").frame
    voters = load_file(SAMPLES / "voters_l2.csv", "voter").frame
    whole = match(cases, voters, learn=False)
    monkeypatch.setattr(matching, "CASE_SLICE", 70)
    sliced = match(cases, voters, learn=False)

    order = ["case_id", "voter_id"]
    assert sliced.candidates.sort(order).equals(whole.candidates.sort(order))
    assert sliced.assignment.sort("case_id").equals(whole.assignment.sort("case_id"))
    assert sliced.stats["pairs_total"] == whole.stats["pairs_total"]


def test_hopeless_pairs_are_left_out_unless_every_pair_is_asked_for():
    from casetui.pipeline.loading import load_file
    from casetui.pipeline.match import KEEP_RANK
    from tests.conftest import SAMPLES

    cases = load_file(SAMPLES / "casework_civicrm.csv", "casework").frame
    voters = load_file(SAMPLES / "voters_l2.csv", "voter").frame
    every = match(cases, voters, learn=False, keep_all=True)
    kept = match(cases, voters, learn=False)

    assert kept.candidates.height < every.candidates.height
    assert kept.stats["pairs_total"] == every.candidates.height
    review = Thresholds().review
    left_out = every.candidates.join(
        kept.candidates, on=["case_id", "voter_id"], how="anti"
    )
    assert left_out.height > 0
    assert (left_out["rank"] > KEEP_RANK).all() and (left_out["score"] < review).all()
    assert kept.assignment.equals(every.assignment)
