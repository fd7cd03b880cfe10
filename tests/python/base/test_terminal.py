"""Text printed by the command line never acts on the terminal (libaudit.table.terminal_safe):
a finding whose condition holds NUL and ESC[2J (clear screen), or a bidi override, is shown
escaped by ``finding show``, in ``finding list`` and in an error message."""

from __future__ import annotations

import json

import pytest
from _store_util import ACTOR, ready_store, write
from libaudit.table import format_table, terminal_safe

HOSTILE = "監視なし\x00\x1b[2J\u202eevil\r\x9b31m\x7f"
RAW = ("\x00", "\x1b", "\u202e", "\r", "\x9b", "\x7f")


def test_terminal_safe():
    assert terminal_safe(HOSTILE) == "監視なし\\x00\\x1b[2J\\u202eevil\\x0d\\u009b31m\\u007f"
    assert terminal_safe("a\tb\nc 全角") == "a\tb\nc 全角"
    assert terminal_safe(terminal_safe(HOSTILE)) == terminal_safe(HOSTILE)
    for c in ("\u202a", "\u202d", "\u2066", "\u2069", "\x85"):
        assert terminal_safe(c).startswith("\\")


def test_tables_measure_the_escaped_cells():
    table = format_table(["a", "b"], [["x\x1b[2J", "1"], ["y\nz", "2"]])
    assert not any(c in table for c in RAW)
    lines = table.splitlines()
    assert len(lines) == 4  # a line break inside a cell does not make a row
    assert lines[2].rindex("1") == lines[3].rindex("2")  # still aligned


@pytest.fixture()
def db(tmp_path):
    store, cycle = ready_store(tmp_path / "t.db", tmp_path)
    cl = store.cycle(cycle).checklist
    audit = store.create_cycle(ACTOR, name="監査", kind="internal_audit", fiscal_year=2024, checklist=cl)
    store.open_cycle(ACTOR, audit)
    store.people.import_csv(ACTOR, write(tmp_path / "p.csv", "name,department,roles\n監査 一郎,201,auditor\n"))
    fid = store.findings.open(
        "監査 一郎",
        cycle=audit,
        department="101",
        items=["7.1"],
        severity="minor_nonconformity",
        condition=HOSTILE,
        due="2025-03-31",
    )
    store.close()
    return str(tmp_path / "t.db"), audit, fid


def assert_safe(text):
    for c in RAW:
        assert c not in text, repr(c)


def test_finding_show_and_list_escape_controls(db, cli):
    path, audit, fid = db
    r = cli("finding", "show", path, str(fid), lang="ja")
    assert r.returncode == 0, r.stderr
    assert_safe(r.stdout)
    assert "状況: 監視なし\\x00\\x1b[2J\\u202eevil" in r.stdout
    r = cli("finding", "list", path)
    assert r.returncode == 0, r.stderr
    assert_safe(r.stdout)
    assert "監視なし\\x00\\x1b[2J" in r.stdout


def test_json_output_stays_json(db, cli):
    path, _, fid = db
    r = cli("finding", "show", path, str(fid), "--json")
    assert r.returncode == 0, r.stderr
    assert_safe(r.stdout)
    assert json.loads(r.stdout)["condition"] == HOSTILE


def test_error_messages_escape_controls(db, cli):
    path, audit, _ = db
    r = cli(
        "finding", "open", path, "--cycle", str(audit), "--dept", "9\x1b[2J\u202e", "--items", "7.1",
        "--severity", "minor_nonconformity", "--by", "監査 一郎", "--due", "2025-03-31", "--condition", "x",
    )  # fmt: skip
    assert r.returncode == 1
    assert_safe(r.stderr)
    assert "9\\x1b[2J\\u202e" in r.stderr and "Traceback" not in r.stderr
    r = cli("finding", "show", path, "1", "--bogus\x1b[2J")  # argparse's own message
    assert r.returncode == 2
    assert_safe(r.stderr)
