"""Suppression rules: which cases the operator is told to keep out, and why."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from casetui.errors import InputError
from casetui.pipeline.codebook import load_codebook
from casetui.pipeline.suppress import (
    RULES,
    find_suppressions,
    read_opt_out,
    suppressed_case_ids,
)

CODEBOOK = Path(__file__).resolve().parents[2] / "codebooks" / "default.toml"


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK)


def _cases(**columns: list) -> pl.DataFrame:
    n = len(columns["case_id"])
    base = {
        "first_name": ["Ana"] * n,
        "last_name": ["Ruiz"] * n,
        "zip5": ["02134"] * n,
        "phone": [None] * n,
        "email": [None] * n,
        "category": ["Pothole"] * n,
        "status": ["Closed"] * n,
        "outcome": ["Resolved"] * n,
        "deceased": [False] * n,
        "do_not_contact": [False] * n,
    }
    return pl.DataFrame({**base, **columns})


def _hits(hits: pl.DataFrame) -> set[tuple[str, str]]:
    return set(hits.select("case_id", "rule").iter_rows())


def test_each_rule_finds_its_case(codebook) -> None:
    cases = _cases(
        case_id=["ok", "dv", "new", "denied", "open", "dead", "dnc"],
        category=["Pothole", "domestic violence", "Alien abduction", "VA", "VA",
                  "VA", "VA"],
        outcome=["Resolved", "Resolved", "Resolved", "Denied", None, None, None],
        status=["Closed", "Closed", "Closed", "Closed", "Open", "Closed", "Closed"],
        deceased=[False, False, False, False, False, True, None],
        do_not_contact=[False, False, False, False, False, False, True],
    )  # fmt: skip
    hits = find_suppressions(cases, codebook)
    assert _hits(hits) == {
        ("dv", "sensitive_category"),
        ("new", "unknown_category"),
        ("denied", "negative_outcome"),
        ("open", "negative_outcome"),
        ("dead", "deceased"),
        ("dnc", "do_not_contact"),
    }
    details = dict(zip(hits["case_id"], hits["detail"], strict=True))
    assert details["dv"] == "Domestic Violence"
    assert details["new"] == "Alien abduction"
    assert details["denied"] == "Denied"
    assert details["open"] == "Open"
    assert set(hits["rule"]) <= set(RULES)


def test_blank_category_is_unknown(codebook) -> None:
    hits = find_suppressions(_cases(case_id=["c1"], category=[None]), codebook)
    assert hits.rows() == [("c1", "unknown_category", "(blank)")]


def test_opt_out_list_matches_by_phone_email_or_name_and_zip(codebook) -> None:
    cases = _cases(
        case_id=["p", "e", "n", "other"],
        first_name=["X", "Y", "Ana", "Ana"],
        last_name=["Q", "Q", "Ruiz", "Ruiz"],
        zip5=["01000", "01000", "02134", "02135"],
        phone=["(617) 555-0101", None, None, None],
        email=[None, "Someone@Example.org", None, None],
    )
    opt_out = pl.DataFrame(
        {
            "first_name": [None, None, "ANA"],
            "last_name": [None, None, "ruiz"],
            "zip5": [None, None, "02134"],
            "phone": ["617-555-0101", None, None],
            "email": [None, "someone@example.org", None],
        }
    )
    hits = find_suppressions(cases, codebook, opt_out)
    assert _hits(hits) == {("p", "opt_out_list"), ("e", "opt_out_list"),
                           ("n", "opt_out_list")}  # fmt: skip
    # the detail says how it matched, never the phone or email itself
    assert set(hits["detail"]) == {
        "matched by phone", "matched by email", "matched by name and zip"
    }  # fmt: skip


def test_missing_flag_columns_find_nothing(codebook) -> None:
    cases = _cases(case_id=["c1"]).drop("deceased", "do_not_contact", "status")
    assert find_suppressions(cases, codebook).is_empty()


def test_no_case_id_is_an_input_error(codebook) -> None:
    with pytest.raises(InputError, match="case_id"):
        find_suppressions(pl.DataFrame({"category": ["VA"]}), codebook)


def test_overrides_let_cases_through_except_category_rules(codebook) -> None:
    cases = _cases(
        case_id=["dead", "dv", "new", "both"],
        category=["VA", "Domestic Violence", "Mystery", "VA"],
        deceased=[True, False, False, True],
        do_not_contact=[False, False, False, True],
    )
    hits = find_suppressions(cases, codebook)
    assert suppressed_case_ids(hits, {}) == {"dead", "dv", "new", "both"}
    overrides = {
        ("dead", "deceased"): "a different person died",
        ("dv", "sensitive_category"): "trying anyway",
        ("new", "unknown_category"): "trying anyway",
        ("both", "deceased"): "a different person died",
    }
    # "both" still has its do-not-contact hit; sensitive and unknown stay out
    assert suppressed_case_ids(hits, overrides) == {"dv", "new", "both"}


def test_keyword_rules_suppress_by_the_case_subject(codebook) -> None:
    cases = _cases(
        case_id=["ro", "ok", "none"],
        subject=["Help with a restraining order", "License renewal", None],
    )
    hits = find_suppressions(cases, codebook)
    assert hits.rows() == [("ro", "keyword_rule", "safety: restraining order")]


def test_suppression_list_by_case_id_or_name_and_address(codebook) -> None:
    cases = _cases(
        case_id=["10001", "addr", "other"],
        first_name=["X", "Ana", "Ana"],
        street=["1 A St", "12 Elm St.", "14 Elm St"],
    )
    listed = pl.DataFrame(
        {"case_id": ["10001", None], "first_name": [None, "ana"],
         "last_name": [None, "RUIZ"], "street": [None, "12 elm st"],
         "zip5": [None, None], "phone": [None, None], "email": [None, None]}
    )  # fmt: skip
    hits = find_suppressions(cases, codebook, listed)
    assert dict(zip(hits["case_id"], hits["detail"], strict=True)) == {
        "10001": "matched by case id", "addr": "matched by name and address"
    }  # fmt: skip


def test_a_suppression_list_of_case_ids_is_read(tmp_path: Path, codebook) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Case ID\n10001\n10002\n", encoding="utf-8")
    listed = read_opt_out(path)
    assert listed["case_id"].to_list() == ["10001", "10002"]


def test_a_case_hit_by_several_rules_needs_every_one_overridden(codebook) -> None:
    cases = _cases(
        case_id=["k"], deceased=[True], do_not_contact=[True], outcome=["Denied"]
    )
    hits = find_suppressions(cases, codebook)
    rules = set(hits["rule"])
    assert rules == {"deceased", "do_not_contact", "negative_outcome"}
    overrides: dict[tuple[str, str], str] = {}
    for rule in sorted(rules):
        assert suppressed_case_ids(hits, overrides) == {"k"}
        overrides[("k", rule)] = "checked with the office"
    assert suppressed_case_ids(hits, overrides) == set()
