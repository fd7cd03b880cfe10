"""Helpers for the store tests: a small checklist, an organisation, a ready store."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import libaudit

ACTOR = "tester"

# A small checklist in the documented format: two chapters, five items.
CHECKLIST_YAML = """\
format: 1
id: test-kijun
title: テスト対策基準 自己点検表
version: "2024-03-01"
body: テスト市
source: {document: test.txt, title: テスト市情報セキュリティ対策基準, revised: "2024-03-01"}
sections:
  - id: "7"
    clause: "７"
    title: 運用
    items:
      - id: "7.1"
        clause: "7(1)"
        text: 情報セキュリティ管理者は、情報システムを監視しなければならない。
        question: 情報システムを監視しているか。
        roles: [security_manager]
      - id: "7.2"
        clause: "7(2)"
        text: 職員等は、例外措置の承認を得なければならない。
        question: 例外措置の承認を得ているか。
        roles: [staff]
  - id: "8"
    clause: "８"
    title: 評価及び見直し
    items:
      - id: "8.1"
        clause: "8(1)"
        text: 被監査部門は、監査の実施に協力しなければならない。
        question: 監査の実施に協力しているか。
        roles: [auditee]
      - id: "8.2"
        clause: "8(2)"
        text: 情報セキュリティ管理者は、自己点検を実施しなければならない。
        question: 自己点検を実施しているか。
        roles: [security_manager]
      - id: "8.3"
        clause: "8(3)"
        text: 職員等は、自己点検の結果に基づき改善を図らなければならない。
        question: 自己点検の結果に基づき改善を図っているか。
        roles: [staff]
"""

ITEMS = ["7.1", "7.2", "8.1", "8.2", "8.3"]

#: CHECKLIST_YAML with the secretariat 総務課 (101) and two body-level items (全庁共通事項) that
#: only it is asked: the CISO's (body-level from its role) and one marked `respondent: body`.
BODY_LEVEL_YAML = CHECKLIST_YAML.replace("body: テスト市\n", "body: テスト市\nsecretariat: 総務課\n") + (
    """\
      - id: "8.4"
        clause: "8(4)"
        text: 最高情報セキュリティ責任者は、情報セキュリティ対策の見直しを指示しなければならない。
        question: 最高情報セキュリティ責任者が対策の見直しを指示しているか。
        roles: [ciso]
      - id: "8.5"
        clause: "8(5)"
        text: 職員等は、全庁の情報セキュリティ研修計画に従わなければならない。
        question: 全庁の情報セキュリティ研修計画を策定しているか。
        roles: [staff]
        respondent: body
"""
)
BODY_ITEMS = ["8.4", "8.5"]

DEPARTMENTS_CSV = """\
code,name,parent_code,security_officer,security_manager
100,総務部,,山田 太郎,
101,総務課,100,,佐藤 花子
102,人事課,100,,鈴木 一郎
200,市民部,,高橋 次郎,
201,市民課,200,,田中 三郎
"""

LEAVES = ["101", "102", "201"]


def big_checklist_yaml(n_items: int, per_section: int = 100) -> str:
    """A valid checklist with n_items items ("1.1", "1.2", ...)."""
    lines = [
        "format: 1",
        "id: big",
        "title: 大きな点検表",
        'version: "1"',
        "body: テスト市",
        "source: {document: big.txt, title: テスト基準}",
        "sections:",
    ]
    for s in range((n_items + per_section - 1) // per_section):
        lines += [f'  - id: "{s + 1}"', f'    clause: "{s + 1}"', f"    title: 章{s + 1}", "    items:"]
        for k in range(s * per_section, min(n_items, (s + 1) * per_section)):
            lines += [
                f'      - id: "{s + 1}.{k + 1}"',
                f'        clause: "{s + 1}({k + 1})"',
                f"        text: 職員は、項目{k + 1}を実施しなければならない。",
                f"        question: 項目{k + 1}を実施しているか。",
                "        roles: [staff]",
            ]
    return "\n".join(lines) + "\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def ready_store(path, tmp: Path, *, open_cycle: bool = True):
    """A store with the organisation, the checklist and one cycle (open unless told)."""
    store = libaudit.Store(path)
    store.import_departments_csv(ACTOR, write(tmp / "departments.csv", DEPARTMENTS_CSV))
    cl = store.import_checklist(ACTOR, libaudit.Checklist.from_yaml(CHECKLIST_YAML, "test.yaml"))
    cycle = store.create_cycle(ACTOR, name="令和6年度 自己点検", kind="self_inspection", fiscal_year=2024, checklist=cl)
    if open_cycle:
        store.open_cycle(ACTOR, cycle)
    return store, cycle


class KillTrials:
    """Runs children that print "ready" before their write and "done" after it. The first run goes
    to the end and measures how long the write takes; every later one is killed with SIGKILL at a
    random moment within 1.3 times that, so the kills land before, inside and after the commit.
    After each run the database file passes SQLite's own integrity check."""

    def __init__(self, db: Path, seed: int) -> None:
        self.db = db
        self.rng = random.Random(seed)
        self.budget: float | None = None

    def run(self, args: list[str]) -> None:
        child = subprocess.Popen(
            [sys.executable, "-c", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        started = time.monotonic()
        if self.budget is None:
            assert child.stdout.readline().strip() == "done", child.stderr.read()
            self.budget = time.monotonic() - started
            child.wait()
        else:
            time.sleep(self.rng.uniform(0, self.budget * 1.3))
            child.send_signal(signal.SIGKILL)
            child.wait()
        child.stdout.close()
        child.stderr.close()
        con = sqlite3.connect(self.db)
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            con.close()
