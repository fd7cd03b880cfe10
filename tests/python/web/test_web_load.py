"""bench/web_load.py --quick: the load script's smoke run (3 users, 20 items, saving every 10)
against ``libaudit serve`` in a child process and against Store.save_answers: it stops by itself,
nothing is lost, no save fails. No timing is asserted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("waitress", reason="waitress is not installed (the web extra)")

REPO = Path(__file__).resolve().parents[3]


def load_script():
    spec = importlib.util.spec_from_file_location("web_load", REPO / "bench" / "web_load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["web_load"] = module
    spec.loader.exec_module(module)
    return module


def test_quick_run_loses_nothing_and_reports_both_figures(capsys):
    web_load = load_script()
    assert web_load.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "web (HTTP)" in out and "Store.save_answers" in out
    assert "server errors 0, lost answers: web 0 課, API 0 課" in out
    assert "ratio web/API" in out


def test_batches_never_cross_a_chapter():
    web_load = load_script()
    items = [("1", f"1.{k}") for k in range(1, 13)] + [("2", f"2.{k}") for k in range(13, 16)]
    batches = web_load.batches(items, 10)
    assert [len(b) for b in batches] == [10, 2, 3]
    assert all(len({ch for ch, _ in b}) == 1 for b in batches)


def test_a_lost_answer_is_reported(tmp_path):
    web_load = load_script()
    setup = web_load.build_store(tmp_path, 2, 3)
    results = web_load.Results(sent={"1001": 3, "1002": 3})
    import libaudit

    with libaudit.Store(setup.path) as s:
        s.save_answers(web_load.manager(0), setup.cycle, "1001", [(i, "implemented") for _c, i in setup.items])
    assert web_load.lost(setup, results, 2) == ["1002: sent 3, stored 0"]
