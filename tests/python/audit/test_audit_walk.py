"""docs/audit.md's walk of one audit, from plan to follow-up, runs as written on a store built as
`make demo` builds it: every command of the section's block, in order, from a folder holding
out/demo/ (the demo store, its evidence folder and the evidence sources the demo makes)."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

from conftest import REPO
from libaudit.demo import build_demo_store

SECTION = re.compile(r"^## One audit, from plan to follow-up.*?^```sh\n(.*?)^```", re.M | re.S)
KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"


def commands() -> list[list[str]]:
    found = SECTION.search((REPO / "docs" / "audit.md").read_text(encoding="utf-8"))
    assert found, "docs/audit.md has lost its walk"
    lines = [ln for ln in found.group(1).splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return [shlex.split(ln) for ln in lines]


def _demo_store(tmp_path: Path, monkeypatch) -> None:
    spec = importlib.util.spec_from_file_location("libaudit_demo_example", REPO / "examples" / "demo.py")
    assert spec and spec.loader
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    out = tmp_path / "out" / "demo"
    out.mkdir(parents=True)
    monkeypatch.setattr(demo, "OUT", out)
    db = out / "demo.db"
    build_demo_store(db, KOMAKI)
    demo.step_findings(db)  # the steps of `make demo` that write the store the walk starts from
    demo.step_workpapers(db)
    demo.step_plan(db)


def test_the_walk_is_commands_of_libaudit():
    cmds = commands()
    assert len(cmds) >= 15 and all(c[0] == "libaudit" for c in cmds)
    verbs = [" ".join(c[1:3]) for c in cmds]
    for step in ("plan propose", "plan approve", "workpaper add", "evidence add", "workpaper raise-finding"):
        assert step in verbs
    assert verbs[-1] == "verify out/demo/demo.db"


def test_the_walk_runs_on_the_demo_store(tmp_path, monkeypatch, cli):
    _demo_store(tmp_path, monkeypatch)
    outputs = []
    for cmd in commands():
        r = cli(*cmd[1:], cwd=tmp_path)
        assert r.returncode == 0, f"{shlex.join(cmd)}\n{r.stdout}{r.stderr}"
        outputs.append(r.stdout)
    assert (tmp_path / "out" / "demo" / "audit.pdf").read_bytes().startswith(b"%PDF")
    audit_md = cli("report", "audit", "out/demo/demo.db", "--cycle", "3", "--format", "md", "-o", "-", cwd=tmp_path)
    at65 = audit_md.stdout[audit_md.stdout.index("No.65") :]
    assert "調書No.5" in at65 and "抜き打ち確認の記録" in at65 and "離席中の端末画面（再確認）" in at65
    assert ": intact (" in outputs[-1]
