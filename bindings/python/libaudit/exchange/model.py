"""What a questionnaire holds and where: the column layouts of the workbook and the CSV, and one
cycle's questionnaires as the C++ model gives them (``_core._Questionnaires``: which rows, what is
pre-filled, identity and checksums, the checking of returned cells; questionnaire.h)."""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
from dataclasses import dataclass
from typing import Union

from .. import _core, labels
from ..dates import parse_day
from ..i18n import _
from ..store import Department, Store, core_call

PathLike = Union[str, "os.PathLike[str]"]

FORMAT = "libaudit-questionnaire"
FORMAT_VERSION = "1"

#: The formats a questionnaire is written in.
QUESTIONNAIRE_FORMATS = ("xlsx", "csv")

SHEET_INFO = "記入方法"
SHEET_QUESTIONS = "点検票"
SHEET_ID = "_libaudit"

# From the label table (libaudit.labels).
LABEL_OF: dict[str, str] = dict(labels.terms("answer"))  # code -> 実施している …
ANSWER_LABELS: list[str] = [label for _, label in labels.terms("answer")]
KIND_LABELS: dict[str, str] = dict(labels.terms("cycle_kind"))  # self_inspection -> 自己点検 …

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
COL = {key: i for i, (key, _, _) in enumerate(COLUMNS)}  # 0-based, workbook
LETTER = {key: chr(ord("A") + i) for key, i in COL.items()}

HEADER_ROW = 2  # the column headings; rows above: the title
EDITABLE = ("answer", "comment", "evidence")

# What the C++ checker needs of the workbook layout: header row, columns, then the 0-based
# columns of item, answer, comment and evidence.
WORKBOOK_LAYOUT = (HEADER_ROW, len(COLUMNS), COL["item"], COL["answer"], COL["comment"], COL["evidence"])


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
    """What every questionnaire of one cycle shares, read once (export_all reuses it): the C++
    model, and what the sheets print (names, the checklist's title)."""

    def __init__(self, store: Store, cycle: int, carry_over_from: int | None = None):
        self.model = core_call(store, _core._Questionnaires, cycle, carry_over_from)
        self.carry_over_from = carry_over_from
        self.cycle = store.cycle(cycle)
        self.stored = next(c for c in store.checklists() if c.id == self.cycle.checklist)
        self.body = store.body
        self.departments: dict[str, Department] = {d.code: d for d in store.departments()}
        self._rows: dict[str, list[Row]] = {}
        self._longest: int | None = None

    def rows(self, department: str) -> list[Row]:
        """The rows of a 課's questionnaire (read once per 課: an import of 100 files asks often)."""
        if department not in self._rows:
            self._rows[department] = [Row(*r) for r in self.model.rows(department)]
        return self._rows[department]

    def longest(self) -> int:
        """The number of rows of the longest questionnaire of the cycle's target 課."""
        if self._longest is None:
            self._longest = max((len(self.rows(code)) for code in self.cycle.departments), default=0)
        return self._longest

    def title(self) -> str:
        return f"{self.body} {self.cycle.name}".strip()

    def department_name(self, code: str) -> str:
        return self.model.department_name(code)


def text_lf(s: str) -> str:
    """Line breaks as LF (Excel and CSV writers differ); nothing else changes."""
    return s.replace("\r\n", "\n").replace("\r", "\n")


def deadline_date(value: None | str | _dt.date) -> _dt.date | None:
    """A 回答期限 as a date: a date, or text 'YYYY-MM-DD' naming a real day. ValidationError for
    anything else ('2025-06-31', '6月末'): it is printed on every questionnaire."""
    return None if value is None else parse_day(value)


def formula_kept(typed: str) -> str:
    """The warning for a returned cell that held a formula (kept as the text typed)."""
    return _(
        "the cell holds a formula; it is kept as the text typed ({typed!r}). To write a text that starts with "
        "'=', type a ' before it"
    ).format(typed=typed[:40])


def date_text(value: None | str | _dt.date) -> str:
    """A 回答期限 as the questionnaire prints it: 2025年6月30日（月）; '' for none."""
    d = deadline_date(value)
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日（{'月火水木金土日'[d.weekday()]}）"


def file_name(store_or_cycle: Store | _Cycle, department: str, fmt: str = "xlsx") -> str:
    """The file name of a 課's questionnaire: '4010_市民課.xlsx'."""
    if isinstance(store_or_cycle, Store):
        d = {x.code: x for x in store_or_cycle.departments()}.get(department)
    else:
        d = store_or_cycle.departments.get(department)
    unsafe: dict[str, str | int | None] = dict.fromkeys('\\/:*?"<>| ', "_")
    name = (d.name if d else "").translate(str.maketrans(unsafe))
    return f"{department}_{name}.{fmt}" if name else f"{department}.{fmt}"


def record_export(
    store: Store,
    cy: _Cycle,
    department: str,
    path: PathLike,
    fmt: str,
    data: bytes,
    deadline: None | str | _dt.date,
    actor: str,
) -> None:
    """Record in the store (and its trail) that `data` was written as `path`, the questionnaire of
    `department` (collection.h, ``Exports::record``): its name, format, 回答期限, SHA-256, who and
    when. Called with the bytes before the file is renamed into place, so that a refused record
    leaves no file."""
    day = deadline_date(deadline)
    core_call(
        store,
        _core._record_export,
        actor,
        cy.cycle.id,
        department,
        os.path.basename(os.fspath(path)),
        fmt,
        day.isoformat() if day else "",
        hashlib.sha256(data).hexdigest(),
        cy.carry_over_from or 0,
    )
