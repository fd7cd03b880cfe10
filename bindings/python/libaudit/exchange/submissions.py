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

AnswerRow = Sequence[Any] | Mapping[str, Any]


def _text(v: Any) -> str:
    return "" if v is None else str(v)


def _row(k: int, row: AnswerRow) -> tuple[str, str, str, str]:
    if isinstance(row, Mapping):
        return (_text(row.get("item")), _text(row.get("answer")), _text(row.get("comment")), _text(row.get("evidence")))
    fields = list(row)
    if not 2 <= len(fields) <= 4:
        raise ValueError(
            _("row {row}: expected (item, answer[, comment, evidence]), got {n} values").format(row=k, n=len(fields))
        )
    fields += [""] * (4 - len(fields))
    return (_text(fields[0]), _text(fields[1]), _text(fields[2]), _text(fields[3]))


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
