"""The seed contract of the Python tests (conftest.seed_path) and .ci/run's refusal to run
without its seeds. (The C++ half is the CTests <name>_seeds and seeds_required_when_set.)"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def conftest(monkeypatch):
    spec = importlib.util.spec_from_file_location("python_conftest", REPO / "tests" / "python" / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_unset_and_absent_skips_with_the_reason(conftest, monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "SEEDS_FROM_ENV", False)
    monkeypatch.setattr(conftest, "SEEDS", tmp_path / "shared" / "seeds")
    with pytest.raises(pytest.skip.Exception, match=r"seeds: .*shared/seeds not found \(set LIBAUDIT_SEEDS\)"):
        conftest.seed_path(conftest.KOMAKI_SEED_NAME)


def test_set_and_missing_fails(conftest, monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "SEEDS_FROM_ENV", True)
    monkeypatch.setattr(conftest, "SEEDS", tmp_path / "nowhere")
    with pytest.raises(pytest.fail.Exception, match="002_65e417b3328f2695.txt not found"):
        conftest.seed_path(conftest.KOMAKI_SEED_NAME)


def test_a_folder_lacking_one_seed_fails_even_when_unset(conftest, monkeypatch, tmp_path):
    (tmp_path / "000_3c81d922953f4b58.txt").write_text("x", encoding="utf-8")
    monkeypatch.setattr(conftest, "SEEDS_FROM_ENV", False)
    monkeypatch.setattr(conftest, "SEEDS", tmp_path)
    assert conftest.seed_path("000_3c81d922953f4b58.txt") == tmp_path / "000_3c81d922953f4b58.txt"
    with pytest.raises(pytest.fail.Exception):
        conftest.seed_path(conftest.KOMAKI_SEED_NAME)


def _ci_copy(tmp_path: Path) -> Path:
    repo = tmp_path / "clone"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(REPO / ".ci" / "run", repo / ".ci" / "run")
    bin_dir = tmp_path / "bin"  # a `make` that only reports what it was given
    bin_dir.mkdir()
    (bin_dir / "make").write_text('#!/bin/sh\necho "make $* LIBAUDIT_SEEDS=$LIBAUDIT_SEEDS"\n', encoding="utf-8")
    (bin_dir / "make").chmod(0o755)
    return repo


def _run_ci(repo: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LIBAUDIT_SEEDS"}
    env["PATH"] = f"{tmp_path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(["bash", str(repo / ".ci" / "run")], capture_output=True, text=True, env=env)


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script")
def test_ci_fails_clearly_without_its_seeds(tmp_path):
    repo = _ci_copy(tmp_path)
    r = _run_ci(repo, tmp_path)
    assert r.returncode == 1
    assert f"no folder {tmp_path / 'shared' / 'seeds'}" in r.stderr
    assert "make test" not in r.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script")
def test_ci_sets_the_seeds_and_runs_make_test(tmp_path):
    repo = _ci_copy(tmp_path)
    (tmp_path / "shared" / "seeds").mkdir(parents=True)
    r = _run_ci(repo, tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"make test LIBAUDIT_SEEDS={tmp_path}/shared/seeds" in r.stdout
