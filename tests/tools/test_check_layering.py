"""tools/check_layering.py can fail: on a fake tree with back edges and circles it names each
file and line and both ends; on a fake tree that keeps the rules it passes. (The real tree is
checked by `make layering`, part of `make lint`.)"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tools" / "check_layering.py"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _load():
    spec = importlib.util.spec_from_file_location("check_layering", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_layering"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


check_layering = _load()


def run(tree: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(FIXTURES / tree)], capture_output=True, text=True, encoding="utf-8"
    )


@pytest.fixture(scope="module")
def backedge() -> list[str]:
    r = run("backedge")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "12 problem(s)" in r.stderr
    return r.stdout.splitlines()


def test_a_base_header_including_the_store_fails_naming_file_line_and_both_stages(backedge):
    assert (
        "libaudit/include/libaudit/base/money.h:4: libaudit/include/libaudit/base/money.h (stage base) includes "
        "libaudit/include/libaudit/store/store.h (stage store), a later stage"
    ) in backedge


def test_a_public_header_including_an_internal_one_fails(backedge):
    assert (
        "libaudit/include/libaudit/store/store.h:4: public header libaudit/include/libaudit/store/store.h "
        "includes internal libaudit/src/store/store_internal.h (not installed)"
    ) in backedge


def test_an_include_circle_fails_at_both_includes(backedge):
    ring = "include cycle among libaudit/src/base/ring_a.h, libaudit/src/base/ring_b.h"
    assert f"libaudit/src/base/ring_a.h:3: {ring}: libaudit/src/base/ring_a.h includes libaudit/src/base/ring_b.h" in (
        backedge
    )
    assert f"libaudit/src/base/ring_b.h:3: {ring}: libaudit/src/base/ring_b.h includes libaudit/src/base/ring_a.h" in (
        backedge
    )


def test_a_file_outside_the_stage_folders_fails(backedge):
    assert any(line.startswith("libaudit/src/misc/stray.cpp:1: not in a stage folder") for line in backedge)


def test_a_python_back_edge_fails_naming_both_stages(backedge):
    assert (
        "bindings/python/libaudit/errors.py:3: libaudit.errors (stage base) imports libaudit.store (stage store), "
        "a later stage"
    ) in backedge
    assert (
        "bindings/python/libaudit/store.py:3: libaudit.store (stage store) imports libaudit.findings "
        "(stage followup), a later stage"
    ) in backedge


def test_a_python_import_cycle_fails_at_both_imports_even_inside_a_function(backedge):
    cycle = "import cycle among libaudit.findings, libaudit.store"
    assert f"bindings/python/libaudit/store.py:3: {cycle}: libaudit.store imports libaudit.findings" in backedge
    assert (
        f"bindings/python/libaudit/findings.py:6: {cycle}: libaudit.findings imports (in a function) libaudit.store"
    ) in backedge


def test_a_private_core_name_reached_from_two_modules_fails_at_each_use(backedge):
    uses = [line for line in backedge if "private _core._CycleData" in line]
    assert [u.split(":")[0] + ":" + u.split(":")[1] for u in uses] == [
        "bindings/python/libaudit/scoring.py:5",
        "bindings/python/libaudit/store.py:4",
    ]
    assert all("2 modules reach (libaudit.scoring, libaudit.store)" in u for u in uses)
    assert not any("_core._Store" in line for line in backedge)  # one user only: allowed


def test_a_module_without_a_stage_fails(backedge):
    assert any(
        line.startswith("bindings/python/libaudit/mystery.py:1: module libaudit.mystery has no stage")
        for line in backedge
    )


def test_a_tree_that_keeps_the_rules_passes():
    r = run("clean")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("check_layering: ok (5 C++ files, 7 Python modules")


def test_type_checking_imports_do_not_count_but_function_imports_do(tmp_path):
    pkg = tmp_path / "bindings" / "python" / "libaudit"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "store.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .report import R\nelse:\n    from .scoring import S\n"
    )
    (pkg / "scoring.py").write_text("def f():\n    from .store import X\n")
    (pkg / "report.py").write_text("from .store import X\n")
    problems, modules = check_layering.check_python(tmp_path)
    assert modules == 4
    text = [str(p) for p in problems]
    # the else branch of `if TYPE_CHECKING:` runs: store -> scoring is a back edge and closes a cycle
    assert (
        "bindings/python/libaudit/store.py:5: libaudit.store (stage store) imports libaudit.scoring "
        "(stage scoring), a later stage" in text
    )
    assert any(
        t.startswith("bindings/python/libaudit/scoring.py:2: import cycle among libaudit.scoring, libaudit.store")
        for t in text
    )
    assert not any("libaudit.report" in t for t in text)  # report -> store is allowed; store -> report is type-only


def test_cycles_of_three_and_self_edges_are_found():
    from check_layering import Edge, strongly_connected

    edges = [
        Edge("a", "b", "p", 1, "x"),
        Edge("b", "c", "p", 2, "x"),
        Edge("c", "a", "p", 3, "x"),
        Edge("d", "d", "p", 4, "x"),
        Edge("e", "a", "p", 5, "x"),
    ]
    assert strongly_connected(["a", "b", "c", "d", "e"], edges) == [["a", "b", "c"], ["d"]]


def test_a_relative_include_counts_in_the_stage_it_reaches(tmp_path):
    (tmp_path / "libaudit" / "src" / "base").mkdir(parents=True)
    (tmp_path / "libaudit" / "src" / "store").mkdir(parents=True)
    (tmp_path / "libaudit" / "src" / "store" / "db.h").write_text("#pragma once\n")
    (tmp_path / "libaudit" / "src" / "base" / "x.cpp").write_text('// x\n#include "../store/db.h"\n')
    problems, files = check_layering.check_cpp(tmp_path)
    assert files == 2
    assert [str(p) for p in problems] == [
        "libaudit/src/base/x.cpp:2: libaudit/src/base/x.cpp (stage base) includes libaudit/src/store/db.h "
        "(stage store), a later stage"
    ]
