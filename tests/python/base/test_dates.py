"""Days given as options (issue #15): ``YYYY-MM-DD`` naming a real day, read by one function
(libaudit.dates) that every date option uses as its argparse type. ``2025-06-31`` and ``6月末``
were accepted by some commands and refused by others only after the store was opened, in
English; now every one is a usage error in the language in use, and nothing is written."""

from __future__ import annotations

import argparse
import datetime as dt
import json

import pytest
from _lang_cli import run_en, run_ja
from _store_util import ACTOR, ready_store
from libaudit.dates import day_argument, parse_day

import libaudit


@pytest.mark.parametrize("text", ["2025-06-31", "6月末", "2025/6/30", "20250630", "2025-6-30", "", "2025-02-29"])
def test_not_a_day_is_refused(text):
    with pytest.raises(libaudit.ValidationError, match="YYYY-MM-DD"):
        parse_day(text)
    with pytest.raises(argparse.ArgumentTypeError, match="YYYY-MM-DD"):
        day_argument(text)


def test_a_real_day():
    assert parse_day("2024-02-29") == dt.date(2024, 2, 29)
    assert parse_day(" ２０２５－０６－３０ ") == dt.date(2025, 6, 30)  # NFKC, trimmed
    assert parse_day(dt.date(2025, 6, 30)) == dt.date(2025, 6, 30)
    assert day_argument("２０２５－０６－３０") == "2025-06-30"


@pytest.fixture
def db(tmp_path):
    s, cycle = ready_store(tmp_path / "a.db", tmp_path)
    s.people.add(ACTOR, "監査 一郎", "101", "auditor chief_auditor")
    s.people.add(ACTOR, "情報 花子", "101", "ciso")
    audit = s.create_cycle(ACTOR, name="監査", kind="internal_audit", fiscal_year=2024, checklist="test-kijun")
    s.open_cycle(ACTOR, audit)
    s.close()
    return str(tmp_path / "a.db"), cycle, audit


def commands(db: str, cycle: int, audit: int, day: str, out: str) -> list[list[str]]:
    finding = ["--cycle", str(audit), "--dept", "102", "--items", "7.1", "--severity", "observation"]
    return [
        ["export", db, "--cycle", str(cycle), "--dept", "101", "--deadline", day, "-o", out],
        ["finding", "open", db, *finding, "--by", "監査 一郎", "--due", day, "--condition", "c"],
        ["finding", "list", db, "--today", day],
        ["finding", "promote", db, "--cycle", str(cycle), "--into", str(audit), "--due", day, "--by", "監査 一郎"],
        ["exception", "request", db, "--dept", "102", "--item", "7.1", "--reason", "r", "--start", "2025-04-01",
         "--end", day, "--by", "情報 花子"],
        ["exception", "list", db, "--today", day],
        ["score", db, "--cycle", str(cycle), "--as-of", day],
        ["report", "committee", db, "--cycle", str(cycle), "--as-of", day, "-o", out + ".html"],
    ]  # fmt: skip


@pytest.mark.parametrize("day", ["2025-06-31", "6月末"])
def test_every_date_option_refuses_a_day_that_is_not_one(db, tmp_path, day):
    path, cycle, audit = db
    before = run_en("trail", path, "--json").stdout
    for args in commands(path, cycle, audit, day, str(tmp_path / "out.xlsx")):
        r = run_ja(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert f"'{day}'" in r.stderr and "YYYY-MM-DD" in r.stderr and "日付" in r.stderr, (args, r.stderr)
        r = run_en(*args)
        assert r.returncode == 2 and "is not a day: write it as YYYY-MM-DD" in r.stderr, (args, r.stderr)
    assert run_en("trail", path, "--json").stdout == before  # nothing written
    assert not list(tmp_path.glob("out*"))


def test_a_real_day_is_taken(db, tmp_path):
    path, cycle, audit = db
    finding = ["--cycle", str(audit), "--dept", "102", "--items", "7.1", "--severity", "observation"]
    r = run_en(
        "finding", "open", path, *finding, "--by", "監査 一郎", "--due", "２０２５－０６－３０", "--condition", "c"
    )
    assert r.returncode == 0, r.stderr
    listed = json.loads(run_en("finding", "list", path, "--json").stdout)
    assert listed[0]["due"] == "2025-06-30"
