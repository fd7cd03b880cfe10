"""The whole command line in both languages (issue 15, "Japanese first").

Every command and subcommand is found by walking the argparse tree, so a command added later is
covered without touching this file. For each one the test runs ``--help``, the command without
its arguments, and its arguments filled in three ways: a store that does not exist; a real store
with unknown ids, an absent file and a person who is not in the register; the same store with
known ids, a date that is not a day (2025-06-31) and a file that is not what the command reads.
They run in a child process whose environment chooses the language (``LIBAUDIT_LANG=ja``,
``LANG=ja_JP.UTF-8``, ``LIBAUDIT_LANG=en``), as a person would run them, and every line they
print (stdout and stderr) is checked:

* Japanese run: no line is an English sentence (:func:`english_sentence`);
* English run: no line is a Japanese sentence once the data is taken out (:func:`japanese_sentence`);
* neither prints a traceback.

The predicates are tested on their own below; what they accept is documented in them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _store_util import CHECKLIST_YAML, DEPARTMENTS_CSV, write
from libaudit.cli import build_parser

import libaudit

# --------------------------------------------------------------------------------------------
# The predicates

_GROUPS = re.compile(r"\[[^\[\]]*\]|\{[^{}]*\}|`[^`]*`")
_WORD = re.compile(r"[A-Za-z][a-z]+")
_NOT_A_WORD = re.compile(r"[0-9/\\._=,@|<>#$%&*+~-]")
_HIRAGANA = re.compile(r"[\u3041-\u309f]")


def without(line: str, data: Iterable[str]) -> str:
    """`line` with every string of `data` taken out (an ASCII one only as a whole word), and
    with an id given with its label, ``observation (観察事項)``, taken out as a whole."""
    for d in sorted(data, key=len, reverse=True):
        whole = rf"(?<![\w-]){re.escape(d)}(?![\w-])"
        line = re.sub(whole, " ", line) if d.isascii() else line.replace(d, "\0")
    return re.sub(r"[\w-]+ ?[(（]\0[)）]", " ", line).replace("\0", " ")


def english_sentence(line: str, data: Iterable[str] = ()) -> bool:
    """Whether `line` is an English sentence that a Japanese run must not print.

    `data` (names, labels and ids the store holds) is taken out first, so that an English
    message quoting a Japanese name (``no person named '監査 一郎'``) is still found. Then only a
    line of ASCII alone can be one (a line holding any other Japanese is written in Japanese,
    with ids, file names and options inside it). In such a line, what a usage synopsis, a path or
    data is made of is not counted: groups in brackets ``[--as NAME]``, braces ``{xlsx,csv}`` and
    back quotes `` `libaudit cycle close` ``; options (``-o``, ``--dry-run``); words holding a
    digit or one of ``/ \\ . _ = , @ | - …`` (paths, file names, ids such as ``self_inspection``
    or ``komaki-taisaku-kijun``, numbers, dates, comma lists); upper-case words (metavars and
    acronyms: ``DB``, ``NAME``, ``CSV``); one-letter words; and the program's name. What is left
    is English words (``the``, ``Cycle``): two or more make a sentence.
    """
    line = without(line, data)
    if not line.isascii():
        return False
    text, before = line, None
    while text != before:
        before, text = text, _GROUPS.sub(" ", text)
    words = 0
    for token in text.split():
        word = token.strip("()'\":;!?")
        if word.startswith("-") or _NOT_A_WORD.search(word) or word == "libaudit":
            continue
        if _WORD.fullmatch(word):
            words += 1
    return words >= 2


def japanese_sentence(line: str, data: Iterable[str] = ()) -> bool:
    """Whether `line` holds a Japanese sentence that an English run must not print.

    Japanese grammar (particles, verb and adjective endings) is written in hiragana, while the
    terms an English message may name (課, 実施回, 情報セキュリティ管理者, 令和6年度) are kanji
    and katakana; so a line is a Japanese sentence when it still holds hiragana after the data
    is taken out: `data` are the strings the store and the vocabularies hold (a label such as
    実施している, a name), which an English run prints as they are.
    """
    return bool(_HIRAGANA.search(without(line, data)))


@pytest.mark.parametrize(
    "line",
    [
        "libaudit: nothing was imported; fix these rows and import again:",
        "  --as NAME             who makes the change (default: your login name)",
        "store.db: ok (komaki, 5 items)",
        "Cycle 3 is closed and published as edition 1",
        "error: the following arguments are required: DB",
        "warning: the cell holds a formula",
    ],
)
def test_english_sentences_are_found(line: str) -> None:
    assert english_sentence(line)


@pytest.mark.parametrize(
    "line",
    [
        "使い方: libaudit cycle create [-h] [--as NAME] --name NAME",
        "                       [--departments CODE,...] DB",
        "  {validate,show,import,extract}",
        "  -h, --help            このヘルプを表示して終了する",
        "  --kind {self_inspection,audit}",
        "/tmp/x/out/4010_市民課.xlsx",
        "/tmp/pytest-1/test_x0/out.html",
        "libaudit 0.9.0",
        "  DB",
        "  --json",
        "  FILE.csv, PATH, ID",
        "1  2024-04-01  self_inspection  open",
        "libaudit: x.db: ストアがない",
        "",
        "  rate  CSV  DB",
        "libaudit: `libaudit cycle close db 1`",
    ],
)
def test_synopsis_ids_and_japanese_are_not_english_sentences(line: str) -> None:
    assert not english_sentence(line)


def test_english_around_japanese_data_is_found() -> None:
    line = "libaudit: no person named '名簿にない人' in the register"
    assert english_sentence(line, data=["名簿にない人"])
    assert not english_sentence(line)  # without knowing the name: a line holding Japanese
    assert not english_sentence("12  管理者  department  101  insert", data=["管理者", "department", "insert"])
    assert english_sentence("cycles: 3", data=["cycle"]) is False  # ids are taken out only as whole words
    assert not english_sentence("    observation (観察事項), recommendation (推奨事項)", data=["観察事項", "推奨事項"])
    assert english_sentence("unknown severity 'テスト' (observation, recommendation)", data=["テスト"])


def test_japanese_sentences_are_found_and_data_is_not() -> None:
    assert japanese_sentence("libaudit: 実施回 3 は締め切った")
    assert japanese_sentence("取り込み中")
    assert not japanese_sentence("cycles (実施回): self-inspections and audits")
    assert not japanese_sentence("the cycle's name, e.g. 令和6年度 自己点検")
    assert not japanese_sentence("101  総務課  実施している", data=["実施している"])
    assert japanese_sentence("101  総務課  実施している", data=[])


# --------------------------------------------------------------------------------------------
# The walk of the command line


def commands(parser: argparse.ArgumentParser | None = None, path: tuple[str, ...] = ()) -> Iterator[Any]:
    """(path, parser) of every command that runs something: the leaves of the subcommand tree."""
    parser = parser or build_parser()
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for action in subs:
        for name, child in action.choices.items():
            yield from commands(child, (*path, name))


class Values:
    """What one way of filling a command's arguments gives each of them."""

    def __init__(self, kind: str, root: Path, store: Path):
        self.kind = kind  # "absent-store", "unknown", "bad"
        self.root, self.store = root, store
        bad = root / "bad.csv"
        bad.write_bytes(b"\x00\xff\xfe\x81 not a file of ours\n,,,\n")
        self.bad_file = str(bad)
        self.absent = str(root / "absent" / "missing.csv")

    def of(self, action: argparse.Action) -> list[str]:
        metavar = str(action.metavar or action.dest).upper()
        if action.dest == "db":
            return [str(self.root / "absent.db") if self.kind == "absent-store" else str(self.store)]
        if action.dest in ("output", "out"):
            return [str(self.root / "absent" / "out.txt") if self.kind == "unknown" else str(self.root / "out.txt")]
        if action.choices:
            return [str(next(iter(action.choices)))]
        if action.type is int:
            return ["1" if self.kind == "bad" else "999"]
        if action.type is float:
            return ["0.5"]
        if "DATE" in metavar or "YYYY-MM-DD" in metavar:
            return ["2025-06-31" if self.kind == "bad" else "2025-06-30"]
        if any(k in metavar for k in ("FILE", "PATH", "POLICY", ".JSON", ".CSV", ".YAML")) or action.dest in (
            "file",
            "files",
            "path",
        ):
            return [self.bad_file if self.kind == "bad" else self.absent]
        if metavar.startswith("CODE"):
            return ["101" if self.kind == "bad" else "999"]
        if metavar == "PERSON":
            return ["監査 一郎" if self.kind == "bad" else "名簿にない人"]
        if metavar.startswith("ID"):
            return ["7.1" if self.kind == "bad" else "99.9"]
        return ["テスト"]


def filled(path: tuple[str, ...], parser: argparse.ArgumentParser, values: Values) -> list[str]:
    """`path` with every required argument of `parser` given a value by `values` (optional ones
    left out; one of each required group of alternatives)."""
    argv = list(path)
    required = [a for a in parser._actions if a.required and a.option_strings]
    for group in parser._mutually_exclusive_groups:
        if group.required:
            required.append(group._group_actions[0])
    for action in required:
        argv.append(action.option_strings[-1])
        if action.nargs != 0:
            argv += values.of(action)
    for action in parser._actions:
        if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
            argv += values.of(action)
    return argv


def invocations(root: Path, store: Path) -> list[list[str]]:
    """Every argv the test runs: the top level's help and version, then per command its help,
    the command alone, and its arguments filled the three ways of :class:`Values`."""
    runs = [["--help"], ["--version"], ["no-such-command"]]
    fillings = [Values(kind, root, store) for kind in ("absent-store", "unknown", "bad")]
    group_paths = set()
    for path, parser in commands():
        group_paths.update(path[:i] for i in range(1, len(path)))
        runs += [[*path, "--help"], list(path)]
        # `serve` on a real store would serve until stopped: its error paths are below.
        runs += [filled(path, parser, v) for v in fillings if path != ("serve",) or v.kind == "absent-store"]
    for group in sorted(group_paths):
        runs += [[*group, "--help"], list(group)]
    return runs + error_paths(root, str(store))


def error_paths(root: Path, db: str) -> list[list[str]]:
    """The error paths the walk does not reach by itself: refused dates and models, a returned
    questionnaire that is no workbook, a folder of them, a CSV with a bad row, a forged anchor."""
    returned = root / "returned"
    returned.mkdir()
    (returned / "101_総務課.xlsx").write_bytes(b"not a workbook")
    (returned / "memo.txt").write_text("返送のメモ", encoding="utf-8")
    bad_rows = write(root / "depts.csv", "code,name,parent_code,security_officer,security_manager\n,名前だけ,999,,\n")
    anchor = write(root / "anchor.json", "{}")
    out = str(root / "out.xlsx")
    return [
        ["export", db, "--cycle", "1", "--dept", "101", "--deadline", "2025-06-31", "-o", out],
        ["export", db, "--cycle", "1", "--dept", "101", "--deadline", "6月末", "-o", out],
        ["export", db, "--cycle", "1", "--dept", "101", "--format", "csv", "--encoding", "cp932", "-o", out],
        ["score", db, "--cycle", "1", "--model", "nope"],
        ["score", db, "--cycle", "1", "--as-of", "2025-06-31"],
        ["report", "committee", db, "--cycle", "1", "--as-of", "2025-13-01", "-o", str(root / "r.html")],
        ["report", "department", db, "--cycle", "1", "-o", str(root / "r.html")],
        ["report", "committee", db, "--cycle", "1", "--format", "md", "-o", str(root / "r.html")],
        ["responses", "import", db, "--cycle", "1", str(returned / "101_総務課.xlsx")],
        ["responses", "import", db, "--cycle", "1", str(returned)],
        ["responses", "import", db, "--cycle", "1", "--dry-run", str(bad_rows)],
        ["responses", "import", db, "--cycle", "1", str(bad_rows), str(returned)],
        ["dept", "import", db, str(bad_rows)],
        ["verify", db, "--anchor", str(anchor)],
        ["verify", db, "--anchor", str(root / "absent.json")],
        ["finding", "move", db, "1", "nope", "--by", "監査 一郎"],
        ["serve", db, "--admin", "名簿にない人"],
        ["serve", db, "--port", "70000"],
        [
            "cycle",
            "create",
            db,
            "--name",
            "x",
            "--kind",
            "self_inspection",
            "--fiscal-year",
            "2024",
            "--checklist",
            "x",
        ],
    ]


# --------------------------------------------------------------------------------------------
# Running them

# Each argv through libaudit.cli.main in one child process (hundreds of commands; one Python
# start-up per language), printing what a person would see: SystemExit's text as the
# interpreter prints it, a traceback if one escapes.
_DRIVER = r"""
import contextlib, io, json, sys, traceback
from libaudit.cli import main
results = []
real = sys.stdout
for argv in json.load(sys.stdin):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:
            if isinstance(e.code, str):
                print(e.code, file=sys.stderr)
                code = 1
            else:
                code = e.code or 0
        except BaseException:
            traceback.print_exc()
            code = -1
    results.append({"argv": argv, "code": code, "out": out.getvalue(), "err": err.getvalue()})
json.dump(results, real, ensure_ascii=False)
"""

ENVIRONMENTS = {
    "LIBAUDIT_LANG=ja": ("ja", {"LIBAUDIT_LANG": "ja"}),
    "LANG=ja_JP.UTF-8": ("ja", {"LANG": "ja_JP.UTF-8"}),
    "LIBAUDIT_LANG=en": ("en", {"LIBAUDIT_LANG": "en", "LANG": "C.UTF-8"}),
}


def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LANG", "LANGUAGE", "LIBAUDIT_LANG") and not k.startswith("LC_")
    }
    return {**env, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100", **extra}


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with a body, 課, a checklist, an open self-inspection (1), an open audit (2) and
    people, written in Japanese as a city's would be."""
    root = tmp_path_factory.mktemp("store")
    path = root / "audit.db"
    with libaudit.Store(str(path)) as s:
        s.set_body("管理者", "テスト市")
        s.import_departments_csv("管理者", str(write(root / "d.csv", DEPARTMENTS_CSV)))
        checklist = s.import_checklist("管理者", libaudit.Checklist.from_yaml(CHECKLIST_YAML, source="c.yaml"))
        for name, kind in (("令和6年度 自己点検", "self_inspection"), ("令和6年度 監査", "internal_audit")):
            cycle = s.create_cycle("管理者", name=name, kind=kind, fiscal_year=2024, checklist=checklist)
            s.open_cycle("管理者", cycle)
        s.people.add("管理者", "監査 一郎", "101", "auditor chief_auditor")
        s.people.add("管理者", "情報 統括", "100", "ciso")
    return path


def run_all(tmp: Path, store: Path, extra: dict[str, str]) -> list[dict[str, Any]]:
    """Every invocation, in the language `extra` chooses, against a fresh copy of the store."""
    tmp.mkdir()
    copy = tmp / "audit.db"
    shutil.copy(store, copy)
    argvs = invocations(tmp, copy)
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER],
        input=json.dumps(argvs),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=child_env(extra),
        cwd=tmp,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def data_of(store: Path) -> list[str]:
    """The strings of the store and of the vocabularies that a run prints as data: the
    vocabularies' labels, names, the values the test gives, and the trail's entity and action ids."""
    data = [label for v in libaudit.labels.VOCABULARIES for _id, label in libaudit.labels.terms(v)]  # type: ignore[arg-type]
    data += [
        "テスト",
        "名簿にない人",
        "監査 一郎",
        "情報 統括",
        "管理者",
        "未回答",
        "令和6年度 自己点検",
        "令和6年度 監査",
    ]
    with libaudit.Store(str(store), read_only=True) as s:
        data += [x for t in s.trail() for x in (t.entity, t.action)]
    data += [line for text in (CHECKLIST_YAML, DEPARTMENTS_CSV) for line in re.split(r"[\n,:\[\]{}]", text)]
    return [d.strip().strip('"') for d in data if d.strip()]


def offending(results: list[dict[str, Any]], bad: Any) -> list[str]:
    found = []
    for r in results:
        for stream in ("out", "err"):
            for line in r[stream].splitlines():
                if bad(line) or line.startswith("Traceback"):
                    found.append(f"libaudit {' '.join(r['argv'])}\n    {stream}: {line}")
    return found


def test_the_walk_finds_every_command() -> None:
    found = {" ".join(path) for path, _ in commands()}
    for expected in (
        "checklist validate",
        "checklist import",
        "checklist extract",
        "init",
        "verify",
        "trail-key new",
        "cycle create",
        "cycle reopen",
        "responses import",
        "export",
        "score",
        "finding promote",
        "exception list",
        "report",
        "person add",
        "dept list",
    ):
        assert expected in found
    assert len(found) >= 37  # the commands of today; new ones only add


@pytest.mark.parametrize("environment", ["LIBAUDIT_LANG=ja", "LANG=ja_JP.UTF-8"])
def test_japanese_run_prints_no_english_sentence(tmp_path: Path, fixture_store: Path, environment: str) -> None:
    results = run_all(tmp_path / "run", fixture_store, ENVIRONMENTS[environment][1])
    data = data_of(fixture_store)
    bad = offending(results, lambda line: english_sentence(line, data))
    assert not bad, f"{len(bad)} lines in English:\n" + "\n".join(bad)


def test_english_run_prints_no_japanese_sentence(tmp_path: Path, fixture_store: Path) -> None:
    results = run_all(tmp_path / "run", fixture_store, ENVIRONMENTS["LIBAUDIT_LANG=en"][1])
    data = data_of(fixture_store)
    bad = offending(results, lambda line: japanese_sentence(line, data))
    assert not bad, f"{len(bad)} lines in Japanese:\n" + "\n".join(bad)


def test_every_help_is_translated(tmp_path: Path, fixture_store: Path) -> None:
    """Each command's help differs between the languages, and the Japanese one is Japanese:
    nothing was left out of the catalogue by a help text that was never marked."""
    ja = run_all(tmp_path / "ja", fixture_store, {"LIBAUDIT_LANG": "ja"})
    en = run_all(tmp_path / "en", fixture_store, {"LIBAUDIT_LANG": "en"})
    for j, e in zip(ja, en):
        if j["argv"][-1] == "--help":
            assert j["code"] == e["code"] == 0, j
            assert "使い方: libaudit" in j["out"] and "usage: libaudit" in e["out"]
            assert j["out"] != e["out"], j["argv"]


@pytest.mark.parametrize("environment", ["LANG=ja_JP.UTF-8", "LIBAUDIT_LANG=ja"])
def test_the_installed_command_speaks_japanese(tmp_path: Path, environment: str) -> None:
    """``python -m libaudit`` itself (not the driver): help, a usage error and a missing store."""
    env = child_env(ENVIRONMENTS[environment][1])
    for argv, code in (
        (["--help"], 0),
        (["cycle", "list"], 2),
        (["cycle", "list", str(tmp_path / "absent.db")], 1),
        (["checklist", "validate", str(tmp_path / "absent.yaml")], 1),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "libaudit", *argv], capture_output=True, text=True, encoding="utf-8", env=env
        )
        assert done.returncode == code, (argv, done.stderr)
        lines = (done.stdout + done.stderr).splitlines()
        assert lines and not [line for line in lines if english_sentence(line)], (argv, lines)


def test_tables_show_labels_in_japanese_and_ids_in_english(tmp_path: Path, fixture_store: Path, cli: Any) -> None:
    """`cycle list` (issue 15: it showed self_inspection / closed to Japanese staff), `person
    list`, `system list` and `responses list`: Japanese headings and labels, English ones and ids."""
    db = str(tmp_path / "audit.db")
    shutil.copy(fixture_store, db)
    with libaudit.Store(db) as s:
        s.import_responses("管理者", 1, [("101", "7.1", "partial")])
        s.import_systems_csv(
            "管理者", str(write(tmp_path / "s.csv", "name,department,tier,important_assets\n住基,101,mynumber,true\n"))
        )
    ja = cli("cycle", "list", db, lang="ja").stdout
    en = cli("cycle", "list", db, lang="en").stdout
    heading = ["ID", "名称", "種別", "年度", "点検表", "状態", "公表", "課", "事務局課", "回答"]
    assert ja.splitlines()[0].split() == heading
    assert "自己点検" in ja and "内部監査" in ja and "実施中" in ja and "self_inspection" not in ja and "open" not in ja
    assert en.splitlines()[0].split()[:3] == ["ID", "name", "kind"]
    assert "self_inspection" in en and "internal_audit" in en and "open" in en
    ja = cli("person", "list", db, lang="ja").stdout
    assert "監査人" in ja and "auditor" not in ja
    assert "auditor chief_auditor" in cli("person", "list", db, lang="en").stdout
    ja = cli("system", "list", db, lang="ja").stdout
    assert "マイナンバー利用事務系" in ja and "mynumber" not in ja
    assert "mynumber" in cli("system", "list", db, lang="en").stdout
    ja = cli("responses", "list", db, "--cycle", "1", lang="ja").stdout
    assert "一部実施" in ja and "partial" not in ja
    assert "partial" in cli("responses", "list", db, "--cycle", "1", lang="en").stdout
