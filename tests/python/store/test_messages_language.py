"""The core's messages of the early stages (policy, checklist, store) in the language chosen:
the code's English by default, Japanese from the catalogue under ``set_language("ja")`` (and
``LIBAUDIT_LANG=ja`` for the command line: ``cli(..., lang="ja")``). One representative of each: an extractor warning, a
checklist loader diagnostic, an import refusal, a closed cycle's refusal, a verify problem."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest
from _lang import speaking
from _store_util import ACTOR, CHECKLIST_YAML, DEPARTMENTS_CSV, ready_store, write

import libaudit


@pytest.fixture(params=["en", "ja"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    """The language of the test, in this process; a command line it runs is given it (lang=)."""
    with speaking(request.param):
        yield request.param


def expected(language: str, english: str, japanese: str) -> str:
    return japanese if language == "ja" else english


def test_an_extractor_warning(language: str) -> None:
    text = "１ 評価及び見直し\n（１）監査\n監査統括責任者は、監査を行わなければならない。\n（３）自己点検\n"
    text += "情報セキュリティ責任者は、自己点検を実施しなければならない。\n"
    _, warnings = libaudit.extract_checklist(text, id="t", title="t", body="テスト市", source_document="p.txt")
    assert [str(w) for w in warnings] == [
        expected(
            language,
            "p.txt:4:1: numbering skips (2): '（３）' after '（１）'",
            "p.txt:4:1: 番号 (2) が抜けている: '（１）' の次が '（３）'",
        )
    ]


def test_a_checklist_loader_diagnostic(language: str) -> None:
    bad = CHECKLIST_YAML.replace("roles: [security_manager]", "roles: [security_manger]", 1)
    with pytest.raises(libaudit.ChecklistError) as e:
        libaudit.Checklist.from_yaml(bad, "c.yaml")
    assert [d.message for d in e.value.diagnostics] == [
        expected(
            language,
            "unknown role 'security_manger' in item '7.1' (did you mean 'security_manager'?)",
            "点検項目 '7.1' の役割 'security_manger' はない（'security_manager' の誤りか）",
        )
    ]


def test_an_import_refusal_in_python_and_on_the_command_line(language: str, tmp_path, cli) -> None:
    db = tmp_path / "a.db"
    store, cycle = ready_store(db, tmp_path)
    with pytest.raises(libaudit.ImportValidationError) as e:
        store.import_responses(ACTOR, cycle, [("999", "7.1", "implemented"), ("101", "9.9", "implemented")])
    assert [d.message for d in e.value.diagnostics] == [
        expected(language, "unknown department '999'", "部署 '999' はない"),
        expected(
            language, "item '9.9' is not in the cycle's checklist", "点検項目 '9.9' は実施回のチェックリストにない"
        ),
    ]
    store.close()
    csv = write(tmp_path / "r.csv", "department,item,answer\n999,7.1,implemented\n")
    r = cli("responses", "import", str(db), "--cycle", str(cycle), str(csv), "--as", ACTOR, lang=language)
    assert r.returncode == 1
    assert expected(language, "r.csv:2:1: unknown department '999'", "r.csv:2:1: 部署 '999' はない") in r.stderr
    with libaudit.Store(db) as s:
        assert s.response_count(cycle) == 0


def test_a_closed_cycle_refuses_answers(language: str, tmp_path) -> None:
    store, cycle = ready_store(tmp_path / "a.db", tmp_path)
    store.close_cycle(ACTOR, cycle)
    with pytest.raises(libaudit.CycleStateError) as e:
        store.import_responses(ACTOR, cycle, [("101", "7.1", "implemented")])
    assert str(e.value) == expected(
        language,
        f"cycle {cycle} (令和6年度 自己点検) is closed: a closed cycle refuses changes (to take a late answer, reopen "
        f"it first: libaudit cycle reopen DB {cycle} --reason REASON --by NAME)",
        f"実施回 {cycle}（令和6年度 自己点検）は締め切り済みで、変更を受け付けない（遅れた回答を取り込むには先に再開"
        f"する: libaudit cycle reopen DB {cycle} --reason 理由 --by 氏名）",
    )
    store.close()


def test_a_verify_problem(language: str, tmp_path, cli) -> None:
    db = tmp_path / "a.db"
    with libaudit.Store(db) as s:
        s.import_departments_csv(ACTOR, write(tmp_path / "d.csv", DEPARTMENTS_CSV))
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE departments SET name = '影の課' WHERE code = '101'")
    con.close()
    with libaudit.Store(db) as s:
        problems = [str(p) for p in s.verify().problems]
    pattern = expected(
        language,
        r'departments 101: altered: name: trail "[^"]+", table "影の課" \(last trail record \d+\)',
        r'departments 101: altered: name: 証跡では "[^"]+"、テーブルでは "影の課"（最後の証跡の記録 \d+）',
    )
    assert len(problems) == 1 and re.fullmatch(pattern, problems[0]), problems
    r = cli("verify", str(db), lang=language)
    assert r.returncode == 1 and problems[0] in r.stdout
