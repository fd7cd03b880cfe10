"""Text for a terminal: plain-text tables aligned by display width, so Japanese text lines up,
and :func:`terminal_safe`, which every line the command line prints goes through."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ._core import display_width

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings, overrides
# and isolates (U+202A-U+202E, U+2066-U+2069) that reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x20 else f"\\u{c:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every character that would act on a terminal instead of showing (an escape
    sequence, NUL, a carriage return, a bidi override) written as a visible escape: ESC as
    ``\\x1b``, DEL, C1 and bidi controls as ``\\u007f``, ``\\u202e``. Tab and newline are
    kept. Idempotent. JSON stays JSON: json.dumps escapes C0 itself, and ``\\uNNNN`` is a JSON
    escape of the same character."""
    return _UNSAFE.sub(_escape, text)


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` padded with spaces to `width` display columns (`align` is '<' or '>')."""
    fill = " " * max(0, width - display_width(text))
    return text + fill if align == "<" else fill + text


def _cell(value: object) -> str:
    """A table cell on one line: terminal-safe, a tab or line break shown as a space."""
    return terminal_safe(str(value)).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def format_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    align: str | None = None,
) -> str:
    """Rows under headers, columns separated by two spaces.

    `align` has one character per column: '<' left (default) or '>' right (numbers). Cells are
    made terminal-safe (:func:`terminal_safe`) before they are measured.
    """
    headers = [_cell(h) for h in headers]
    text_rows: list[list[str]] = [[_cell(c) for c in r] for r in rows]
    cols = len(headers)
    align = align or "<" * cols
    widths = [display_width(h) for h in headers]
    for r in text_rows:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], display_width(c))
    out = ["  ".join(pad(h, widths[i], align[i]) for i, h in enumerate(headers)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for r in text_rows:
        out.append("  ".join(pad(c, widths[i], align[i]) for i, c in enumerate(r)).rstrip())
    return "\n".join(out)
