"""Fuzzing the file readers and layout detection: bytes that are almost a
casework export or a voter file, and bytes that are nothing at all. Every outcome
is a loaded frame or a casetui error with a message; never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import strategies as st

from casetui.pipeline.layouts import (
    all_layouts,
    detect_headerless,
    detect_layout,
    mapping_from,
)
from casetui.pipeline.loading import load_file
from tests.fuzz.conftest import fuzz, layouts_read_once, only_casetui_errors

WORK = Path(tempfile.mkdtemp(prefix="casetui-fuzz-"))
HEADERS = sorted(
    {h for layout in all_layouts() for h in layout.columns if isinstance(h, str)}
)
DELIMITERS = [",", "\t", "|", ";"]
cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", '"', '""', "\n", "\r\n", ",", "02139", "1993-10-11",
                     "=1+1", "\x00", "\ufeff", "Ω", "N/A", "  "]),
)  # fmt: skip
header = st.one_of(st.sampled_from(HEADERS), st.text(max_size=10))


@st.composite
def delimited(draw: st.DrawFn) -> tuple[str, bytes]:
    """A table of text, written with a delimiter, quoting and an encoding."""
    names = draw(st.lists(header, min_size=1, max_size=12))
    width = len(names)
    rows = draw(
        st.lists(
            st.lists(cell, min_size=max(width - 2, 0), max_size=width + 2),
            max_size=8,
        )
    )
    sep = draw(st.sampled_from(DELIMITERS))
    quote = draw(st.booleans())

    def line(values: list[str]) -> str:
        if quote:
            values = ['"' + v.replace('"', '""') + '"' for v in values]
        return sep.join(values)

    text = "\n".join(line(r) for r in [names, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # a cut, a flipped byte
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        data = data[:at] + draw(st.binary(max_size=4)) + data[at + 1 :]
    suffix = draw(st.sampled_from([".csv", ".txt", ".tsv"]))
    return suffix, data


noise = st.tuples(
    st.sampled_from([".csv", ".xlsx", ".parquet", ".txt"]), st.binary(max_size=300)
)


def _load(suffix_and_data: tuple[str, bytes], kind: str) -> None:
    suffix, data = suffix_and_data
    path = WORK / f"input{suffix}"
    path.write_bytes(data)
    with layouts_read_once():
        result = only_casetui_errors(lambda: load_file(path, kind))
    if result is not None:
        assert result.frame.height >= 1 or result.frame.width >= 0


@fuzz(st.tuples(delimited(), st.sampled_from(["casework", "voter"])), 1500)
def check_delimited(value: tuple[tuple[str, bytes], str]) -> None:
    _load(*value)


test_delimited_files, test_delimited_files_long = check_delimited


@fuzz(st.tuples(noise, st.sampled_from(["casework", "voter"])), 1000)
def check_noise(value: tuple[tuple[str, bytes], str]) -> None:
    _load(*value)


test_noise_files, test_noise_files_long = check_noise


@fuzz(
    st.tuples(
        st.lists(header, max_size=14),
        st.lists(st.lists(cell, max_size=6), max_size=5),
        st.sampled_from(["casework", "voter"]),
    ),
    2500,
)
def check_detection(value: tuple[list[str], list[list[str]], str]) -> None:
    headers, records, kind = value
    with layouts_read_once():
        found = only_casetui_errors(lambda: detect_layout(headers, kind))
        only_casetui_errors(lambda: mapping_from(headers, kind))
        only_casetui_errors(lambda: detect_headerless(records, kind))
    layout, score = found or (None, 0.0)
    assert 0.0 <= score <= 1.0
    assert layout is None or layout.kind == kind


test_layout_detection, test_layout_detection_long = check_detection
