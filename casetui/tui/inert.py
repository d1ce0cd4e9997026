"""Values from the files, shown inertly.

A name or a note in a casework export is whatever someone typed or pasted:
terminal escape sequences, right-to-left overrides that reorder the text around
them, null bytes, markup. Screens show values through `inert()`, which turns
control and direction-changing characters into visible marks, and through Text or
Content objects, which Textual never parses as markup, so `[@click=app.quit]` stays
text. The value stored and exported is the one read; only its display changes.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the characters that change text direction or join
# and hide (bidi embeddings, overrides, isolates and marks; zero-width joiners).
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _mark(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ ␛ ␊ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def inert(value: object, limit: int = 500) -> str:
    """Return `value` as text safe to put on screen: controls and direction
    changes made visible, at most `limit` characters (with an ellipsis)."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return _HIDDEN.sub(_mark, text)
