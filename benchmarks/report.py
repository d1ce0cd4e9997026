"""The benchmark tables, as plain text and as Markdown."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.metrics import Accuracy, BestThreshold, CaseworkBands


@dataclass
class Row:
    tool: str
    failed: bool = False
    wall_s: float | None = None
    peak_rss_mib: float | None = None
    pairs: int | None = None
    default: Accuracy | None = None
    best: BestThreshold | None = None
    lost_in_blocking: float | None = None
    bands: CaseworkBands | None = None


HEADERS = [
    "tool",
    "P",
    "R",
    "F1",
    "best F1",
    "P@best",
    "R@best",
    "best at",
    "pairs",
    "wall s",
    "peak MiB",
    "review",
    "P accept",
    "R acc+rev",
    "lost in blocking",
]

LEGEND = [
    "P, R, F1: at the tool's default setting, one voter per case.",
    "best F1, P@best, R@best, best at: the score threshold on each case's best "
    "pair that maximises F1, and that threshold.",
    "pairs: candidate pairs compared. wall s: median over {repeat} run(s). "
    "peak MiB: largest peak RSS of the process tree over the runs.",
    "review: share of cases in casetui's review band. P accept: precision of "
    "accepted. R acc+rev: true links that are the assigned pair of an accept or "
    "review case.",
    "lost in blocking: true links never compared, where the pairs file holds "
    "every compared pair.",
]


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _threshold(value: float | None) -> str:
    # Six places, so a cut-off of 0.99997 does not print as 1.0000.
    return "-" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _accuracy(acc: Accuracy | None, order: str = "prf") -> list[str]:
    if acc is None:
        return ["-"] * len(order)
    value = {"p": acc.precision, "r": acc.recall, "f": acc.f1}
    return [_num(value[key]) for key in order]


def _bands(bands: CaseworkBands | None) -> list[str]:
    if bands is None:
        return ["-"] * 3
    return [
        _share(bands.review_share),
        _num(bands.accepted_precision),
        _num(bands.recall_accept_review),
    ]


def cells(row: Row) -> list[str]:
    if row.failed:
        return [row.tool, "failed", *[""] * (len(HEADERS) - 2)]
    best = row.best
    return [
        row.tool,
        *_accuracy(row.default),
        *_accuracy(best and best.accuracy, "fpr"),
        _threshold(best and best.threshold),
        "-" if row.pairs is None else f"{row.pairs:,}",
        _num(row.wall_s, 1),
        _num(row.peak_rss_mib, 0),
        *_bands(row.bands),
        _share(row.lost_in_blocking),
    ]


def _plain_table(rows: list[Row]) -> str:
    grid = [HEADERS, *[cells(r) for r in rows]]
    widths = [max(len(line[i]) for line in grid) for i in range(len(HEADERS))]

    def line(values: list[str]) -> str:
        first = values[0].ljust(widths[0])
        rest = [v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(grid[0]), rule, *[line(v) for v in grid[1:]]])


def _markdown_table(rows: list[Row]) -> str:
    def line(values: list[str]) -> str:
        return "| " + " | ".join(values) + " |"

    align = ["---", *["---:"] * (len(HEADERS) - 1)]
    return "\n".join([line(HEADERS), line(align), *[line(cells(r)) for r in rows]])


def render_plain(
    tables: list[tuple[str, list[Row]]], notes: list[str], repeat: int
) -> str:
    parts = [f"{title}\n\n{_plain_table(rows)}" for title, rows in tables]
    legend = [text.format(repeat=repeat) for text in LEGEND]
    return "\n\n".join([*parts, "\n".join([*legend, *notes])]) + "\n"


def render_markdown(
    tables: list[tuple[str, list[Row]]], notes: list[str], repeat: int
) -> str:
    parts = [f"### {title}\n\n{_markdown_table(rows)}" for title, rows in tables]
    legend = [f"- {text.format(repeat=repeat)}" for text in LEGEND]
    legend += [f"- {note}" for note in notes]
    return "\n\n".join([*parts, "\n".join(legend)]) + "\n"
