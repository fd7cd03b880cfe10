"""Speaking one language for a part of a test that runs the package in-process."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from libaudit import i18n, set_language


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """The package (and the core) speak `language` inside the block, then what they spoke."""
    before = i18n.language()
    set_language(language)
    try:
        yield
    finally:
        set_language(before)
