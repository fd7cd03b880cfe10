"""The store's command line: init, dept/system/checklist import, cycle, responses, verify."""

from __future__ import annotations

import getpass
import io
import json
import sqlite3

from _store_util import CHECKLIST_YAML, DEPARTMENTS_CSV, ITEMS, LEAVES, write
from libaudit.cli.store import Progress

import libaudit


def setup_db(tmp_path, cli):
    db = str(tmp_path / "audit.db")
    assert cli("init", db, "--body", "テスト市", "--as", "管理者").returncode == 0
    r = cli("dept", "import", db, str(write(tmp_path / "d.csv", DEPARTMENTS_CSV, "cp932")), "--as", "管理者")
    assert r.returncode == 0, r.stderr
    assert "5 inserted" in r.stdout
    r = cli("checklist", "import", db, str(write(tmp_path / "c.yaml", CHECKLIST_YAML)), "--as", "管理者")
    assert r.returncode == 0, r.stderr
    checklist = r.stdout.strip()
    r = cli(
        "cycle",
        "create",
        db,
        "--name",
        "令和6年度 自己点検",
        "--kind",
        "self_inspection",
        "--fiscal-year",
        "2024",
        "--checklist",
        checklist,
        "--as",
        "管理者",
    )
    assert r.returncode == 0, r.stderr
    cycle = r.stdout.strip()
    assert cli("cycle", "open", db, cycle, "--as", "管理者").returncode == 0
    return db, cycle


def test_full_flow(tmp_path, cli):
    db, cycle = setup_db(tmp_path, cli)
    csv = "department,item,answer,comment,evidence\n" + "".join(
        f"{d},{i},実施している,,\n" for d in LEAVES for i in ITEMS
    )
    r = cli("responses", "import", db, "--cycle", cycle, str(write(tmp_path / "r.csv", csv)), "--as", "佐藤")
    assert r.returncode == 0, r.stderr
    assert f"{len(LEAVES) * len(ITEMS)} inserted" in r.stdout
    assert r.stderr == ""  # piped: no progress bar
    r = cli("responses", "import", db, "--cycle", cycle, str(tmp_path / "r.csv"), "--as", "佐藤")
    assert "0 inserted, 0 updated, 15 unchanged" in r.stdout

    listed = json.loads(cli("cycle", "list", db, "--json").stdout)
    assert listed[0]["status"] == "open" and listed[0]["responses"] == 15
    assert listed[0]["fiscal_year_label"] == "令和6年度"
    assert "令和6年度" in cli("cycle", "list", db).stdout
    assert "総務課" in cli("dept", "list", db).stdout

    r = cli("verify", db)
    assert r.returncode == 0 and "intact" in r.stdout
    with libaudit.Store(db) as s:
        actors = {t.actor for t in s.trail()}
    assert actors == {"管理者", "佐藤"}

    assert cli("cycle", "close", db, cycle, "--as", "管理者").returncode == 0
    r = cli("responses", "import", db, "--cycle", cycle, str(tmp_path / "r.csv"), "--as", "佐藤")
    assert r.returncode == 1 and "closed" in r.stderr


def test_bad_rows_exit_1_with_every_line(tmp_path, cli):
    db, cycle = setup_db(tmp_path, cli)
    csv = "department,item,answer,comment,evidence\n101,7.1,implemented,,\n999,7.1,implemented,,\n101,7.2,はい,,\n"
    r = cli("responses", "import", db, "--cycle", cycle, str(write(tmp_path / "r.csv", csv)))
    assert r.returncode == 1
    assert "nothing was imported" in r.stderr
    assert "r.csv:3:1: unknown department '999'" in r.stderr
    assert "r.csv:4:1: invalid answer 'はい'" in r.stderr
    with libaudit.Store(db) as s:
        assert s.response_count(int(cycle)) == 0


def test_default_actor_is_login_name(tmp_path, cli):
    db = str(tmp_path / "a.db")
    assert cli("init", db).returncode == 0
    assert cli("dept", "import", db, str(write(tmp_path / "d.csv", DEPARTMENTS_CSV))).returncode == 0
    with libaudit.Store(db) as s:
        assert {t.actor for t in s.trail()} == {getpass.getuser()}


def test_systems_and_verify_failure(tmp_path, cli):
    db, cycle = setup_db(tmp_path, cli)
    csv = "name,department,tier,important_assets\n住民基本台帳システム,201,マイナンバー利用事務系,はい\n"
    assert cli("system", "import", db, str(write(tmp_path / "s.csv", csv))).returncode == 0
    assert "住民基本台帳システム" in cli("system", "list", db).stdout
    con = sqlite3.connect(db)
    con.execute("UPDATE systems SET important_assets = 0")
    con.commit()
    con.close()
    r = cli("verify", db)
    assert r.returncode == 1
    assert "systems 住民基本台帳システム: altered: important_assets: trail true, table false" in r.stdout
    report = json.loads(cli("verify", db, "--json").stdout)
    assert report["ok"] is False and report["problems"][0]["table"] == "systems"


def test_missing_database_is_not_created(tmp_path, cli):
    r = cli("cycle", "list", str(tmp_path / "nope.db"))
    assert r.returncode == 1 and "libaudit init" in r.stderr
    assert not (tmp_path / "nope.db").exists()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal():
    tty, pipe = _Tty(), io.StringIO()
    for stream in (tty, pipe):
        p = Progress("importing", stream)
        p(0, 100)
        p(100, 100)
    assert "[" in tty.getvalue() and "100/100" in tty.getvalue() and tty.getvalue().endswith("\n")
    assert pipe.getvalue() == ""


def test_trail_command(tmp_path, cli):
    db, cycle = setup_db(tmp_path, cli)
    csv = "department,item,answer,comment,evidence\n101,7.1,implemented,,\n"
    assert (
        cli("responses", "import", db, "--cycle", cycle, str(write(tmp_path / "r.csv", csv)), "--as", "佐藤").returncode
        == 0
    )
    out = cli("trail", db).stdout
    assert "1 responses" in out and "佐藤" in out and "department" in out
    lines = [json.loads(line) for line in cli("trail", db, "--json", "--after", "1").stdout.splitlines()]
    assert lines[0]["seq"] == 2 and lines[-1]["state"]["rows"][0][:4] == ["101", "7.1", "insert", "implemented"]
    assert len(cli("trail", db, "--json", "--limit", "2").stdout.splitlines()) == 2
