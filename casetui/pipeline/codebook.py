"""Load and validate a codebook: the office's case categories, what each one
becomes on the campaign side (a NationBuilder tag, an NGP VAN activist code), which
categories must never leave the office, and which outcomes and statuses count as
negative, and optional keyword rules that suppress cases by words in their subject.
docs/codebook.md describes the file format."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casetui.errors import CodebookError
from casetui.paths import codebooks_dir

_CATEGORY_KEYS = frozenset(
    {"name", "label", "tag", "activist_code", "activist_code_id", "sensitive",
     "reason", "aliases"}
)  # fmt: skip
_TOP_KEYS = frozenset(
    {"name", "version", "description", "negative", "category", "keyword"}
)
_KEYWORD_KEYS = frozenset({"name", "words", "reason"})
_NEGATIVE_KEYS = frozenset({"outcomes", "statuses"})
_CATEGORY_HEADER = re.compile(r"^\s*\[\[\s*category\s*\]\]")
_SPACES = re.compile(r"\s+")

_Fail = Callable[[str], CodebookError]


@dataclass(frozen=True)
class Category:
    """One official case category, as the office's CRM names it."""

    name: str
    label: str
    tag: str | None
    activist_code: str | None
    sensitive: bool
    reason: str | None
    activist_code_id: str | None = None


@dataclass(frozen=True)
class KeywordRule:
    """Words that suppress a case when its subject contains one of them."""

    name: str
    words: tuple[str, ...]
    reason: str | None
    pattern: re.Pattern[str]

    def first_match(self, subject: str | None) -> str | None:
        """Return the word (as the codebook spells it) found in `subject`, or
        None. Words match whole, ignoring case."""
        if not subject:
            return None
        found = self.pattern.search(subject)
        if found is None:
            return None
        folded = normalize_category(found.group(0))
        return next(
            (w for w in self.words if normalize_category(w) == folded), found[0]
        )


@dataclass(frozen=True)
class Codebook:
    """A validated codebook. `categories` is keyed by normalized name, and every
    alias is a key too, pointing at the same Category."""

    name: str
    version: str
    path: Path
    sha256: str
    categories: dict[str, Category]
    negative_outcomes: frozenset[str]
    negative_statuses: frozenset[str]
    keywords: tuple[KeywordRule, ...] = ()

    def category(self, raw: str | None) -> Category | None:
        """Return the category a CRM's case type names (matching case and spacing
        loosely, aliases included), or None when the codebook does not know it."""
        if raw is None:
            return None
        return self.categories.get(normalize_category(raw))

    def is_negative(self, status: str | None, outcome: str | None) -> bool:
        """Return True when the status (e.g. Open, Urgent) or the outcome (e.g.
        Denied, Hostile) is one the codebook counts as negative."""
        if status is not None and _fold(status) in self.negative_statuses:
            return True
        return outcome is not None and _fold(outcome) in self.negative_outcomes

    def official_categories(self) -> list[Category]:
        """Return each category once, in file order (without the alias keys)."""
        seen: dict[str, Category] = {}
        for category in self.categories.values():
            seen.setdefault(category.name, category)
        return list(seen.values())

    def uncovered(self, raw: list[str | None]) -> dict[str, int]:
        """Return the distinct case types among `raw` that no category or alias
        covers, with how many cases carry each (blank ones as "(blank)"), most
        frequent first."""
        counts: dict[str, int] = {}
        for value in raw:
            if value is None or not value.strip():
                label = "(blank)"
            elif self.category(value) is None:
                label = _SPACES.sub(" ", value).strip()
            else:
                continue
            counts[label] = counts.get(label, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def normalize_category(raw: str) -> str:
    """Return the lookup key for a category name or alias: casefolded, with runs of
    whitespace collapsed to one space and the ends trimmed."""
    return _SPACES.sub(" ", raw).strip().casefold()


def _fold(value: str) -> str:
    return value.strip().casefold()


def shipped_codebooks() -> list[Path]:
    """Return the codebooks that ship with casetui (*.toml), sorted by file name."""
    return sorted(codebooks_dir().glob("*.toml"))


def load_codebook(path: Path) -> Codebook:
    """Read and validate the codebook at `path` and return it.

    Raises CodebookError naming the file (and the line and category, when the
    problem is in one) if the file is missing, is not valid TOML, or breaks a
    rule: a non-sensitive category needs a tag or an activist code, a sensitive one
    must have a reason and neither, and no name or alias may appear twice.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CodebookError(
            "Codebook not found",
            f"{path} could not be read ({exc.strerror or exc}). Check the "
            "path, or pick one of the shipped codebooks.",
        ) from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise CodebookError(
            "Codebook is not UTF-8",
            f"{path.name} is not UTF-8 text. Save it as UTF-8 and load it again.",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message carries "(at line N, column M)", which is what the
        # operator needs to find the slip.
        raise CodebookError(
            "Codebook is not valid TOML",
            f"{path.name}: {exc}. Fix the file there and load it again.",
        ) from None

    header_lines = [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if _CATEGORY_HEADER.match(line)
    ]
    return _build(path, hashlib.sha256(raw).hexdigest(), data, header_lines)


def _build(
    path: Path, sha256: str, data: dict[str, Any], header_lines: list[int]
) -> Codebook:
    def fail(message: str) -> CodebookError:
        return CodebookError("Codebook is inconsistent", f"{path.name}: {message}")

    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(
            f"unknown top-level key {unknown[0]!r}; the known keys are "
            f"{', '.join(sorted(_TOP_KEYS))}."
        )
    name = _text(data.get("name"), "the top-level 'name'", fail)
    version = _text(data.get("version"), "the top-level 'version'", fail)

    negative = data.get("negative", {})
    if not isinstance(negative, dict):
        raise fail("[negative] must be a table with 'outcomes' and 'statuses'.")
    unknown = sorted(set(negative) - _NEGATIVE_KEYS)
    if unknown:
        raise fail(
            f"unknown key {unknown[0]!r} in [negative]; use 'outcomes' and 'statuses'."
        )
    outcomes = _word_list(negative.get("outcomes", []), "[negative] outcomes", fail)
    statuses = _word_list(negative.get("statuses", []), "[negative] statuses", fail)

    entries = data.get("category")
    if not isinstance(entries, list) or not entries:
        raise fail(
            "no categories. Add at least one [[category]] table with a name and "
            "a tag or activist code."
        )

    categories: dict[str, Category] = {}
    for index, entry in enumerate(entries):
        line = header_lines[index] if index < len(header_lines) else None
        category, keys = _category(entry, index + 1, line, fail)
        for key, spelled in keys:
            if key in categories:
                raise fail(
                    f"{_place(index + 1, line, category.name)}: {spelled!r} is "
                    f"already used by category {categories[key].name!r}. Each name "
                    "and alias may appear once; remove one of them."
                )
            categories[key] = category

    return Codebook(
        name=name,
        version=version,
        path=path,
        sha256=sha256,
        categories=categories,
        negative_outcomes=frozenset(_fold(o) for o in outcomes),
        negative_statuses=frozenset(_fold(s) for s in statuses),
        keywords=_keywords(data.get("keyword", []), fail),
    )


def _keywords(entries: Any, fail: _Fail) -> tuple[KeywordRule, ...]:
    """Validate the [[keyword]] tables: each a name and a list of words."""
    if not isinstance(entries, list):
        raise fail("'keyword' must be [[keyword]] tables with a name and words.")
    rules: list[KeywordRule] = []
    for number, entry in enumerate(entries, start=1):
        place = f"keyword rule {number}"
        if not isinstance(entry, dict):
            raise fail(f"{place} is not a table.")
        unknown = sorted(set(entry) - _KEYWORD_KEYS)
        if unknown:
            raise fail(
                f"{place}: unknown key {unknown[0]!r}; the known keys are "
                f"{', '.join(sorted(_KEYWORD_KEYS))}."
            )
        name = _text(entry.get("name"), f"{place}: 'name'", fail)
        words = _word_list(entry.get("words"), f"{place} ({name!r}): 'words'", fail)
        if not words:
            raise fail(f"{place} ({name!r}) has no words; list at least one.")
        if any(rule.name.casefold() == name.casefold() for rule in rules):
            raise fail(f"{place}: the name {name!r} is used twice; rename one.")
        reason = _optional_text(entry.get("reason"), f"{place}: 'reason'", fail)
        alternatives = "|".join(
            re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len)[::-1]
        )
        pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        rules.append(KeywordRule(name, tuple(words), reason, pattern))
    return tuple(rules)


def _category(
    entry: Any, number: int, line: int | None, fail: _Fail
) -> tuple[Category, list[tuple[str, str]]]:
    """Validate one [[category]] table; return it and its (key, spelling) pairs."""
    if not isinstance(entry, dict):
        raise fail(f"{_place(number, line, None)} is not a table.")
    place = _place(number, line, entry.get("name"))

    unknown = sorted(set(entry) - _CATEGORY_KEYS)
    if unknown:
        raise fail(
            f"{place}: unknown key {unknown[0]!r}; the known keys are "
            f"{', '.join(sorted(_CATEGORY_KEYS))}."
        )
    name = _text(entry.get("name"), f"{place}: 'name'", fail)
    label = _text(entry.get("label", name), f"{place}: 'label'", fail)
    tag = _optional_text(entry.get("tag"), f"{place}: 'tag'", fail)
    code = _optional_text(entry.get("activist_code"), f"{place}: 'activist_code'", fail)
    code_id = _code_id(entry.get("activist_code_id"), place, fail)
    reason = _optional_text(entry.get("reason"), f"{place}: 'reason'", fail)
    sensitive = entry.get("sensitive", False)
    if not isinstance(sensitive, bool):
        raise fail(f"{place}: 'sensitive' must be true or false, without quotes.")

    if tag and "," in tag:
        raise fail(
            f"{place}: the tag {tag!r} contains a comma. NationBuilder's tag_list "
            "is comma-separated, so it would arrive as several tags; use a hyphen "
            "or a space instead."
        )
    if sensitive and (tag or code or code_id):
        raise fail(
            f"{place} is sensitive, so it must carry no tag and no activist code "
            "(its cases never leave the office). Remove them, or drop "
            "'sensitive = true' if the category is safe to export."
        )
    if sensitive and not reason:
        raise fail(
            f"{place} is sensitive but gives no 'reason'. Say why, in a sentence: "
            "operators see it when they review suppressed cases."
        )
    if not sensitive and not (tag or code or code_id):
        raise fail(
            f"{place} has neither a 'tag' nor an 'activist_code', so its cases "
            "could not be exported. Add one, or mark it 'sensitive = true' with a "
            "'reason'."
        )

    aliases = _word_list(entry.get("aliases", []), f"{place}: 'aliases'", fail)
    keys: list[tuple[str, str]] = []
    for spelled in [name, *aliases]:
        key = normalize_category(spelled)
        if any(key == seen for seen, _ in keys):
            raise fail(f"{place}: {spelled!r} is listed twice; remove one.")
        keys.append((key, spelled))
    category = Category(name, label, tag, code, sensitive, reason, code_id)
    return category, keys


def _code_id(value: Any, place: str, fail: _Fail) -> str | None:
    """An NGP VAN activist code id: a whole number, bare or quoted."""
    if value is None:
        return None
    text = str(value).strip() if isinstance(value, int | str) else ""
    if isinstance(value, bool) or not text.isdigit():
        raise fail(
            f"{place}: 'activist_code_id' must be the number VAN shows for the "
            "code, like 4471234; leave it out to use the code's name only."
        )
    return text


def _place(number: int, line: int | None, name: Any) -> str:
    where = f"line {line}, category {number}" if line else f"category {number}"
    return f"{where} ({name!r})" if isinstance(name, str) and name else where


def _text(value: Any, what: str, fail: _Fail) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{what} is missing or empty; it must be a quoted, non-empty text.")
    return value.strip()


def _optional_text(value: Any, what: str, fail: _Fail) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail(
            f"{what} must be a quoted, non-empty text; leave the key out instead."
        )
    return value.strip()


def _word_list(value: Any, what: str, fail: _Fail) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(v, str) and v.strip() for v in value
    ):
        raise fail(
            f'{what} must be a list of quoted texts, like ["Denied", "Hostile"].'
        )
    return [v.strip() for v in value]
