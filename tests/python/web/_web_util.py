"""What the web tests share: a store with an organisation, people and an open cycle, the app
over it (Flask's test client), accounts with passwords, and the CSRF token of a page. Test
modules import it as ``._web_util`` (``conftest`` is the name of tests/python/conftest.py too);
the fixtures are in this folder's conftest.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask", reason="the web extra (flask) is not installed: pip install 'libaudit[web]'")

from _store_util import ACTOR, BODY_LEVEL_YAML, DEPARTMENTS_CSV, ITEMS, write
from _store_util import BODY_ITEMS as BODY_ITEMS  # the web tests take it from here
from libaudit.web.context import WebState

import libaudit

PASSWORD = "correct horse battery"
#: (name, 課, roles) of the register the web tests use.
PEOPLE = [
    ("佐藤 花子", "101", "security_manager"),
    ("田中 三郎", "201", "security_manager"),
    ("監査 太郎", "102", "chief_auditor auditor"),
]
MANAGER, OTHER, AUDITOR = (p[0] for p in PEOPLE)


@dataclass
class Web:
    """The app, its test client, the store's path and the cycle."""

    app: Any
    path: Path
    cycle: int

    @property
    def state(self) -> WebState:
        return self.app.extensions["libaudit"]

    def client(self) -> Any:
        return self.app.test_client()

    def account(self, name: str, password: str = PASSWORD) -> None:
        self.state.credentials.redeem(self.state.credentials.invite(name, ACTOR), password)

    def signed_in(self, name: str) -> Any:
        c = self.client()
        signin(c, name)
        return c


def csrf(page: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert m, "no CSRF field on the page"
    return m.group(1)


def signin(c: Any, name: str, password: str = PASSWORD) -> Any:
    token = csrf(c.get("/signin").get_data(as_text=True))
    return c.post("/signin", data={"name": name, "password": password, "csrf_token": token})


def post(c: Any, url: str, data: dict[str, Any], *, page: str | None = None, **kw: Any) -> Any:
    """POSTs `data` with the CSRF token of `page` (default: the home page)."""
    token = csrf(c.get(page or "/").get_data(as_text=True))
    return c.post(url, data={**data, "csrf_token": token}, **kw)


#: The store tests' checklist with its secretariat and body-level items (_store_util).
YAML = BODY_LEVEL_YAML
DEPARTMENT_ITEMS = ITEMS


def make_store(path: Path, tmp: Path, *, fiscal_year: int = 2025) -> int:
    """A store with the organisation, the people, the checklist and one open self-inspection."""
    with libaudit.Store(path) as s:
        s.set_body(ACTOR, "テスト市")
        s.import_departments_csv(ACTOR, write(tmp / "departments.csv", DEPARTMENTS_CSV))
        cl = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(YAML, "test.yaml"))
        cycle = s.create_cycle(
            ACTOR, name=f"{fiscal_year}年度 自己点検", kind="self_inspection", fiscal_year=fiscal_year, checklist=cl
        )
        s.open_cycle(ACTOR, cycle)
        for name, dept, roles in PEOPLE:
            s.people.add(ACTOR, name, dept, roles)
    return cycle


def open_finding(path: Path, cycle: int, department: str, condition: str, *, due: str = "2099-03-31") -> int:
    """A minor nonconformity on item 7.1 of `department`, raised by AUDITOR in a new open internal
    audit on the checklist of `cycle`; its id."""
    with libaudit.Store(path) as s:
        audit = s.create_cycle(
            ACTOR, name="監査", kind="internal_audit", fiscal_year=2025, checklist=s.cycle(cycle).checklist
        )
        s.open_cycle(ACTOR, audit)
        return s.findings.open(
            AUDITOR,
            cycle=audit,
            department=department,
            items=["7.1"],
            severity="minor_nonconformity",
            condition=condition,
            due=due,
        )
