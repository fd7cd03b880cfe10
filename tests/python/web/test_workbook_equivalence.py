"""The questionnaire answered on the web and the same answers returned as a workbook give the
same stored rows (answer, comment, evidence note, who answered): nothing is stored differently
because it came through the browser."""

from __future__ import annotations

from pathlib import Path

from libaudit.web.app import create_app
from openpyxl import load_workbook

import libaudit
from libaudit import exchange

from ._web_util import BODY_ITEMS, DEPARTMENT_ITEMS, MANAGER, PASSWORD, Web, csrf, make_store

ANSWERS = {
    "7.1": ("implemented", "監視ログを毎週確認している"),
    "7.2": ("partial", "一部の課で承認記録がない\n次年度に整備する"),
    "8.1": ("not_applicable", ""),
    "8.2": ("unknown", "担当者が異動した"),
    "8.3": ("not_implemented", "=SUM(A1)"),  # a formula-like text stays text
    "8.4": ("implemented", "情報セキュリティ委員会で指示"),
    "8.5": ("partial", ""),
}
CHAPTERS = {"7": ["7.1", "7.2"], "8": ["8.1", "8.2", "8.3"], "8-body": BODY_ITEMS}


def stored(path: Path, cycle: int) -> dict[str, tuple[str, str, str, str]]:
    with libaudit.Store(path, read_only=True) as s:
        return {r.item: (r.answer, r.comment, r.evidence, r.answered_by) for r in s.responses(cycle)}


def test_web_and_workbook_store_the_same_rows(tmp_path: Path) -> None:
    assert sorted(ANSWERS) == sorted(DEPARTMENT_ITEMS + BODY_ITEMS)
    (tmp_path / "web").mkdir()
    (tmp_path / "book").mkdir()
    web_db, book_db = tmp_path / "web" / "audit.db", tmp_path / "book" / "audit.db"
    cycle = make_store(web_db, tmp_path / "web")
    assert make_store(book_db, tmp_path / "book") == cycle

    # on the web, chapter by chapter
    w = Web(app=create_app(web_db, testing=True), path=web_db, cycle=cycle)
    w.account(MANAGER)
    c = w.signed_in(MANAGER)
    for chapter, items in CHAPTERS.items():
        url = f"/cycles/{cycle}/departments/101/chapters/{chapter}"
        form = {"csrf_token": csrf(c.get(url).get_data(as_text=True)), "department": "101"}
        for item in items:
            form[f"answer:{item}"], form[f"comment:{item}"] = ANSWERS[item]
        assert c.post(url, data=form).status_code == 303

    # as a workbook, filled in the answer cells and imported
    with libaudit.Store(book_db) as s:
        path = exchange.export_workbook(s, cycle, "101", tmp_path / "101.xlsx", actor=MANAGER)
        wb = load_workbook(path)
        ws = wb[exchange.SHEET_QUESTIONS]
        col = {key: k + 1 for key, k in exchange.model.COL.items()}  # 1-based, as openpyxl counts
        for r in range(exchange.HEADER_ROW + 1, ws.max_row + 1):
            item = ws.cell(r, col["item"]).value
            if item in ANSWERS:
                answer, comment = ANSWERS[item]
                ws.cell(r, col["answer"]).value = libaudit.labels.label("answer", answer)
                if comment:
                    ws.cell(r, col["comment"]).value = comment
                    ws.cell(r, col["comment"]).data_type = "s"
        wb.save(path)
        exchange.import_files(s, cycle, [path], actor=MANAGER)

    web_rows, book_rows = stored(web_db, cycle), stored(book_db, cycle)
    assert web_rows == book_rows
    assert web_rows["8.3"] == ("not_implemented", "=SUM(A1)", "", MANAGER)
    assert PASSWORD not in str(web_rows)
