"""Read a casework export or a voter file as a table of text.

Every value stays text (zip codes and phone numbers are not numbers). Delimited text
goes through polars' CSV reader, so a voter file of millions of rows is read at the
speed of the reader; a careful Python reader takes over only when polars refuses
(rows with more fields than the header), and reports where the file went wrong.
"""

from __future__ import annotations

import _csv
import codecs
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from charset_normalizer import from_bytes

from casetui.errors import InputError, where

log = logging.getLogger(__name__)

DELIMITERS = (",", "\t", "|", ";")
SAMPLE_CHARS = 256 * 1024
PREVIEW_BYTES = 4 * 1024 * 1024
# Files up to this size get every record's field count checked in Python, so short
# rows can be named in the notes; bigger files (voter files) are left to polars,
# which pads short rows without saying which.
CHECK_BYTES = 64 * 1024 * 1024
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "mac_roman", "ascii"}


@dataclass
class Table:
    """A file read as text: `frame` has one pl.Utf8 column per header."""

    path: Path
    frame: pl.DataFrame
    encoding: str
    delimiter: str | None
    sha256: str
    size: int
    notes: list[str] = field(default_factory=list)
    rows: pl.Series | None = None
    """Each frame row's row number in the file (the header is row 1)."""
    dropped: list[str] = field(default_factory=list)
    """Columns dropped as empty and without a header."""

    def row_numbers(self) -> pl.Series:
        """Return `rows`, or 2, 3, ... when the reader kept no numbers."""
        if self.rows is not None:
            return self.rows
        return pl.int_range(2, self.frame.height + 2, eager=True).alias("_row")


def file_sha256(path: Path) -> str:
    """Return the hex sha256 of the file's bytes; raises InputError if unreadable."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    return digest.hexdigest()


def read_table(
    path: Path,
    *,
    max_rows: int | None = None,
    columns: set[str] | None = None,
    names: list[str] | None = None,
) -> Table:
    """Read a CSV/TSV/pipe/semicolon, XLSX or Parquet file with every value as text.

    `max_rows` reads only the first rows (a preview); `columns` keeps only those
    headers (a voter file's hundreds of unused columns are never held); `names`
    reads a delimited file that has no header row, naming its columns by
    position (its first record is then row 1). Returns a
    Table whose notes say what was fixed or noticed (never a value). Raises
    InputError naming the file (and row where known) when it is missing, empty,
    binary or malformed.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        large = max_rows is None and size > CHECK_BYTES
        with open(path, "rb") as handle:
            head = handle.read(PREVIEW_BYTES if max_rows is not None or large else -1)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    # Only a file that starts with blank space can be all blank space; stripping
    # a whole big file to find out would copy it.
    if size == 0 or (not head[:4096].strip() and not head.strip()):
        raise InputError(
            "Empty file", f"{where(path)} has no data. Export the file again."
        )
    sha = file_sha256(path)

    if head.startswith(b"PK\x03\x04"):
        frame, notes, first_row = _read_xlsx(path, max_rows)
        frame, rows, dropped = _tidy(frame, notes, first_row)
        table = Table(path, frame, "xlsx", None, sha, size, notes, rows, dropped)
    elif head.startswith(b"PAR1"):
        frame, notes = _read_parquet(path, max_rows)
        table = Table(path, frame, "parquet", None, sha, size, notes)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            "Old Excel file",
            f"{where(path)} is an .xls (Excel 97-2003) workbook. Open it in a "
            "spreadsheet program and save it as .xlsx or .csv.",
        )
    elif large and not names and (plain := _read_large(path, head, size, sha, columns)):
        table = plain
    else:
        if large:
            head = _read_all(path)
        if max_rows is not None and len(head) < size:
            head = head[: head.rfind(b"\n") + 1] or head  # whole lines only
        table = _read_delimited(path, head, size, sha, max_rows, columns, names)
    if columns is not None:
        # extra_N hold values of over-long rows: kept, as the notes promise.
        kept = [
            name
            for name in table.frame.columns
            if name in columns or name.startswith("extra_")
        ]
        table = dataclasses.replace(table, frame=table.frame.select(kept))

    log.info(
        "read %s rows=%d columns=%d encoding=%s notes=%d",
        sha[:12],
        table.frame.height,
        table.frame.width,
        table.encoding,
        len(table.notes),
    )
    return table


def _read_all(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _read_large(
    path: Path, head: bytes, size: int, sha: str, columns: set[str] | None
) -> Table | None:
    """A big UTF-8 file with its header on the first line, read by polars from
    the file itself: never held whole in Python, which would double the memory
    a voter file of millions of rows needs. None for any other file, which the
    general reader then takes."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:8192]:
        return None
    sample = head[:SAMPLE_CHARS].decode("utf-8-sig", errors="ignore")
    delimiter = _sniff_delimiter(sample, cut=True)
    skip_lines, header = _find_header(sample, delimiter, cut=True)
    if skip_lines:
        return None
    notes = ["file too large to check every row's field count"]
    names = _dedupe_headers(header, notes)
    picked = [i for i, name in enumerate(names) if columns is None or name in columns]
    try:
        # polars checks the whole file is UTF-8 as it reads, every column.
        frame = pl.read_csv(
            path, separator=delimiter, columns=picked, infer_schema=False
        )
    except pl.exceptions.PolarsError:
        return None  # another encoding, or rows polars refuses: the careful path
    named = zip(frame.columns, [names[i] for i in picked], strict=True)
    frame = frame.rename(dict(named))
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    frame, rows, dropped = _tidy(frame, notes, 2)
    return Table(path, frame, encoding, delimiter, sha, size, notes, rows, dropped)


def _unreadable(path: Path, exc: OSError) -> InputError:
    reason = exc.strerror or type(exc).__name__
    return InputError(
        "File cannot be read",
        f"{path}: {reason}. Check the path and that you may read it.",
    )


def _read_delimited(
    path: Path,
    data: bytes,
    size: int,
    sha: str,
    max_rows: int | None,
    columns: set[str] | None,
    given: list[str] | None = None,
) -> Table:
    notes: list[str] = []
    encoding, raw = _to_utf8(path, data)
    if encoding not in ("utf-8", "utf-8-sig"):
        notes.append(f"decoded from {encoding}")
    del data

    # raw is valid UTF-8; "ignore" only drops a character the sample cut in two.
    sample = raw[:SAMPLE_CHARS].decode("utf-8-sig", errors="ignore")
    cut = len(raw) > SAMPLE_CHARS
    delimiter = _sniff_delimiter(sample, cut)
    if given is None:
        skip_lines, header = _find_header(sample, delimiter, cut)
        if skip_lines:
            notes.append(f"skipped {skip_lines} line(s) above the header")
            raw = raw.split(b"\n", skip_lines)[-1]
        names = _dedupe_headers(header, notes)
    else:
        # No header row: one is put in front, and row numbers start at 1.
        skip_lines, names = -1, list(given)
        line = io.StringIO()
        csv.writer(line, delimiter=delimiter, lineterminator="\n").writerow(names)
        raw = line.getvalue().encode() + raw.removeprefix(codecs.BOM_UTF8)

    # Short rows are found only in files small enough to walk in Python; polars
    # pads them silently, so a big file's notes say they were not looked for.
    text = None
    short_rows: list[int] = []
    long_rows: list[int] = []
    if size <= CHECK_BYTES or max_rows is not None:
        text = raw.decode("utf-8-sig")
        short_rows, long_rows = _ragged_rows(
            text, delimiter, len(names), skip_lines, max_rows, path
        )
    else:
        notes.append("file too large to check every row's field count")
    if long_rows:
        frame = _python_read(text or "", delimiter, names, max_rows, path)
        notes.append(
            f"{len(long_rows)} row(s) had more fields than the header "
            f"({_rows(long_rows)}); the extra values are in columns extra_N"
        )
    else:
        frame = _polars_read(raw, delimiter, names, max_rows, path, columns)
    if short_rows:
        notes.append(
            f"{len(short_rows)} row(s) had fewer fields than the header "
            f"({_rows(short_rows)}); the missing values are empty"
        )

    frame, rows, dropped = _tidy(frame, notes, 2 + skip_lines)
    return Table(path, frame, encoding, delimiter, sha, size, notes, rows, dropped)


def peek_records(path: Path, limit: int = 20) -> tuple[str, list[list[str]]]:
    """Return the delimiter and the first `limit` records of a delimited file, as
    written (no header taken out): enough to recognise a file without a header
    row. Raises InputError when the file cannot be read as text."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(256 * 1024)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if head.startswith((b"PK\x03\x04", b"PAR1", b"\xd0\xcf\x11\xe0")):
        return "", []
    if b"\n" in head:
        head = head[: head.rfind(b"\n") + 1]
    _encoding, raw = _to_utf8(path, head)
    sample = raw.decode("utf-8-sig", errors="ignore")
    delimiter = _sniff_delimiter(sample, False)
    lines = _sample_lines(sample, limit, False)
    return delimiter, [row for row in csv.reader(lines, delimiter=delimiter) if row]


def _to_utf8(path: Path, data: bytes) -> tuple[str, bytes]:
    """Return (encoding name, the data as UTF-8 bytes, a BOM allowed). Never
    substitutes replacement characters: bytes no encoding explains raise
    InputError with the row they are on."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return "utf-16", data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad_bytes(path, data, exc.start, "UTF-16") from exc
    if b"\x00" in data[:8192]:
        raise InputError(
            "Not a text file",
            f"{where(path)} looks like a binary file, not CSV, XLSX or Parquet. "
            "Export the data as CSV or XLSX.",
        )
    if _is_utf8(data):
        return ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"), data

    # Western exports (Excel on Windows) are cp1252; charset-normalizer is asked
    # only to recognise the rest, as it mistakes short cp1252 text for others.
    guess = from_bytes(data[:PREVIEW_BYTES]).best()
    guessed = codecs.lookup(guess.encoding).name if guess else ""
    candidates = ["cp1252"] if not guessed or guessed in _WESTERN else []
    candidates += [guessed] if guessed else []
    candidates += ["cp1252"]
    failed_at = 0
    for name in dict.fromkeys(candidates):
        try:
            return name, data.decode(name).encode("utf-8")
        except UnicodeDecodeError as exc:
            failed_at = max(failed_at, exc.start)
    raise _bad_bytes(path, data, failed_at, "text in any known encoding")


def _is_utf8(data: bytes) -> bool:
    """Validate in slices, so a big file is never held twice as text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    step = 16 * 1024 * 1024
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start : start + step], final=start + step >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def _bad_bytes(path: Path, data: bytes, offset: int, encoding: str) -> InputError:
    row = data.count(b"\n", 0, offset) + 1
    return InputError(
        "Unknown text encoding",
        f"{where(path, row)} holds bytes that are not {encoding}. Save the file "
        "as UTF-8 (in Excel: CSV UTF-8) and try again.",
    )


def _sample_lines(sample: str, limit: int, cut: bool) -> list[str]:
    # A bare carriage return ends a line too (old Mac exports); the csv module
    # refuses one inside an unquoted field.
    lines = sample.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if cut and len(lines) > 1:
        lines = lines[:-1]  # the sample may have cut the last line short
    return lines[:limit]


def _sniff_delimiter(sample: str, cut: bool) -> str:
    """The delimiter that splits the first lines into the most, steadiest fields."""
    lines = _sample_lines(sample, 50, cut)
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if not counts:
            continue
        width, seen = Counter(counts).most_common(1)[0]
        score = (seen / len(counts), width)
        if width >= 2 and score > best_score:
            best, best_score = delimiter, score
    return best


def _find_header(sample: str, delimiter: str, cut: bool) -> tuple[int, list[str]]:
    """Return (lines above the header, header fields). Report titles and blank
    lines above the header are skipped: the header is the first record as wide as
    the commonest record width."""
    lines = _sample_lines(sample, 60, cut)
    rows = list(csv.reader(lines, delimiter=delimiter))
    widths = Counter(len(row) for row in rows if any(cell.strip() for cell in row))
    if not widths:
        return 0, next(iter(rows), [])
    width = widths.most_common(1)[0][0]
    for index, row in enumerate(rows):
        if len(row) >= width and any(cell.strip() for cell in row):
            # Counting lines, not records, assumes no quoted line breaks above the
            # header; report titles do not have them.
            return index, row
    return 0, rows[0]


def _dedupe_headers(header: list[str], notes: list[str]) -> list[str]:
    """Unique column names, in the file's order. A repeated header gets the first
    free `_2`, `_3` ... that no other header already has (`Phone, Phone,
    Phone_2` reads `Phone, Phone_3, Phone_2`); a blank one becomes `column_N`."""
    bases = [
        raw.strip().lstrip("\ufeff").strip() or f"column_{position}"
        for position, raw in enumerate(header, start=1)
    ]
    taken = set(bases)
    names: list[str] = []
    renamed: dict[str, list[str]] = {}
    for base in bases:
        name, n = base, 1
        while name in names or (name != base and name in taken):
            n += 1
            name = f"{base}_{n}"
        if name != base:
            renamed.setdefault(base, []).append(name)
        names.append(name)
    for base, news in renamed.items():
        notes.append(
            f'duplicate header "{base}" appears {len(news) + 1} times; the copies '
            f"are named {', '.join(news)}"
        )
    return names


def _records(text: str, delimiter: str) -> _csv.Reader:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _malformed(path: Path, line: int, exc: csv.Error) -> InputError:
    return InputError(
        "Malformed row",
        f"{where(path, line)}: {exc}. A quote is probably never closed; fix that "
        "row or export the file again.",
    )


def _ragged_rows(
    text: str,
    delimiter: str,
    width: int,
    skip_lines: int,
    max_rows: int | None,
    path: Path,
) -> tuple[list[int], list[int]]:
    """Row numbers (header = row 1, counting records) of records with fewer and
    with more fields than the header. Raises InputError on an unclosed quote."""
    short: list[int] = []
    long: list[int] = []
    reader = _records(text, delimiter)
    # The line the failing record began on: an unclosed quote makes the reader
    # swallow lines up to the end, so its own line count points past the row.
    began = 2
    try:
        next(reader, None)
        began = reader.line_num + 1
        for index, record in enumerate(reader):
            if max_rows is not None and index >= max_rows:
                break
            began = reader.line_num + 1
            if not record:
                continue  # a blank line, dropped later with a note
            if len(record) < width:
                short.append(index + 2 + skip_lines)
            elif len(record) > width:
                long.append(index + 2 + skip_lines)
    except csv.Error as exc:
        raise _malformed(path, began + skip_lines, exc) from exc
    return short, long


def _polars_read(
    raw: bytes,
    delimiter: str,
    names: list[str],
    max_rows: int | None,
    path: Path,
    columns: set[str] | None = None,
) -> pl.DataFrame:
    picked = [i for i, name in enumerate(names) if columns is None or name in columns]
    try:
        frame = pl.read_csv(
            raw,
            separator=delimiter,
            has_header=True,
            columns=picked,
            infer_schema=False,
            n_rows=max_rows,
            raise_if_empty=False,
        )
        # By position: the file's own headers may repeat or be blank.
        return frame.rename(
            dict(zip(frame.columns, [names[i] for i in picked], strict=True))
        )
    except pl.exceptions.PolarsError as exc:
        log.info("csv reader refused %s (%s); reading row by row", path.suffix, exc)
        text = raw.decode("utf-8-sig")
        return _python_read(text, delimiter, names, max_rows, path)


def _python_read(
    text: str, delimiter: str, names: list[str], max_rows: int | None, path: Path
) -> pl.DataFrame:
    """Slow, careful reader: pads short records and keeps extra fields."""
    names = list(names)
    width = len(names)
    columns: list[list[str | None]] = [[] for _ in names]
    reader = _records(text, delimiter)
    try:
        next(reader, None)
        for index, record in enumerate(reader):
            if max_rows is not None and index >= max_rows:
                break
            while len(record) > len(columns):
                names.append(f"extra_{len(columns) - width + 1}")
                columns.append([None] * index)
            for position, column in enumerate(columns):
                value = record[position] if position < len(record) else ""
                column.append(value or None)
    except csv.Error as exc:
        raise _malformed(path, reader.line_num, exc) from exc
    return pl.DataFrame(
        dict(zip(names, columns, strict=True)),
        schema={name: pl.Utf8 for name in names},
    )


def _tidy(
    frame: pl.DataFrame, notes: list[str], first_row: int
) -> tuple[pl.DataFrame, pl.Series, list[str]]:
    """Drop trailing columns with no header and no values, and rows with no
    values. Returns the frame, each kept row's number in the file (the first
    record being `first_row`), and the columns dropped."""
    drop: list[str] = []
    for name in reversed(frame.columns):
        if not name.startswith("column_") or frame[name].null_count() < frame.height:
            break
        drop.append(name)
    drop.reverse()
    if drop:
        frame = frame.drop(drop)
        notes.append(
            f"dropped {len(drop)} empty trailing column(s) with no header "
            f"({', '.join(drop)})"
        )
    rows = pl.int_range(first_row, first_row + frame.height, eager=True).alias("_row")
    if frame.width:
        empty = frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
        blank = int(empty.sum())
        if blank:
            frame = frame.filter(~empty)
            rows = rows.filter(~empty)
            notes.append(f"dropped {blank} blank row(s)")
    return frame, rows, drop


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(row) for row in rows[:10])
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    return ("row " if len(rows) == 1 else "rows ") + shown + more


def _cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text a person sees: 123 not 123.0, dates ISO."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _read_xlsx(path: Path, max_rows: int | None) -> tuple[pl.DataFrame, list[str], int]:
    """The first worksheet as text, its notes, and the row number of its first
    record; the header is the sheet's first non-empty row."""
    import openpyxl  # imported here: only spreadsheet users pay for it

    notes: list[str] = []
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise _bad_workbook(path, exc) from exc
    try:
        names, columns, skipped = _sheet_columns(book, max_rows, notes)
    except Exception as exc:  # a cut-short workbook fails part way, many ways
        raise _bad_workbook(path, exc) from exc
    finally:
        book.close()
    frame = pl.DataFrame(
        dict(zip(names, columns, strict=True)),
        schema={name: pl.Utf8 for name in names},
    )
    return frame, notes, skipped + 2


def _bad_workbook(path: Path, exc: Exception) -> InputError:
    """The exception's kind goes to the log only: to the operator it is jargon."""
    log.info("workbook unreadable: %s", type(exc).__name__)
    return InputError(
        "Workbook cannot be read",
        f"{where(path)} is damaged or not a real .xlsx workbook (was it cut short "
        "while copying or downloading?). Copy or export it again; if it opens in "
        "a spreadsheet program, save it there as .xlsx or .csv and retry.",
    )


def _sheet_columns(
    book, max_rows: int | None, notes: list[str]
) -> tuple[list[str], list[list[str | None]], int]:
    sheet = book.worksheets[0]
    if len(book.worksheets) > 1:
        notes.append(f"read the first of {len(book.worksheets)} worksheets")
    rows = sheet.iter_rows(values_only=True)
    header: list[str] = []
    skipped = 0
    for row in rows:
        cells = [_cell_text(value) for value in row]
        if any(cells):
            header = [cell or "" for cell in cells]
            break
        skipped += 1
    if skipped:
        notes.append(f"skipped {skipped} empty row(s) above the header")
    names = _dedupe_headers(header, notes)
    width = len(names)
    columns: list[list[str | None]] = [[] for _ in names]
    long_rows: list[int] = []
    for index, row in enumerate(rows):
        if max_rows is not None and index >= max_rows:
            break
        cells = [_cell_text(value) for value in row]
        while len(cells) > width and cells[-1] is None:
            cells.pop()
        if len(cells) > width:
            long_rows.append(index + skipped + 2)
        while len(cells) > len(columns):
            names.append(f"extra_{len(columns) - width + 1}")
            columns.append([None] * index)
        for position, column in enumerate(columns):
            column.append(cells[position] if position < len(cells) else None)
    if long_rows:
        notes.append(
            f"{len(long_rows)} row(s) had values beyond the header "
            f"({_rows(long_rows)}); they are in columns extra_N"
        )
    return names, columns, skipped


def _read_parquet(path: Path, max_rows: int | None) -> tuple[pl.DataFrame, list[str]]:
    """Every column cast to text; whole floats lose their '.0'."""
    try:
        frame = pl.read_parquet(path, n_rows=max_rows)
    except (pl.exceptions.PolarsError, OSError) as exc:
        log.info("parquet unreadable: %s", type(exc).__name__)
        raise InputError(
            "Parquet file cannot be read",
            f"{where(path)} cannot be read as Parquet: it is damaged (cut short?) "
            "or not a Parquet file, though it starts like one. Export it again, "
            "as Parquet or CSV.",
        ) from exc
    try:
        frame = frame.select(
            pl.when(pl.col(name) == pl.col(name).floor())
            .then(pl.col(name).cast(pl.Int64, strict=False).cast(pl.Utf8))
            .otherwise(pl.col(name).cast(pl.Utf8))
            .alias(name)
            if dtype.is_float()
            else pl.col(name).cast(pl.Utf8)
            for name, dtype in frame.schema.items()
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(
            "Parquet file cannot be read",
            f"{where(path)} has nested columns (lists or structs). Only flat "
            "tables can be read; export it as CSV instead.",
        ) from exc
    return frame, []
