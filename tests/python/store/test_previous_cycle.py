"""Store.earlier_cycle (the carry-over rule, store.h) and Store.previous_cycle: the cycle whose
answers are "last year's" for a 課 (the web questionnaire shows them beside each item)."""

from __future__ import annotations

from _store_util import ACTOR, CHECKLIST_YAML, DEPARTMENTS_CSV, write

import libaudit


def test_previous_cycle_of_the_same_kind_for_the_department(tmp_path):
    with libaudit.Store(tmp_path / "a.db") as s:
        s.import_departments_csv(ACTOR, write(tmp_path / "d.csv", DEPARTMENTS_CSV))
        cl = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(CHECKLIST_YAML, "t.yaml"))

        def cycle(year: int, kind: str = "self_inspection", departments=()) -> int:
            return s.create_cycle(
                ACTOR, name=f"{year} {kind}", kind=kind, fiscal_year=year, checklist=cl, departments=departments
            )

        this = cycle(2024)  # created first, yet a later 年度 than the next two
        last_year = cycle(2023)
        older = cycle(2022)
        audit = cycle(2023, "internal_audit")  # another kind
        only_201 = cycle(2023, departments=["201"])  # created after last_year, without 101
        again = cycle(2024)  # the same 年度, created later

        assert s.earlier_cycle(last_year, this) and not s.earlier_cycle(this, last_year)
        assert s.earlier_cycle(this, again) and not s.earlier_cycle(this, this)
        assert s.previous_cycle(this, "101").id == last_year
        assert s.previous_cycle(this, "201").id == only_201
        assert s.previous_cycle(again, "101").id == this
        assert s.previous_cycle(older, "101") is None
        assert s.previous_cycle(audit, "101") is None
