"""File layouts as data: which header holds which canonical field.

A layout is a TOML file (built-in ones ship in casetui/layouts/, saved ones live in
the config directory). Headers are compared by a key that ignores case, spaces and
punctuation, so "First Name", "first_name" and "FirstName" are the same header.
Mapping a file is vectorised polars work: the voter file can be millions of rows.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz

from casetui import paths
from casetui.errors import InputError, LayoutError, where

log = logging.getLogger(__name__)

CASEWORK_FIELDS = (
    "case_id", "contact_id", "first_name", "middle_name", "last_name",
    "name_suffix", "full_name", "street", "unit", "city", "state", "zip5", "zip4",
    "phone", "email", "birth_year", "dob", "category", "subject", "status",
    "outcome", "opened", "closed", "do_not_contact", "deceased", "email_opt_in",
    "notes",
)  # fmt: skip
VOTER_FIELDS = (
    "voter_id", "first_name", "middle_name", "last_name", "name_suffix", "street",
    "unit", "city", "state", "zip5", "zip4", "phone", "email", "birth_year",
)  # fmt: skip
FLAG_FIELDS = frozenset({"do_not_contact", "deceased", "email_opt_in"})
KINDS = {"casework": CASEWORK_FIELDS, "voter": VOTER_FIELDS}
# Fields a layout may name that are not output columns: they feed derived values.
SOURCE_ONLY = {"casework": ("dob", "age"), "voter": ("dob", "age")}
COMBINE = ("join", "first", "any")
# Below this detection score a file is treated as an unknown layout.
DETECT_THRESHOLD = 0.35


@dataclass(frozen=True)
class Layout:
    """A file layout: canonical field -> the source headers that fill it.

    `combine` says how a field with several headers is filled: "join" (parts
    joined with a space, the default for text), "first" (first non-blank) or
    "any" (a flag true when any is true, the default for flags). `age_column`
    with `age_as_of` ("file" for the file's modification date, or YYYY-MM-DD)
    derives birth_year from an age.
    """

    name: str
    title: str
    kind: str
    fields: dict[str, tuple[str, ...]]
    path: Path | None = None
    combine: dict[str, str] = field(default_factory=dict)
    combine_default: str = "join"
    age_column: str | None = None
    age_as_of: str = "file"
    columns: tuple[str, ...] = ()
    """For a file without a header row: its column names, by position."""
    detect: dict[str, str] = field(default_factory=dict)
    """For a file without a header row: column -> the pattern its values match."""

    @property
    def has_header(self) -> bool:
        return not self.columns

    def how(self, canonical: str) -> str:
        """Return how several headers for `canonical` are combined."""
        if canonical in self.combine:
            return self.combine[canonical]
        return "any" if canonical in FLAG_FIELDS else self.combine_default

    def headers(self) -> set[str]:
        """Return the header keys this layout reads."""
        named = {key(h) for sources in self.fields.values() for h in sources}
        return named | ({key(self.age_column)} if self.age_column else set())


def key(header: str) -> str:
    """Return the comparison key of a header: lowercase letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", header.lower().replace("#", "no"))


def builtin_dir() -> Path:
    return paths.package_dir() / "layouts"


def saved_dir() -> Path:
    return paths.private_dir(paths.config_dir() / "layouts")


def load_layout(path: Path) -> Layout:
    """Read one layout TOML file; raises LayoutError naming the file and the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LayoutError(
            "Layout file unreadable", f"{where(path)}: {exc}. Fix or delete it."
        ) from exc

    def bad(what: str) -> LayoutError:
        return LayoutError("Layout file invalid", f"{where(path)}: {what}.")

    kind = data.get("kind")
    if kind not in KINDS:
        raise bad('kind must be "casework" or "voter"')
    if not isinstance(data.get("name"), str) or not isinstance(
        data.get("fields"), dict
    ):
        raise bad("it needs a name and a [fields] table")
    allowed = set(KINDS[kind]) | set(SOURCE_ONLY[kind])
    fields: dict[str, tuple[str, ...]] = {}
    for canonical, sources in data["fields"].items():
        if canonical not in allowed:
            raise bad(f'"{canonical}" is not a {kind} field')
        sources = [sources] if isinstance(sources, str) else sources
        if not sources or not all(isinstance(s, str) for s in sources):
            raise bad(f'field "{canonical}" needs a header name or a list of them')
        fields[canonical] = tuple(sources)
    combine = dict(data.get("combine", {}))
    default = data.get("combine_default", "join")
    for how in [*combine.values(), default]:
        if how not in COMBINE:
            raise bad(f'combine "{how}" is not one of {", ".join(COMBINE)}')
    columns = data.get("columns", [])
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise bad("columns must be a list of column names")
    detect = dict(data.get("detect", {}))
    if columns:
        named = [h for sources in fields.values() for h in sources]
        for header in [*named, *detect]:
            if header not in columns:
                raise bad(f'"{header}" is not one of the layout\'s columns')
        if not detect:
            raise bad("a layout without a header row needs a [detect] table")
    for header, pattern in detect.items():
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise bad(f'the detect pattern for "{header}" is not valid') from exc
    age = data.get("age", {})
    return Layout(
        name=data["name"],
        title=data.get("title", data["name"]),
        kind=kind,
        fields=fields,
        path=path,
        combine=combine,
        combine_default=default,
        age_column=age.get("column"),
        age_as_of=str(age.get("as_of", "file")),
        columns=tuple(columns),
        detect=detect,
    )


def builtin_layouts() -> list[Layout]:
    """Return the layouts shipped with casetui, by name."""
    return [load_layout(p) for p in sorted(builtin_dir().glob("*.toml"))]


def saved_layouts() -> list[Layout]:
    """Return the operator's saved layouts; raises LayoutError for a broken one."""
    return [load_layout(p) for p in sorted(saved_dir().glob("*.toml"))]


def all_layouts(kind: str | None = None) -> list[Layout]:
    """Return built-in then saved layouts, of one kind when `kind` is given."""
    layouts = builtin_layouts() + saved_layouts()
    return [lay for lay in layouts if kind is None or lay.kind == kind]


def _present(
    fields: dict[str, tuple[str, ...]], keys: dict[str, str]
) -> dict[str, list[str]]:
    """Canonical field -> the file's actual headers that the layout names."""
    found: dict[str, list[str]] = {}
    for canonical, sources in fields.items():
        actual = [keys[key(s)] for s in sources if key(s) in keys]
        if actual:
            found[canonical] = actual
    return found


def _missing_required(kind: str, found: dict[str, list[str]]) -> list[str]:
    needed: list[tuple[str, ...]]
    if kind == "voter":
        needed = [("voter_id",), ("last_name",)]
    else:
        needed = [("case_id",), ("last_name", "full_name"), ("category",)]
    return [" or ".join(group) for group in needed if not set(group) & set(found)]


def _header_keys(headers: list[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for header in headers:
        keys.setdefault(key(header), header)
    return keys


def mapped_headers(headers: list[str], layout: Layout) -> dict[str, list[str]]:
    """Return canonical field -> the file's headers that `layout` maps to it."""
    return _present(layout.fields, _header_keys(headers))


def columns_read(headers: list[str], layout: Layout) -> set[str]:
    """Return the file's headers that `layout` maps: the only ones worth reading
    from a voter file that may have hundreds."""
    keys = _header_keys(headers)
    return {keys[k] for k in layout.headers() if k in keys}


def score_layout(headers: list[str], layout: Layout) -> float:
    """Return how well `layout` fits these headers, 0..1: 0 when a required field
    is missing, else 0.7 x share of the layout's fields found + 0.3 x share of the
    file's headers the layout reads."""
    keys = _header_keys(headers)
    found = _present(layout.fields, keys)
    if not keys or _missing_required(layout.kind, found):
        return 0.0
    coverage = len(found) / len(layout.fields)
    explained = len(layout.headers() & set(keys)) / len(keys)
    return round(0.7 * coverage + 0.3 * explained, 4)


def detect_layout(headers: list[str], kind: str) -> tuple[Layout | None, float]:
    """Return the best-fitting layout of `kind` and its score; the layout is None
    when no layout scores DETECT_THRESHOLD or more."""
    best, best_score = None, 0.0
    for layout in all_layouts(kind):
        if not layout.has_header:
            continue
        score = score_layout(headers, layout)
        if score > best_score:
            best, best_score = layout, score
    if best_score < DETECT_THRESHOLD:
        return None, best_score
    return best, best_score


def _fits(records: list[list[str]], layout: Layout) -> tuple[bool, str]:
    """Whether nine in ten records fit a layout without a header row, and if
    not, the first row and column (or field count) that does not."""
    width, fits, first_miss = len(layout.columns), 0, ""
    for row, record in enumerate(records, start=1):
        if len(record) != width:
            miss = f"row {row} has {len(record)} fields, the layout {width}"
        else:
            miss = next(
                (
                    f'row {row}, column "{column}" is not shaped like one'
                    for column, pattern in layout.detect.items()
                    if not re.fullmatch(
                        pattern, record[layout.columns.index(column)].strip()
                    )
                ),
                "",
            )
        fits += not miss
        first_miss = first_miss or miss
    return bool(records) and fits >= 0.9 * len(records), first_miss


def detect_headerless(records: list[list[str]], kind: str) -> Layout | None:
    """Return the layout without a header row that these first records fit: as
    many fields as its columns, and nine in ten records matching every pattern
    of its [detect] table. None when no such layout fits."""
    for layout in all_layouts(kind):
        if not layout.has_header and _fits(records, layout)[0]:
            return layout
    return None


def check_headerless(records: list[list[str]], layout: Layout, source: Path) -> None:
    """Raise LayoutError, naming the row and column, when a file chosen for a
    layout without a header row does not have that layout's shape."""
    fits, miss = _fits(records, layout)
    if not fits:
        raise LayoutError(
            "Wrong layout",
            f"{source.name} does not look like the {layout.name} layout ({miss}). "
            "Choose another layout or let casetui detect it.",
        )


def choose_layout(
    headers: list[str],
    kind: str,
    name: str | None,
    source: Path,
    option: str | None = None,
) -> Layout:
    """Return the layout called `name`, or the one the headers fit best.

    `option` is the command-line option that names a layout (`--layout`,
    `--voter-layout`...), for the advice; None in the wizard. Raises InputError
    when no layout has that name or none fits."""
    if name:
        for layout in all_layouts(kind):
            if layout.name == name:
                return layout
        known = ", ".join(each.name for each in all_layouts(kind))
        raise InputError(
            "Unknown layout", f"No {kind} layout is named {name!r} (known: {known})."
        )
    detected, _ = detect_layout(list(headers), kind)
    if detected is None:
        then = f", then pass {option} with its name" if option else ""
        raise InputError(
            "Layout not recognised",
            f"{source.name}: its columns match no known {kind} layout"
            f"{nearest_miss(headers, kind)}. Map the columns in the wizard's file "
            f"step and save the mapping as a layout{then}.",
        )
    return detected


def nearest_miss(headers: list[str], kind: str) -> str:
    """Say which required fields keep the closest layout from fitting, if one
    fits apart from them: a dropped column is the usual cause. Closest by the
    detection score without its required fields; close enough when it has half
    its own fields or reads half the file's columns (a layout of many spellings,
    like generic_casework, has few of its fields in any one file)."""
    keys = _header_keys(headers)
    best, best_score, best_missing = None, 0.0, []
    for layout in all_layouts(kind):
        found = _present(layout.fields, keys)
        coverage = len(found) / len(layout.fields)
        explained = len(layout.headers() & set(keys)) / max(len(keys), 1)
        score = 0.7 * coverage + 0.3 * explained
        if score > best_score and max(coverage, explained) >= 0.5:
            best, best_score = layout, score
            best_missing = _missing_required(kind, found)
    if best is None or not best_missing:
        return ""
    return (
        f"; it is closest to {best.name} ({best.title}) but has no column for "
        + describe_missing(best, best_missing)
    )


def describe_missing(layout: Layout, missing: list[str]) -> str:
    """Return 'category (the generic_casework layout expects "Case Type")': the
    required fields missing, with the header the layout reads each from."""
    wanted = []
    for group in missing:
        spellings = [
            h for part in group.split(" or ") for h in layout.fields.get(part, ())
        ]
        if spellings:
            wanted.append(f'"{spellings[0]}"')
    expects = f" (the {layout.name} layout expects {' and '.join(wanted)})"
    return ", ".join(missing) + (expects if wanted else "")


def check_unique_cases(cases: pl.DataFrame, source: Path) -> None:
    """Raise InputError when a case id appears on more than one row."""
    dupes = cases.filter(pl.col("case_id").is_duplicated())["case_id"]
    if dupes.len():
        raise InputError(
            "Duplicate case ids",
            f"{source.name}: {dupes.n_unique()} case ids appear more than once "
            f"(first: {dupes[0]}). Each row must be one case.",
        )


def apply_layout(frame: pl.DataFrame, layout: Layout, source: Path) -> pl.DataFrame:
    """Return `frame` mapped to the canonical fields of the layout's kind (see
    casetui.pipeline.mapping.map_table, which also returns what it repaired and
    flagged). Raises LayoutError when a required field has no column."""
    from casetui.pipeline.mapping import map_table  # it builds on this module

    return map_table(frame, layout, source)[0]


def mapping_from(headers: list[str], kind: str) -> dict[str, str | None]:
    """Return a suggested header for each field of `kind` (None when nothing is
    close), by similarity to the headers the known layouts use."""
    fields = (*KINDS[kind], *SOURCE_ONLY[kind])
    spellings: dict[str, set[str]] = {f: {key(f)} for f in fields}
    # Spellings from layouts of both kinds: a voter file may say "Surname" too.
    for layout in all_layouts():
        for canonical, sources in layout.fields.items():
            if canonical in spellings:
                spellings[canonical].update(key(s) for s in sources)
        if layout.age_column:
            spellings["age"].add(key(layout.age_column))
    pairs = []
    for header in headers:
        for canonical, known in spellings.items():
            best = max(fuzz.ratio(key(header), k) for k in known)
            if best >= 85:
                pairs.append((best, canonical, header))
    mapping: dict[str, str | None] = dict.fromkeys(spellings)
    used: set[str] = set()
    for _score, canonical, header in sorted(pairs, key=lambda p: -p[0]):
        if mapping[canonical] is None and header not in used:
            mapping[canonical] = header
            used.add(header)
    return mapping


def layout_from_mapping(name: str, kind: str, mapping: dict[str, str]) -> Layout:
    """Return an in-memory layout from canonical field -> header ("age" allowed);
    raises LayoutError for an unknown kind or field."""
    if kind not in KINDS:
        raise LayoutError("Unknown kind", 'kind must be "casework" or "voter".')
    allowed = set(KINDS[kind]) | set(SOURCE_ONLY[kind])
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise LayoutError("Unknown field", f"not {kind} fields: {', '.join(unknown)}.")
    fields: dict[str, tuple[str, ...]] = {
        f: (h,) for f, h in mapping.items() if h and f != "age"
    }
    return Layout(name, name, kind, fields, None, age_column=mapping.get("age"))


def save_layout(layout: Layout) -> Path:
    """Write `layout` as TOML into the saved-layouts folder (mode 0600) and return
    its path; raises LayoutError for a bad or built-in name."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,40}", layout.name):
        raise LayoutError(
            "Layout name not allowed",
            "Use lowercase letters, digits, - and _ (up to 41 characters).",
        )
    if (builtin_dir() / f"{layout.name}.toml").exists():
        raise LayoutError(
            "Layout name taken", f"{layout.name} is a built-in layout; pick another."
        )
    q = json.dumps  # a JSON string is a valid TOML basic string
    lines = [f"name = {q(layout.name)}", f"title = {q(layout.title)}"]
    lines += [
        f"kind = {q(layout.kind)}",
        f"combine_default = {q(layout.combine_default)}",
    ]
    lines += ["", "[fields]"]
    for canonical, sources in layout.fields.items():
        value = q(sources[0]) if len(sources) == 1 else json.dumps(list(sources))
        lines.append(f"{canonical} = {value}")
    if layout.combine:
        lines += ["", "[combine]"] + [
            f"{f} = {q(h)}" for f, h in layout.combine.items()
        ]
    if layout.age_column:
        lines += ["", "[age]", f"column = {q(layout.age_column)}"]
        lines.append(f"as_of = {q(layout.age_as_of)}")
    path = saved_dir() / f"{layout.name}.toml"
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log.info("saved layout %s", layout.name)
    return path
