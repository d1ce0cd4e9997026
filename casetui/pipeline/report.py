"""The load report: what reading and mapping a file did, in counts and row numbers,
never values. Shown on the file step, printed by `casetui inspect`, stored in the
session and written into the manifest."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from casetui.pipeline.values import Finding


@dataclass
class LoadReport:
    """One file's load: how it was read, what was dropped, repaired or flagged."""

    file: str
    encoding: str
    delimiter: str | None
    layout: str | None = None
    rows_read: int = 0
    rows_held: int = 0
    columns_read: int = 0
    columns_dropped: list[str] = field(default_factory=list)
    columns_unused: int = 0
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def repaired(self) -> int:
        """Values changed to a value that is certain."""
        return sum(f.count for f in self.findings if f.repaired)

    @property
    def flagged(self) -> int:
        """Values not understood: left empty, or kept as written when no
        repair is certain (a short ZIP code with no state)."""
        return sum(f.count for f in self.findings if not f.repaired)

    def lines(self) -> list[str]:
        """The report as lines of text for a screen or a terminal."""
        delimiter = DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
        lines = [
            f"encoding {self.encoding}, delimiter {delimiter}, layout "
            f"{self.layout or 'none'}",
            f"rows read {self.rows_read:,}, rows held for review {self.rows_held:,}",
            f"columns read {self.columns_read}, not used by the layout "
            f"{self.columns_unused}, dropped {len(self.columns_dropped)}"
            + (f" ({', '.join(self.columns_dropped)})" if self.columns_dropped else ""),
            f"values repaired {self.repaired:,}, flagged {self.flagged:,}",
        ]
        lines += [f"note: {note}" for note in self.notes]
        lines += [f"value: {finding.line()}" for finding in self.findings]
        return lines

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data for the session and the manifest."""
        data = asdict(self)
        data["values_repaired"] = self.repaired
        data["values_flagged"] = self.flagged
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadReport:
        """The report stored by `as_dict`."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["findings"] = [Finding(**f) for f in data.get("findings", [])]
        return cls(**known)


DELIMITER_NAMES: dict[str | None, str] = {
    ",": "comma",
    "\t": "tab",
    "|": "pipe",
    ";": "semicolon",
    None: "none (spreadsheet)",
}
