"""What the browser tests share: the system's Chromium driven by Playwright, the app served by
waitress on a free port, a page of the terminals' screen that records dialogs, sign-in and
screenshots (out/web-screenshots/, looked at by hand); the `browser` fixture is in conftest.py.
A test module using it sets
``pytestmark = needs_chromium``; importing it skips the module when Playwright or waitress is
missing."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import libaudit
from libaudit import exchange

from ._web_util import PASSWORD

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make test-deps)")
waitress = pytest.importorskip("waitress", reason="waitress is not installed (the web extra)")

REPO = Path(__file__).resolve().parents[3]
SHOTS = REPO / "out" / "web-screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: A comment or finding text that would open a dialog and set window.__xss if it ever ran.
EVIL = '<script>alert("xss")</script><img src=x onerror="window.__xss=1">'

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (make test-deps installs it: scripts/install-deps.sh --chromium)",
)


def items_of(s: libaudit.Store, cycle: int, code: str) -> list[str]:
    """The items the 課's questionnaire asks (the workbook's rows)."""
    return [r.item for r in exchange._Cycle(s, cycle).rows(code)]


@contextmanager
def served(app: Any) -> Iterator[str]:
    """`app` under waitress in a thread on a free port of 127.0.0.1; yields its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    srv = waitress.create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.close()
        thread.join(timeout=10)


def new_page(browser: Any) -> tuple[Any, list[str]]:
    """A page of 1366×768 (the terminals' screen) recording every dialog a script would open."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP")
    page = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.set_default_timeout(15000)
    return page, dialogs


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    """A screenshot of the page as a person sees it (the whole page, or the screen's first view)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def submit(page: Any, selector: str) -> None:
    """Clicks the button that sends a form, and waits for the page the server answers with."""
    with page.expect_navigation():
        page.click(selector)


def sign_in(page: Any, url: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/signin")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    submit(page, "form.narrow button[type=submit]")
    page.wait_for_selector("form.signout")
