"""The follow-up stage's messages (#15): in Japanese under set_language("ja"), in English
otherwise, from the one catalogue; they name a rule generically (兼務の禁止, the CISO decides
exceptions), never one body's clause (小牧市 1(2)イ, 7(7)ア); an unknown role lists the valid ids
and the command that shows them instead of a file that does not ship (DOMAIN.md); text that
promote and 横展開 write is Japanese throughout."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from _followup_util import audit_world, observation
from _lang import speaking
from _store_util import ACTOR, write
from libaudit.errors import ImportValidationError, RoleError, TransitionError

import libaudit
from libaudit import _core

PEOPLE_CSV = """\
name,department,roles
監査 一郎,201,auditor
統括 三郎,201,chief_auditor
CISO 四郎,100,ciso
佐藤 花子,101,security_manager
高橋 監査,101,auditor
"""


@pytest.fixture
def world(tmp_path):
    store, si, audit = audit_world(tmp_path / "m.db", tmp_path, PEOPLE_CSV)
    yield store, si, audit
    store.close()


@pytest.fixture(params=["en", "ja"])
def language(request) -> Iterator[str]:
    with speaking(request.param):
        yield request.param


def no_english_sentence(text: str) -> bool:
    """No run of two English words: ids, file names and options are single tokens."""
    return re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", text) is None


def own_department_refusal(store, audit) -> str:
    with pytest.raises(RoleError) as e:
        observation(store, "高橋 監査", audit)
    return str(e.value)


def test_the_own_department_refusal_names_the_rule_not_a_bodys_clause(world, language):
    store, _, audit = world
    text = own_department_refusal(store, audit)
    assert "小牧市" not in text and "1(2)" not in text
    if language == "ja":
        assert text == (
            "高橋 監査 は課 101 の所属で、その課に指摘事項を登録できない: 兼務の禁止（監査人は自らの課を監査できない）"
        )
    else:
        assert text == (
            "高橋 監査 belongs to department 101 and cannot raise a finding against it: "
            "no dual role: an auditor may not audit their own department"
        )


def test_a_move_by_an_auditor_of_the_findings_own_department(world, language):
    store, _, audit = world
    fid = observation(store, "監査 一郎", audit)
    with pytest.raises(RoleError) as e:
        store.findings.move("高橋 監査", fid, "risk_accepted")
    text = str(e.value)
    if language == "ja":
        assert text.startswith(f"高橋 監査（役割 auditor）は指摘 {fid} を open から risk_accepted に移せない: ")
        assert "役割 ciso のいずれかが必要である" in text
    else:
        assert text == (
            f"高橋 監査 (roles auditor) may not move finding {fid} from open to risk_accepted: "
            "it needs one of the roles ciso"
        )


def test_only_the_ciso_decides_an_exception_named_generically(world, language):
    store, _, _ = world
    x = store.exceptions
    eid = x.request("佐藤 花子", department="101", item="7.1", reason="更新中", start="2025-01-01", end="2025-01-31")
    with pytest.raises(RoleError) as e:
        x.approve("統括 三郎", eid)
    text = str(e.value)
    assert "小牧市" not in text and "7(7)" not in text
    if language == "ja":
        assert text == (
            "統括 三郎（役割 chief_auditor）は例外措置を承認できない: "
            "例外措置の承認は最高情報セキュリティ責任者（CISO）が行う"
        )
    else:
        assert text == (
            "統括 三郎 (roles chief_auditor) cannot approve an exception: "
            "exceptions are decided by the CISO (最高情報セキュリティ責任者) alone"
        )
    with pytest.raises(TransitionError) as t:
        x.report("佐藤 花子", eid)
    if language == "ja":
        assert no_english_sentence(str(t.value)) and f"例外措置 {eid} は requested で、緊急のものではない" in str(
            t.value
        )
    else:
        assert f"exception {eid} is requested and not an emergency one" in str(t.value)


def test_an_unknown_role_lists_the_valid_ids_and_the_command(world, tmp_path, language):
    store, _, _ = world
    bad = write(tmp_path / "bad.csv", "name,department,roles\n山田 次郎,101,secutity_officer\n")
    with pytest.raises(ImportValidationError) as e:
        store.people.import_csv(ACTOR, bad)
    text = "\n".join(d.message for d in e.value.diagnostics)
    assert "DOMAIN.md" not in text
    assert "libaudit vocabulary role" in text
    for role in ("auditor", "chief_auditor", "ciso", "security_officer", "security_manager", "system_administrator"):
        assert role in text
    if language == "ja":
        assert text.startswith("役割 'secutity_officer' は使えない: ")
    else:
        assert text.startswith("unknown role 'secutity_officer': one of ")


def test_promoted_and_spread_findings_read_in_japanese_throughout(world, language):
    store, si, audit = world
    store.import_responses(ACTOR, si, [("102", "7.1", "not_implemented")])
    created, _ = store.findings.promote("監査 一郎", si, audit)
    (draft,) = [store.findings.get(i) for i in created]
    # Stored text: the same in either language, and no English inside.
    assert draft.condition == f"自己点検（実施回 {si}）の回答: 実施していない"
    assert "cycle" not in draft.condition
    # 横展開: the finding it opens in another 課 says where it comes from in Japanese too.
    store.people.add(ACTOR, "鈴木 一郎", "102", "security_manager")
    fid = observation(store, "監査 一郎", audit)
    (ask,) = store.findings.spread("監査 一郎", fid, ["102"])
    linked = store.findings.answer_check("鈴木 一郎", ask, "same_issue_found", "同様")
    assert store.findings.get(linked).condition == f"横展開（指摘 {fid}）: 同様の問題あり: 同様"


def test_state_machine_notes_follow_the_language(language):
    notes = {(f, t): n for f, t, _, n in _core.transition_rules()}
    if language == "ja":
        assert notes[("draft", "open")] == "昇格した下書きを確定する"
        assert notes[("open", "risk_accepted")] == "CISO がリスクを受容する"
    else:
        assert notes[("draft", "open")] == "confirms a promoted draft"


def test_cycle_refusals(world, language):
    store, si, _ = world
    with pytest.raises(libaudit.errors.CycleStateError) as e:
        store.findings.promote("監査 一郎", si, si)
    if language == "ja":
        assert str(e.value).startswith(f"実施回 {si}（") and "自己点検である" in str(e.value)
    else:
        assert f"cycle {si} (" in str(e.value) and "is a self-inspection" in str(e.value)


def test_the_cli_prints_the_cores_refusals_in_japanese(world, tmp_path, cli):
    """In Japanese (LIBAUDIT_LANG=ja): a refused register import names the bad role in Japanese, lists the ids
    and says which command shows them; a refused move says why, in Japanese."""
    store, _, audit = world
    db = str(store.path)
    spec = {"items": ["7.1"], "severity": "observation", "condition": "x", "due": "2025-03-31"}
    fid = store.findings.open("監査 一郎", cycle=audit, department="101", **spec)
    store.close()
    bad = write(tmp_path / "bad.csv", "name,department,roles\n山田 次郎,101,secutity_officer\n")
    r = cli("person", "import", db, str(bad), "--as", ACTOR, lang="ja")
    assert r.returncode != 0
    assert "役割 'secutity_officer' は使えない: " in r.stderr and "`libaudit vocabulary role`" in r.stderr, r.stderr
    assert "DOMAIN.md" not in r.stderr
    r = cli("finding", "move", db, str(fid), "verified", "--by", "高橋 監査", lang="ja")
    assert r.returncode != 0
    assert f"指摘 {fid} は open（未対応）で、verified にはできない（open から移れるのは " in r.stderr, r.stderr
