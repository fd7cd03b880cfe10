"""Web submissions (docs/exchange.md, "Web submissions"): a 課 saves its answers on the web, submits
them, and the audit team reopens a submission with a reason or sends the web questionnaire with a
回答期限.

The rules are the core's (``libaudit/exchange/submissions.h``): who may answer for a 課
(``may_answer_for``), who is the audit team (``audit_team``), which items a 課 may answer, that a
submitted 課 is read-only until reopened, and that a check and its write are one transaction. A
save is an import of responses (``Store.import_responses``'s path) with the person as actor and
``answered_by``, so the answers are stored once and every save is in the trail. The public names
are the Store's (``save_answers``, ``submit``, ``reopen_submission``, ``submission_state``,
``submissions``, ``send_web_questionnaire``, ``may_answer_for``, ``is_audit_team``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import _core
from ..i18n import _
from ..store import ImportResult, Store, core_call
from .model import Row, _Cycle

AnswerRow = Sequence[Any] | Mapping[str, Any]


def _text(v: Any) -> str:
    return "" if v is None else str(v)


def _row(k: int, row: AnswerRow) -> tuple[str, str, str, str, str]:
    """(department, item, answer, comment, evidence); the department "" (the 課 saved for) unless
    a dict names one, which must then be that 課."""
    if isinstance(row, Mapping):
        keys = ("department", "item", "answer", "comment", "evidence")
        return tuple(_text(row.get(k)) for k in keys)  # type: ignore[return-value]
    fields = list(row)
    if not 2 <= len(fields) <= 4:
        raise ValueError(
            _("row {row}: expected (item, answer[, comment, evidence]), got {n} values").format(row=k, n=len(fields))
        )
    fields += [""] * (4 - len(fields))
    return ("", _text(fields[0]), _text(fields[1]), _text(fields[2]), _text(fields[3]))


def questionnaire_rows(store: Store, cycle: int, department: str, carry_over_from: int | None = None) -> list[Row]:
    """The rows of 課 `department`'s questionnaire, as the workbook has them (the items asked of
    it in checklist order, the secretariat's 全庁共通事項 last), pre-filled with its stored answers,
    else those of cycle `carry_over_from` (an earlier cycle: last year's answers)."""
    return list(_Cycle(store, int(cycle), carry_over_from).rows(department))


def save_answers(store: Store, actor: str, cycle: int, department: str, rows: Iterable[AnswerRow]) -> ImportResult:
    """Saves answers of 課 `department` given by person `actor` (see the module)."""
    data = [_row(k, r) for k, r in enumerate(rows, start=1)]
    return ImportResult(**core_call(store, _core._save_answers, actor, int(cycle), department, data))


def submit(store: Store, actor: str, cycle: int, department: str) -> dict[str, Any]:
    return core_call(store, _core._submit, actor, int(cycle), department)


def reopen(store: Store, actor: str, cycle: int, department: str, reason: str) -> dict[str, Any]:
    return core_call(store, _core._reopen_submission, actor, int(cycle), department, reason)


def send_web_questionnaire(store: Store, actor: str, cycle: int, department: str, deadline: str) -> dict[str, Any]:
    return core_call(store, _core._send_web_questionnaire, actor, int(cycle), department, deadline)


def submission_state(store: Store, cycle: int, department: str) -> str:
    return core_call(store, _core._submission_state, int(cycle), department)


def submissions(store: Store, cycle: int) -> list[dict[str, Any]]:
    return list(core_call(store, _core._submissions, int(cycle)))


def may_answer_for(store: Store, person: str, department: str) -> bool:
    return core_call(store, _core._may_answer_for, person, department)


def is_audit_team(store: Store, person: str) -> bool:
    return core_call(store, _core._audit_team, person)
