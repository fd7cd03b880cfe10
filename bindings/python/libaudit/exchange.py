"""Questionnaires out, answers in: per-課 Excel workbooks and CSV files that departments fill,
read back safely (docs/exchange.md).

::

    from libaudit import Store, exchange
    with Store("audit.db") as store:
        exchange.export_all(store, cycle=3, folder="out/questionnaires", carry_over_from=2,
                            deadline="2025-06-30", contact="情報政策課 内線 1234")
        # ... the 課 fill them in and send them back ...
        result = exchange.import_files(store, 3, ["returned/"], actor="情報政策課 渡辺")
        print(result.table())

Export writes, for one 課 of a cycle, only the items that apply to it (the scoring module's
applicability rule, ``CycleData::applies``) grouped by chapter, with a drop-down of the five
answers. A hidden, protected sheet (``_libaudit``; in CSV, three extra columns) identifies the
cycle, the 課 and the checklist version and carries an HMAC-SHA256 of every row, keyed by the
store's own secret (``Store.exchange_secret()``), so that a file for another 課 or cycle, an
edited item id, a deleted, inserted or re-ordered row, or a tampered checksum is found.

Import checks every file completely and collects **every** problem (file, sheet, row, column,
reason) before deciding; with any problem it raises :class:`QuestionnaireError` and writes
nothing. Otherwise all answers of all files go to the store in one transaction
(``Store.import_responses``), and the trail records who imported which files (name and SHA-256).
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import hashlib
import hmac
import io
import math
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Union

from . import _core
from ._core import display_width, nfkc
from .errors import Diagnostic, QuestionnaireError, QuestionnaireProblem, ValidationError
from .store import ANSWERS, Store, core_call, fiscal_year_label

PathLike = Union[str, "os.PathLike[str]"]

FORMAT = "libaudit-questionnaire"
FORMAT_VERSION = "1"

SHEET_INFO = "記入方法"
SHEET_QUESTIONS = "点検票"
SHEET_ID = "_libaudit"

# Limits checked before a file is parsed (docs/exchange.md, "Limits").
MAX_FILE_BYTES = 20 * 1024 * 1024  # a 300-item workbook is about 40 KB
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all members of an .xlsx together
MAX_COMPRESSION_RATIO = 100  # per member above 1 MiB (text XML compresses ~10:1)
MAX_ZIP_MEMBERS = 1000

LABEL_OF = dict(ANSWERS)  # code -> 実施している …
ANSWER_LABELS = [label for _, label in ANSWERS]
_ANSWER_OF: dict[str, str] = {}
for _code, _label in ANSWERS:
    _ANSWER_OF[_code] = _code
    _ANSWER_OF[nfkc(_label)] = _code

KIND_LABELS = {"self_inspection": "自己点検", "internal_audit": "内部監査", "external_audit": "外部監査"}

# The columns, in order: (key, heading, width in Excel units). The workbook groups the rows
# under chapter rows; CSV has no such rows and carries the chapter in a column instead.
COLUMNS: list[tuple[str, str, int]] = [
    ("no", "番号", 6),
    ("clause", "条項", 13),
    ("question", "点検項目", 58),
    ("roles", "担当", 16),
    ("answer", "回答", 17),
    ("comment", "備考", 40),
    ("evidence", "根拠資料", 28),
    ("item", "項目ID", 12),
]
CSV_COLUMNS: list[tuple[str, str]] = (
    [("no", "番号"), ("chapter", "章")]
    + [(k, h) for k, h, _ in COLUMNS[1:]]
    + [("cycle", "実施回"), ("department", "課"), ("items", "項目数"), ("checksum", "検査値")]
)
_COL = {key: i for i, (key, _, _) in enumerate(COLUMNS)}  # 0-based, workbook
_LETTER = {key: chr(ord("A") + i) for key, i in _COL.items()}
_CSV_ALIASES = {nfkc(h).strip().lower(): k for k, h in CSV_COLUMNS}
_CSV_ALIASES.update({k: k for k, _ in CSV_COLUMNS})

HEADER_ROW = 2  # the column headings; rows above: the title
EDITABLE = ("answer", "comment", "evidence")


# ---- what goes into a questionnaire -------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One questionnaire row: an item that applies to the 課, and what is pre-filled."""

    no: int
    item: str
    chapter: str
    clause: str
    question: str
    roles: str
    answer: str = ""  # a Japanese label, or ""
    comment: str = ""
    evidence: str = ""


class _Cycle:
    """What every questionnaire of one cycle shares, read once (export_all reuses it)."""

    def __init__(self, store: Store, cycle: int, carry_over_from: int | None = None):
        self.store = store
        self.cycle = store.cycle(cycle)
        self.stored = next(c for c in store.checklists() if c.id == self.cycle.checklist)
        self.checklist = store.load_checklist(self.cycle.checklist)
        self.key = bytes.fromhex(store.exchange_secret())
        self.body = store.body
        self.data = core_call(store, _core._CycleData, cycle)
        self.dept_index = {d["code"]: i for i, d in enumerate(self.data.departments)}
        self.departments = {d.code: d for d in store.departments()}
        role_names = dict(self.checklist.roles)
        audience = "self_inspection" if self.cycle.kind == "self_inspection" else "audit"
        self.items = []  # (index, item, chapter text, roles text)
        for k, item in enumerate(self.checklist.items):
            if audience not in item.audience:
                continue
            ch = self.checklist.chapter_of(item)
            self.items.append(
                (k, item, f"{ch.clause} {ch.title}".strip(), "、".join(role_names.get(r, r) for r in item.roles))
            )
        self.current = _answers_by_department(store, cycle)
        self.previous: dict[str, dict[str, tuple[str, str, str]]] = {}
        if carry_over_from is not None:
            prev = store.cycle(carry_over_from)
            prev_cl = next(c for c in store.checklists() if c.id == prev.checklist)
            if prev_cl.checklist_id != self.stored.checklist_id:
                raise ValidationError(
                    f"cannot carry answers over from cycle {prev.id} ({prev.name}): it uses checklist "
                    f"{prev_cl.checklist_id}, cycle {self.cycle.id} uses {self.stored.checklist_id}"
                )
            self.previous = _answers_by_department(store, carry_over_from)

    def rows(self, department: str) -> list[Row]:
        if department not in self.dept_index:
            known = department in self.departments
            raise ValidationError(
                f"課 {department} is {'not a target of' if known else 'unknown to'} cycle "
                f"{self.cycle.id} ({self.cycle.name})"
            )
        d = self.dept_index[department]
        now = self.current.get(department, {})
        before = self.previous.get(department, {})
        out = []
        for k, item, chapter, roles in self.items:
            if not self.data.applies(d, k):
                continue
            answer, comment, evidence = now.get(item.id) or before.get(item.id) or ("", "", "")
            out.append(
                Row(
                    len(out) + 1,
                    item.id,
                    chapter,
                    item.clause,
                    item.question,
                    roles,
                    LABEL_OF.get(answer, ""),
                    comment,
                    evidence,
                )
            )
        return out

    def identity(self, department: str, n: int) -> str:
        c = self.stored
        return "\x1f".join(
            [FORMAT, FORMAT_VERSION, str(self.cycle.id), department, c.checklist_id, c.version, c.sha256, str(n)]
        )

    def mac(self, identity: str, *parts: object) -> str:
        msg = "\x1f".join([identity, *map(str, parts)]).encode()
        return hmac.new(self.key, msg, hashlib.sha256).hexdigest()

    def title(self) -> str:
        return f"{self.body} {self.cycle.name}".strip()

    def department_name(self, code: str) -> str:
        d = self.departments.get(code)
        return f"{code} {d.name}" if d else code


def _answers_by_department(store: Store, cycle: int) -> dict[str, dict[str, tuple[str, str, str]]]:
    out: dict[str, dict[str, tuple[str, str, str]]] = {}
    for r in store.responses(cycle):
        out.setdefault(r.department, {})[r.item] = (r.answer, r.comment, r.evidence)
    return out


def _text(s: str) -> str:
    """Line breaks as LF (Excel and CSV writers differ); nothing else changes."""
    return s.replace("\r\n", "\n").replace("\r", "\n")


def _date_text(value: None | str | _dt.date) -> str:
    if value is None:
        return ""
    if isinstance(value, _dt.date):
        value = value.isoformat()
    try:
        d = _dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{d.year}年{d.month}月{d.day}日（{'月火水木金土日'[d.weekday()]}）"


# ---- export: workbook ---------------------------------------------------------------------


def export_workbook(
    store: Store,
    cycle: int,
    department: str,
    path: PathLike,
    *,
    carry_over_from: int | None = None,
    deadline: None | str | _dt.date = None,
    contact: str | None = None,
    _shared: _Cycle | None = None,
) -> Path:
    """Write the questionnaire of one 課 for a cycle to `path` (.xlsx); returns the path.

    Only the items that apply to the 課 are listed. Answers already stored for the cycle are
    pre-filled; with ``carry_over_from`` (an earlier cycle of the same checklist id), the answers
    of that cycle fill the rest, matched by item id.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    cy = _shared or _Cycle(store, cycle, carry_over_from)
    department = nfkc(str(department)).strip()
    rows = cy.rows(department)
    ident = cy.identity(department, len(rows))
    dept = cy.departments.get(department)
    parent = cy.departments.get(dept.parent_code) if dept and dept.parent_code else None

    font = Font(name="游ゴシック", size=10)
    bold = Font(name="游ゴシック", size=10, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    unlocked = Protection(locked=False)
    input_fill = PatternFill("solid", fgColor="FFF9D6")
    head_fill = PatternFill("solid", fgColor="DDE5F0")
    chapter_fill = PatternFill("solid", fgColor="EEEEEE")

    wb = Workbook()
    # -- 記入方法 (instructions)
    info = wb.active
    info.title = SHEET_INFO
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 80
    info["A1"] = cy.title()
    info["A1"].font = Font(name="游ゴシック", size=14, bold=True)
    fields = [
        ("団体", cy.body),
        ("実施回", f"{cy.cycle.name}（{KIND_LABELS.get(cy.cycle.kind, cy.cycle.kind)}）"),
        ("年度", f"{fiscal_year_label(cy.cycle.fiscal_year)}（{cy.cycle.fiscal_year}年度）"),
        ("部", f"{parent.code} {parent.name}" if parent else ""),
        ("課", cy.department_name(department)),
        ("情報セキュリティ管理者", dept.security_manager if dept else ""),
        ("点検表", f"{cy.stored.title}（{cy.stored.checklist_id} 版 {cy.stored.version}）"),
        ("項目数", f"{len(rows)} 項目（この課に該当する項目のみ）"),
        ("回答期限", _date_text(deadline)),
        ("問い合わせ先", contact or ""),
    ]
    r = 3
    for label, value in fields:
        info.cell(r, 1, label).font = bold
        c = info.cell(r, 2, value)
        c.font, c.alignment = font, wrap
        c.data_type = "s"
        r += 1
    respondent_row = r
    info.cell(r, 1, "回答者（氏名）").font = bold
    c = info.cell(r, 2)
    c.protection, c.fill, c.border = unlocked, input_fill, border
    r += 2
    info.cell(r, 1, "記入方法").font = bold
    steps = [
        f"1. 「{SHEET_QUESTIONS}」シートの黄色の欄（回答・備考・根拠資料）だけに記入してください。ほかの欄は保護されています。",
        "2. 回答は一覧から選んでください: " + " / ".join(ANSWER_LABELS) + "。",
        "3. 一部実施している・実施していない・わからない場合は、理由や今後の予定を備考に書いてください。",
        "4. 根拠資料には、確認できる文書や記録の名称（例: 監査調書、研修受講記録）を書いてください。",
        "5. 回答を記入していない項目は「未回答」のまま取り込まれます。途中までの提出もできます。",
        "6. 行の追加・削除・並べ替え、シート名の変更はしないでください。取り込み時に検出され、ファイル全体が差し戻されます。",
        "7. 前年度の回答が入っている場合は、今年度の状況に合わせて見直してください。",
        f"8. 記入が終わったら、上の「回答者（氏名）」を記入し、{_date_text(deadline) or '期限'}までに問い合わせ先へ提出してください。",
    ]
    for text in steps:
        r += 1
        c = info.cell(r, 2, text)
        c.font, c.alignment = font, wrap
        info.row_dimensions[r].height = 15 * max(1, math.ceil(display_width(text) / 78))
    r += 2
    info.cell(r, 1, "回答の意味").font = bold
    meanings = {
        "implemented": "規定どおりに実施している。",
        "partial": "実施しているが、一部の業務・職員・期間で実施できていない。",
        "not_implemented": "実施していない。",
        "not_applicable": "この課には該当する業務・システム・資産がない。",
        "unknown": "実施しているかどうか確認できない。",
    }
    for code, label in ANSWERS:
        r += 1
        info.cell(r, 1, label).font = font
        info.cell(r, 2, meanings.get(code, "")).font = font
    info.protection.sheet = True
    info.protection.formatColumns = False
    info.protection.formatRows = False
    info.page_setup.paperSize = info.PAPERSIZE_A4
    info.page_setup.orientation = "portrait"

    # -- 点検票 (questionnaire)
    ws = wb.create_sheet(SHEET_QUESTIONS)
    last = _LETTER["item"]
    ws["A1"] = f"{cy.title()} 点検票 — {cy.department_name(department)}"
    ws["A1"].font = Font(name="游ゴシック", size=12, bold=True)
    ws.merge_cells(f"A1:{last}1")
    for i, (key, heading, width) in enumerate(COLUMNS, start=1):
        c = ws.cell(HEADER_ROW, i, heading)
        c.font, c.fill, c.border = bold, head_fill, border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[chr(64 + i)].width = width
    dv = DataValidation(
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
    ws.add_data_validation(dv)
    # One style per column, set on a scratch cell the slow way and copied into every row.
    styles = {}
    scratch = wb.create_sheet("scratch")
    for key, _, _ in COLUMNS:
        c = scratch.cell(1, _COL[key] + 1)
        c.font, c.alignment, c.border = font, wrap, border
        if key in EDITABLE:
            c.protection, c.fill = unlocked, input_fill
        if key == "item":
            c.font = Font(name="游ゴシック", size=8, color="808080")
        styles[key] = copy(c._style)
    wb.remove(scratch)
    id_rows: list[tuple[int, str]] = []
    r = HEADER_ROW
    chapter = None
    block_start = None
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
        values = {
            "no": row.no,
            "clause": row.clause,
            "question": row.question,
            "roles": row.roles,
            "answer": row.answer,
            "comment": _text(row.comment),
            "evidence": _text(row.evidence),
            "item": row.item,
        }
        lines = 1
        for key, heading, width in COLUMNS:
            v = values[key]
            c = ws.cell(r, _COL[key] + 1, v if v != "" else None)
            if isinstance(v, str) and v:
                c.data_type = "s"  # never a formula, whatever the text starts with
                lines = max(
                    lines, sum(math.ceil(max(1, display_width(part)) / max(1, width - 1)) for part in v.split("\n"))
                )
            c._style = copy(styles[key])  # a style built once per column (openpyxl's slow path once)
        ws.row_dimensions[r].height = min(409, 14 * lines + 3)
        id_rows.append((r, row.item))
    if block_start is not None:
        blocks.append((block_start, r))
    answer_col = _LETTER["answer"]
    for a, b in blocks:
        dv.add(f"{answer_col}{a}:{answer_col}{b}")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "&P / &N"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    wb.active = 1

    # -- _libaudit (identity and checksums): very hidden, protected
    idws = wb.create_sheet(SHEET_ID)
    meta = [
        ("format", FORMAT),
        ("format_version", FORMAT_VERSION),
        ("cycle", str(cy.cycle.id)),
        ("cycle_name", cy.cycle.name),
        ("department", department),
        ("checklist", cy.stored.checklist_id),
        ("version", cy.stored.version),
        ("sha256", cy.stored.sha256),
        ("sheet", SHEET_QUESTIONS),
        ("items", str(len(rows))),
        ("respondent", f"{SHEET_INFO}!B{respondent_row}"),
        ("identity_hmac", cy.mac(ident, SHEET_QUESTIONS, f"{SHEET_INFO}!B{respondent_row}")),
    ]
    for k, (key, value) in enumerate(meta, start=1):
        idws.cell(k, 1, key)
        idws.cell(k, 2, value).data_type = "s"
    base = len(meta) + 2
    idws.cell(base, 1, "row")
    idws.cell(base, 2, "item")
    idws.cell(base, 3, "hmac")
    for k, (sheet_row, item) in enumerate(id_rows, start=1):
        idws.cell(base + k, 1, str(sheet_row))
        idws.cell(base + k, 2, item).data_type = "s"
        idws.cell(base + k, 3, cy.mac(ident, sheet_row, item))
    idws.sheet_state = "veryHidden"
    idws.protection.sheet = True
    wb.security.lockStructure = True

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return path


# ---- export: CSV --------------------------------------------------------------------------


def export_csv(
    store: Store,
    cycle: int,
    department: str,
    path: PathLike,
    *,
    encoding: str = "utf-8-sig",
    carry_over_from: int | None = None,
    _shared: _Cycle | None = None,
) -> Path:
    """Write the questionnaire of one 課 as CSV: UTF-8 with BOM (default) or ``cp932`` (what
    Excel on Japanese Windows reads and writes). Every field is quoted. A character that CP932
    cannot hold is refused (ValidationError naming each row and column), never written as '?'."""
    enc = _csv_encoding(encoding)
    cy = _shared or _Cycle(store, cycle, carry_over_from)
    department = nfkc(str(department)).strip()
    rows = cy.rows(department)
    ident = cy.identity(department, len(rows))
    records = [[h for _, h in CSV_COLUMNS]]
    for row in rows:
        records.append(
            [
                str(row.no),
                row.chapter,
                row.clause,
                row.question,
                row.roles,
                row.answer,
                _text(row.comment),
                _text(row.evidence),
                _as_text(row.item),
                _as_text(str(cy.cycle.id)),
                _as_text(department),
                str(len(rows)),
                cy.mac(ident, row.no, row.item),
            ]
        )
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(records)
    text = buf.getvalue()
    if enc == "cp932":
        bad = []
        for line_no, rec in enumerate(records, start=1):
            for (key, heading), value in zip(CSV_COLUMNS, rec):
                for ch in value:
                    try:
                        ch.encode("cp932")
                    except UnicodeEncodeError:
                        bad.append(
                            Diagnostic(
                                os.fspath(path),
                                line_no,
                                0,
                                f"番号 {rec[0]} ({heading}): '{ch}' (U+{ord(ch):04X}) cannot be "
                                "written in CP932; export UTF-8 (the default) or change the text",
                            )
                        )
        if bad:
            raise ValidationError(f"{os.fspath(path)}: {len(bad)} character(s) cannot be written in CP932", bad)
        data = text.encode("cp932")
    else:
        data = codecs.BOM_UTF8 + text.encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


# Excel turns CSV fields that look like numbers or dates into numbers ('0101' -> 101, '8.10' ->
# 8.1, '1-2' -> a date) and writes them back so. Identity fields that look so are written as
# ="0101", which Excel shows and saves as the text 0101; the reader accepts both forms.
_NUMBER_LIKE = re.compile(r"[0-9０-９.,:/+\-eE ]+")


def _as_text(value: str) -> str:
    return f'="{value}"' if _NUMBER_LIKE.fullmatch(value) else value


def _from_text(value: str) -> str:
    if value.startswith('="') and value.endswith('"') and len(value) >= 3:
        return value[2:-1].replace('""', '"')
    return value


def _csv_encoding(encoding: str) -> str:
    e = encoding.lower().replace("_", "-")
    if e in ("utf-8-sig", "utf-8", "utf8", "utf8-sig"):
        return "utf-8-sig"
    if e in ("cp932", "shift-jis", "sjis", "windows-31j", "ms932"):
        return "cp932"
    raise ValidationError(f"unknown CSV encoding {encoding!r}: utf-8-sig (UTF-8 with BOM) or cp932")


# ---- export: every 課 ----------------------------------------------------------------------


def file_name(store_or_cycle: Store | _Cycle, department: str, fmt: str = "xlsx") -> str:
    """The file name of a 課's questionnaire: '4010_市民課.xlsx'."""
    if isinstance(store_or_cycle, Store):
        d = {x.code: x for x in store_or_cycle.departments()}.get(department)
    else:
        d = store_or_cycle.departments.get(department)
    name = (d.name if d else "").translate(str.maketrans(dict.fromkeys('\\/:*?"<>| ', "_")))
    return f"{department}_{name}.{fmt}" if name else f"{department}.{fmt}"


def export_all(
    store: Store,
    cycle: int,
    folder: PathLike,
    *,
    format: str = "xlsx",
    encoding: str = "utf-8-sig",
    carry_over_from: int | None = None,
    deadline: None | str | _dt.date = None,
    contact: str | None = None,
    departments: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """One questionnaire per target 課 of the cycle (or the given 課) into `folder`; returns the
    paths. ``progress(done, total)`` is called after each file."""
    if format not in ("xlsx", "csv"):
        raise ValidationError(f"unknown format {format!r}: xlsx or csv")
    cy = _Cycle(store, cycle, carry_over_from)
    codes = list(departments) if departments else list(cy.cycle.departments)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, code in enumerate(codes, start=1):
        target = folder / file_name(cy, code, format)
        if format == "xlsx":
            out.append(export_workbook(store, cycle, code, target, deadline=deadline, contact=contact, _shared=cy))
        else:
            out.append(export_csv(store, cycle, code, target, encoding=encoding, _shared=cy))
        if progress:
            progress(k, len(codes))
    return out


# ---- import -------------------------------------------------------------------------------


@dataclass
class FileSummary:
    """What one returned file holds, against what the store held before the import."""

    path: str
    department: str = ""
    department_name: str = ""
    sha256: str = ""
    answered: int = 0  # rows with an answer
    changed: int = 0  # answered rows that differ from the store (new or updated)
    unchanged: int = 0  # answered rows equal to what is stored
    blank: int = 0  # rows left without an answer (stay unanswered)


@dataclass
class ImportSummary:
    cycle: int
    files: list[FileSummary]
    dry_run: bool
    inserted: int = 0
    updated: int = 0

    @property
    def answered(self) -> int:
        return sum(f.answered for f in self.files)

    @property
    def changed(self) -> int:
        return sum(f.changed for f in self.files)

    def table(self) -> str:
        """The per-file summary as a text table (Japanese aligned by display width)."""
        from .table import format_table

        rows = [
            (
                Path(f.path).name,
                f"{f.department} {f.department_name}".strip(),
                f.answered,
                f.changed,
                f.unchanged,
                f.blank,
            )
            for f in self.files
        ]
        rows.append(
            (
                "計",
                "",
                self.answered,
                self.changed,
                sum(f.unchanged for f in self.files),
                sum(f.blank for f in self.files),
            )
        )
        return format_table(["file", "課", "answered", "changed", "unchanged", "blank"], rows, "<<>>>>")


@dataclass
class _Parsed:
    path: Path
    name: str
    sha256: str = ""
    cycle: str = ""
    department: str = ""
    respondent: str = ""
    # (item, answer code or "", comment, evidence, sheet, row, answer column)
    rows: list[tuple[str, str, str, str, str, int, str]] = field(default_factory=list)


def collect_files(paths: Iterable[PathLike]) -> list[Path]:
    """The files named, with every .xlsx and .csv under named folders (sorted; Excel's '~$' lock
    files and hidden files skipped)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in (".xlsx", ".csv") and not f.name.startswith(("~$", "."))
                )
            )
        else:
            out.append(p)
    return out


def import_files(
    store: Store,
    cycle: int,
    paths: Iterable[PathLike],
    actor: str,
    *,
    dry_run: bool = False,
    department: str | None = None,
    encoding: str = "detect",
    max_bytes: int = MAX_FILE_BYTES,
) -> ImportSummary:
    """Import returned questionnaires (.xlsx workbooks and CSV files, or folders of them) into
    an open cycle: all answers of all files in one transaction, or nothing.

    Every file is checked completely first; any problem in any file raises QuestionnaireError
    listing every problem (file, sheet or line, column, reason) and nothing is written. With
    ``department``, every file must be that 課's. ``dry_run`` checks and summarises only.
    Returns the per-file summary.
    """
    files = collect_files(paths)
    problems: list[QuestionnaireProblem] = []
    if not files:
        raise QuestionnaireError(
            "no questionnaire files given (.xlsx or .csv)",
            [QuestionnaireProblem("<none>", "", 0, "", "no .xlsx or .csv files found")],
        )
    cy = _Cycle(store, cycle)
    if cy.cycle.status != "open":
        problems.append(
            QuestionnaireProblem(
                "<cycle>",
                "",
                0,
                "",
                f"cycle {cy.cycle.id} ({cy.cycle.name}) is {cy.cycle.status}: "
                + ("a closed cycle takes no answers" if cy.cycle.status == "closed" else "open it first"),
            )
        )
    parsed: list[_Parsed] = []
    for f in files:
        p = _Parsed(f, f.name)
        problems.extend(_read_file(cy, p, encoding, max_bytes))
        parsed.append(p)
    # One file per 課: two returned files for one 課 would overwrite each other.
    seen: dict[str, str] = {}
    for p in parsed:
        if not p.department:
            continue
        if department is not None and p.department != nfkc(str(department)).strip():
            problems.append(
                QuestionnaireProblem(
                    p.name,
                    "",
                    0,
                    "",
                    f"this questionnaire is for 課 {cy.department_name(p.department)}, not {department}",
                )
            )
        if p.department in seen:
            problems.append(
                QuestionnaireProblem(
                    p.name,
                    "",
                    0,
                    "",
                    f"a second questionnaire for 課 {cy.department_name(p.department)} (also {seen[p.department]})",
                )
            )
        else:
            seen[p.department] = p.name
    if problems:
        n = len({x.file for x in problems})
        raise QuestionnaireError(f"nothing was imported: {len(problems)} problem(s) in {n} file(s)", problems)

    summary = ImportSummary(cycle=cy.cycle.id, files=[], dry_run=dry_run)
    rows = []
    for p in parsed:
        stored = cy.current.get(p.department, {})
        s = FileSummary(os.fspath(p.path), p.department, cy.departments[p.department].name, p.sha256)
        for item, answer, comment, evidence, *_ in p.rows:
            if not answer:
                s.blank += 1
                continue
            s.answered += 1
            if stored.get(item) == (answer, comment, evidence):
                s.unchanged += 1
            else:
                s.changed += 1
            rows.append((p.department, item, answer, comment, evidence, p.respondent or actor))
        summary.files.append(s)
    if not dry_run and rows:
        source = "; ".join(f"{p.name} sha256:{p.sha256}" for p in parsed)
        r = store.import_responses(
            actor, cy.cycle.id, rows, source=", ".join(p.name for p in parsed), trail_source=f"questionnaires: {source}"
        )
        summary.inserted, summary.updated = r.inserted, r.updated
    return summary


def _read_file(cy: _Cycle, p: _Parsed, encoding: str, max_bytes: int) -> list[QuestionnaireProblem]:
    def problem(msg: str) -> list[QuestionnaireProblem]:
        return [QuestionnaireProblem(p.name, "", 0, "", msg)]

    suffix = p.path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        return problem(
            "not a questionnaire: give .xlsx workbooks or .csv files (an .xls or .ods file: save it as .xlsx first)"
        )
    try:
        size = p.path.stat().st_size
    except OSError as e:
        return problem(f"cannot read the file: {e.strerror or e}")
    if size > max_bytes:
        return problem(
            f"the file is {size / 1048576:.1f} MB; questionnaires larger than "
            f"{max_bytes / 1048576:.0f} MB are refused (a 300-item workbook is well under 1 MB): "
            "is it the right file?"
        )
    try:
        data = p.path.read_bytes()
    except OSError as e:
        return problem(f"cannot read the file: {e.strerror or e}")
    p.sha256 = hashlib.sha256(data).hexdigest()
    if suffix == ".xlsx":
        return _read_workbook(cy, p, data)
    return _read_csv(cy, p, data, encoding)


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        return v.isoformat()
    return _text(str(v))


def _answer_code(text: str) -> str | None:
    """'' for blank, the code for a label or code, None for anything else."""
    t = nfkc(text).strip()
    if not t:
        return ""
    return _ANSWER_OF.get(t, _ANSWER_OF.get(t.lower()))


def _invalid_answer(text: str) -> str:
    return (
        f"回答 '{text}' is not one of "
        + " / ".join(ANSWER_LABELS)
        + " (or implemented, partial, not_implemented, not_applicable, unknown)"
    )


def _check_zip(p: _Parsed, data: bytes) -> list[QuestionnaireProblem]:
    def problem(msg: str) -> list[QuestionnaireProblem]:
        return [QuestionnaireProblem(p.name, "", 0, "", msg)]

    if not data.startswith(b"PK"):
        kind = (
            "an old Excel 97-2003 (.xls) or encrypted workbook"
            if data.startswith(b"\xd0\xcf\x11\xe0")
            else "not a ZIP container"
        )
        return problem(f"not an Excel workbook (.xlsx): {kind}; was it renamed? Save it from Excel as .xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        return problem(f"not an Excel workbook (.xlsx): a damaged ZIP container ({e})")
    if len(infos) > MAX_ZIP_MEMBERS:
        return problem(f"refused: the workbook holds {len(infos)} parts (limit {MAX_ZIP_MEMBERS})")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        return problem(
            f"refused: the workbook would unpack to {total / 1048576:.0f} MB (limit "
            f"{MAX_UNCOMPRESSED_BYTES / 1048576:.0f} MB): a ZIP bomb or not a questionnaire"
        )
    for i in infos:
        if i.file_size > 1048576 and i.file_size > MAX_COMPRESSION_RATIO * max(1, i.compress_size):
            return problem(
                f"refused: part {i.filename} is compressed {i.file_size // max(1, i.compress_size)}:1 "
                f"(limit {MAX_COMPRESSION_RATIO}:1): a ZIP bomb or not a questionnaire"
            )
    if "xl/workbook.xml" not in names:
        return problem("not an Excel workbook (.xlsx): the ZIP container has no xl/workbook.xml")
    return []


def _read_workbook(cy: _Cycle, p: _Parsed, data: bytes) -> list[QuestionnaireProblem]:
    import warnings

    from openpyxl import load_workbook

    problems = _check_zip(p, data)
    if problems:
        return problems

    def problem(sheet: str, row: int, col: str, msg: str) -> None:
        problems.append(QuestionnaireProblem(p.name, sheet, row, col, msg))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        problem("", 0, "", f"not a readable Excel workbook (.xlsx): {type(e).__name__}: {e}")
        return problems
    try:
        if SHEET_ID not in wb.sheetnames:
            problem(
                "",
                0,
                "",
                f"not a libaudit questionnaire: the workbook has no identity sheet ({SHEET_ID}); "
                "answer the workbook exported by libaudit for your 課",
            )
            return problems
        id_rows = [
            tuple(_cell_text(v) for v in r[:3]) + ("",) * (3 - len(r[:3]))
            for r in wb[SHEET_ID].iter_rows(values_only=True)
        ]
        meta: dict[str, str] = {}
        k = 0
        while k < len(id_rows) and id_rows[k][0]:
            meta[id_rows[k][0]] = id_rows[k][1]
            k += 1
        while k < len(id_rows) and id_rows[k][0] != "row":
            k += 1
        listed = [(r[0], r[1], r[2]) for r in id_rows[k + 1 :] if any(r)]
        if meta.get("format") != FORMAT:
            problem(SHEET_ID, 0, "", "not a libaudit questionnaire (its identity sheet is not libaudit's)")
            return problems
        if meta.get("format_version") != FORMAT_VERSION:
            problem(
                SHEET_ID,
                0,
                "",
                f"questionnaire format version {meta.get('format_version')!r} is not "
                f"{FORMAT_VERSION}: export it again with this libaudit",
            )
            return problems
        if not _check_identity(cy, p, meta, len(listed), problems, SHEET_ID):
            return problems
        sheet = meta.get("sheet", "")
        ident = cy.identity(p.department, len(listed))
        if not hmac.compare_digest(meta.get("identity_hmac", ""), cy.mac(ident, sheet, meta.get("respondent", ""))):
            problem(
                SHEET_ID,
                0,
                "",
                "the identity checksum does not match: the workbook was exported by another "
                "libaudit database, or its 課, cycle, checklist or row count was edited",
            )
            return problems
        if sheet not in wb.sheetnames:
            problem(sheet, 0, "", f"the questionnaire sheet '{sheet}' is missing (renamed or deleted)")
            return problems
        grid = [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
        respondent = meta.get("respondent", "")
        if "!" in respondent:
            rs, cell = respondent.split("!", 1)
            if rs in wb.sheetnames:
                try:
                    col = ord(cell[0]) - 65
                    rno = int(cell[1:])
                    for r in wb[rs].iter_rows(min_row=rno, max_row=rno, values_only=True):
                        p.respondent = _cell_text(r[col] if col < len(r) else None).strip()
                except (ValueError, IndexError):
                    pass
    finally:
        wb.close()

    ncol = len(COLUMNS)
    listed_rows = set()
    for k, (row_text, item, mac) in enumerate(listed, start=1):
        try:
            sheet_row = int(row_text)
        except ValueError:
            problem(SHEET_ID, 0, "", f"entry {k}: row '{row_text}' is not a number")
            continue
        listed_rows.add(sheet_row)
        if not hmac.compare_digest(mac, cy.mac(ident, sheet_row, item)):
            problem(
                sheet,
                sheet_row,
                _LETTER["item"],
                f"the checksum of row {sheet_row} (item {item}) does not match: the identity sheet was edited",
            )
            continue
        values = grid[sheet_row - 1] if sheet_row - 1 < len(grid) else ()
        values = tuple(values) + (None,) * (ncol - len(values))
        got = nfkc(_cell_text(values[_COL["item"]])).strip()
        if got != item:
            problem(
                sheet,
                sheet_row,
                _LETTER["item"],
                f"項目ID is '{got}' but this row was exported for item {item}: rows were deleted, inserted or "
                "re-ordered, or the id was edited; answer in the workbook as exported",
            )
            continue
        answer_text = _cell_text(values[_COL["answer"]])
        code = _answer_code(answer_text)
        comment = _cell_text(values[_COL["comment"]])
        evidence = _cell_text(values[_COL["evidence"]])
        if code is None:
            problem(sheet, sheet_row, _LETTER["answer"], _invalid_answer(answer_text))
            continue
        if not code and (comment.strip() or evidence.strip()):
            problem(
                sheet,
                sheet_row,
                _LETTER["answer"],
                f"item {item} has a comment or evidence but no 回答: "
                "choose an answer (わからない if unsure) or clear the comment",
            )
            continue
        p.rows.append(
            (item, code, comment if code else "", evidence if code else "", sheet, sheet_row, _LETTER["answer"])
        )
    # Answers typed outside the exported rows would be lost: refuse them.
    for r_no, values in enumerate(grid, start=1):
        if r_no <= HEADER_ROW or r_no in listed_rows:
            continue
        extra = [v for v in values[1:ncol] if v not in (None, "")]
        if extra:
            problem(
                sheet,
                r_no,
                "A",
                "a row that is not one of the exported questions holds data "
                f"({_cell_text(extra[0])[:20]!r}): rows were inserted or moved",
            )
    return problems


def _check_identity(
    cy: _Cycle, p: _Parsed, meta: dict[str, str], n: int, problems: list[QuestionnaireProblem], sheet: str
) -> bool:
    """Cycle, 課 and checklist of a file against the cycle imported into; False stops reading."""
    ok = True

    def problem(msg: str) -> None:
        nonlocal ok
        ok = False
        problems.append(QuestionnaireProblem(p.name, sheet, 0, "", msg))

    p.cycle = meta.get("cycle", "")
    p.department = nfkc(meta.get("department", "")).strip()
    if p.cycle != str(cy.cycle.id):
        problem(
            f"this questionnaire is for cycle {p.cycle} ({meta.get('cycle_name', '?')}), not cycle "
            f"{cy.cycle.id} ({cy.cycle.name})"
        )
    if p.department not in cy.dept_index:
        problem(
            f"this questionnaire is for 課 {cy.department_name(p.department)}, which is not a target of "
            f"cycle {cy.cycle.id}"
        )
    c = cy.stored
    if "checklist" in meta and (meta.get("checklist"), meta.get("version"), meta.get("sha256")) != (
        c.checklist_id,
        c.version,
        c.sha256,
    ):
        problem(
            f"this questionnaire is for checklist {meta.get('checklist')} version {meta.get('version')}, "
            f"cycle {cy.cycle.id} uses {c.checklist_id} version {c.version}"
        )
    if ok and n == 0:
        problem("the questionnaire lists no items")
    return ok


def _decode_csv(p: _Parsed, data: bytes, encoding: str) -> tuple[str | None, list[QuestionnaireProblem]]:
    def problem(line: int, msg: str):
        return None, [QuestionnaireProblem(p.name, "", line, "", msg)]

    def bad_line(raw: bytes, enc: str) -> int:
        try:
            raw.decode(enc)
        except UnicodeDecodeError as e:
            return raw[: e.start].count(b"\n") + 1
        return 0

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return problem(0, "the CSV is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' or 'CSV' instead")
    e = encoding.lower().replace("_", "-")
    if e in ("detect", "auto"):
        if data.startswith(codecs.BOM_UTF8):
            candidates = ["utf-8-sig"]
        else:
            candidates = ["utf-8", "cp932"]
    else:
        candidates = [_csv_encoding(e)]
    for enc in candidates:
        try:
            return data.decode(enc), []
        except UnicodeDecodeError:
            continue
    enc = candidates[-1]
    names = " or ".join("UTF-8" if c.startswith("utf") else "CP932 (Shift_JIS)" for c in candidates)
    return problem(
        bad_line(data, enc),
        f"the CSV is not valid {names}: save it from Excel as 'CSV UTF-8' or 'CSV (comma delimited)'",
    )


def _read_csv(cy: _Cycle, p: _Parsed, data: bytes, encoding: str) -> list[QuestionnaireProblem]:
    problems: list[QuestionnaireProblem] = []
    text, probs = _decode_csv(p, data, encoding)
    if text is None:
        return probs
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    lines: list[int] = []  # the line each record starts on (a quoted field may span lines)
    start = 1
    try:
        for rec in reader:
            records.append(rec)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as e:
        return [QuestionnaireProblem(p.name, "", reader.line_num, "", f"not a valid CSV: {e}")]
    if not records:
        return [QuestionnaireProblem(p.name, "", 0, "", "the CSV is empty")]
    header = [_CSV_ALIASES.get(nfkc(h).strip().lower(), "") for h in records[0]]
    missing = [h for k, h in CSV_COLUMNS if k not in header]
    if missing:
        return [
            QuestionnaireProblem(
                p.name,
                "",
                1,
                "",
                "not a libaudit questionnaire CSV: the header lacks "
                + ", ".join(missing)
                + " (is it in another encoding than UTF-8 or CP932, "
                "or were columns deleted?)",
            )
        ]
    col = {k: header.index(k) for k, _ in CSV_COLUMNS}
    heading = dict(CSV_COLUMNS)
    body = [(lines[k], r) for k, r in enumerate(records) if k > 0 and any(x.strip() for x in r)]
    if not body:
        return [QuestionnaireProblem(p.name, "", 0, "", "the questionnaire lists no items")]

    def get(r: list[str], key: str) -> str:
        i = col[key]
        return _from_text(r[i]) if i < len(r) else ""

    # Identity: every row carries the cycle, the 課 and the number of rows exported; they must agree.
    first = body[0][1]
    meta = {"cycle": get(first, "cycle").strip(), "department": get(first, "department").strip()}
    n_text = get(first, "items").strip()
    for line, r in body[1:]:
        if (get(r, "cycle").strip(), get(r, "department").strip(), get(r, "items").strip()) != (
            meta["cycle"],
            meta["department"],
            n_text,
        ):
            problems.append(
                QuestionnaireProblem(
                    p.name,
                    "",
                    line,
                    heading["department"],
                    "this row names another cycle, 課 or 項目数 than the first row: "
                    "rows from two questionnaires were mixed, or the columns edited",
                )
            )
    if problems or not _check_identity(cy, p, meta, len(body), problems, ""):
        return problems
    n = int(n_text) if n_text.isdigit() else -1
    if n != len(body):
        problems.append(
            QuestionnaireProblem(
                p.name,
                "",
                0,
                "",
                f"the questionnaire has {len(body)} rows but was exported with "
                f"{n_text or '?'} (項目数): rows were deleted or added",
            )
        )
    ident = cy.identity(p.department, n)
    for k, (line, r) in enumerate(body, start=1):
        if len(r) != len(records[0]):
            problems.append(
                QuestionnaireProblem(p.name, "", line, "", f"{len(r)} fields, the header has {len(records[0])}")
            )
            continue
        no, item = get(r, "no").strip(), nfkc(get(r, "item")).strip()
        if no != str(k):
            problems.append(
                QuestionnaireProblem(
                    p.name,
                    "",
                    line,
                    heading["no"],
                    f"番号 is '{no}', expected {k}: rows were deleted, inserted or re-ordered",
                )
            )
            continue
        if not hmac.compare_digest(get(r, "checksum").strip(), cy.mac(ident, k, item)):
            problems.append(
                QuestionnaireProblem(
                    p.name,
                    "",
                    line,
                    heading["checksum"],
                    f"the checksum of 番号 {k} (item {item}) does not match: the 項目ID or checksum was edited, rows "
                    "were deleted or added, or the file was exported by another libaudit database",
                )
            )
            continue
        answer_text = get(r, "answer")
        code = _answer_code(answer_text)
        comment, evidence = _text(get(r, "comment")), _text(get(r, "evidence"))
        if code is None:
            problems.append(QuestionnaireProblem(p.name, "", line, heading["answer"], _invalid_answer(answer_text)))
            continue
        if not code and (comment.strip() or evidence.strip()):
            problems.append(
                QuestionnaireProblem(
                    p.name,
                    "",
                    line,
                    heading["answer"],
                    f"item {item} has a comment or evidence but no 回答: choose an "
                    "answer (わからない if unsure) or clear the comment",
                )
            )
            continue
        p.rows.append((item, code, comment if code else "", evidence if code else "", "", line, heading["answer"]))
    return problems


def is_questionnaire(path: PathLike) -> bool:
    """True for an .xlsx file, or a .csv whose header is a questionnaire's (not the plain
    department,item,answer,… responses CSV of ``Store.import_responses_csv``)."""
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        return True
    if p.suffix.lower() != ".csv":
        return False
    try:
        with open(p, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    for enc in ("utf-8-sig", "cp932"):
        try:
            first = head.decode(enc, errors="ignore").splitlines()[0] if head else ""
        except IndexError:
            return False
        cols = {_CSV_ALIASES.get(nfkc(h).strip().strip('"').lower()) for h in first.split(",")}
        if "checksum" in cols and "no" in cols:
            return True
    return False


__all__ = [
    "ANSWER_LABELS",
    "COLUMNS",
    "CSV_COLUMNS",
    "FileSummary",
    "ImportSummary",
    "MAX_FILE_BYTES",
    "Row",
    "collect_files",
    "export_all",
    "export_csv",
    "export_workbook",
    "file_name",
    "import_files",
    "is_questionnaire",
]
