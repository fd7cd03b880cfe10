"""Carry-over only from an earlier cycle (issue #15): an earlier 年度, or the same 年度 and
created first (libaudit::earlier_cycle). ``--carry-over 1`` into cycle 1 itself is refused
(since #14); a cycle of a LATER 年度 created first was accepted, and is refused now."""

from __future__ import annotations

import pytest
from _lang_cli import run_en
from _store_util import ACTOR, ready_store

import libaudit
from libaudit import exchange


@pytest.fixture
def env(tmp_path):
    s, fy2024 = ready_store(tmp_path / "a.db", tmp_path)
    s.import_responses(ACTOR, fy2024, [("101", "7.1", "partial")])
    fy2023 = s.create_cycle(ACTOR, name="令和5年度 自己点検", kind="self_inspection", fiscal_year=2023, checklist=1)
    fy2025 = s.create_cycle(ACTOR, name="令和7年度 自己点検", kind="self_inspection", fiscal_year=2025, checklist=1)
    for c in (fy2023, fy2025):
        s.open_cycle(ACTOR, c)
    yield s, fy2023, fy2024, fy2025, tmp_path
    s.close()


def test_carry_over_from_a_later_year_is_refused(env):
    s, fy2023, fy2024, fy2025, tmp = env
    with pytest.raises(libaudit.ValidationError, match="carry-over is from an earlier cycle"):
        exchange.export_workbook(s, fy2023, "101", tmp / "q.xlsx", carry_over_from=fy2024)
    with pytest.raises(libaudit.ValidationError, match="not the cycle itself"):
        exchange.export_workbook(s, fy2024, "101", tmp / "q.xlsx", carry_over_from=fy2024)
    assert not (tmp / "q.xlsx").exists()
    exchange.export_csv(s, fy2025, "101", tmp / "q.csv", carry_over_from=fy2024)  # last 年度's answers
    assert "一部実施している" in (tmp / "q.csv").read_text(encoding="utf-8-sig")


def test_the_cli_refuses_it_and_writes_nothing(env):
    s, fy2023, fy2024, _, tmp = env
    args = ["--cycle", str(fy2023), "--dept", "101", "--carry-over", str(fy2024), "-o", str(tmp / "q.xlsx")]
    r = run_en("export", str(s.path), *args)
    assert r.returncode == 1 and "carry-over is from an earlier cycle" in r.stderr, r.stderr
    assert not (tmp / "q.xlsx").exists()
