"""The Japanese labels of libaudit's vocabularies (base stage).

One table, in the C++ core (``libaudit/base/vocabulary.h``): answers, cycle kinds and
statuses, finding severities and states, exception statuses, answers to 横展開 check requests,
roles and network tiers. The package's modules read labels here instead of keeping their own
copies::

    from libaudit import labels

    labels.label("cycle_kind", "self_inspection")  # '自己点検'
    labels.terms("answer")[0]  # ('implemented', '実施している')

An unknown vocabulary raises ``libaudit.errors.ValidationError`` (a ``ValueError``); an
unknown id has the label ``""``.
"""

from __future__ import annotations

from typing import Literal

from . import _core, i18n

Vocabulary = Literal[
    "answer",
    "cycle_kind",
    "cycle_status",
    "severity",
    "finding_state",
    "exception_status",
    "check_answer",
    "role",
    "tier",
    "collection_status",
    "respondent",
    "network_model",
    "body_kind",
    "plan_state",
    "plan_reason",
    "plan_selection",
    "audit_method",
    "audit_judgement",
    "evidence_status",
    "answer_progress",
]

VOCABULARIES: tuple[str, ...] = tuple(_core.vocabularies())


def terms(vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """The vocabulary's ``(id, Japanese label)`` pairs, in display order."""
    return _core.terms(vocabulary)


def label(vocabulary: Vocabulary, id: str) -> str:
    """The Japanese label of ``id`` in ``vocabulary``; ``""`` when it has no such id."""
    return _core.label(vocabulary, id)


def label_or_id(vocabulary: Vocabulary, id: str) -> str:
    """The Japanese label of ``id``, or ``id`` itself when the vocabulary has no such id."""
    return _core.label(vocabulary, id) or id


def shown(vocabulary: Vocabulary, id: str) -> str:
    """What a table shows for ``id``: its Japanese label when the language in use is Japanese
    (:func:`libaudit.i18n.language`), else the id itself (English output names the ids)."""
    return label_or_id(vocabulary, id) if i18n.language() == "ja" else id


__all__ = ["VOCABULARIES", "Vocabulary", "label", "label_or_id", "shown", "terms"]
