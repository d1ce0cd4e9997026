"""Fuzzing the codebook loader and the attestations file of a headless run: TOML
that is nearly right, wrong in its types, or not TOML at all. Every outcome is a
codebook (or attestations) that keeps its rules, or a casetui error."""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from casetui.checklist import CHECKLIST, read_attestations_file
from casetui.pipeline.codebook import load_codebook
from tests.conftest import REPO
from tests.fuzz.conftest import fuzz, only_casetui_errors

WORK = Path(tempfile.mkdtemp(prefix="casetui-fuzz-"))
DEFAULT = tomllib.loads((REPO / "codebooks" / "default.toml").read_text("utf-8"))
EXAMPLE = tomllib.loads(
    (REPO / "casetui" / "samples" / "attestations.example.toml").read_text("utf-8")
)

scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True),
    st.text(max_size=15), st.sampled_from(["", " ", "true", "Housing", "[x]"]),
)  # fmt: skip
value = st.recursive(
    scalar,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def toml_text(data: Any) -> str:
    """A small TOML writer, good enough for generated tables (None is left out,
    as TOML has no null)."""

    def literal(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, int | float):
            return repr(item).replace("inf", "inf").replace("nan", "nan")
        if isinstance(item, str):
            return (
                '"' + item.encode("unicode_escape").decode().replace('"', '\\"') + '"'
            )
        if isinstance(item, list):
            return "[" + ", ".join(literal(i) for i in item if i is not None) + "]"
        if isinstance(item, dict):
            return "{" + ", ".join(
                f"{literal(str(k))} = {literal(v)}" for k, v in item.items()
                if v is not None
            ) + "}"  # fmt: skip
        return '""'

    return "\n".join(
        f"{literal(str(k))} = {literal(v)}" for k, v in data.items() if v is not None
    )


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> str:
    """`base` with a few keys changed, dropped or added, written as TOML, and
    sometimes cut short or with stray bytes."""
    data = {k: v for k, v in base.items()}
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.sampled_from(["top", "entry"]))
        entries = data.get("category")
        if where == "entry" and entries and isinstance(entries, list):
            entries = [e if isinstance(e, dict) else {} for e in entries]
            index = draw(st.integers(0, len(entries) - 1))
            entry = dict(entries[index])
            entry[draw(st.sampled_from([*entry, "sensitive", "aliases"]))] = draw(value)
            entries[index] = entry
            data["category"] = entries
        else:
            key = draw(st.sampled_from([*data, "name", "version", "negative"]))
            data[key] = draw(value)
    text = toml_text(data)
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text


def small_codebook() -> dict[str, Any]:
    return {**DEFAULT, "category": DEFAULT["category"][:4]}


@fuzz(st.one_of(mutated(small_codebook()), st.text(max_size=200)), 2500)
def check_codebook(text: str) -> None:
    path = WORK / "codebook.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    book = only_casetui_errors(lambda: load_codebook(path))
    if book is not None:
        for category in book.categories.values():
            assert category.sensitive or category.tag or category.activist_code


test_codebook_loader, test_codebook_loader_long = check_codebook


@fuzz(st.one_of(mutated(EXAMPLE), st.binary(max_size=120).map(repr)), 2500)
def check_attestations(text: str) -> None:
    path = WORK / "attest.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    read = only_casetui_errors(lambda: read_attestations_file(path))
    if read is not None:
        operator, items = read
        assert operator.strip()
        assert set(items) == {item.key for item in CHECKLIST}


test_attestations_file, test_attestations_file_long = check_attestations
