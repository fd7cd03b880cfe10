"""libaudit: information-security self-inspections (自己点検) and audits (情報セキュリティ監査)
for Japanese local governments.

The compiled core lives in the private module ``libaudit._core``; use the names
re-exported here::

    import libaudit
    checklist = libaudit.Checklist.load("checklists/komaki/taisaku-kijun.yaml")
    for item in checklist:
        print(item.clause, item.question)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import _core, i18n
from . import store as _store
from ._core import (
    AppliesTo,
    BodyProfile,
    Checklist,
    Extraction,
    Item,
    Section,
    __version__,
    builtin_roles,
    checklist_for_body,
    display_width,
    extract_checklist,
    left_out_items,
    nfkc,
    tiers,
)
from .audit import AuditPlans, WorkingPapers
from .errors import (
    ChecklistError,
    CycleStateError,
    Diagnostic,
    ImportValidationError,
    LibauditError,
    LibauditIOError,
    NotFoundError,
    SchemaVersionError,
    StoreError,
    ValidationError,
)
from .evidence import Evidence, EvidenceFile, EvidenceSettings
from .findings import DateLike, Exceptions, Findings, People
from .report import Reporter, render
from .scoring import Comparison, CycleData, ScoreMatrix, ScoreTable
from .store import fiscal_year_label, fiscal_year_of, fiscal_year_range


def _checklist_to_dict(self: Checklist) -> dict[str, Any]:
    """The whole checklist as plain Python data (defaults filled in), like its JSON."""
    import json

    data: dict[str, Any] = json.loads(self.to_json())
    return data


Checklist.to_dict = _checklist_to_dict  # type: ignore[method-assign]


class Store(_store.Store):
    """A libaudit store (libaudit.store.Store, docs/store.md) with what the later stages add:
    the follow-up facades (``people``, ``findings``, ``exceptions``, docs/findings.md) and the
    scores (docs/scoring.md). Composed here, at the top of the package, so that no stage imports
    a later one."""

    # -- follow-up (libaudit.findings)
    @property
    def people(self) -> People:
        """The register of people who act: a libaudit.findings.People."""
        return People(self)

    @property
    def findings(self) -> Findings:
        """Findings (指摘事項), 横展開 and promotion: a libaudit.findings.Findings."""
        return Findings(self)

    @property
    def exceptions(self) -> Exceptions:
        """Exceptions (例外措置): a libaudit.findings.Exceptions."""
        return Exceptions(self)

    # -- the audit (libaudit.audit, docs/audit.md)
    @property
    def plans(self) -> AuditPlans:
        """Audit plans (監査計画): a libaudit.audit.AuditPlans."""
        return AuditPlans(self)

    @property
    def workpapers(self) -> WorkingPapers:
        """Working papers (監査調書): a libaudit.audit.WorkingPapers."""
        return WorkingPapers(self)

    # -- evidence files (libaudit.evidence, docs/evidence.md)
    @property
    def evidence(self) -> Evidence:
        """Evidence files (証跡ファイル): a libaudit.evidence.Evidence."""
        return Evidence(self)

    # -- close = publish (libaudit.scoring, docs/scoring.md "Publication")
    def close_cycle(self, actor: str, cycle: int) -> dict[str, Any]:
        """Closes an open cycle and publishes it: its results (every model by body, 部, 課 and
        chapter) and the trail head, as one trail record. Returns the edition (``edition``,
        ``record`` — the anchor its reports print —, ``results``, ``changes``)."""
        return _store.core_call(self, _core.publish_cycle, actor, int(cycle))

    def reopen_cycle(self, by: str, cycle: int, reason: str) -> dict[str, Any]:
        """Reopens a closed cycle to take a late 課: `by` must hold chief_auditor or ciso; the
        reason goes into the trail. Closing it again publishes the next edition (第2版)."""
        return _store.core_call(self, _core.reopen_cycle, by, int(cycle), reason)

    def publications(self, cycle: int) -> list[dict[str, Any]]:
        """The cycle's editions, oldest first (as close_cycle returns them)."""
        return list(_store.core_call(self, _core.publications, int(cycle)))

    def reopenings(self, cycle: int) -> list[dict[str, Any]]:
        """The cycle's reopenings, oldest first: number, reason, by, at."""
        return list(_store.core_call(self, _core.reopenings, int(cycle)))

    # -- 回収状況 (libaudit.exchange.collection, docs/exchange.md "Collection status")
    def collection_status(self, cycle: int, as_of: DateLike = None) -> Any:
        """Per target 課 of the cycle: exported (when, which file, 回答期限), returned (when, by
        whom, which file), answered / blank / changed, late, and a status; with totals. A
        libaudit.exchange.CollectionStatus (rows with ``to_dict()``)."""
        from .exchange.collection import collection_status

        day = as_of if as_of is None or isinstance(as_of, str) else as_of.isoformat()[:10]
        return collection_status(self, cycle, day)

    # -- web submissions (libaudit.exchange.submissions, docs/exchange.md "Web submissions")
    def questionnaire_rows(self, cycle: int, department: str, carry_over_from: int | None = None) -> list[Any]:
        """The rows of 課 `department`'s questionnaire (libaudit.exchange.Row: no, item, chapter,
        clause, question, roles, answer label, comment, evidence), as its workbook has them,
        pre-filled with its stored answers, else those of the earlier cycle `carry_over_from`."""
        from .exchange.submissions import questionnaire_rows

        return questionnaire_rows(self, cycle, department, carry_over_from)

    def save_answers(
        self, actor: str, cycle: int, department: str, rows: Iterable[Sequence[Any] | Mapping[str, Any]]
    ) -> _store.ImportResult:
        """Saves answers of 課 `department` given on the web by `actor`, a person of the register
        who may answer for it (its security_manager, its 部's security_officer or a
        system_administrator of it). Each row is ``(item, answer[, comment, evidence])`` or a
        dict with those keys; every row must be an item asked of the 課. The answers are stored at
        once (answered_by: the person), through the same import as a returned workbook, with
        "web: <課> by <person>" in the trail. Refused (CycleStateError) once the 課 has submitted;
        RoleError for a person who may not answer for it; ImportValidationError for rows of
        another 課 or items not asked of it. All or nothing."""
        from .exchange.submissions import save_answers

        return save_answers(self, actor, cycle, department, rows)

    def submit(self, actor: str, cycle: int, department: str) -> dict[str, Any]:
        """Submits the 課's answers: every item asked of it answered (else ValidationError listing
        the first 20 missing), by a person who may answer for it. Returns the submission
        (cycle, department, number, action, by, at, reason)."""
        from .exchange.submissions import submit

        return submit(self, actor, cycle, department)

    def reopen_submission(self, actor: str, cycle: int, department: str, reason: str) -> dict[str, Any]:
        """Reopens a submitted 課 for changes: by the audit team (chief_auditor,
        chief_security_officer or ciso), with a reason kept in the trail."""
        from .exchange.submissions import reopen

        return reopen(self, actor, cycle, department, reason)

    def submission_state(self, cycle: int, department: str) -> str:
        """``open`` (answers may be saved) or ``submitted`` (read-only until reopened)."""
        from .exchange.submissions import submission_state

        return submission_state(self, cycle, department)

    def submissions(self, cycle: int) -> list[dict[str, Any]]:
        """The submissions and reopenings of a cycle, by 課 then number."""
        from .exchange.submissions import submissions

        return submissions(self, cycle)

    def send_web_questionnaire(self, actor: str, cycle: int, department: str, deadline: str = "") -> dict[str, Any]:
        """Sends the web questionnaire to a 課 with its 回答期限 (YYYY-MM-DD, "" for none): an
        export record of format "web" (cycle status shows it sent), by the audit team."""
        from .exchange.submissions import send_web_questionnaire

        return send_web_questionnaire(self, actor, cycle, department, deadline)

    def may_answer_for(self, person: str, department: str) -> bool:
        """Whether `person` (of the register) may answer 課 `department`'s questionnaire."""
        from .exchange.submissions import may_answer_for

        return may_answer_for(self, person, department)

    def is_audit_team(self, person: str) -> bool:
        """Whether `person` (of the register) is on the audit team: reopens submissions, sends
        the web questionnaire."""
        from .exchange.submissions import is_audit_team

        return is_audit_team(self, person)

    # -- scores (libaudit.scoring). Each reads the cycle by the as-of rule (CycleData): a closed
    # cycle at its close, another as of ``as_of`` (a day in Japan, default now), with the
    # exceptions that count for it then unless ``exceptions=`` is given (``()`` for none).
    def scoring_data(self, cycle: int, as_of: DateLike = None) -> CycleData:
        """The cycle read once for several analyses: a libaudit.scoring.CycleData."""
        return CycleData(self, cycle, as_of)

    def score(
        self, cycle: int, model: str = "rate", by: str = "department", as_of: DateLike = None, **options: Any
    ) -> ScoreTable:
        """Scores of a cycle by department (課), parent (部), chapter, section, role, tier, item
        or body: a libaudit.scoring.ScoreTable. Options: partial_value, exceptions."""
        return self.scoring_data(cycle, as_of).score(model, by, **options)

    def score_matrix(self, cycle: int, model: str = "rate", as_of: DateLike = None, **options: Any) -> ScoreMatrix:
        """課 × chapter scores: a libaudit.scoring.ScoreMatrix."""
        return self.scoring_data(cycle, as_of).matrix(model, **options)

    def weakest_items(
        self, cycle: int, n: int = 10, model: str = "rate", as_of: DateLike = None, **options: Any
    ) -> Any:
        """The n items with the lowest score across the body."""
        return self.scoring_data(cycle, as_of).weakest_items(n, model, **options)

    def compare_scores(
        self,
        before: int,
        after: int,
        by: str = "department",
        model: str = "rate",
        as_of: DateLike = None,
        **options: Any,
    ) -> Comparison:
        """Two cycles (e.g. two 年度) compared group by group, each read by the as-of rule: a
        libaudit.scoring.Comparison."""
        return self.scoring_data(before, as_of).compare(self.scoring_data(after, as_of), by, model, **options)

    # -- results for the analytic engines (libaudit.analytics, docs/analytics.md)
    def to_arrow(self, what: str, cycle: int, as_of: DateLike = None) -> Any:
        """A cycle's "responses", "scores" (every model by body, 部, 課, chapter, item and the
        課 × chapter matrix) or "findings" as a pyarrow.Table with the documented columns
        (docs/analytics.md), read by the as-of rule. Needs pyarrow."""
        from .analytics import to_arrow

        return to_arrow(self, what, cycle, as_of)

    def export_parquet(self, cycle: int, out: str | os.PathLike[str], as_of: DateLike = None) -> list[Any]:
        """responses.parquet, scores.parquet and findings.parquet of a cycle in the new folder
        `out`, written atomically; returns their paths. Needs pyarrow."""
        from .analytics import export_parquet

        return export_parquet(self, cycle, out, as_of)


# Messages in the environment's language (libaudit.i18n): LIBAUDIT_LANG=ja or a ja_JP locale.
i18n.setup_from_environment()
set_language = i18n.set_language

__all__ = [
    "AppliesTo",
    "BodyProfile",
    "Checklist",
    "ChecklistError",
    "CycleStateError",
    "Diagnostic",
    "Evidence",
    "EvidenceFile",
    "EvidenceSettings",
    "Extraction",
    "ImportValidationError",
    "Item",
    "LibauditError",
    "LibauditIOError",
    "NotFoundError",
    "Reporter",
    "SchemaVersionError",
    "Section",
    "Store",
    "StoreError",
    "ValidationError",
    "set_language",
    "__version__",
    "builtin_roles",
    "checklist_for_body",
    "display_width",
    "extract_checklist",
    "fiscal_year_label",
    "fiscal_year_of",
    "fiscal_year_range",
    "left_out_items",
    "nfkc",
    "render",
    "tiers",
]
