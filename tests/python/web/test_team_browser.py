"""The audit team's pages in a real browser: headless Chromium (the system's, driven by
Playwright) against the app under waitress on a free port.

101 (総務課) has answered everything (one comment is a ``<script>``) and submitted, 201 has
answered one item; a finding's text is a ``<script>`` too. The audit team signs in: 回収状況 shows
101 提出済 and 201 回答中 1/5, the scores include 101's answers, no stored script runs on any of
their pages (no dialog, the window flag never set), and reopening 101 with a reason works from
the page. Screenshots of 回収状況, the scores and the reminders go to out/web-screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from libaudit.web.app import create_app

import libaudit

from ._browser import EVIL, items_of, needs_chromium, new_page, served, shot, sign_in
from ._web_util import ACTOR, AUDITOR, MANAGER, OTHER, PASSWORD, make_store

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("team-browser")
    path = tmp / "audit.db"
    cycle = make_store(path, tmp)
    with libaudit.Store(path) as s:
        for code in ("101", "201"):
            s.send_web_questionnaire(AUDITOR, cycle, code, "2030-06-30")
        asked = items_of(s, cycle, "101")
        s.save_answers(MANAGER, cycle, "101", [(i, "implemented", EVIL if k == 0 else "") for k, i in enumerate(asked)])
        s.submit(MANAGER, cycle, "101")
        s.save_answers(OTHER, cycle, "201", [(items_of(s, cycle, "201")[0], "partial", EVIL)])
        audit = s.create_cycle(ACTOR, name="令和7年度 内部監査", kind="internal_audit", fiscal_year=2025, checklist=1)
        s.open_cycle(ACTOR, audit)
        s.findings.open(
            AUDITOR,
            cycle=audit,
            department="201",
            items=["7.1"],
            severity="minor_nonconformity",
            condition=EVIL,
            due="2030-03-31",
        )
    app = create_app(path, testing=True)
    creds = app.extensions["libaudit"].credentials
    creds.redeem(creds.invite(AUDITOR, ACTOR), PASSWORD)
    with served(app) as url:
        yield {"url": url, "path": path, "cycle": cycle, "asked": len(asked)}


@pytest.fixture
def team(server: dict[str, Any], browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """The audit team's chief auditor signed in, on a 1366×768 page recording every dialog."""
    page, dialogs = new_page(browser)
    sign_in(page, server["url"], AUDITOR, PASSWORD)
    yield page, dialogs
    page.context.close()


def no_script_ran(page: Any, dialogs: list[str]) -> None:
    assert dialogs == []
    assert page.evaluate("window.__xss") is None


def test_status_shows_the_submitted_section(server: dict[str, Any], team: tuple[Any, list[str]]) -> None:
    page, dialogs = team
    page.goto(f"{server['url']}/team/")
    page.click(f'a[href="/team/cycles/{server["cycle"]}/status"]')
    page.wait_for_selector("table.status")
    assert "提出済" in page.inner_text("#dept-101")
    assert "回答中 1/5" in page.inner_text("#dept-201")
    assert "未着手" in page.inner_text("#dept-102")
    assert "2030-06-30" in page.inner_text("#dept-101")
    shot(page, "team-status")
    page.emulate_media(media="print")
    shot(page, "team-status-print")
    page.emulate_media(media="screen")
    no_script_ran(page, dialogs)


def test_scores_include_the_answers(server: dict[str, Any], team: tuple[Any, list[str]]) -> None:
    page, dialogs = team
    page.goto(f"{server['url']}/team/cycles/{server['cycle']}/scores")
    row = page.locator("#scores-department tr", has_text="総務課").first.inner_text().split("\t")
    assert row[2] == "100.0"  # 実施率: every item 実施
    with libaudit.Store(server["path"], read_only=True) as s:
        expected = next(r for r in s.score(server["cycle"]) if r.group == "101")
    assert expected.answered == 5  # its 5 items (the 2 body-level ones are the body's, not the 課's)
    assert row[4] == str(expected.answered)
    shot(page, "team-scores")
    # the model chosen by its Japanese name: the id is what the form sends
    page.select_option("select[name=model]", label="IPA点数")
    with page.expect_navigation():
        page.click("form.actions button[type=submit]")
    assert page.url.endswith("/scores?model=ipa")
    assert "IPA点数" in page.inner_text("#scores-department thead")
    page.eval_on_selector("select[name=model]", "e => { e.size = e.options.length; }")  # every option shown
    shot(page, "team-scores-models")
    no_script_ran(page, dialogs)


def test_no_stored_script_runs_on_the_team_pages(server: dict[str, Any], team: tuple[Any, list[str]]) -> None:
    page, dialogs = team
    base = f"{server['url']}/team"
    for url in (
        "/",
        f"/cycles/{server['cycle']}/status",
        f"/cycles/{server['cycle']}/reminders",
        "/findings",
        "/people",
    ):
        page.goto(base + url)
        page.wait_for_selector("main h1")
        no_script_ran(page, dialogs)
    page.goto(f"{base}/findings")
    assert EVIL in page.inner_text("table.findings")  # shown as text, never run
    page.goto(f"{base}/cycles/{server['cycle']}/reminders")
    shot(page, "team-reminders")


def test_reopen_from_the_status_page(server: dict[str, Any], team: tuple[Any, list[str]]) -> None:
    page, dialogs = team
    page.goto(f"{server['url']}/team/cycles/{server['cycle']}/status")
    page.fill("#dept-101 input[name=reason]", "8.2 の回答を確かめるため")
    page.click("#dept-101 button[type=submit]")
    page.wait_for_selector("p.flash")
    assert "差し戻した" in page.inner_text("p.flash")
    assert "提出済" not in page.inner_text("#dept-101")
    assert "8.2 の回答を確かめるため" in page.inner_text("#dept-101")
    with libaudit.Store(server["path"], read_only=True) as s:
        assert s.submission_state(server["cycle"], "101") == "open"
    no_script_ran(page, dialogs)
