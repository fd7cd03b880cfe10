"""The fixtures of the web tests (helpers and data: _web_util.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask", reason="the web extra (flask) is not installed: pip install 'libaudit[web]'")

from libaudit.web.app import create_app

from libaudit import i18n

from ._web_util import PEOPLE, Web, make_store


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """The app speaks Japanese (create_app sets it); the other tests expect English after."""
    before = i18n.language()
    yield
    i18n.set_language(before)


@pytest.fixture(autouse=True, scope="module")
def _english_after_module() -> Iterator[None]:
    """The same for an app a module-scoped fixture makes (the browser tests' server): autouse
    fixtures of a scope come before the others, so this sees the language before that app."""
    before = i18n.language()
    yield
    i18n.set_language(before)


@pytest.fixture
def web(tmp_path: Path) -> Web:
    path = tmp_path / "audit.db"
    cycle = make_store(path, tmp_path)
    w = Web(app=create_app(path, testing=True), path=path, cycle=cycle)
    for name, _dept, _roles in PEOPLE:
        w.account(name)
    return w


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The system's Chromium, headless, driven by Playwright (the browser tests: _browser.py)."""
    from ._browser import CHROMIUM, playwright_api

    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()
