"""The 小牧市 demo store (libaudit.demo.build_demo_store), as `make demo` builds it."""

from __future__ import annotations

from collections import Counter

from conftest import KOMAKI
from libaudit.demo import MISSING_DEPARTMENT, build_demo_store

import libaudit


def test_demo_store(tmp_path):
    summary = build_demo_store(tmp_path / "demo" / "demo.db", KOMAKI)
    assert summary["body"] == "小牧市"
    assert 8 <= summary["bu"] <= 12 and 25 <= summary["ka"] <= 35
    with libaudit.Store(tmp_path / "demo" / "demo.db") as s:
        assert s.body == "小牧市"
        leaves = [d for d in s.departments() if d.is_leaf]
        assert len(leaves) == summary["ka"]
        assert all(d.security_manager for d in leaves)
        assert {x.tier for x in s.systems()} == {"mynumber", "lgwan", "internet"}
        cycles = s.cycles()
        assert [(c.fiscal_year, c.kind, c.status) for c in cycles] == [
            (2024, "self_inspection", "closed"),
            (2025, "self_inspection", "closed"),
        ]
        first, second = (Counter(r.answer for r in s.responses(c.id)) for c in cycles)
        # The second year lacks the 課 that never returned its questionnaire (回収状況).
        missing = sum(r.department == MISSING_DEPARTMENT for r in s.responses(cycles[0].id))
        assert missing > 0 and sum(first.values()) - missing == sum(second.values()) > 0
        assert second["implemented"] >= first["implemented"]  # the second year is a little better
        assert len(set(first)) >= 4  # a realistic mix of answers, not all the same
        assert s.verify().ok


def test_demo_is_deterministic(tmp_path):
    build_demo_store(tmp_path / "a.db", KOMAKI)
    build_demo_store(tmp_path / "b.db", KOMAKI, close_last=False)
    with libaudit.Store(tmp_path / "a.db") as a, libaudit.Store(tmp_path / "b.db") as b:
        assert [c.status for c in b.cycles()] == ["closed", "open"]
        for ca, cb in zip(a.cycles(), b.cycles()):

            def key(r):
                return (r.department, r.item, r.answer, r.comment, r.evidence, r.answered_by, r.answered_at)

            assert [key(r) for r in a.responses(ca.id)] == [key(r) for r in b.responses(cb.id)]
