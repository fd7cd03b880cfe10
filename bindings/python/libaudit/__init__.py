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


def _checklist_to_dict(self: Checklist) -> dict:
    """The whole checklist as plain Python data (defaults filled in), like its JSON."""
    import json

    return json.loads(self.to_json())


Checklist.to_dict = _checklist_to_dict  # type: ignore[attr-defined]

from .report import Reporter, render
from .store import Store, fiscal_year_label, fiscal_year_of, fiscal_year_range

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
