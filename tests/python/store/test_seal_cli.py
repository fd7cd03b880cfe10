"""The keyed seal of the trail on the command line (#14): ``libaudit trail-key new``, the key
for every command through $LIBAUDIT_TRAIL_KEY, ``verify --key-file``; what the key catches that
plain verify does not (appends without the key, forged and re-hashed records), a wrong key, a
key file others may read."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat

import pytest
from _store_util import CHECKLIST_YAML, DEPARTMENTS_CSV, ITEMS, LEAVES, write
from libaudit.store import new_trail_key, read_trail_key, trail_key_id

import libaudit

ENV = "LIBAUDIT_TRAIL_KEY"
INSERT_TRAIL = (
    "INSERT INTO trail(seq, at, actor, entity, key, action, state, prev_hash, hash, mac) VALUES (?,?,?,?,?,?,?,?,?,?)"
)


def canonical(value: object) -> str:
    """JSON as the trail's canonical form writes it (for the plain strings of these tests)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def record_json(seq: int, at: str, actor: str, entity: str, key: str, action: str, state: str) -> str:
    fields = [("seq", str(seq))] + [
        (k, canonical(v))
        for k, v in (("at", at), ("actor", actor), ("entity", entity), ("key", key), ("action", action))
    ]
    return "{" + ",".join(f'"{k}":{v}' for k, v in fields) + f',"state":{state}' + "}"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def key(tmp_path, cli):
    path = tmp_path / "trail.key"
    r = cli("trail-key", "new", str(path))
    assert r.returncode == 0, r.stderr
    return path


def sealed_store(tmp_path, cli, key, monkeypatch):
    """A store every write of which was made with the key ($LIBAUDIT_TRAIL_KEY): the
    organisation, a checklist, a cycle with responses, and a person (a follow-up write)."""
    monkeypatch.setenv(ENV, str(key))
    db = str(tmp_path / "audit.db")
    assert cli("init", db, "--body", "テスト市", "--as", "管理者").returncode == 0
    r = cli("dept", "import", db, str(write(tmp_path / "d.csv", DEPARTMENTS_CSV, "cp932")), "--as", "管理者")
    assert r.returncode == 0, r.stderr
    r = cli("checklist", "import", db, str(write(tmp_path / "c.yaml", CHECKLIST_YAML)), "--as", "管理者")
    assert r.returncode == 0, r.stderr
    checklist = r.stdout.strip()
    r = cli("cycle", "create", db, "--name", "令和6年度", "--kind", "self_inspection", "--fiscal-year", "2024",
            "--checklist", checklist, "--as", "管理者")  # fmt: skip
    assert r.returncode == 0, r.stderr
    cycle = r.stdout.strip()
    assert cli("cycle", "open", db, cycle, "--as", "管理者").returncode == 0
    csv = "department,item,answer,comment,evidence\n" + "".join(
        f"{d},{i},実施している,,\n" for d in LEAVES for i in ITEMS
    )
    r = cli("responses", "import", db, "--cycle", cycle, str(write(tmp_path / "r.csv", csv)), "--as", "佐藤")
    assert r.returncode == 0, r.stderr
    r = cli("person", "add", db, "監査 一郎", "--dept", "101", "--roles", "auditor", "--as", "管理者")
    assert r.returncode == 0, r.stderr
    monkeypatch.delenv(ENV)
    return db


def trail_rows(db: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT seq, at, actor, entity, key, action, state, prev_hash, hash, mac FROM trail ORDER BY seq"
        ).fetchall()
    finally:
        con.close()


def test_trail_key_new_writes_0600_and_never_overwrites(tmp_path, cli, key):
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    text = key.read_text()
    assert len(text) == 65 and text.endswith("\n") and int(text[:64], 16) >= 0
    assert len(read_trail_key(key)) == 32
    r = cli("trail-key", "new", str(key))
    assert r.returncode == 1
    assert r.stderr == f"libaudit: 鍵ファイル {key} は既にある: 上書きしない\n"
    assert key.read_text() == text
    other = tmp_path / "other.key"
    new_trail_key(other)
    assert read_trail_key(other) != read_trail_key(key)


def test_a_sealed_store_verifies_clean_with_its_key(tmp_path, cli, key, monkeypatch):
    db = sealed_store(tmp_path, cli, key, monkeypatch)
    rows = trail_rows(db)
    assert rows[0][3] == "trail_seal" and json.loads(rows[0][6]) == {
        "from": 1,
        "key_id": trail_key_id(read_trail_key(key)),
    }
    assert {r[3] for r in rows} >= {"body", "department", "checklist", "cycle", "responses", "person"}
    assert all(len(r[9]) == 64 for r in rows)  # every record carries its MAC
    r = cli("verify", db, "--key-file", str(key), lang="ja")
    assert r.returncode == 0, r.stdout
    assert r.stdout.splitlines()[1] == f"鍵 {trail_key_id(read_trail_key(key))} で封印: 記録 1 以降"
    report = json.loads(cli("verify", db, "--key-file", str(key), "--json").stdout)
    assert report["ok"] and report["sealed_from"] == 1 and report["records"] == len(rows)
    assert cli("verify", db).returncode == 0  # without the key: as before
    monkeypatch.setenv(ENV, str(key))  # the environment names the key for verify too
    assert "で封印: 記録 1 以降" in cli("verify", db, lang="ja").stdout


def test_a_write_without_the_key_is_caught_with_it(tmp_path, cli, key, monkeypatch):
    db = sealed_store(tmp_path, cli, key, monkeypatch)
    assert (
        cli("dept", "import", db, str(write(tmp_path / "d2.csv", "code,name\n999,新しい課\n")), "--as", "x").returncode
        == 0
    )
    seq = trail_rows(db)[-1][0]
    assert trail_rows(db)[-1][9] == ""
    assert cli("verify", db).returncode == 0
    r = cli("verify", db, "--key-file", str(key))
    assert r.returncode == 1
    assert r.stdout == f"trail {seq}: unsealed: 記録 {seq} に MAC がない: 鍵なしで追記された\n"


def test_a_forged_append_with_a_correct_hash_is_caught_only_with_the_key(tmp_path, cli, key, monkeypatch):
    db = sealed_store(tmp_path, cli, key, monkeypatch)
    head = trail_rows(db)[-1]
    seq, at, state = head[0] + 1, "2025-01-01T00:00:00.000000Z", canonical({"name": "偽市"})
    record = record_json(seq, at, "mallory", "body", "body", "update", state)
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE meta SET value = '偽市' WHERE key = 'body'")
        con.execute(
            INSERT_TRAIL,
            (seq, at, "mallory", "body", "body", "update", state, head[8], sha256_hex(head[8] + record), "ab" * 32),
        )
    con.close()
    plain = cli("verify", db)
    assert plain.returncode == 0 and "intact" in plain.stdout  # the chain and the tables agree
    r = cli("verify", db, "--key-file", str(key))
    assert r.returncode == 1
    assert r.stdout == f"trail {seq}: forged: 記録 {seq} の MAC が鍵と合わない: 鍵を持たない者が書き換えた\n"


def test_a_rewritten_and_rehashed_trail_is_caught_with_the_key(tmp_path, cli, key, monkeypatch):
    db = sealed_store(tmp_path, cli, key, monkeypatch)
    rows = [list(r) for r in trail_rows(db)]
    rows[2][2] = "別人"  # who made record 3
    prev = "0" * 64
    for r in rows:  # every hash recomputed; the MACs, which need the key, left as they were
        r[7] = prev
        r[8] = prev = sha256_hex(prev + record_json(r[0], r[1], r[2], r[3], r[4], r[5], r[6]))
    con = sqlite3.connect(db)
    with con:
        con.execute("DROP TRIGGER trail_append_only_update")
        con.execute("DROP TRIGGER trail_append_only_delete")
        con.execute("DELETE FROM trail")
        con.executemany(
            INSERT_TRAIL,
            rows,
        )
    con.close()
    assert cli("verify", db).returncode == 0
    r = cli("verify", db, "--key-file", str(key))
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        f"trail {q}: forged: 記録 {q} の MAC が鍵と合わない: 鍵を持たない者が書き換えた"
        for q in range(3, len(rows) + 1)
    ]


def test_a_wrong_key_finds_no_seal(tmp_path, cli, key, monkeypatch):
    db = sealed_store(tmp_path, cli, key, monkeypatch)
    other = tmp_path / "other.key"
    assert cli("trail-key", "new", str(other)).returncode == 0
    r = cli("verify", db, "--key-file", str(other))
    assert r.returncode == 1
    mine, theirs = trail_key_id(read_trail_key(other)), trail_key_id(read_trail_key(key))
    assert r.stdout == (
        f"trail seal: unsealed: この鍵で封印された記録がない (鍵の key_id {mine}): "
        f"証跡の封印の記録は key_id {theirs} (別の鍵か、封印の記録が書き換えられた)\n"
    )
    report = json.loads(cli("verify", db, "--key-file", str(other), "--json").stdout)
    assert report["sealed_from"] == 0 and report["key_id"] == mine


def test_a_key_file_others_may_read_is_refused_and_nothing_is_written(tmp_path, cli, key, monkeypatch):
    db = sealed_store(tmp_path, cli, key, monkeypatch)
    before = trail_rows(db)
    os.chmod(key, 0o644)
    want = (
        f"libaudit: {key}:1:1: 鍵ファイル {key} はグループか他の利用者に権限がある (0644): "
        f"所有者だけが読めるよう `chmod 600 {key}` とすること\n"
    )
    r = cli("verify", db, "--key-file", str(key))
    assert r.returncode == 1 and r.stdout == "" and r.stderr == want
    monkeypatch.setenv(ENV, str(key))
    r = cli("dept", "import", db, str(write(tmp_path / "d2.csv", "code,name\n999,新しい課\n")), "--as", "x")
    assert r.returncode == 1 and r.stderr == want
    assert trail_rows(db) == before
    assert cli("dept", "list", db).returncode == 0  # a command that only reads needs no key


def test_a_key_file_not_in_the_format_is_refused(tmp_path, cli):
    bad = tmp_path / "bad.key"
    bad.write_text("00" * 31 + "\n")
    os.chmod(bad, 0o600)
    db = str(tmp_path / "a.db")
    r = cli("init", db, "--key-file", str(bad))
    assert r.returncode == 1
    assert r.stderr == (
        f"libaudit: {bad}:1:1: 鍵ファイル {bad} の形式が違う: 64 桁の16進数 (32 バイト) と改行 1 つであること "
        "(`libaudit trail-key new PATH` で作る)\n"
    )
    assert not os.path.exists(db)
    r = cli("verify", db, "--key-file", str(tmp_path / "missing.key"))
    assert r.returncode == 1 and "鍵ファイル" in r.stderr and "を読めない" in r.stderr


def test_the_python_api_takes_raw_keys(tmp_path):
    with pytest.raises(libaudit.ValidationError, match="証跡の鍵が短い: 8 バイト"):
        libaudit.Store(":memory:", trail_key=b"12345678")
    k = bytes(range(32))
    with libaudit.Store(tmp_path / "s.db", trail_key=k) as s:
        s.set_body("me", "小牧市")
        assert [t.entity for t in s.trail()] == ["trail_seal", "body"]
        report = s.verify(trail_key=k)
        assert report.ok and report.sealed_from == 1 and report.key_id == trail_key_id(k)
        assert not s.verify(trail_key=bytes(32)).ok
        assert s.verify().ok and s.verify().sealed_from == 0
