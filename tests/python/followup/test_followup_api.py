"""The follow-up entities are the core's classes, their fields from the field tables and their
rules from C++; the package imports without cycles and reaches the compiled store through one
function; a missing cycle is NotFoundError everywhere (issue 12)."""

from __future__ import annotations

import ast
import datetime as dt
import pathlib

import pytest
import test_findings
from libaudit.errors import NotFoundError
from libaudit.findings import CheckRequest, ExceptionRecord, Finding, Person, Transition

import libaudit
from libaudit import _core

PACKAGE = pathlib.Path(libaudit.__file__).resolve().parent
world = test_findings.world  # the follow-up fixture: the register and an open audit cycle
raise_one = test_findings.raise_one

FINDING_FIELDS = [
    "id",
    "cycle",
    "department",
    "items",
    "severity",
    "state",
    "condition",
    "criterion",
    "evidence",
    "recommendation",
    "due",
    "raised_by",
    "raised_at",
    "source_finding",
    "promoted_from",
    "remediated_by",
    "updated_at",
    "checks_open",
    "checks_total",
    "days_overdue",
]


def test_entities_are_the_core_classes_with_the_table_fields(world):
    store, _, audit = world
    fid = raise_one(store, audit)
    f = store.findings.get(fid)
    assert type(f) is Finding is _core.Finding
    assert list(f.to_dict()) == FINDING_FIELDS
    assert f.items == ("7.1",) and f.severity_label == "軽微な不適合" and f.state_label == "未対応"
    assert f == store.findings.get(fid) and hash(f) == hash(store.findings.get(fid))
    assert repr(f).startswith(f"Finding(id={fid}, cycle={audit}, ")
    with pytest.raises(AttributeError):
        f.state = "verified"  # type: ignore[misc]
    assert isinstance(store.people.get("監査 一郎"), Person)
    assert store.people.get("監査 一郎").roles == ("auditor",)
    store.findings.move("佐藤 花子", fid, "plan_submitted")
    (t,) = store.findings.history(fid)
    assert isinstance(t, Transition) and (t.from_state, t.to_state, t.by) == ("open", "plan_submitted", "佐藤 花子")
    assert list(t.to_dict()) == ["id", "finding", "from_state", "to_state", "by", "at", "note"]
    (c,) = [c for c in (store.findings.checks(fid) or [None]) if c] or [None]  # none yet
    assert c is None
    store.findings.spread("監査 一郎", fid, ["102"])
    (c,) = store.findings.checks(fid)
    assert isinstance(c, CheckRequest) and not c.answered and c.answer == ""


def test_rules_come_from_the_core(world):
    store, _, audit = world
    fid = raise_one(store, audit)
    f = store.findings.get(fid)
    assert not f.closed
    assert not f.is_overdue("2025-03-31") and f.is_overdue("2025-04-01")
    # 2025-03-31T15:00Z is 2025-04-01 in Japan; a naive datetime is UTC.
    assert f.is_overdue(dt.datetime(2025, 3, 31, 15, 0, tzinfo=dt.timezone.utc))
    assert f.is_overdue(dt.datetime(2025, 3, 31, 15, 0)) and not f.is_overdue(dt.datetime(2025, 3, 31, 14, 59))
    assert f.is_overdue(dt.date(2025, 4, 1))
    with pytest.raises(TypeError):
        f.is_overdue(20250401)  # type: ignore[arg-type]
    eid = store.exceptions.request(
        "佐藤 花子", department="101", item="7.1", reason="更新中", start="2025-01-01", end="2025-01-31"
    )
    store.exceptions.approve("CISO 四郎", eid)
    e = store.exceptions.get(eid)
    assert isinstance(e, ExceptionRecord) and e.status_label == "承認" and not e.late
    assert e.in_force("2025-01-31") and not e.in_force("2025-02-01")
    assert list(e.to_dict())[-1] == "late"


def test_a_missing_cycle_is_not_found(world):
    store, _, _ = world
    for call in (
        lambda: store.findings.list(cycle=999),
        lambda: store.response_count(999),
        lambda: store.response_history(999, "101", "7.1"),
        lambda: store.exceptions.for_scoring(999),
        lambda: store.findings.promote("監査 一郎", 999, 998),
        lambda: store.score(999),
    ):
        with pytest.raises(NotFoundError, match="no cycle with id 99"):
            call()


def _imports() -> dict[str, set[str]]:
    """Module -> the package modules it imports (anywhere in it, functions included)."""
    names = {
        ".".join(("libaudit", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        for p in PACKAGE.rglob("*.py")
    } | {"libaudit._core"}
    graph: dict[str, set[str]] = {}
    for p in PACKAGE.rglob("*.py"):
        mod = ".".join(("libaudit", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        pkg = mod if p.name == "__init__.py" else mod.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = pkg
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                target = f"{base}.{node.module}" if node.module else base
                for alias in node.names:
                    edges.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in names else target)
        graph[mod] = {e for e in edges if e in names and e != mod}
    return graph


def test_the_store_stage_imports_no_later_stage():
    graph = _imports()
    base = {"libaudit._core", "libaudit.errors", "libaudit.i18n"}
    assert graph["libaudit.store"] <= base, graph["libaudit.store"]
    assert "libaudit.scoring" not in graph["libaudit.findings"]
    assert isinstance(libaudit.Store(":memory:"), libaudit.store.Store)


def test_the_package_imports_in_no_circle():
    graph = _imports()
    cycles: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif len(path) < len(graph):
                walk(nxt, [*path, nxt])

    for start in graph:
        walk(start, [start])
    assert cycles == []


def test_no_module_reaches_the_private_core_store():
    offenders = [
        f"{p.relative_to(PACKAGE)}:{n}"
        for p in PACKAGE.rglob("*.py")
        if p.name != "store.py" or p.parent != PACKAGE
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "._s." in line or "._s," in line or "._s)" in line or '"_s"' in line
    ]
    assert offenders == []
