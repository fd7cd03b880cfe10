"""Plain-text tables aligned by display width, so Japanese text lines up in a terminal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ._core import display_width


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` padded with spaces to `width` display columns (`align` is '<' or '>')."""
    fill = " " * max(0, width - display_width(text))
    return text + fill if align == "<" else fill + text


def format_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    align: str | None = None,
) -> str:
    """Rows under headers, columns separated by two spaces.

    `align` has one character per column: '<' left (default) or '>' right (numbers).
    """
    text_rows: list[list[str]] = [[str(c) for c in r] for r in rows]
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
