"""Big files are read by polars from the file itself; what they give must not
differ from what the careful reader gives a small file."""

import pytest

from casetui.pipeline import ingest
from casetui.pipeline.ingest import read_table

ROWS = "".join(f"V{i},Ana{i},Ruiz,0{2100 + i % 50}\n" for i in range(2_000))


@pytest.fixture
def big(monkeypatch):
    """Every file counts as big."""
    monkeypatch.setattr(ingest, "CHECK_BYTES", 10)


def test_a_big_utf8_file_reads_like_a_small_one(tmp_path, big):
    path = tmp_path / "voters.csv"
    path.write_bytes(("\ufeffVoterID,First,Last,Zip\n" + ROWS).encode("utf-8"))

    table = read_table(path, columns={"VoterID", "Last", "Zip"})

    assert table.frame.columns == ["VoterID", "Last", "Zip"]
    assert table.frame.height == 2_000
    assert table.frame.row(1) == ("V1", "Ruiz", "02101")
    assert table.encoding == "utf-8-sig"
    assert "file too large to check every row's field count" in table.notes


def test_a_big_file_in_another_encoding_is_still_decoded(tmp_path, big):
    path = tmp_path / "voters.csv"
    rows = "".join(f"W{i};Ren\xe9e;O\x92Neil\r\n" for i in range(2_000))
    text = "VoterID;First;Last\r\nV1;Jos\xe9;Mu\xf1oz\r\n" + rows
    path.write_bytes(text.encode("latin-1"))

    table = read_table(path)

    assert table.frame.row(0) == ("V1", "José", "Muñoz")
    assert table.frame.row(1) == ("W0", "Renée", "O\u2019Neil")
    assert table.encoding == "cp1252"


def test_a_big_file_with_a_title_above_its_header_is_still_found(tmp_path, big):
    path = tmp_path / "voters.csv"
    path.write_text("Voter export\n\nVoterID,First,Last,Zip\n" + ROWS)

    table = read_table(path)

    assert table.frame.columns == ["VoterID", "First", "Last", "Zip"]
    assert table.frame.height == 2_000
