"""Issue #14 on the 小牧市 demo store: every 課別結果票 CSV of the 令和7年度 self-inspection has
the cycle's items only (the checklist's 59 audit-only items are not in it) and says 未回答 as
often as its HTML does (never: the demo answers every item). The full check of every report and
format is tests/cpp/report/report_formats_test.cpp."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from libaudit.demo import MISSING_DEPARTMENT, build_demo_store
from libaudit.report import Reporter

import libaudit

KOMAKI = Path(__file__).resolve().parents[3] / "checklists" / "komaki" / "taisaku-kijun.yaml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, build_demo_store(path, KOMAKI)


def test_department_csv_agrees_with_html(demo: tuple[Path, dict[str, object]]) -> None:
    path, summary = demo
    cycles = summary["cycles"]
    assert isinstance(cycles, dict)
    checklist = libaudit.Checklist.load(KOMAKI)
    self_items = [i.id for i in checklist.items if "self_inspection" in i.audience]
    audit_only = {i.id for i in checklist.items if "self_inspection" not in i.audience}
    assert len(audit_only) == 59
    with libaudit.Store(path) as store:
        r = Reporter(store, cycles[2025]["id"], as_of="2026-03-01")
        for dept in r.departments():
            view = r.view("department", dept)
            rows = list(csv.DictReader(io.StringIO(r.render("department", "csv", dept).lstrip("\ufeff"))))
            assert [row["項目ID"] for row in rows] == self_items, dept
            answers = [row["回答"] for row in rows]
            html = r.render("department", "html", dept)
            shown = re.search(r"未回答(\d+)項目", html)
            assert shown is not None
            assert answers.count("未回答") == view["summary"]["unanswered"] == int(shown.group(1)), dept
            if dept == MISSING_DEPARTMENT:  # never returned its questionnaire (回収状況)
                assert int(shown.group(1)) > 0 and "<h3>未回答の項目</h3>" in html
            else:
                assert int(shown.group(1)) == 0, dept
                assert view["unanswered_items"] == [] and "<h3>未回答の項目</h3>" not in html, dept
            assert answers.count("対象外") + answers.count("該当しない") == view["summary"]["not_applicable"], dept
            assert answers.count("実施していない") == view["summary"]["not_implemented"], dept
