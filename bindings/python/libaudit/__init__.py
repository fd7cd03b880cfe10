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

from typing import Any

from . import store as _store
from ._core import (
    AppliesTo,
    Checklist,
    Extraction,
    Item,
    Section,
    __version__,
    builtin_roles,
    display_width,
    extract_checklist,
    nfkc,
    tiers,
)
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
from .findings import Exceptions, Findings, People
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

    # -- scores (libaudit.scoring)
    def _with_exceptions(self, cycle: int, options: dict[str, Any]) -> dict[str, Any]:
        """Scores leave out the exceptions in force (as of ``as_of``, default today in Japan)
        unless ``exceptions=`` is given."""
        as_of = options.pop("as_of", None)
        if options.get("exceptions") is None:
            options["exceptions"] = self.exceptions.for_scoring(cycle, as_of)
        return options

    def scoring_data(self, cycle: int) -> CycleData:
        """The cycle read once for several analyses: a libaudit.scoring.CycleData."""
        return CycleData(self, cycle)

    def score(self, cycle: int, model: str = "rate", by: str = "department", **options: Any) -> ScoreTable:
        """Scores of a cycle by department (課), parent (部), chapter, section, role, tier, item
        or body: a libaudit.scoring.ScoreTable. Options: partial_value, exceptions (default: the
        exceptions in force ``as_of`` a date, default today in Japan; ``exceptions=()`` for none)."""
        return self.scoring_data(cycle).score(model, by, **self._with_exceptions(cycle, options))

    def score_matrix(self, cycle: int, model: str = "rate", **options: Any) -> ScoreMatrix:
        """課 × chapter scores: a libaudit.scoring.ScoreMatrix (exceptions as in score())."""
        return self.scoring_data(cycle).matrix(model, **self._with_exceptions(cycle, options))

    def weakest_items(self, cycle: int, n: int = 10, model: str = "rate", **options: Any) -> Any:
        """The n items with the lowest score across the body (exceptions as in score())."""
        return self.scoring_data(cycle).weakest_items(n, model, **self._with_exceptions(cycle, options))

    def compare_scores(
        self, before: int, after: int, by: str = "department", model: str = "rate", **options: Any
    ) -> Comparison:
        """Two cycles (e.g. two 年度) compared group by group: a libaudit.scoring.Comparison."""
        return self.scoring_data(before).compare(self.scoring_data(after), by, model, **options)


__all__ = [
    "AppliesTo",
    "Checklist",
    "ChecklistError",
    "CycleStateError",
    "Diagnostic",
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
    "__version__",
    "builtin_roles",
    "display_width",
    "extract_checklist",
    "fiscal_year_label",
    "fiscal_year_of",
    "fiscal_year_range",
    "nfkc",
    "render",
    "tiers",
]
