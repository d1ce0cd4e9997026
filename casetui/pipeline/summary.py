"""The run summary: the manifest told in markdown, for the person who has to
answer for the export (counsel, the campaign manager) rather than for a program.
It holds what the manifest holds, so no personal value either."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

COUNT_LABELS = {
    "cases": "Cases in the casework file",
    "cases_in_file": "Cases in the file before the sync kept the new",
    "voters": "Voters in the voter file",
    "suppressed": "Cases suppressed",
    "matched_cases": "Cases sent to matching",
    "accepted_auto": "Matches accepted automatically",
    "accepted_by_operator": "Matches accepted by the operator",
    "rejected": "Cases with no voter match",
    "pending_review": "Cases left undecided (not exported)",
}


def _cell(value: Any) -> str:
    return str("" if value is None else value).replace("|", "\\|").replace("\n", " ")


def _table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _outputs(exports: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for target, entry in exports.items():
        for part in entry.get("parts", [entry]):
            rows.append([target, part["file"], part["rows"], part["sha256"]])
    return rows


def summary_markdown(manifest: dict[str, Any]) -> str:
    """Return the markdown summary of a manifest (every section it has)."""
    m = manifest
    lines = [
        "# Export summary",
        "",
        f"Session `{m.get('session', '')}`, operator {m.get('operator') or '(none)'}, "
        f"written {m.get('written_at', '')} by casetui {m.get('casetui_version', '')}.",
        "",
    ]
    if m.get("since"):
        since = m["since"]
        lines += [
            f"Sync from session `{since['session']}`: only cases new or changed "
            f"since its export of {since['exported_at']}, and only links it had "
            "not exported.",
            "",
        ]

    lines += ["## Inputs", ""]
    lines += _table(
        ["role", "file", "rows", "layout", "sha256"],
        ([role, i["file"], i["rows"], i["layout"], i["sha256"]]
         for role, i in m.get("inputs", {}).items()),
    )  # fmt: skip
    if codebook := m.get("codebook"):
        lines += [
            f"Codebook: {codebook['name']}, version {codebook['version']}, "
            f"sha256 `{codebook['sha256']}`.",
            "",
        ]

    lines += ["## Attestations", ""]
    lines += _table(
        ["item", "by", "at", "details"],
        ([item, d.get("operator", ""), d.get("at", ""),
          "; ".join(f"{k}: {v}" for k, v in d.items() if k not in ("at", "operator"))]
         for item, d in m.get("attestations", {}).items()),
    )  # fmt: skip

    lines += ["## Counts", ""]
    counts = m.get("counts", {})
    lines += _table(
        ["step", "count"],
        ([COUNT_LABELS.get(k, k), v] for k, v in counts.items()),
    )
    lines += _table(
        ["held back at export", "links"],
        (list(kv) for kv in m.get("held_back", {}).items()),
    )
    stale = m.get("stale_addresses", {})
    if stale:
        lines += [
            f"Exported cases older than {stale['older_than_days']} days (their "
            f"address is likely stale): {stale['cases']}.",
            "",
        ]

    lines += ["## Suppression rules and overrides", ""]
    lines += _table(
        ["rule", "hits", "overridden"],
        ([rule, r["hits"], r["overridden"]]
         for rule, r in m.get("suppression", {}).items()),
    )  # fmt: skip
    overrides = m.get("overrides", [])
    if overrides:
        lines += _table(
            ["case", "rule", "by", "at"],
            ([o["case_id"], o["rule"], o["by"], o["at"]] for o in overrides),
        )
        lines += ["Override reasons are kept in the session, not here.", ""]
    uncovered = m.get("uncovered_categories", {})
    if uncovered:
        lines += ["Case types the codebook does not cover (no tag, not exported):", ""]
        lines += _table(["case type", "cases"], (list(kv) for kv in uncovered.items()))

    if thresholds := m.get("thresholds"):
        lines += [
            "## Thresholds",
            "",
            f"Accept at {thresholds['accept']}, review from {thresholds['review']}.",
            "",
        ]

    lines += ["## Outputs", ""]
    lines += _table(
        ["target", "file", "rows", "sha256"], _outputs(m.get("exports", {}))
    )
    if columns := m.get("ngpvan_columns"):
        lines += [f"NGP VAN columns: {', '.join(columns)}.", ""]
    if audit := m.get("audit_head"):
        lines += [
            "## Audit log",
            "",
            f"At export the audit log ended at entry {audit['seq']}, hash "
            f"`{audit['hash']}`. `casetui audit verify {m.get('session', '')} "
            "--manifest manifest.json` checks the log against this.",
            "",
        ]
    return "\n".join(lines)
