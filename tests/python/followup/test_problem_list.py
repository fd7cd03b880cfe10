"""Every problem, readable (issue 15): a refused input prints every problem one a line, the first
20 and then how many more (``--all``: every one), each naming the file as given; ``--all`` is on
every command."""

from __future__ import annotations

import argparse

import pytest
from _store_util import ACTOR, ready_store, write
from libaudit.cli import build_parser
from libaudit.cli import main as cli
from libaudit.cli.common import PROBLEMS_SHOWN
from libaudit.i18n import language, set_language

BAD_PEOPLE = "name,department,roles\n" + "".join(f"人{k},101,secutity_officer\n" for k in range(25))


@pytest.fixture()
def db(tmp_path):
    store, _ = ready_store(tmp_path / "p.db", tmp_path)
    path = store.path
    store.close()
    return path


@pytest.fixture()
def japanese():
    was = language()
    set_language("ja")
    yield
    set_language(was)


def test_every_problem_capped_then_all(db, tmp_path, capsys):
    folder = tmp_path / "人事" / "2025"
    folder.mkdir(parents=True)
    bad = write(folder / "people.csv", BAD_PEOPLE)
    assert cli(["person", "import", db, str(bad), "--as", ACTOR]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"libaudit: 25 problems in {bad}:"
    assert len(err) == 1 + PROBLEMS_SHOWN + 1
    assert all(line.startswith(f"{bad}:") and "secutity_officer" in line for line in err[1:-1])  # the full path
    assert err[-1] == "… and 5 more problems, not shown: --all shows them all"
    assert cli(["person", "import", db, str(bad), "--as", ACTOR, "--all"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 + 25 and [int(line.split(":")[1]) for line in err[1:]] == list(range(2, 27))


def test_one_problem_is_one_line_and_plurals_are_real(db, tmp_path, capsys):
    bad = write(tmp_path / "one.csv", "name,department,roles\nA,101,auditr\nB,101,auditor\n")
    assert cli(["person", "import", db, str(bad), "--as", ACTOR]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"libaudit: {bad}:2:1: unknown role 'auditr'") and err.count("\n") == 1
    two = write(tmp_path / "two.csv", BAD_PEOPLE.replace("人", "x")[: BAD_PEOPLE.index("人2")])
    assert cli(["person", "import", db, str(two), "--as", ACTOR]) == 1
    assert capsys.readouterr().err.startswith(f"libaudit: 2 problems in {two}:\n")


def test_the_cap_and_count_in_japanese(db, tmp_path, capsys, japanese):
    bad = write(tmp_path / "people.csv", BAD_PEOPLE)
    assert cli(["person", "import", db, str(bad), "--as", ACTOR]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"libaudit: {bad} に 25 件の問題がある:"
    assert err[-1] == "…ほかに 5 件の問題がある（未表示）。--all ですべて表示する"


def test_an_import_refused_row_by_row_is_capped_too(db, tmp_path, capsys):
    rows = "code,name,parent_code\n" + "".join(f"9{k:02},課{k},999\n" for k in range(30))
    bad = write(tmp_path / "depts.csv", rows)
    assert cli(["dept", "import", db, str(bad), "--as", ACTOR]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 + PROBLEMS_SHOWN + 1 and err[-1].startswith("… and 10 more problems")
    assert cli(["dept", "import", db, str(bad), "--as", ACTOR, "--all"]) == 1
    assert len(capsys.readouterr().err.splitlines()) == 1 + 30


def leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
    for action in subs:
        for name, child in action.choices.items():
            yield from leaves(child, (*path, name))


def test_every_command_takes_all():
    found = list(leaves(build_parser()))
    assert len(found) > 30
    for path, parser in found:
        assert any("--all" in a.option_strings for a in parser._actions), " ".join(path)
