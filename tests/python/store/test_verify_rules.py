"""``libaudit verify`` replays the rules (#14; docs/store.md, "verify replays the rules"): the
stores `make demo` builds are intact, and a record forged with a correct hash (the chain
intact, every row equal to its last record) that breaks a rule exits 1 naming the rule."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sqlite3
from pathlib import Path

import libaudit.i18n
from _store_util import ACTOR, ready_store, write

import libaudit

REPO = Path(__file__).resolve().parents[3]
KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"

PEOPLE_CSV = """\
name,department,roles
監査 一郎,201,auditor
佐藤 花子,101,security_manager
"""


def _text(s: str) -> str:
    """A string as the trail's canonical JSON writes it (no ASCII escaping)."""
    return json.dumps(s, ensure_ascii=False)


def forge(
    db: Path, actor: str, entity: str, key: str, action: str, state: str, at: str = "2026-12-02T00:00:00Z"
) -> int:
    """Appends a record continuing the chain as TrailChain::seal does; returns its seq."""
    con = sqlite3.connect(db)
    seq, prev = con.execute("SELECT seq, hash FROM trail ORDER BY seq DESC LIMIT 1").fetchone()
    seq += 1
    record = (
        f'{{"seq":{seq},"at":{_text(at)},"actor":{_text(actor)},"entity":{_text(entity)},"key":{_text(key)},'
        f'"action":{_text(action)},"state":{state}}}'
    )
    digest = hashlib.sha256((prev + record).encode()).hexdigest()
    with con:
        con.execute(
            "INSERT INTO trail(seq, at, actor, entity, key, action, state, state_size, prev_hash, hash) "
            "VALUES (?,?,?,?,?,?,?,0,?,?)",
            (seq, at, actor, entity, key, action, state, prev, digest),
        )
    con.close()
    return seq


def last_state(db: Path, entity: str, key: str) -> str:
    con = sqlite3.connect(db)
    (state,) = con.execute(
        "SELECT state FROM trail WHERE entity = ? AND key = ? ORDER BY seq DESC LIMIT 1", (entity, key)
    ).fetchone()
    con.close()
    return state


def test_the_demo_stores_verify_intact(tmp_path, cli):
    spec = importlib.util.spec_from_file_location("libaudit_demo_example", REPO / "examples" / "demo.py")
    assert spec and spec.loader
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    from libaudit.demo import build_demo_store

    db = tmp_path / "demo.db"
    build_demo_store(db, KOMAKI)
    with libaudit.Store(db, create=False) as store:
        demo._raise_demo_findings(store, "令和7年度 情報セキュリティ内部監査")  # what `make demo` adds
        assert len(store.findings.list(drafts=True)) > 10
    r = cli("verify", str(db))
    assert r.returncode == 0, r.stdout + r.stderr
    assert ": intact (" in r.stdout


def test_a_finding_set_verified_in_sql_is_forged(tmp_path, cli):
    db = tmp_path / "f.db"
    store, _ = ready_store(db, tmp_path)
    cl = store.cycle(1).checklist
    audit = store.create_cycle(ACTOR, name="内部監査", kind="internal_audit", fiscal_year=2024, checklist=cl)
    store.open_cycle(ACTOR, audit)
    store.people.import_csv(ACTOR, write(tmp_path / "people.csv", PEOPLE_CSV))
    fid = store.findings.open(
        "監査 一郎",
        cycle=audit,
        department="101",
        items=["7.1"],
        severity="minor_nonconformity",
        condition="記録なし",
        due="2025-03-31",
    )
    store.close()
    assert cli("verify", str(db)).returncode == 0
    key = str(fid)
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE findings SET state = 'verified' WHERE id = ?", (fid,))
    con.close()
    state = last_state(db, "finding", key).replace('"state":"open"', '"state":"verified"', 1)
    seq = forge(db, "監査 一郎", "finding", key, "update", state)
    r = cli("verify", str(db), lang="ja")
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        f"trail {seq}: forged: 記録 {seq}: 指摘 {key} の状態 open → verified は状態遷移表にない遷移で、"
        "遷移の記録もない（実行者 監査 一郎）"
    ]
    r = cli("verify", str(db))
    assert r.returncode == 1 and "1 problem found" in r.stderr
    assert f"finding {key}: the move open -> verified is not in the state table, and has no transition" in r.stdout


def test_a_responses_batch_into_a_closed_cycle_is_forged(tmp_path, cli):
    db = tmp_path / "r.db"
    store, cycle = ready_store(db, tmp_path)
    store.import_responses(ACTOR, cycle, [("101", "7.1", "implemented")])
    store.close_cycle(ACTOR, cycle)
    store.close()
    con = sqlite3.connect(db)
    with con:
        con.execute(
            "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) "
            "VALUES (?, (SELECT id FROM departments WHERE code = '102'), '7.1', 'implemented', '', '', '鈴木 一郎', "
            "'T')",
            (cycle,),
        )
    con.close()
    batch = {
        "cycle": cycle,
        "answered_by": "鈴木 一郎",
        "answered_at": "T",
        "rows": [["102", "7.1", "insert", "implemented", "", ""]],
    }
    seq = forge(
        db, "鈴木 一郎", "responses", str(cycle), "batch", json.dumps(batch, ensure_ascii=False, separators=(",", ":"))
    )
    r = cli("verify", str(db))
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        f"trail {seq}: forged: 記録 {seq}: 回答の一括記録がサイクル {cycle} に書かれているが、サイクルはその時点で "
        "closed だった（回答を受け付けるのは open のみ）（実行者 鈴木 一郎）"
    ]
