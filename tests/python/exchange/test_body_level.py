"""Body-level items (全庁共通事項) end to end (issue #16): a cycle whose checklist has them takes its
secretariat 課; that 課's questionnaire has them (as a section of their own), another 課's does
not; the returned answers are imported; the scores and the committee report show them as their
own block, not in the per-課 rates; the secretariat's 課別結果票 shows them apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _store_util import ACTOR, BODY_ITEMS, BODY_LEVEL_YAML, DEPARTMENTS_CSV, ITEMS, write
from libaudit.report import Reporter
from openpyxl import load_workbook

import libaudit
from libaudit import Store, ValidationError, exchange

#: The store tests' checklist with its secretariat and body-level items (_store_util).
YAML = BODY_LEVEL_YAML
DEPARTMENT_ITEMS = ITEMS


def questions(path: Path) -> dict[str, str]:
    """item id -> the chapter row above it in an exported workbook."""
    wb = load_workbook(path, read_only=True)
    rows = wb[exchange.SHEET_QUESTIONS].iter_rows(min_row=exchange.HEADER_ROW + 1, values_only=True)
    out, chapter = {}, ""
    for r in rows:
        if r[7]:
            out[r[7]] = chapter
        elif r[0]:
            chapter = str(r[0])
    wb.close()
    return out


def fill(path: Path, answers: dict[str, str]) -> Path:
    wb = load_workbook(path)
    ws = wb[exchange.SHEET_QUESTIONS]
    for r in range(exchange.HEADER_ROW + 1, ws.max_row + 1):
        item = ws.cell(r, 8).value
        if item in answers:
            ws.cell(r, 5).value = answers[item]
    wb.save(path)
    return path


@pytest.fixture
def world(tmp_path):
    s = Store(tmp_path / "audit.db")
    s.set_body(ACTOR, "テスト市")
    s.import_departments_csv(ACTOR, write(tmp_path / "departments.csv", DEPARTMENTS_CSV))
    cl = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(YAML, "test.yaml"))
    cycle = s.create_cycle(ACTOR, name="令和7年度 自己点検", kind="self_inspection", fiscal_year=2025, checklist=cl)
    s.open_cycle(ACTOR, cycle)
    yield s, cycle, cl, tmp_path
    s.close()


def test_a_cycle_with_body_level_items_end_to_end(world):
    s, cycle, _, tmp = world
    assert s.cycle(cycle).secretariat == "101"  # the 課 named 総務課, the checklist's secretariat

    # The secretariat's questionnaire has the body-level items, after its own, labelled; another's not.
    mine = questions(exchange.export_workbook(s, cycle, "101", tmp / "101.xlsx"))
    other = questions(exchange.export_workbook(s, cycle, "201", tmp / "201.xlsx"))
    assert list(mine) == DEPARTMENT_ITEMS + BODY_ITEMS
    assert all(mine[i].startswith("【全庁共通事項】") for i in BODY_ITEMS)
    assert not any("全庁共通事項" in mine[i] for i in DEPARTMENT_ITEMS)
    assert list(other) == DEPARTMENT_ITEMS

    # Answers imported from the returned files.
    fill(
        tmp / "101.xlsx", {"7.1": "実施している", "7.2": "実施している", "8.4": "実施している", "8.5": "実施していない"}
    )
    fill(tmp / "201.xlsx", dict.fromkeys(DEPARTMENT_ITEMS, "実施していない"))
    exchange.import_files(s, cycle, [tmp / "101.xlsx", tmp / "201.xlsx"], ACTOR)
    got = {(r.department, r.item): r.answer for r in s.responses(cycle)}
    assert got[("101", "8.4")] == "implemented" and got[("101", "8.5")] == "not_implemented"
    assert not any(d == "201" and i in BODY_ITEMS for d, i in got)

    # Scores: the per-課 rates leave the block out; the block is reported apart; the body pools both.
    t = s.score(cycle, by="department")
    assert t.row("101").applicable == 5 and t.row("101").answered == 2 and t.row("101").score == 100.0
    assert t.row("201").applicable == 5 and t.row("201").score == 0.0
    assert t.body_level is not None
    assert (t.body_level.group, t.body_level.name) == ("body_level", "全庁共通事項")
    assert (t.body_level.applicable, t.body_level.implemented, t.body_level.score) == (2, 1, 50.0)
    assert s.score(cycle, by="parent").row("100").applicable == 10  # 総務課 and 人事課: 5 each
    body = s.score(cycle, by="body").rows[0]
    assert body.pairs == 3 * 5 + 2  # the department items of every 課, the block once
    assert body.implemented == 3 and body.answered == 2 + 5 + 2
    m = s.score_matrix(cycle)
    assert m.body_level is not None and m.body_level.score == 50.0
    assert [c.group for c in m.body_level_cells] == [c.group for c in m.columns]

    # The committee report: a 全庁共通事項 section with the items, their answers and the rate.
    r = Reporter(s, cycle)
    view = r.view("committee")
    block = view["body_level"]
    assert block["has"] and block["rate_text"] == "50.0%" and block["secretariat_name"] == "総務課"
    assert [(i["id"], i["answer_label"]) for i in block["items"]] == [
        ("8.4", "実施している"),
        ("8.5", "実施していない"),
    ]
    md = r.render("committee", "md")
    assert "### 全庁共通事項" in md and "全庁の情報セキュリティ研修計画を策定しているか。" in md
    assert [row["code"] for row in view["departments"] if row["code"] == "101"][0] == "101"
    assert next(row for row in view["departments"] if row["code"] == "101")["rate_text"] == "100.0%"

    # The secretariat's 課別結果票 shows its body-level answers apart; another 課's has none.
    sheet = r.view("department", "101")
    assert sheet["body_level"]["has"] and sheet["summary"]["applicable"] == 5
    assert not any(i["id"] in BODY_ITEMS for i in sheet["not_implemented"])
    assert "全庁共通事項（全庁分の回答）" in r.render("department", "md", "101")
    assert not r.view("department", "201")["body_level"]["has"]
    assert "全庁共通事項" not in r.render("department", "md", "201")
    assert s.verify().ok


def test_another_department_cannot_answer_a_body_level_item(world):
    s, cycle, _, _ = world
    head = len(s.trail())
    with pytest.raises(ValidationError, match="'8.4' is a body-level item"):
        s.import_responses(ACTOR, cycle, [("201", "8.4", "implemented")])
    assert len(s.trail()) == head
    s.import_responses(ACTOR, cycle, [("101", "8.4", "implemented")])


def test_the_secretariat_is_given_or_the_cycle_refused(world, tmp_path):
    s, _, cl, _ = world
    given = s.create_cycle(
        ACTOR,
        name="x",
        kind="self_inspection",
        fiscal_year=2025,
        checklist=cl,
        departments=["102", "201"],
        secretariat="201",
    )
    assert s.cycle(given).secretariat == "201"
    with pytest.raises(ValidationError, match="no 課 of the cycle has that name"):
        s.create_cycle(ACTOR, name="y", kind="self_inspection", fiscal_year=2025, checklist=cl, departments=["201"])
    with pytest.raises(ValidationError, match="is not one of the cycle's 課"):
        s.create_cycle(
            ACTOR,
            name="y",
            kind="self_inspection",
            fiscal_year=2025,
            checklist=cl,
            departments=["201"],
            secretariat="101",
        )


def test_cycle_show_and_list_print_the_secretariat(world):
    from conftest import run_cli

    s, cycle, _, tmp = world
    s.close()
    shown = run_cli("cycle", "show", str(tmp / "audit.db"), str(cycle))
    assert shown.returncode == 0, shown.stderr
    assert "101 総務課" in shown.stdout
    data = json.loads(run_cli("cycle", "show", str(tmp / "audit.db"), str(cycle), "--json").stdout)
    assert data["secretariat"] == "101"
    listed = json.loads(run_cli("cycle", "list", str(tmp / "audit.db"), "--json").stdout)
    assert listed[0]["secretariat"] == "101"
    ja = run_cli(
        "cycle",
        "create",
        str(tmp / "audit.db"),
        "--name",
        "z",
        "--kind",
        "self_inspection",
        "--fiscal-year",
        "2025",
        "--checklist",
        "test-kijun",
        "--departments",
        "201",
        "--as",
        "t",
        lang="ja",
    )
    assert ja.returncode != 0 and "実施回の対象課にその名前の課がない" in ja.stderr


def test_a_checklist_without_a_secretariat_keeps_every_department_answering(tmp_path):
    from conftest import run_cli

    db = tmp_path / "audit.db"
    with Store(db) as s:
        s.import_departments_csv(ACTOR, write(tmp_path / "departments.csv", DEPARTMENTS_CSV))
        s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(YAML.replace("secretariat: 総務課\n", ""), "t.yaml"))
    made = run_cli(
        "cycle",
        "create",
        str(db),
        "--name",
        "z",
        "--kind",
        "self_inspection",
        "--fiscal-year",
        "2025",
        "--checklist",
        "test-kijun",
        "--as",
        "t",
    )
    assert made.returncode == 0, made.stderr
    assert "every 課 of cycle 1 answers its 2 body-level items" in made.stderr
    with Store(db) as s:
        assert s.cycle(1).secretariat == ""
        s.open_cycle(ACTOR, 1)
        t = s.score(1)
        assert t.body_level is None and t.row("201").pairs == 7  # every item, as before the rule
        assert list(questions(exchange.export_workbook(s, 1, "201", tmp_path / "201.xlsx"))) == [
            *DEPARTMENT_ITEMS,
            *BODY_ITEMS,
        ]
