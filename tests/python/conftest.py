"""Shared fixtures for the Python tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("LIBAUDIT_SEEDS") or REPO.parent / "shared" / "seeds")
KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"


_FOOTER = re.compile(r"\s*[-－―]\s*\d+\s*[-－―]\s*")


def squash(text: str) -> str:
    """`text` without white space (incl. U+3000) or PDF page footers such as ``- 12 -``: the
    form in which a checklist item's source sentence must occur in its seed document."""
    lines = [ln for ln in text.splitlines() if not _FOOTER.fullmatch(ln)]
    return re.sub(r"\s+", "", "".join(lines)).replace("\u3000", "")


def run_cli(*args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs `python -m libaudit ARGS` as a user would, capturing text output."""
    return subprocess.run(
        [sys.executable, "-m", "libaudit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=input,
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.fixture
def cli():
    return run_cli
