"""Read commands open the store read-only (Store(path, read_only=True), OpenOptions::read_only):
they write nothing, work on a read-only filesystem, and a write refused by the filesystem says
why ("read-only filesystem").

A read-only filesystem is made without root: a read-only bind mount inside a new user and mount
namespace (``unshare -rm``); those tests skip, saying so, where unshare is not allowed. chmod is
no test as root (root writes anyway), so the no-write tests compare bytes and times instead.
"""

from __future__ import annotations

import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from _store_util import ACTOR, ready_store
from libaudit.errors import StoreError

import libaudit

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "schema3"
READERS = [  # DB stands for the store's path
    ["verify", "DB"],
    ["trail", "DB"],
    ["score", "DB", "--cycle", "1"],
    ["cycle", "list", "DB"],
    ["dept", "list", "DB"],
    ["system", "list", "DB"],
    ["responses", "list", "DB", "--cycle", "1"],
    ["person", "list", "DB"],
    ["finding", "list", "DB"],
    ["exception", "list", "DB"],
    ["cycle", "status", "DB", "1"],
    ["cycle", "status", "DB", "1", "--json"],
]


def read_only_mount_works() -> str:
    """'' when `unshare -rm` can make a read-only bind mount here, else why not."""
    if not shutil.which("unshare"):
        return "unshare is not installed"
    r = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount --bind /tmp /tmp && mount -o remount,bind,ro /tmp"],
        capture_output=True,
        text=True,
    )
    return "" if r.returncode == 0 else f"no read-only bind mount (unshare -rm: {r.stderr.strip()})"


NO_MOUNT = read_only_mount_works()
needs_mount = pytest.mark.skipif(bool(NO_MOUNT), reason=NO_MOUNT or "-")


def on_read_only(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m libaudit ARGS` with `folder` mounted read-only (EROFS for every write there)."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, str(folder), sys.executable, "-m", "libaudit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.fixture()
def store_dir(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    store, cycle = ready_store(folder / "a.db", tmp_path)
    store.close()
    assert sorted(p.name for p in folder.iterdir()) == ["a.db"]  # WAL files gone at close
    return folder


def state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@needs_mount
def test_read_commands_work_on_a_read_only_filesystem(store_dir):
    db = str(store_dir / "a.db")
    before = state(store_dir)
    for argv in READERS:
        r = on_read_only(store_dir, *[db if a == "DB" else a for a in argv])
        assert r.returncode == 0, (argv, r.stderr)
        assert "unable to open" not in r.stderr
    r = on_read_only(store_dir, "report", "committee", db, "--cycle", "1", "-o", str(store_dir.parent / "c.html"))
    assert r.returncode == 0, r.stderr
    assert (store_dir.parent / "c.html").read_text(encoding="utf-8").startswith("<!")
    assert state(store_dir) == before


@needs_mount
def test_a_write_on_a_read_only_filesystem_says_so(store_dir):
    db = str(store_dir / "a.db")
    r = on_read_only(store_dir, "cycle", "close", db, "1", "--as", ACTOR)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "read-only filesystem" in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1


@needs_mount
def test_a_wal_file_the_immutable_read_would_miss_is_refused(tmp_path, store_dir):
    # A copy taken while a writer had changes in the -wal, without the -shm.
    copy = tmp_path / "copy"
    copy.mkdir()
    writer = sqlite3.connect(store_dir / "a.db")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO meta(key, value) VALUES ('note', 'x')")
    writer.commit()
    shutil.copy(store_dir / "a.db", copy / "a.db")
    shutil.copy(store_dir / "a.db-wal", copy / "a.db-wal")
    writer.close()
    r = on_read_only(copy, "verify", str(copy / "a.db"))
    assert r.returncode == 1
    assert "a.db-wal holds changes not yet in the store file" in r.stderr, r.stderr


def test_a_read_only_store_writes_nothing(store_dir):
    db = store_dir / "a.db"
    before = db.read_bytes(), db.stat().st_mtime_ns
    with libaudit.Store(db, read_only=True) as s:
        assert s.verify().ok
        assert s.cycles()[0].id == 1
        with pytest.raises(StoreError, match="opened read-only"):
            s.set_body(ACTOR, "別の市")
        with pytest.raises(StoreError, match="opened read-only"):
            s.exchange_secret()  # not there yet: creating it is a write
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    wal = store_dir / "a.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # SQLite's WAL index, no frame written


def test_verify_and_report_on_the_cli_write_nothing(store_dir, cli, tmp_path):
    db = store_dir / "a.db"
    # A store in rollback-journal mode (a copy made by a tool, say): a writable open switches it
    # to WAL, which rewrites the file's header; a read-only open leaves it.
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    c.close()
    before = db.read_bytes(), db.stat().st_mtime_ns
    assert cli("verify", str(db)).returncode == 0
    assert cli("report", "committee", str(db), "--cycle", "1", "-o", str(tmp_path / "r.html")).returncode == 0
    assert cli("finding", "list", str(db)).returncode == 0
    assert cli("score", str(db), "--cycle", "1").returncode == 0
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    assert sorted(p.name for p in store_dir.iterdir()) == ["a.db"]


def test_an_old_schema_needs_a_writable_open_once(tmp_path, cli):
    db = tmp_path / "demo.db"
    db.write_bytes(lzma.decompress((FIXTURE / "demo.db.xz").read_bytes()))
    before = db.read_bytes()
    with pytest.raises(StoreError, match="needs an upgrade.*open it writable once"):
        libaudit.Store(db, read_only=True)
    r = cli("verify", str(db))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"libaudit init {db}" in r.stderr
    assert db.read_bytes() == before
    assert cli("init", str(db)).returncode == 0  # the upgrade
    assert cli("verify", str(db)).returncode == 0


def test_a_read_only_memory_store_is_refused():
    with pytest.raises(StoreError, match="must be a file"):
        libaudit.Store(":memory:", read_only=True)
