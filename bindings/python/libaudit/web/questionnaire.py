"""What the pages of a 課 show of its questionnaire: the rows the workbook would hold (the same
items, answer choices, comments and evidence notes: ``libaudit.exchange``'s questionnaire model,
applicability and the secretariat's body-level items included), grouped by chapter as the
workbook groups them (body-level items under 【全庁共通事項】 chapters of their own), with last
year's answer (:meth:`libaudit.Store.previous_cycle`) and the evidence files of each item.

Nothing here decides a rule: which items a 課 is asked, what is pre-filled and which cycle is
"last year" come from the library.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from .. import Store, labels
from ..evidence import EvidenceFile
from ..exchange.model import Row, _Cycle

#: The answer choices, as the workbook's drop-down lists them: (code, Japanese label).
ANSWERS: list[tuple[str, str]] = labels.terms("answer")


@dataclass
class Item:
    """One item of a 課's questionnaire as a page shows it."""

    no: int
    id: str
    clause: str
    question: str
    roles: str
    answer: str  # a code of ANSWERS, or ""
    comment: str
    evidence: str  # the evidence note (根拠資料) as stored
    last_year: str = ""  # the answer's Japanese label in the previous cycle, or ""
    last_comment: str = ""
    files: list[EvidenceFile] = field(default_factory=list)


@dataclass
class Chapter:
    id: str
    title: str
    items: list[Item] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.answer)


@dataclass
class Questionnaire:
    cycle: int
    department: str
    department_name: str
    chapters: list[Chapter]
    previous: str = ""  # the previous cycle's name, or ""

    @property
    def items(self) -> int:
        return sum(len(c.items) for c in self.chapters)

    @property
    def answered(self) -> int:
        return sum(c.answered for c in self.chapters)

    def chapter(self, id: str) -> Chapter | None:
        return next((c for c in self.chapters if c.id == id), None)


_chapters_lock = threading.Lock()
_chapters: dict[tuple[str, int], dict[str, tuple[str, str]]] = {}


def _chapter_of(store: Store, checklist: int) -> dict[str, tuple[str, str]]:
    """item id -> (chapter id, chapter title) of a stored checklist version (which never changes,
    so it is read once per store and version)."""
    key = (store.path, checklist)
    with _chapters_lock:
        known = _chapters.get(key)
    if known is None:
        cl = store.load_checklist(checklist)
        known = {}
        for it in cl.items:
            ch = cl.chapter_of(it)
            known[it.id] = (ch.id, ch.title)
        with _chapters_lock:
            _chapters[key] = known
    return known


_models_lock = threading.Lock()
_models: dict[tuple[str, int], tuple[object, _Cycle, dict[str, tuple[list[Row], str]]]] = {}


def _rows(store: Store, cycle: int, department: str) -> tuple[list[Row], str, int]:
    """The 課's rows as the workbook has them (without answers), its name and the checklist. The
    questionnaire model of a cycle reads every 課 at once, so it is kept while what decides the
    rows stays the same: the cycle (its 課, secretariat, status), the organisation and the systems."""
    key = (store.path, cycle)
    what = (store.cycle(cycle), store.departments(), store.systems())
    with _models_lock:
        known = _models.get(key)
        if known is None or known[0] != what:
            known = _models[key] = (what, _Cycle(store, cycle), {})
        _what, model, by_department = known
        if department not in by_department:
            by_department[department] = (model.rows(department), model.department_name(department))
        rows, name = by_department[department]
        return rows, name, model.cycle.checklist


def load(store: Store, cycle: int, department: str, *, files: bool = True) -> Questionnaire:
    """The 課's questionnaire of `cycle` as it stands (NotFoundError, ValidationError for a 課 that
    is not a target)."""
    rows, name, checklist = _rows(store, cycle, department)
    stored = {r.item: r for r in store.responses(cycle) if r.department == department}
    chapter_of = _chapter_of(store, checklist)
    last, previous = _last_year(store, cycle, department)
    by_item = _files(store, cycle, department) if files else {}
    chapters: dict[str, Chapter] = {}
    for r in rows:
        chapter = chapters.get(r.chapter)
        if chapter is None:
            chapter = chapters[r.chapter] = Chapter(_chapter_key(chapter_of, r), r.chapter)
        before = last.get(r.item)
        now = stored.get(r.item)
        chapter.items.append(
            Item(
                no=r.no,
                id=r.item,
                clause=r.clause,
                question=r.question,
                roles=r.roles,
                answer=now.answer if now else "",
                comment=now.comment if now else "",
                evidence=now.evidence if now else "",
                last_year=labels.label_or_id("answer", before[0]) if before else "",
                last_comment=before[1] if before else "",
                files=by_item.get(r.item, []),
            )
        )
    return Questionnaire(cycle, department, name, list(chapters.values()), previous)


def _chapter_key(chapter_of: dict[str, tuple[str, str]], row: Row) -> str:
    """The URL key of the workbook's chapter group `row` is in: the checklist chapter's id, with
    ``-body`` for the group of its body-level items (全庁共通事項, the secretariat's only)."""
    ch_id, ch_title = chapter_of.get(row.item, (str(row.no), ""))
    return ch_id if row.chapter == f"{ch_id} {ch_title}" else f"{ch_id}-body"


def _last_year(store: Store, cycle: int, department: str) -> tuple[dict[str, tuple[str, str]], str]:
    prev = store.previous_cycle(cycle, department)
    if prev is None:
        return {}, ""
    answers = {r.item: (r.answer, r.comment) for r in store.responses(prev.id) if r.department == department}
    return answers, prev.name


def response_key(cycle: int, department: str, item: str) -> str:
    """The evidence target key of a response (docs/evidence.md)."""
    return f"{cycle}/{department}/{item}"


def _files(store: Store, cycle: int, department: str) -> dict[str, list[EvidenceFile]]:
    """The evidence files attached to the 課's responses: each item's last revision, active only."""
    prefix = response_key(cycle, department, "")
    last: dict[int, EvidenceFile] = {}
    for f in store.evidence.list("response"):
        if f.target_key.startswith(prefix):
            last[f.id] = f  # listed by id then revision: the last one wins
    out: dict[str, list[EvidenceFile]] = {}
    for f in last.values():
        if f.status == "active":
            out.setdefault(f.target_key[len(prefix) :], []).append(f)
    return out
