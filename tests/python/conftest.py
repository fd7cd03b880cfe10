"""Shared fixtures for the Python tests."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("LIBAUDIT_SEEDS") or REPO.parent / "shared" / "seeds")
KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"


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
