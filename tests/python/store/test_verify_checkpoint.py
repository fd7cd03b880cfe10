"""The streamed and incremental verify: Store.checkpoint, verify(since_checkpoint=True), the
`verify --checkpoint / --since-checkpoint` command, and a tiny LIBAUDIT_VERIFY_BUDGET (many passes)
finding what one pass finds."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from _store_util import ITEMS, LEAVES
from test_store_cli import setup_db

import libaudit


def _rows(answer: str = "implemented") -> list[tuple[str, str, str]]:
    return [(d, i, answer) for d in LEAVES for i in ITEMS]


def _tamper(db: str, sql: str) -> None:
    con = sqlite3.connect(db)
    con.executescript(sql)
    con.commit()
    con.close()


@pytest.fixture
def answered(tmp_path, cli):
    db, cycle = setup_db(tmp_path, cli)
    with libaudit.Store(db) as s:
        s.import_responses("佐藤", int(cycle), _rows())
    return db, int(cycle)


def test_checkpoint_written_and_found(answered):
    db, cycle = answered
    with libaudit.Store(db) as s:
        with pytest.raises(libaudit.NotFoundError, match="has no checkpoint"):
            s.verify(since_checkpoint=True)
        head = s.trail()[-1]
        r = s.checkpoint("監査人")
        assert r.ok and r.checkpoint == head.seq + 1 and r.head_seq == head.seq
        last = s.trail()[-1]
        assert (last.entity, last.key, last.actor) == ("checkpoint", str(head.seq), "監査人")
        assert json.loads(last.state)["head_hash"] == head.hash
        inc = s.verify(since_checkpoint=True)
        assert inc.ok and inc.checkpoint == r.checkpoint and inc.since == head.seq and inc.records == 1
        assert s.verify().ok


def test_since_checkpoint_finds_a_row_written_after_it(answered):
    db, cycle = answered
    with libaudit.Store(db) as s:
        s.checkpoint("監査人")
        s.import_responses("佐藤", cycle, [(LEAVES[0], ITEMS[0], "partial")])
    _tamper(
        db,
        f"UPDATE responses SET answer = 'unknown' WHERE cycle = {cycle} AND item_id = '{ITEMS[0]}' "
        f"AND department = (SELECT id FROM departments WHERE code = '{LEAVES[0]}');"
        f"UPDATE responses SET answer = 'unknown' WHERE cycle = {cycle} AND item_id = '{ITEMS[1]}' "
        f"AND department = (SELECT id FROM departments WHERE code = '{LEAVES[1]}');",
    )
    with libaudit.Store(db) as s:
        inc = s.verify(since_checkpoint=True)
        full = s.verify()
    key = f'[{cycle},"{LEAVES[0]}","{ITEMS[0]}"]'
    assert [(p.table, p.key, p.kind) for p in inc.problems] == [("responses", key, "altered")]
    assert 'answer: trail "partial", table "unknown"' in inc.problems[0].detail
    # The row untouched since the checkpoint is the full verify's (docs/store.md, Checkpoints).
    assert sorted(p.key for p in full.problems) == sorted([key, f'[{cycle},"{LEAVES[1]}","{ITEMS[1]}"]'])


def test_since_checkpoint_finds_a_tampered_later_record(answered):
    db, cycle = answered
    with libaudit.Store(db) as s:
        s.checkpoint("監査人")
        s.set_body("管理者", "新テスト市")
        seq = s.trail()[-1].seq
    _tamper(db, f"DROP TRIGGER trail_append_only_update; UPDATE trail SET actor = '誰か' WHERE seq = {seq};")
    with libaudit.Store(db) as s:
        r = s.verify(since_checkpoint=True)
    assert [(p.table, p.key, p.kind) for p in r.problems] == [("trail", str(seq), "altered")]


def test_a_removed_checkpoint_leaves_a_gap(answered):
    db, cycle = answered
    with libaudit.Store(db) as s:
        first = s.checkpoint("監査人").checkpoint
        s.set_body("管理者", "別の市")
        second = s.checkpoint("監査人").checkpoint
        s.set_body("管理者", "さらに別の市")
    _tamper(db, f"DROP TRIGGER trail_append_only_delete; DELETE FROM trail WHERE seq = {second};")
    with libaudit.Store(db) as s:
        r = s.verify(since_checkpoint=True)
    assert r.checkpoint == first
    assert [(p.table, p.key, p.kind) for p in r.problems] == [("trail", str(second + 1), "deleted")]


def test_a_tiny_budget_finds_what_one_pass_finds(answered, tmp_path):
    db, cycle = answered
    _tamper(
        db,
        f"UPDATE responses SET comment = 'x' WHERE item_id = '{ITEMS[1]}';"
        f"DELETE FROM responses WHERE item_id = '{ITEMS[0]}' AND department = "
        f"(SELECT id FROM departments WHERE code = '{LEAVES[-1]}');",
    )
    script = (
        "import json, sys, libaudit; print(json.dumps([str(p) for p in libaudit.Store(sys.argv[1]).verify().problems]))"
    )

    def problems(budget: str | None) -> list[str]:
        env = dict(os.environ)
        env.pop("LIBAUDIT_VERIFY_BUDGET", None)
        if budget:
            env["LIBAUDIT_VERIFY_BUDGET"] = budget
        out = subprocess.run([sys.executable, "-c", script, db], env=env, capture_output=True, text=True, check=True)
        return list(json.loads(out.stdout))

    one = problems(None)
    assert len(one) == len(LEAVES) + 1
    assert problems("1") == one
    assert problems("2") == one


def test_the_command(answered, cli):
    db, cycle = answered
    r = cli("verify", db, "--since-checkpoint")
    assert r.returncode == 1 and "has no checkpoint" in r.stderr
    r = cli("verify", db, "--checkpoint", "--as", "監査人")
    assert r.returncode == 0, r.stderr
    assert "intact" in r.stdout and "checkpoint" in r.stdout
    r = cli("verify", db, "--since-checkpoint")
    assert r.returncode == 0, r.stderr
    assert "intact since checkpoint" in r.stdout
    report = json.loads(cli("verify", db, "--since-checkpoint", "--json").stdout)
    assert report["ok"] and report["checkpoint"] > 0 and report["since"] == report["checkpoint"] - 1
    _tamper(db, "UPDATE responses SET comment = 'x';")
    with libaudit.Store(db) as s:
        before = len(s.trail())
    r = cli("verify", db, "--checkpoint", "--as", "監査人")
    assert r.returncode == 1 and "no checkpoint was written" in r.stderr
    with libaudit.Store(db) as s:
        assert len(s.trail()) == before
    r = cli("verify", db, "--checkpoint", "--as", "監査人", lang="ja")
    assert r.returncode == 1 and "チェックポイントは書かなかった" in r.stderr
