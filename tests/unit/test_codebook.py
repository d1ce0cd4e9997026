"""The codebook: the shipped one loads, lookups forgive a CRM's spelling, and a
broken codebook is refused with a message that says where and what to do."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

from casetui.errors import CodebookError
from casetui.pipeline.codebook import (
    load_codebook,
    normalize_category,
    shipped_codebooks,
)

HEADER = """\
name = "Test codebook"
version = "1"

[negative]
outcomes = ["Denied", "Hostile"]
statuses = ["Open"]
"""

ROADS = """
[[category]]
name = "Pothole / Road Repair"
tag = "helped-roads"
activist_code = "Casework: Roads"
aliases = ["Roads"]
"""

VIOLENCE = """
[[category]]
name = "Domestic Violence"
sensitive = true
reason = "Safety."
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "office.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    return str(caught.value)


def test_default_codebook_ships_and_loads():
    paths = shipped_codebooks()
    assert [p.name for p in paths] == ["default.toml"]

    codebook = load_codebook(paths[0])
    official = codebook.official_categories()
    assert len(official) >= 15
    assert codebook.version
    assert codebook.sha256 == hashlib.sha256(paths[0].read_bytes()).hexdigest()

    sensitive = {c.name for c in official if c.sensitive}
    assert {"Domestic Violence", "Immigration / Visa", "Child Welfare"} <= sensitive
    for category in official:
        if category.sensitive:
            assert category.reason and not category.tag and not category.activist_code
        else:
            assert category.tag or category.activist_code


def test_default_codebook_maps_veterans_to_tag_and_activist_code():
    codebook = load_codebook(shipped_codebooks()[0])
    veterans = codebook.category("VA Claim")
    assert veterans is not None
    assert veterans.tag == "helped-veterans"
    assert veterans.activist_code == "Casework: Veterans"


def test_lookup_ignores_case_spacing_and_follows_aliases(tmp_path):
    codebook = load_codebook(write(tmp_path, HEADER + ROADS + VIOLENCE))
    roads = codebook.category("Pothole / Road Repair")
    assert roads is not None
    assert codebook.category("  pothole  /  ROAD repair ") is roads
    assert codebook.category("roads") is roads
    assert codebook.category("Parking") is None
    assert codebook.category(None) is None
    assert codebook.categories[normalize_category("ROADS")] is roads
    assert [c.name for c in codebook.official_categories()] == [
        "Pothole / Road Repair",
        "Domestic Violence",
    ]


def test_label_defaults_to_name(tmp_path):
    codebook = load_codebook(write(tmp_path, HEADER + ROADS + VIOLENCE))
    violence = codebook.category("domestic violence")
    assert violence is not None
    assert violence.label == "Domestic Violence"
    assert violence.sensitive and violence.reason == "Safety."


def test_negative_status_or_outcome(tmp_path):
    codebook = load_codebook(write(tmp_path, HEADER + ROADS))
    assert codebook.is_negative("open", None)
    assert codebook.is_negative("Closed", " denied")
    assert not codebook.is_negative("Closed", "Favorable")
    assert not codebook.is_negative(None, None)


def test_sensitive_category_with_tag_is_refused(tmp_path):
    body = HEADER + VIOLENCE.replace('reason = "Safety."', 'tag = "dv"\nreason = "x"')
    message = refused(write(tmp_path, body))
    assert "office.toml" in message
    assert "Domestic Violence" in message
    assert "no tag and no activist code" in message


def test_sensitive_category_without_reason_is_refused(tmp_path):
    body = HEADER + VIOLENCE.replace('reason = "Safety."', "")
    assert "gives no 'reason'" in refused(write(tmp_path, body))


def test_category_without_tag_or_code_is_refused_with_its_line(tmp_path):
    body = HEADER + ROADS + '\n[[category]]\nname = "Parking"\n'
    message = refused(write(tmp_path, body))
    line = textwrap.dedent(body).splitlines().index("[[category]]", 10) + 1
    assert f"line {line}, category 2 ('Parking')" in message
    assert "neither a 'tag' nor an 'activist_code'" in message


def test_duplicate_alias_across_categories_is_refused(tmp_path):
    body = HEADER + ROADS + '\n[[category]]\nname = "ROADS "\ntag = "x"\n'
    message = refused(write(tmp_path, body))
    assert "already used by category 'Pothole / Road Repair'" in message


def test_duplicate_alias_within_a_category_is_refused(tmp_path):
    body = HEADER + ROADS.replace('["Roads"]', '["Roads", "roads"]')
    assert "listed twice" in refused(write(tmp_path, body))


def test_unknown_key_is_refused(tmp_path):
    body = HEADER + ROADS.replace("activist_code", "activist-code")
    assert "unknown key 'activist-code'" in refused(write(tmp_path, body))


def test_missing_version_is_refused(tmp_path):
    body = HEADER.replace('version = "1"\n', "") + ROADS
    assert "'version' is missing" in refused(write(tmp_path, body))


def test_no_categories_is_refused(tmp_path):
    assert "no categories" in refused(write(tmp_path, HEADER))


def test_malformed_toml_names_the_line(tmp_path):
    body = HEADER + ROADS.replace('tag = "helped-roads"', "tag = helped-roads")
    message = refused(write(tmp_path, body))
    assert "not valid TOML" in message
    assert "line 10" in message


def test_missing_file_is_refused(tmp_path):
    assert "could not be read" in refused(tmp_path / "absent.toml")


def test_a_tag_with_a_comma_is_refused_naming_tag_list(tmp_path):
    body = HEADER + ROADS.replace('"helped-roads"', '"helped, roads"')
    message = refused(write(tmp_path, body))
    assert "line 8" in message and "'helped, roads'" in message
    assert "tag_list" in message


def test_the_default_codebook_covers_the_issue_s_sensitive_kinds():
    codebook = load_codebook(shipped_codebooks()[0])
    for kind in ("Minors", "Criminal Justice", "Benefits Fraud", "DV", "Visa"):
        category = codebook.category(kind)
        assert category is not None and category.sensitive, kind
    for outcome in ("Unresolved", "Denied", "Withdrawn", "Hostile", "Flagged"):
        assert codebook.is_negative(None, outcome), outcome


def test_keyword_rules_match_whole_words_in_any_case(tmp_path):
    body = (
        HEADER
        + ROADS
        + """
[[keyword]]
name = "safety"
words = ["restraining order", "abuse"]
reason = "Safety."
"""
    )
    rule = load_codebook(write(tmp_path, body)).keywords[0]
    assert rule.first_match("Needs a RESTRAINING  Order") == "restraining order"
    assert rule.first_match("Abuse of process") == "abuse"
    assert rule.first_match("Disabused of a notion") is None
    assert rule.first_match(None) is None


def test_a_keyword_rule_without_words_is_refused(tmp_path):
    body = HEADER + ROADS + '\n[[keyword]]\nname = "empty"\nwords = []\n'
    assert "has no words" in refused(write(tmp_path, body))


def test_activist_code_ids_must_be_numbers(tmp_path):
    good = ROADS.replace("aliases", "activist_code_id = 4471234\naliases")
    roads = load_codebook(write(tmp_path, HEADER + good)).category("roads")
    assert roads is not None and roads.activist_code_id == "4471234"
    bad = ROADS.replace("aliases", 'activist_code_id = "Roads"\naliases')
    assert "activist_code_id" in refused(write(tmp_path, HEADER + bad))


def test_uncovered_lists_case_types_no_category_covers(tmp_path):
    codebook = load_codebook(write(tmp_path, HEADER + ROADS))
    uncovered = codebook.uncovered(["roads", "Parking", "parking ", None, "Zoo"])
    assert uncovered == {"(blank)": 1, "Parking": 1, "parking": 1, "Zoo": 1}
