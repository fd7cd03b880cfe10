"""Shared fixtures for the Python tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# The tests assert English unless they ask for Japanese (tests/python/_lang.py, run_cli(lang=)):
# the language is pinned before libaudit is first imported, whatever the machine's locale.
os.environ["LIBAUDIT_LANG"] = "en"

REPO = Path(__file__).resolve().parents[2]
KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"

# The seed documents (the five source policies) live outside the repository: at $LIBAUDIT_SEEDS,
# else (LIBAUDIT_SEEDS unset) in shared/seeds beside the repository. Tests reach them only
# through seed_path().
SEEDS_FROM_ENV = bool(os.environ.get("LIBAUDIT_SEEDS"))
SEEDS = Path(os.environ["LIBAUDIT_SEEDS"]) if SEEDS_FROM_ENV else REPO.parent / "shared" / "seeds"
SEED_NAMES = (
    "000_3c81d922953f4b58.txt",
    "001_1ef01afb4d91e38e.txt",
    "002_65e417b3328f2695.txt",
    "003_f560b98fa22c2f2f.txt",
    "004_c7b83743516ed7df.txt",
)
KOMAKI_SEED_NAME = "002_65e417b3328f2695.txt"


def seed_path(name: str) -> Path:
    """The path of seed document `name`, for a test that reads it. Skips the calling test (with
    the reason) when LIBAUDIT_SEEDS is unset and the default folder is absent, so that a clone
    with nothing beside it passes; fails it when LIBAUDIT_SEEDS is set (as .ci/run sets it) or the
    folder exists, but the file is missing."""
    path = SEEDS / name
    if path.is_file():
        return path
    if not SEEDS_FROM_ENV and not SEEDS.is_dir():
        pytest.skip(f"seeds: {SEEDS} not found (set LIBAUDIT_SEEDS)")
    pytest.fail(f"seed {path} not found (LIBAUDIT_SEEDS={os.environ.get('LIBAUDIT_SEEDS', 'unset')})")


_FOOTER = re.compile(r"\s*[-－―]\s*\d+\s*[-－―]\s*")


def squash(text: str) -> str:
    """`text` without white space (incl. U+3000) or PDF page footers such as ``- 12 -``: the
    form in which a checklist item's source sentence must occur in its seed document."""
    lines = [ln for ln in text.splitlines() if not _FOOTER.fullmatch(ln)]
    return re.sub(r"\s+", "", "".join(lines)).replace("\u3000", "")


def run_cli(
    *args: str, input: str | None = None, cwd: Path | None = None, lang: str = "en"
) -> subprocess.CompletedProcess:
    """Runs `python -m libaudit ARGS` as a user would, capturing text output, in `lang` (``en``
    by default, whatever the machine's locale; ``ja`` for a test of the Japanese output)."""
    return subprocess.run(
        [sys.executable, "-m", "libaudit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=input,
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "LIBAUDIT_LANG": lang},
    )


@pytest.fixture
def cli():
    return run_cli
