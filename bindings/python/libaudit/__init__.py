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

from .errors import (
    ChecklistError,
    Diagnostic,
    LibauditError,
    LibauditIOError,
    NotFoundError,
    ValidationError,
)
from ._core import (  # noqa: E402  (errors must be importable before the core)
    AppliesTo,
    Checklist,
    Item,
    Section,
    __version__,
    builtin_roles,
    display_width,
    nfkc,
    tiers,
)


def _checklist_to_dict(self: Checklist) -> dict:
    """The whole checklist as plain Python data (defaults filled in), like its JSON."""
    import json

    return json.loads(self.to_json())


Checklist.to_dict = _checklist_to_dict  # type: ignore[attr-defined]

__all__ = [
    "AppliesTo",
    "Checklist",
    "ChecklistError",
    "Diagnostic",
    "Item",
    "LibauditError",
    "LibauditIOError",
    "NotFoundError",
    "Section",
    "ValidationError",
    "__version__",
    "builtin_roles",
    "display_width",
    "nfkc",
    "tiers",
]
