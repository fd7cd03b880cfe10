"""The web questionnaire in a real browser: headless Chromium (the system's, driven by
Playwright) against ``libaudit serve``'s app under waitress on a free port.

A 課's 情報セキュリティ管理者 signs in through an invitation link, answers 20 items with a
comment, saves, signs out and in, finds the draft, answers the rest and submits; the audit team
then sees the 課 submitted and its answers in the scores. A stored ``<script>`` comment never
runs. Screenshots of the main pages go to out/web-screenshots/ (looked at by hand).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from libaudit.web.app import create_app

import libaudit

from ._browser import EVIL, REPO, items_of, needs_chromium, new_page, served, shot, sign_in, submit
from ._web_util import ACTOR, AUDITOR, MANAGER, PASSWORD, PEOPLE

KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"

pytestmark = needs_chromium

DEPARTMENTS = """\
code,name,parent_code,security_officer,security_manager
100,総務部,,山田 太郎,
101,総務課,100,,佐藤 花子
102,情報政策課,100,,監査 太郎
200,市民部,,高橋 次郎,
201,市民課,200,,田中 三郎
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app on a store with the 小牧市 checklist, last year's cycle answered by 101 and this
    year's open, served by waitress in a thread."""
    tmp = tmp_path_factory.mktemp("browser")
    path = tmp / "audit.db"
    (tmp / "d.csv").write_text(DEPARTMENTS, encoding="utf-8")
    with libaudit.Store(path) as s:
        s.set_body(ACTOR, "小牧市")
        s.import_departments_csv(ACTOR, tmp / "d.csv")
        cl = s.import_checklist(ACTOR, KOMAKI)
        last = s.create_cycle(
            ACTOR, name="令和6年度 自己点検", kind="self_inspection", fiscal_year=2024, checklist=cl, secretariat="102"
        )
        s.open_cycle(ACTOR, last)
        s.import_responses(ACTOR, last, [("101", item, "partial", "前年度の備考") for item in items_of(s, last, "101")])
        cycle = s.create_cycle(
            ACTOR, name="令和7年度 自己点検", kind="self_inspection", fiscal_year=2025, checklist=cl, secretariat="102"
        )
        s.open_cycle(ACTOR, cycle)
        for name, dept, roles in PEOPLE:
            s.people.add(ACTOR, name, "102" if name == AUDITOR else dept, roles)
        s.send_web_questionnaire(AUDITOR, cycle, "101", "2030-06-30")
        audit = s.create_cycle(ACTOR, name="令和7年度 内部監査", kind="internal_audit", fiscal_year=2025, checklist=cl)
        s.open_cycle(ACTOR, audit)
        s.findings.open(
            AUDITOR,
            cycle=audit,
            department="101",
            items="2.1",
            severity="minor_nonconformity",
            condition="情報資産の分類が台帳に記録されていない <b>太字にならない</b>",
            due="2030-03-31",
        )
    language = libaudit.i18n.language()
    app = create_app(path, testing=True)  # speaks Japanese from now on: English again at the end
    try:
        with served(app) as url:
            yield {"url": url, "app": app, "path": path, "cycle": cycle}
    finally:
        libaudit.i18n.set_language(language)


def sign_out(page: Any) -> None:
    submit(page, "form.signout button")
    page.wait_for_selector("input[name=password]")


def unanswered(page: Any) -> list[str]:
    """The item ids of the page without a checked answer."""
    ids = page.eval_on_selector_all("section.item", "els => els.map(e => e.id.slice(5))")
    return [i for i in ids if not page.locator(f'input[name="answer:{i}"]:checked').count()]


def answer_items(page: Any, ids: list[str], choice: str, comment: str | None = None) -> None:
    for i in ids:
        page.check(f'input[name="answer:{i}"][value="{choice}"]')
        if comment is not None:
            page.fill(f'textarea[name="comment:{i}"]', comment)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence_attached_and_downloaded(page: Any, item: str, folder: Path) -> None:
    """A file attached to `item` on its chapter page, then downloaded from its link: the same
    bytes under the same (Japanese) name."""
    source = folder / "点検記録.pdf"
    source.write_bytes(PDF)
    section = f'section[id="item-{item}"]'
    page.set_input_files(f"{section} input[type=file]", str(source))
    submit(page, f"{section} form button[type=submit]")
    assert "点検記録.pdf" in page.inner_text("p.flash")
    link = page.locator(f"{section} a.download")
    link.scroll_into_view_if_needed()
    shot(page, "chapter-evidence", full_page=False)
    with page.expect_download() as got:
        link.click()
    download = got.value
    assert download.suggested_filename == "点検記録.pdf"
    assert Path(download.path()).read_bytes() == PDF


def test_a_department_answers_in_the_browser(server: dict[str, Any], browser: Any) -> None:
    url, app, cycle = server["url"], server["app"], server["cycle"]
    creds = app.extensions["libaudit"].credentials
    page, dialogs = new_page(browser)
    overview = f"{url}/cycles/{cycle}/departments/101/"

    # an invitation link: the password is set, then the person signs in
    page.goto(f"{url}/invite/{creds.invite(MANAGER, 'test')}")
    shot(page, "invite")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit(page, "form.narrow button[type=submit]")
    page.wait_for_selector("input[name=name]")
    shot(page, "signin")
    sign_in(page, url, MANAGER)
    shot(page, "home")
    submit(page, f'a[href="/cycles/{cycle}/departments/101/"]')

    # 20 items with a comment, saved (one with a comment that tries to run a script)
    submit(page, "table.list tbody a")
    todo, done = 20, []
    while todo:
        ids = unanswered(page)[:todo]
        answer_items(page, ids, "implemented", "年1回の点検で確認した")
        done += ids
        todo -= len(ids)
        if len(done) == len(ids):
            page.fill(f'textarea[name="comment:{ids[0]}"]', EVIL)
        submit(page, "#answers button[name=next]" if todo else "#answers button[name=save]")
        assert "保存した" in page.inner_text("p.flash")
    shot(page, "chapter", full_page=False)
    page.emulate_media(media="print")
    shot(page, "chapter-print", full_page=False)
    page.emulate_media(media="screen")
    sign_out(page)

    # signed in again: the draft is there
    sign_in(page, url, MANAGER)
    page.goto(overview)
    assert "20 / " in page.inner_text("p.summary")
    shot(page, "overview")
    with libaudit.Store(server["path"], read_only=True) as s:
        stored = {r.item: r for r in s.responses(cycle) if r.department == "101"}
    assert sorted(stored) == sorted(done)
    assert stored[done[0]].comment == EVIL and stored[done[1]].comment == "年1回の点検で確認した"

    # the rest of every chapter, then submit
    chapters = page.eval_on_selector_all("table.list tbody a", "els => els.map(e => e.href)")
    for k, href in enumerate(chapters):
        page.goto(href)
        if k == 0:
            assert page.locator(f'input[name="answer:{done[0]}"][value="implemented"]').is_checked()
            assert page.input_value(f'textarea[name="comment:{done[0]}"]') == EVIL
            evidence_attached_and_downloaded(page, done[0], server["path"].parent)
        ids = unanswered(page)
        answer_items(page, ids[::2], "implemented")
        answer_items(page, ids[1::2], "partial")
        submit(page, "#answers button[name=save]")
        assert "保存した" in page.inner_text("p.flash")
    page.goto(overview)
    submit(page, "form.actions button[type=submit]")
    assert "提出した" in page.inner_text("p.flash")
    assert page.inner_text("span.badge") == "提出済"
    shot(page, "overview-submitted")
    page.goto(chapters[0])
    assert page.locator("#answers").count() == 0
    assert page.locator(f'input[name="answer:{done[0]}"]').first.is_disabled()
    assert dialogs == [] and page.evaluate("window.__xss") is None  # the stored script never ran

    # the 課's finding: its step taken
    page.goto(f"{url}/findings")
    assert "<b>" in page.inner_text("table.list")  # shown as text, not markup
    shot(page, "findings")
    page.fill("form.step input[name=note]", "改善計画書を提出")
    submit(page, "form.step button")
    assert "状態を進めた" in page.inner_text("p.flash") and "改善計画提出済" in page.inner_text("table.list")
    sign_out(page)

    # the audit team: 回収状況 says submitted, the scores include the answers
    creds.redeem(creds.invite(AUDITOR, "test"), PASSWORD)
    team, team_dialogs = new_page(browser)
    sign_in(team, url, AUDITOR)
    team_pages_checked(team, url, cycle)
    with libaudit.Store(server["path"], read_only=True) as s:
        assert s.submission_state(cycle, "101") == "submitted"
        row = next(r for r in s.collection_status(cycle).rows if r.department == "101")
        assert row.submitted and row.answered == row.items == len(items_of(s, cycle, "101"))
        score = next(r for r in s.score(cycle, by="department") if r.group == "101")
        assert score.answered == row.items
    assert team_dialogs == [] and team.evaluate("window.__xss") is None


def team_pages_checked(page: Any, url: str, cycle: int) -> None:
    """The audit team's 回収状況 shows 101 提出済 -- once the team's pages are there (they are the
    webteam helper's, tested there too); until then the store is asked through the Python API."""
    response = page.goto(f"{url}/team/cycles/{cycle}/status")
    if response is None or response.status == 404:
        return
    assert "提出済" in page.locator("tr", has_text="総務課").first.inner_text()
    shot(page, "team-status")
