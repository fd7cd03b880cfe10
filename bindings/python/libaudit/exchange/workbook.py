"""The .xlsx questionnaire, written and read with openpyxl: which cell holds what, styles, the
answer drop-down, protection. What the cells mean (identity, checksums, answers) is the C++
model's (``_Cycle.model``)."""

from __future__ import annotations

import datetime as _dt
import io
import math
from copy import copy
from pathlib import Path
from typing import Any

from .. import labels
from .._core import display_width, nfkc
from ..errors import QuestionnaireProblem
from ..files import output_format, write_atomically
from ..store import ANSWERS, Store, fiscal_year_label
from .model import (
    ANSWER_LABELS,
    COL,
    COLUMNS,
    EDITABLE,
    HEADER_ROW,
    KIND_LABELS,
    LABEL_OF,
    LETTER,
    QUESTIONNAIRE_FORMATS,
    SHEET_ID,
    SHEET_INFO,
    SHEET_QUESTIONS,
    WORKBOOK_LAYOUT,
    PathLike,
    Row,
    _Cycle,
    date_text,
    formula_kept,
    record_export,
    text_lf,
)
from .reader import ReadProblem, ReturnedWorkbook, column_letter

FONT = "游ゴシック"
INFO_WIDTHS = (20, 70)  # 記入方法's columns A and B, in Excel's character units
INFO_ROWS = 40  # 記入方法 is written within A1:B40 (asserted), and read so
ID_META_ROWS = 40  # the identity sheet's key/value lines before its row table (about 15 now)
INPUT_FILL = "FFF9D6"

STEPS = [
    f"1. 「{SHEET_QUESTIONS}」シートの黄色の欄（回答・備考・根拠資料）だけに記入してください。"
    "ほかの欄は保護されています。",
    "2. 回答は一覧から選んでください: " + " / ".join(ANSWER_LABELS) + "。",
    "3. "
    + "・".join(LABEL_OF[code] for code in ("partial", "not_implemented", "unknown"))
    + "場合は、理由や今後の予定を備考に書いてください。",
    "4. 根拠資料には、確認できる文書や記録の名称（例: 監査調書、研修受講記録）を書いてください。",
    "5. 回答を記入していない項目は「未回答」のまま取り込まれます。途中までの提出もできます。",
    "6. 行の追加・削除・並べ替え、シート名の変更はしないでください。"
    "取り込み時に検出され、ファイル全体が差し戻されます。",
    "7. 前年度の回答が入っている場合は、今年度の状況に合わせて見直してください。",
]
MEANINGS = {
    "implemented": "規定どおりに実施している。",
    "partial": "実施しているが、一部の業務・職員・期間で実施できていない。",
    "not_implemented": "実施していない。",
    "not_applicable": "この課には該当する業務・システム・資産がない。",
    "unknown": "実施しているかどうか確認できない。",
}


def export_workbook(
    store: Store,
    cycle: int,
    department: str,
    path: PathLike,
    *,
    carry_over_from: int | None = None,
    deadline: None | str | _dt.date = None,
    contact: str | None = None,
    actor: str | None = None,
    _shared: _Cycle | None = None,
) -> Path:
    """Write the questionnaire of one 課 for a cycle to `path` (.xlsx); returns the path. With
    `actor`, the export is recorded in the store (``cycle status``; docs/exchange.md).

    Only the items that apply to the 課 are listed. Answers already stored for the cycle are
    pre-filled; with ``carry_over_from`` (an earlier cycle of the same checklist id), the answers
    of that cycle fill the rest, matched by item id.
    """
    from openpyxl import Workbook  # type: ignore[import-untyped]

    output_format(path, "xlsx", QUESTIONNAIRE_FORMATS, default="xlsx")  # not a workbook into x.csv
    cy = _shared or _Cycle(store, cycle, carry_over_from)
    cy.model.check_exportable()  # a closed cycle: refused before any file is written
    department = nfkc(str(department)).strip()
    rows = cy.rows(department)
    wb = Workbook()
    respondent_row, shows = _info_sheet(wb.active, cy, department, len(rows), deadline, contact)
    id_rows, title = _question_sheet(wb, cy, department, rows)
    wb.active = 1
    shows.insert(0, (f"{SHEET_QUESTIONS}!A1", title))
    _identity_sheet(wb, cy, department, id_rows, f"{SHEET_INFO}!B{respondent_row}", shows)
    wb.security.lockStructure = True

    def save(tmp: Path) -> None:
        # Into memory, then the file in one go: a save that fails into a file leaves openpyxl's
        # ZIP open, and its clean-up prints a traceback. Inside write_atomically, so that an
        # error of openpyxl's own temporary files is reported for `path` too.
        data = io.BytesIO()
        wb.save(data)
        tmp.write_bytes(data.getvalue())
        if actor:
            record_export(store, cy, department, path, "xlsx", data.getvalue(), deadline, actor)

    return write_atomically(path, save)


def _info_sheet(
    info: Any, cy: _Cycle, department: str, n: int, deadline: None | str | _dt.date, contact: str | None
) -> tuple[int, list[tuple[str, str]]]:
    """記入方法 (instructions); returns the row of the 回答者 cell, and the cells that name the
    workbook's 課 and cycle as the person sees them (bound by the identity)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side  # type: ignore[import-untyped]

    font, bold = Font(name=FONT, size=10), Font(name=FONT, size=10, bold=True)
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    thin = Side(style="thin", color="999999")
    dept = cy.departments.get(department)
    parent = cy.departments.get(dept.parent_code) if dept and dept.parent_code else None
    info.title = SHEET_INFO
    info.column_dimensions["A"].width = INFO_WIDTHS[0]
    info.column_dimensions["B"].width = INFO_WIDTHS[1]
    info["A1"] = cy.title()
    info["A1"].font = Font(name=FONT, size=14, bold=True)
    fields = [
        ("団体", cy.body),
        ("実施回", f"{cy.cycle.name}（{KIND_LABELS.get(cy.cycle.kind, cy.cycle.kind)}）"),
        ("年度", f"{fiscal_year_label(cy.cycle.fiscal_year)}（{cy.cycle.fiscal_year}年度）"),
        ("部", f"{parent.code} {parent.name}" if parent else ""),
        ("課", cy.department_name(department)),
        (labels.label("role", "security_manager"), dept.security_manager if dept else ""),
        ("点検表", f"{cy.stored.title}（{cy.stored.checklist_id} 版 {cy.stored.version}）"),
        ("項目数", f"{n} 項目（この課に該当する項目のみ）"),
        ("回答期限", date_text(deadline)),
        ("問い合わせ先", contact or ""),
    ]
    r = 3
    shows = []
    for label, value in fields:
        info.cell(r, 1, label).font = bold
        info.cell(r, 1).alignment = top
        c = info.cell(r, 2, value)
        c.font, c.alignment = font, wrap
        c.data_type = "s"
        info.row_dimensions[r].height = _info_row_height(value)
        if label in ("実施回", "課"):
            shows.append((f"{SHEET_INFO}!B{r}", value))
        r += 1
    respondent_row = r
    info.cell(r, 1, "回答者（氏名）").font = bold
    c = info.cell(r, 2)
    c.protection, c.fill = Protection(locked=False), PatternFill("solid", fgColor=INPUT_FILL)
    c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    r += 2
    info.cell(r, 1, "記入方法").font = bold
    last = (
        "8. 記入が終わったら、上の「回答者（氏名）」を記入し、"
        f"{date_text(deadline) or '期限'}までに問い合わせ先へ提出してください。"
    )
    for text in [*STEPS, last]:
        r += 1
        c = info.cell(r, 2, text)
        c.font, c.alignment = font, wrap
        info.row_dimensions[r].height = _info_row_height(text)
    r += 2
    info.cell(r, 1, "回答の意味").font = bold
    for code, label in ANSWERS:
        r += 1
        info.cell(r, 1, label).font = font
        info.cell(r, 1).alignment = top
        c = info.cell(r, 2, MEANINGS.get(code, ""))
        c.font, c.alignment = font, wrap
        info.row_dimensions[r].height = _info_row_height(c.value)
    info.protection.sheet = True
    info.protection.formatColumns = False
    info.protection.formatRows = False
    _info_page_setup(info, r)
    assert r <= INFO_ROWS, "the reader reads 記入方法 up to INFO_ROWS"
    return respondent_row, shows


def _info_row_height(text: str) -> float:
    """Points for a row of column B holding `text` wrapped (display width: full-width 2)."""
    return 14.0 * max(1, math.ceil(display_width(text) / (INFO_WIDTHS[1] - 4))) + 2


def _fit_a4(ws: Any, orientation: str, pages_tall: int) -> None:
    """A4 in `orientation`, scaled to one page wide and `pages_tall` pages tall (0: as many as
    the rows need)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_tall
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _info_page_setup(info: Any, last_row: int) -> None:
    """記入方法 prints on one A4 page, portrait: the print area is what was written, scaled to
    one page wide and one page tall (the title is never cut from its sheet, no line runs past
    the margin)."""
    info.print_area = f"A1:B{last_row}"
    _fit_a4(info, "portrait", pages_tall=1)
    info.print_options.horizontalCentered = True
    info.page_margins.left = info.page_margins.right = 0.5
    info.page_margins.top = info.page_margins.bottom = 0.6


def _answer_validation() -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    return DataValidation(
        type="list",
        formula1='"' + ",".join(ANSWER_LABELS) + '"',
        allow_blank=True,
        showDropDown=False,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="回答",
        error="一覧から選んでください: " + " / ".join(ANSWER_LABELS),
        showInputMessage=True,
        promptTitle="回答",
        prompt="一覧から選んでください",
    )


def _column_styles(wb: Any) -> dict[str, Any]:
    """One style per column, set on a scratch cell the slow way, to be copied into every row."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="999999")
    styles = {}
    scratch = wb.create_sheet("scratch")
    for key, _, _ in COLUMNS:
        c = scratch.cell(1, COL[key] + 1)
        c.font = Font(name=FONT, size=10)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        if key in EDITABLE:
            c.protection, c.fill = Protection(locked=False), PatternFill("solid", fgColor=INPUT_FILL)
        if key == "item":
            c.font = Font(name=FONT, size=8, color="808080")
        styles[key] = copy(c._style)
    wb.remove(scratch)
    return styles


def question_sheet_rows(rows: list[Row]) -> int:
    """The last row of a 点検票 listing `rows`: the header, then a chapter row before each run of
    one chapter's questions, then the questions."""
    runs = sum(1 for k, row in enumerate(rows) if k == 0 or row.chapter != rows[k - 1].chapter)
    return HEADER_ROW + runs + len(rows)


def _question_sheet(wb: Any, cy: _Cycle, department: str, rows: list[Row]) -> tuple[list[tuple[int, str]], str]:
    """点検票 (the questions, grouped under chapter rows); returns (sheet row, item) per question
    and the title written in A1."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    bold = Font(name=FONT, size=10, bold=True)
    thin = Side(style="thin", color="999999")
    ws = wb.create_sheet(SHEET_QUESTIONS)
    title = f"{cy.title()} 点検票 — {cy.department_name(department)}"
    ws["A1"] = title
    ws["A1"].data_type = "s"
    ws["A1"].font = Font(name=FONT, size=12, bold=True)
    ws.merge_cells(f"A1:{LETTER['item']}1")
    for i, (_, heading, width) in enumerate(COLUMNS, start=1):
        c = ws.cell(HEADER_ROW, i, heading)
        c.font, c.fill = bold, PatternFill("solid", fgColor="DDE5F0")
        c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[chr(64 + i)].width = width
    dv = _answer_validation()
    ws.add_data_validation(dv)
    styles = _column_styles(wb)
    chapter_fill = PatternFill("solid", fgColor="EEEEEE")
    id_rows: list[tuple[int, str]] = []
    r = HEADER_ROW
    chapter = None
    block_start: int | None = None
    blocks = []
    for row in rows:
        if row.chapter != chapter:
            if block_start is not None:
                blocks.append((block_start, r))
            chapter = row.chapter
            r += 1
            c = ws.cell(r, 1, chapter)
            c.font, c.fill = bold, chapter_fill
            c.data_type = "s"
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(COLUMNS))
            block_start = r + 1
        r += 1
        _question_row(ws, r, row, styles)
        id_rows.append((r, row.item))
    if block_start is not None:
        blocks.append((block_start, r))
    for a, b in blocks:
        dv.add(f"{LETTER['answer']}{a}:{LETTER['answer']}{b}")
    _question_page_setup(ws)
    assert r == question_sheet_rows(rows), "the reader's grid is the rows written"
    return id_rows, title


def _question_row(ws: Any, r: int, row: Row, styles: dict[str, Any]) -> None:
    values = {
        "no": row.no,
        "clause": row.clause,
        "question": row.question,
        "roles": row.roles,
        "answer": row.answer,
        "comment": text_lf(row.comment),
        "evidence": text_lf(row.evidence),
        "item": row.item,
    }
    lines = 1
    for key, _, width in COLUMNS:
        v = values[key]
        c = ws.cell(r, COL[key] + 1, v if v != "" else None)
        if isinstance(v, str) and v:
            c.data_type = "s"  # never a formula, whatever the text starts with
            lines = max(
                lines, sum(math.ceil(max(1, display_width(part)) / max(1, width - 1)) for part in v.split("\n"))
            )
        c._style = copy(styles[key])  # a style built once per column (openpyxl's slow path once)
    ws.row_dimensions[r].height = min(409, 14 * lines + 3)


def _question_page_setup(ws: Any) -> None:
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _fit_a4(ws, "landscape", pages_tall=0)
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "&P / &N"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _identity_sheet(
    wb: Any,
    cy: _Cycle,
    department: str,
    id_rows: list[tuple[int, str]],
    respondent: str,
    shows: list[tuple[str, str]],
) -> None:
    """_libaudit: the identity lines and one checksum per question (the model's); very hidden."""
    idws = wb.create_sheet(SHEET_ID)
    meta = cy.model.workbook_identity(department, len(id_rows), SHEET_QUESTIONS, respondent, shows)
    for k, (key, value) in enumerate(meta, start=1):
        idws.cell(k, 1, key)
        idws.cell(k, 2, value).data_type = "s"
    base = len(meta) + 2
    idws.cell(base, 1, "row")
    idws.cell(base, 2, "item")
    idws.cell(base, 3, "hmac")
    ident = cy.model.identity(department, len(id_rows))
    for k, (sheet_row, item) in enumerate(id_rows, start=1):
        idws.cell(base + k, 1, str(sheet_row))
        idws.cell(base + k, 2, item).data_type = "s"
        idws.cell(base + k, 3, cy.model.mac(ident, [str(sheet_row), item]))
    idws.sheet_state = "veryHidden"
    idws.protection.sheet = True


# ---- reading ------------------------------------------------------------------------------


def read_workbook(cy: _Cycle, name: str, data: bytes) -> tuple[Any, list[QuestionnaireProblem]]:
    """A returned workbook's cells read within the exported grid (``reader``) and checked by the
    model; returns its ``_core._Returned`` and the warnings (cells that held a formula, kept as
    the text typed)."""
    from .. import _core

    def refused(e: ReadProblem) -> tuple[Any, list[QuestionnaireProblem]]:
        return _core._Returned(name, [(name, e.sheet, e.row, e.column, e.message)]), []

    try:
        wb = ReturnedWorkbook(data)
    except ReadProblem as e:
        return refused(e)
    try:
        sheets, warnings = _read_sheets(cy, name, wb)
    except ReadProblem as e:
        return refused(e)
    finally:
        wb.close()
    return cy.model.check_workbook(name, sheets, WORKBOOK_LAYOUT), warnings


def _read_sheets(
    cy: _Cycle, name: str, wb: ReturnedWorkbook
) -> tuple[dict[str, list[list[str]]], list[QuestionnaireProblem]]:
    """Every sheet's cells within its grid: the identity sheet first, which names the 課 and so
    the exact rows of its questions sheet; a sheet the export does not write may hold nothing."""
    sheets: dict[str, list[list[str]]] = {}
    warnings: list[QuestionnaireProblem] = []
    if SHEET_ID not in wb.sheet_names:
        return sheets, warnings  # the model refuses a workbook without its identity
    longest = cy.longest()
    identity = wb.cells(SHEET_ID, ID_META_ROWS + 2 + longest, 3).grid
    sheets[SHEET_ID] = identity
    department = nfkc(next((row[1] for row in identity if row[0] == "department"), "")).strip()
    # A 課 the cycle does not target: the model refuses the file; read within the widest grid
    # any 課 could have (a chapter row before every question at most).
    known = department in cy.cycle.departments
    questions = question_sheet_rows(cy.rows(department)) if known else HEADER_ROW + 2 * longest
    grids = {SHEET_QUESTIONS: (questions, len(COLUMNS)), SHEET_INFO: (INFO_ROWS, 2)}
    for sheet in wb.sheet_names:
        if sheet == SHEET_ID:
            continue
        extent = grids.get(sheet, (0, 0))
        read = wb.cells(sheet, *extent)
        sheets[sheet] = read.grid
        for row, column in read.formulas:
            typed = read.grid[row - 1][column - 1]
            warnings.append(
                QuestionnaireProblem(
                    name,
                    sheet,
                    row,
                    column_letter(column),
                    formula_kept(typed),
                )
            )
    return sheets, warnings
