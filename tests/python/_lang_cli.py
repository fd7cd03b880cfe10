"""Running the command line in one language (LIBAUDIT_LANG), for the tests of issue #15."""

from __future__ import annotations

import os
import subprocess
import sys


def run_in(language: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m libaudit ARGS` as a user would, speaking `language` (ja or en)."""
    return subprocess.run(
        [sys.executable, "-m", "libaudit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "LIBAUDIT_LANG": language},
    )


def run_ja(*args: str) -> subprocess.CompletedProcess:
    return run_in("ja", *args)


def run_en(*args: str) -> subprocess.CompletedProcess:
    return run_in("en", *args)
