"""The base stage from Python: the label table (libaudit.labels, _core.terms/_core.label) and
Japan time (_core.japan_date_of, _core.today_japan), bound from the C++ core."""

from __future__ import annotations

import datetime as dt
import typing

import pytest
from libaudit.errors import ValidationError

from libaudit import _core, labels

VOCABULARIES = (
    *("answer", "cycle_kind", "cycle_status"),  # the store's
    *("severity", "finding_state", "exception_status", "check_answer"),  # follow-up's
    *("role", "tier"),  # the organisation's and the checklist's
    "collection_status",  # the exchange stage's 回収状況
    *("respondent", "network_model", "body_kind"),  # the checklist's: who answers, the model's profiles
    *("plan_state", "plan_reason", "plan_selection"),  # the audit stage's 監査計画
    *("audit_method", "audit_judgement"),  # the audit stage's 監査調書
    "evidence_status",  # the store stage's evidence files
    "answer_progress",  # the exchange stage's web questionnaires (未着手, 回答中, 提出済)
)


def test_every_vocabulary_round_trips():
    assert labels.VOCABULARIES == VOCABULARIES
    assert typing.get_args(labels.Vocabulary) == VOCABULARIES  # the Literal follows the C++ table
    for v in VOCABULARIES:
        pairs = labels.terms(v)  # type: ignore[arg-type]
        assert pairs and pairs == _core.terms(v)
        assert len({i for i, _ in pairs}) == len(pairs)
        for id_, label in pairs:
            assert isinstance(id_, str) and isinstance(label, str) and label
            assert labels.label(v, id_) == _core.label(v, id_) == label  # type: ignore[arg-type]
        assert labels.label(v, "no-such-id") == ""  # type: ignore[arg-type]
        assert labels.label_or_id(v, "no-such-id") == "no-such-id"  # type: ignore[arg-type]


def test_checklist_vocabularies():
    assert labels.terms("respondent") == [("department", "各課"), ("body", "全庁共通事項")]
    assert [i for i, _ in labels.terms("network_model")] == ["alpha", "alpha_prime", "beta", "beta_prime"]
    assert labels.label("body_kind", "town") == "町"


def test_labels_are_the_ones_the_stages_print():
    assert labels.label("cycle_kind", "self_inspection") == "自己点検"
    assert labels.label("cycle_status", "open") == "実施中"
    assert labels.terms("answer")[0] == ("implemented", "実施している")
    assert labels.terms("answer") == _core.answer_labels()
    assert labels.terms("severity") == _core.finding_severities()
    assert labels.terms("finding_state") == _core.finding_states()
    assert labels.terms("exception_status") == _core.exception_statuses()
    assert labels.terms("check_answer") == [("checked_no_issue", "問題なし"), ("same_issue_found", "同様の問題あり")]
    assert labels.terms("role") == _core.builtin_roles()
    assert labels.terms("tier") == _core.tiers()
    assert [label for _, label in labels.terms("collection_status")] == [
        "未配布",
        "配布済・未回収",
        "回収済",
        "回収済（期限後）",
        "未回収（期限超過）",
    ]


def test_unknown_vocabulary_is_a_value_error():
    with pytest.raises(ValidationError, match="unknown vocabulary 'colour'") as e:
        labels.terms("colour")  # type: ignore[arg-type]
    assert isinstance(e.value, ValueError)
    assert "cycle_kind" in str(e.value)
    with pytest.raises(ValueError):
        _core.label("colour", "red")


def test_japan_dates_from_the_core():
    assert _core.japan_date_of("2025-03-31T15:00:00Z") == "2025-04-01"
    assert _core.japan_date_of("2025-04-01T00:00:00+09:00") == "2025-04-01"
    assert _core.japan_date_of("2025-03-31T15:00:00+00:00") == "2025-04-01"
    assert _core.japan_date_of("2025-03-31") == "2025-03-31"
    with pytest.raises(ValidationError):
        _core.japan_date_of("2025-03-31T15:00:00")  # no zone
    today = dt.date.fromisoformat(_core.today_japan())
    utc = dt.datetime.now(dt.timezone.utc).date()
    assert today - utc in (dt.timedelta(0), dt.timedelta(days=1))
