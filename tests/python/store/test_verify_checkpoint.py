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
from test_seal_cli import record_json, sha256_hex
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


def test_the_checkpoint_gives_its_anchor(answered):
    db, cycle = answered
    with libaudit.Store(db) as s:
        assert s.verify().checkpoint_hash == "" and s.verify().checkpoint_anchor == ""
        r = s.checkpoint("監査人")
        last = s.trail()[-1]
        assert r.checkpoint == last.seq and r.checkpoint_hash == last.hash
        # The form the reports print for a publication (docs/reports.md): seq and 12 hex digits.
        assert r.checkpoint_anchor == f"証跡 {last.seq}:{last.hash[:12]}"
        inc = s.verify(since_checkpoint=True)
        assert (inc.checkpoint, inc.checkpoint_hash, inc.checkpoint_anchor) == (
            r.checkpoint,
            r.checkpoint_hash,
            r.checkpoint_anchor,
        )
        assert s.verify(anchor=r.checkpoint_hash, anchor_seq=r.checkpoint).ok
        assert s.verify(anchor=r.checkpoint_hash, since_checkpoint=True).ok


def _kinds(report: libaudit.VerifyReport) -> list[tuple[str, str, str]]:
    return [(p.table, p.key, p.kind) for p in report.problems]


def _remove(db: str, seq: int) -> None:
    _tamper(db, f"DROP TRIGGER trail_append_only_delete; DELETE FROM trail WHERE seq = {seq};")


def test_the_anchor_catches_the_latest_checkpoint_removed(answered):
    db, cycle = answered
    with libaudit.Store(db) as s:
        first = s.checkpoint("監査人")
        s.set_body("管理者", "別の市")
        latest = s.checkpoint("監査人")  # the last record
    _remove(db, latest.checkpoint)
    with libaudit.Store(db) as s:
        # Without the anchor nothing is missing: the trail ends one record earlier.
        assert s.verify().ok
        assert s.verify(since_checkpoint=True).checkpoint == first.checkpoint
        assert s.verify(since_checkpoint=True).ok
        anchored = s.verify(anchor=latest.checkpoint_hash)
        assert _kinds(anchored) == [("trail", "anchor", "deleted")]
        assert _kinds(s.verify(anchor=latest.checkpoint_hash, anchor_seq=latest.checkpoint)) == [
            ("trail", "anchor", "deleted")
        ]
        inc = s.verify(anchor=latest.checkpoint_hash, since_checkpoint=True)
        assert inc.checkpoint == first.checkpoint and _kinds(inc) == [("trail", "anchor", "deleted")]


def test_the_anchor_catches_the_only_checkpoint_removed(answered):
    db, cycle = answered
    with libaudit.Store(db) as s:
        only = s.checkpoint("監査人")
    _remove(db, only.checkpoint)
    with libaudit.Store(db) as s:
        with pytest.raises(libaudit.NotFoundError, match="has no checkpoint"):
            s.verify(since_checkpoint=True)
        # The anchor the user kept says more than "no checkpoint": the trail lost that record.
        r = s.verify(anchor=only.checkpoint_hash, since_checkpoint=True)
        assert _kinds(r) == [("trail", "anchor", "deleted")] and r.checkpoint == 0
        assert "no record has the anchored hash" in r.problems[0].detail
        # An anchor the chain still holds does not stand for a checkpoint: still NotFoundError.
        with pytest.raises(libaudit.NotFoundError, match="has no checkpoint"):
            s.verify(anchor=s.trail()[-1].hash, since_checkpoint=True)


def _rewrite_body_before(db: str, seq: int, checkpoint: int, body: str, forged: str) -> None:
    """Rewrites record `seq` (a set_body) from `body` to `forged`, the meta row with it, and re-hashes the
    chain from it up to the checkpoint record, whose state then seals the new head: a rewrite that
    the chain, the tables and the checkpoint's own check all accept."""
    con = sqlite3.connect(db)
    rows = [
        list(r)
        for r in con.execute(
            "SELECT seq, at, actor, entity, key, action, state, prev_hash, hash, state_size FROM trail "
            "WHERE seq >= ? ORDER BY seq",
            (seq - 1,),
        )
    ]
    con.close()
    prev = rows[0][8]
    assert body in rows[1][6]
    rows[1][6] = rows[1][6].replace(body, forged)
    sql = ["DROP TRIGGER trail_append_only_update;"]
    for r in rows[1:]:
        assert r[9] == 0, "a deflated state: the test needs plain ones"
        if r[0] == checkpoint:
            state = json.loads(r[6])
            r[6] = r[6].replace(state["head_hash"], prev)
        r[7] = prev
        r[8] = prev = sha256_hex(prev + record_json(r[0], r[1], r[2], r[3], r[4], r[5], r[6]))
        state_sql = r[6].replace("'", "''")
        sql.append(f"UPDATE trail SET state = '{state_sql}', prev_hash = '{r[7]}', hash = '{r[8]}' WHERE seq = {r[0]};")
    sql.append(f"UPDATE meta SET value = '{forged}' WHERE key = 'body';")
    _tamper(db, "".join(sql))


def test_the_anchor_catches_a_rewrite_before_the_checkpoint(answered):
    db, cycle = answered
    with libaudit.Store(db) as s:
        s.set_body("管理者", "新テスト市")
        changed = s.trail()[-1].seq
        written = s.checkpoint("監査人")
        assert written.checkpoint == changed + 1
    _rewrite_body_before(db, changed, written.checkpoint, "新テスト市", "偽市")
    with libaudit.Store(db) as s:
        assert s.body == "偽市"
        # The rewrite is consistent: neither verify sees it without the anchor.
        assert s.verify().ok and s.verify(since_checkpoint=True).ok
        assert s.trail()[-1].hash != written.checkpoint_hash
        assert _kinds(s.verify(anchor=written.checkpoint_hash)) == [("trail", "anchor", "deleted")]
        assert _kinds(s.verify(anchor=written.checkpoint_hash, anchor_seq=written.checkpoint)) == [
            ("trail", "anchor", "altered")
        ]
        assert _kinds(s.verify(anchor=written.checkpoint_hash, since_checkpoint=True)) == [
            ("trail", "anchor", "deleted")
        ]


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


def test_the_command_prints_the_checkpoint_anchor(answered, cli):
    db, cycle = answered
    r = cli("verify", db, "--checkpoint", "--as", "監査人")
    assert r.returncode == 0, r.stderr
    with libaudit.Store(db) as s:
        last = s.trail()[-1]
    seq, h = last.seq, last.hash
    assert r.stdout.splitlines()[1:] == [
        f"checkpoint {seq} written: it seals record {seq - 1}; `--since-checkpoint` starts from it",
        f"checkpoint anchor: 証跡 {seq}:{h[:12]} (hash {h})",
        f"Keep the anchor outside the store: `libaudit verify {db} --anchor {h}` (also with `--since-checkpoint`) "
        "then shows that nothing up to the checkpoint was rewritten and that it was not removed.",
    ]
    r = cli("verify", db, "--since-checkpoint")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1:] == [f"checkpoint anchor: 証跡 {seq}:{h[:12]} (hash {h})"]
    report = json.loads(cli("verify", db, "--since-checkpoint", "--json").stdout)
    assert (report["checkpoint"], report["checkpoint_hash"]) == (seq, h)
    assert "checkpoint_hash" not in json.loads(cli("verify", db, "--json").stdout)
    for since in ((), ("--since-checkpoint",)):
        r = cli("verify", db, *since, "--anchor", h)
        assert r.returncode == 0 and f"anchor {h[:12]} is in the trail" in r.stdout
    r = cli("verify", db, "--since-checkpoint", lang="ja")
    assert r.returncode == 0 and f"チェックポイントのアンカー: 証跡 {seq}:{h[:12]}（ハッシュ {h}）" in r.stdout
    _remove(db, seq)
    for since in ((), ("--since-checkpoint",)):
        r = cli("verify", db, *since, "--anchor", h)
        assert r.returncode == 1
        assert r.stdout.startswith(f"trail anchor: deleted: no record has the anchored hash {h}"), r.stdout
