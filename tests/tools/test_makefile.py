"""`make -j4 test` runs its steps strictly one after another (install-deps never twice at once,
nothing before the build, the tests after make lint) and stops at the first failing step.
The Makefile runs in a scratch tree whose programs only log when they start and end."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FAKE = '#!/bin/sh\necho "start $(basename "$0") $*" >> "{log}"; sleep 0.2; echo "end $(basename "$0") $*" >> "{log}"\n'
PROGRAMS = (
    "scripts/install-deps.sh",
    ".venv/bin/python",
    ".venv/bin/ruff",
    ".venv/bin/mypy",
    ".venv/bin/lizard",
    ".venv/bin/ctest",
)

pytestmark = pytest.mark.skipif(not (shutil.which("make") and shutil.which("git")), reason="needs make and git")


def scratch(tmp: Path, failing: str | None = None) -> Path:
    log = tmp / "log"
    shutil.copy(REPO / "Makefile", tmp / "Makefile")
    subprocess.run(["git", "init", "-q", str(tmp)], check=True)
    for rel in PROGRAMS:
        p = tmp / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(FAKE.format(log=log) + ("exit 1\n" if rel == failing else ""), encoding="utf-8")
        p.chmod(0o755)
    (tmp / "tools").mkdir()
    for tool in ("clang_tidy", "check_sources", "check_messages", "check_layering", "stubtest"):
        (tmp / "tools" / f"{tool}.py").write_text(f"open({str(log)!r}, 'a').write('tool {tool}\\n')\n")
    return log


def make_test(tmp: Path) -> subprocess.CompletedProcess:
    # a clean make: not the jobserver or flags of a make that runs these tests (make test-python)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    return subprocess.run(["make", "-j4", "test"], cwd=tmp, capture_output=True, text=True, env=env)


def steps(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines()


def test_make_j4_test_runs_every_step_in_order_and_none_at_once(tmp_path):
    log = scratch(tmp_path)
    r = make_test(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = steps(log)
    # never two programs running at once: every start is followed by its own end
    for i, line in enumerate(lines):
        if line.startswith("start "):
            assert lines[i + 1] == "end " + line[len("start ") :], lines
    order = [
        line.split()[1] + (" " + line.split()[2] if len(line.split()) > 2 else "")
        for line in lines
        if line.startswith(("start", "tool"))
    ]
    assert order == [
        "install-deps.sh --lint",  # test-deps (--lint --office --chromium)
        "install-deps.sh --lint",  # lint-deps
        "install-deps.sh",  # build's deps
        "python -m",  # pip install: the build
        "ruff check",
        "ruff format",
        "mypy",
        "python tools/stubtest.py",
        "python tools/entity_stubs.py",
        "clang_tidy",
        "check_sources",
        "check_messages",
        "lizard -L",
        "check_layering",
        "ctest --test-dir",
        "python -m",  # pytest
    ]


def test_a_failing_lint_step_stops_make_test(tmp_path):
    log = scratch(tmp_path, failing=".venv/bin/mypy")
    r = make_test(tmp_path)
    assert r.returncode != 0
    text = log.read_text(encoding="utf-8")
    assert "start mypy" in text and "stubtest" not in text and "ctest" not in text and "pytest" not in text
