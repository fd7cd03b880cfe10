"""The audit team's pages (/team): every route, its role check (a 課 user gets 403 and nothing is
written), 回収状況, sending, reopening, scores, reports, findings, people and invitations."""

from __future__ import annotations

import json
import re

import pytest
from _store_util import ACTOR
from libaudit.report import find_chromium

import libaudit
from libaudit import exchange

from ._web_util import AUDITOR, MANAGER, OTHER, open_finding, post

SCRIPT = "<script>window.__xss = 1</script>"


def team_pages(cycle: int) -> list[str]:
    return [
        "/team/",
        f"/team/cycles/{cycle}/status",
        f"/team/cycles/{cycle}/reminders",
        f"/team/cycles/{cycle}/scores",
        f"/team/cycles/{cycle}/reports/committee.html",
        "/team/findings",
        "/team/people",
    ]


def team_posts(cycle: int) -> list[tuple[str, dict[str, str]]]:
    return [
        (f"/team/cycles/{cycle}/send", {"departments": "101", "deadline": "2099-01-31"}),
        (f"/team/cycles/{cycle}/departments/101/reopen", {"reason": "やり直し"}),
        ("/team/findings/1/move", {"state": "closed", "note": ""}),
        (f"/team/people/{MANAGER}/invite", {}),
    ]


def trail_length(web) -> int:
    with libaudit.Store(web.path) as s:
        return len(s.trail())


def invitations(web) -> int:
    db = web.state.credentials._db()
    return int(db.execute("SELECT count(*) FROM invitations").fetchone()[0])


def answer_all(web, dept: str, comment: str = "") -> None:
    """Every item asked of `dept` answered 実施 through the import (the workbook's path)."""
    with libaudit.Store(web.path) as s:
        s.import_responses(ACTOR, web.cycle, [(dept, i, "implemented", comment) for i in items_of(s, web.cycle, dept)])


def items_of(s, cycle: int, dept: str) -> list[str]:
    """The items the 課's questionnaire asks (the workbook's rows)."""
    return [r.item for r in exchange._Cycle(s, cycle).rows(dept)]


def test_team_pages_need_sign_in(web):
    c = web.client()
    for url in team_pages(web.cycle):
        r = c.get(url)
        assert r.status_code == 303, url
        assert "/signin" in r.headers["Location"]


def test_a_section_user_gets_403_on_every_team_page(web):
    c = web.signed_in(MANAGER)
    for url in team_pages(web.cycle):
        assert c.get(url).status_code == 403, url


def test_a_section_user_gets_403_on_every_team_post_and_nothing_is_written(web):
    c = web.signed_in(MANAGER)
    before, invited = trail_length(web), invitations(web)
    for url, data in team_posts(web.cycle):
        assert post(c, url, data).status_code == 403, url
    assert trail_length(web) == before
    assert invitations(web) == invited


def test_team_posts_without_csrf_are_refused(web):
    c = web.signed_in(AUDITOR)
    before, invited = trail_length(web), invitations(web)
    for url, data in team_posts(web.cycle):
        assert c.post(url, data=data).status_code == 403, url
        assert c.post(url, data={**data, "csrf_token": "forged"}).status_code == 403, url
    assert trail_length(web) == before
    assert invitations(web) == invited


def test_every_team_page_renders_for_the_team_with_the_headers(web):
    c = web.signed_in(AUDITOR)
    for url in team_pages(web.cycle):
        r = c.get(url)
        assert r.status_code == 200, url
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["Cache-Control"] == "no-store"
    page = c.get("/team/").get_data(as_text=True)
    assert f"/team/cycles/{web.cycle}/status" in page


def test_an_unknown_cycle_is_404(web):
    c = web.signed_in(AUDITOR)
    for url in team_pages(999)[1:5]:
        assert c.get(url).status_code == 404, url


def test_every_form_of_the_team_pages_has_its_csrf_field(web):
    answer_all(web, "101")
    c = web.signed_in(AUDITOR)
    for url in team_pages(web.cycle):
        page = c.get(url).get_data(as_text=True)
        assert page.count("<form") == page.count('name="csrf_token"') + page.count('method="get"'), url


def test_status_shows_each_section_not_started_in_progress_and_submitted(web):
    with libaudit.Store(web.path) as s:
        asked = items_of(s, web.cycle, "201")
        s.save_answers(OTHER, web.cycle, "201", [(asked[0], "implemented")])
    answer_all(web, "101")
    with libaudit.Store(web.path) as s:
        s.submit(MANAGER, web.cycle, "101")
    page = web.signed_in(AUDITOR).get(f"/team/cycles/{web.cycle}/status").get_data(as_text=True)
    rows = {code: page.split(f'id="dept-{code}"')[1].split("</tr>")[0] for code in ("101", "102", "201")}
    assert "提出済" in rows["101"]
    assert "未着手" in rows["102"]
    assert f"回答中 1/{len(asked)}" in rows["201"]
    assert f'action="/team/cycles/{web.cycle}/departments/101/reopen"' in rows["101"]
    assert "/reopen" not in rows["201"]


def test_send_records_the_deadline_and_the_status_shows_it(web):
    c = web.signed_in(AUDITOR)
    r = post(c, f"/team/cycles/{web.cycle}/send", {"departments": ["101", "201"], "deadline": "2099-01-31"})
    assert r.status_code == 303
    page = c.get(f"/team/cycles/{web.cycle}/status").get_data(as_text=True)
    assert "送信した" in page or "2099-01-31" in page
    with libaudit.Store(web.path) as s:
        st = {r.department: r for r in s.collection_status(web.cycle).rows}
    assert st["101"].deadline == "2099-01-31" and st["201"].deadline == "2099-01-31"
    assert st["102"].status == "not_sent"


def test_send_to_a_section_outside_the_cycle_is_refused_and_nothing_written(web):
    c = web.signed_in(AUDITOR)
    before = trail_length(web)
    r = post(c, f"/team/cycles/{web.cycle}/send", {"departments": ["101", "999"], "deadline": "2099-01-31"})
    assert r.status_code == 400
    assert "999" in r.get_data(as_text=True)
    assert post(c, f"/team/cycles/{web.cycle}/send", {"deadline": "2099-01-31"}).status_code == 400
    assert trail_length(web) == before


def test_send_with_a_bad_deadline_is_refused_with_the_reason(web):
    c = web.signed_in(AUDITOR)
    before = trail_length(web)
    r = post(c, f"/team/cycles/{web.cycle}/send", {"departments": ["101"], "deadline": "2099-13-45"})
    assert r.status_code == 400
    assert trail_length(web) == before


def test_reopen_needs_a_reason(web):
    answer_all(web, "101")
    with libaudit.Store(web.path) as s:
        s.submit(MANAGER, web.cycle, "101")
    c = web.signed_in(AUDITOR)
    before = trail_length(web)
    r = post(c, f"/team/cycles/{web.cycle}/departments/101/reopen", {"reason": "   "})
    assert r.status_code == 400
    assert "理由" in r.get_data(as_text=True)
    assert trail_length(web) == before
    with libaudit.Store(web.path) as s:
        assert s.submission_state(web.cycle, "101") == "submitted"
    r = post(c, f"/team/cycles/{web.cycle}/departments/101/reopen", {"reason": "回答の誤りを直すため"})
    assert r.status_code == 303
    with libaudit.Store(web.path) as s:
        assert s.submission_state(web.cycle, "101") == "open"
        assert any("回答の誤りを直すため" in json.dumps(x, ensure_ascii=False) for x in s.submissions(web.cycle))


def test_reopen_of_a_section_not_submitted_is_refused(web):
    c = web.signed_in(AUDITOR)
    before = trail_length(web)
    assert post(c, f"/team/cycles/{web.cycle}/departments/101/reopen", {"reason": "x"}).status_code == 400
    assert post(c, f"/team/cycles/{web.cycle}/departments/999/reopen", {"reason": "x"}).status_code == 404
    assert trail_length(web) == before


def test_scores_are_those_of_libaudit_score(web):
    answer_all(web, "101")
    with libaudit.Store(web.path) as s:
        s.import_responses(ACTOR, web.cycle, [("201", items_of(s, web.cycle, "201")[0], "not_implemented")])
        expected = {by: s.score(web.cycle, "rate", by) for by in ("department", "parent", "chapter")}
    page = web.signed_in(AUDITOR).get(f"/team/cycles/{web.cycle}/scores").get_data(as_text=True)
    for by, table in expected.items():
        section = page.split(f'id="scores-{by}"')[1].split("</table>")[0]
        for r in table:
            score = "-" if r.score is None else f"{r.score:.1f}"
            assert f'<td>{r.group}</td><td>{r.name}</td><td class="num">{score}</td>' in section, (by, r.group)
    assert "100.0" in page


def test_the_model_selector_shows_each_models_japanese_name_and_sends_its_id(web):
    page = web.signed_in(AUDITOR).get(f"/team/cycles/{web.cycle}/scores?model=ipa").get_data(as_text=True)
    select = page.split('<select name="model">')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]+)"( selected)?>([^<]*)</option>', select)
    assert [(value, title) for value, _sel, title in options][:6] == [
        ("rate", "実施率"),
        ("ipa", "IPA点数"),
        ("xccdf_default", "XCCDF 既定モデル"),
        ("xccdf_flat", "XCCDF フラットモデル"),
        ("xccdf_flat_unweighted", "XCCDF フラットモデル（重みなし）"),
        ("xccdf_absolute", "XCCDF 絶対モデル"),
    ]
    assert [value for value, sel, _title in options if sel] == ["ipa"]
    assert '<th class="num">IPA点数</th>' in page  # the score column is headed by the same name


def test_scores_of_an_unknown_model_is_404(web):
    assert web.signed_in(AUDITOR).get(f"/team/cycles/{web.cycle}/scores?model=nope").status_code == 404


def test_report_html_downloads_with_the_body_name(web):
    answer_all(web, "101")
    c = web.signed_in(AUDITOR)
    r = c.get(f"/team/cycles/{web.cycle}/reports/committee.html")
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    assert "attachment" in r.headers["Content-Disposition"]
    assert "テスト市" in r.get_data(as_text=True)
    r = c.get(f"/team/cycles/{web.cycle}/reports/department.html?dept=101")
    assert r.status_code == 200 and "総務課" in r.get_data(as_text=True)


def test_report_unknown_kind_format_or_section_is_404(web):
    c = web.signed_in(AUDITOR)
    assert c.get(f"/team/cycles/{web.cycle}/reports/nonsense.html").status_code == 404
    assert c.get(f"/team/cycles/{web.cycle}/reports/committee.docx").status_code == 404
    assert c.get(f"/team/cycles/{web.cycle}/reports/department.html").status_code == 404
    assert c.get(f"/team/cycles/{web.cycle}/reports/department.html?dept=999").status_code == 404


def test_a_section_user_cannot_download_a_report(web):
    c = web.signed_in(MANAGER)
    assert c.get(f"/team/cycles/{web.cycle}/reports/committee.html").status_code == 403
    assert c.get(f"/team/cycles/{web.cycle}/reports/department.pdf?dept=101").status_code == 403


@pytest.mark.skipif(find_chromium() is None, reason="PDF needs Chromium (scripts/install-deps.sh --chromium)")
def test_report_pdf_downloads(web):
    answer_all(web, "101")
    r = web.signed_in(AUDITOR).get(f"/team/cycles/{web.cycle}/reports/committee.pdf")
    assert r.status_code == 200
    assert r.mimetype == "application/pdf"
    assert r.get_data().startswith(b"%PDF")


def test_findings_register_escapes_and_offers_the_steps(web):
    fid = open_finding(web.path, web.cycle, "201", SCRIPT)
    c = web.signed_in(AUDITOR)
    page = c.get("/team/findings").get_data(as_text=True)
    assert SCRIPT not in page
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in page
    assert f'action="/team/findings/{fid}/move"' not in page  # open: the 課's step, not the team's
    with libaudit.Store(web.path) as s:
        s.findings.move(OTHER, fid, "plan_submitted", "計画書")
    page = c.get("/team/findings").get_data(as_text=True)
    row = page.split(f'id="finding-{fid}"')[1].split("</tr>")[0]
    assert f'action="/team/findings/{fid}/move"' in row and 'value="in_remediation"' in row
    assert 'value="risk_accepted"' not in row  # the CISO's step


def test_a_finding_step_is_taken_or_refused_with_nothing_written(web):
    fid = open_finding(web.path, web.cycle, "201", "c")
    with libaudit.Store(web.path) as s:
        s.findings.move(OTHER, fid, "plan_submitted", "計画書")
    c = web.signed_in(AUDITOR)
    before = trail_length(web)
    assert post(c, f"/team/findings/{fid}/move", {"state": "verified"}).status_code == 400
    assert post(c, "/team/findings/999/move", {"state": "verified"}).status_code == 404
    assert trail_length(web) == before
    r = post(c, f"/team/findings/{fid}/move", {"state": "in_remediation", "note": "計画を承認"})
    assert r.status_code == 303
    with libaudit.Store(web.path) as s:
        assert s.findings.get(fid).state == "in_remediation"
        assert s.findings.history(fid)[-1].by == AUDITOR


def test_people_shows_account_state_and_invite_gives_a_one_time_link(web):
    with libaudit.Store(web.path) as s:
        s.people.add(ACTOR, "新人 四郎", "102", "staff")
    c = web.signed_in(AUDITOR)
    page = c.get("/team/people").get_data(as_text=True)
    row = page.split("新人 四郎")[1].split("</tr>")[0]
    assert "アカウントなし" in row
    r = post(c, "/team/people/新人 四郎/invite", {}, page="/team/people")
    assert r.status_code == 200
    link = r.get_data(as_text=True).split('readonly value="')[1].split('"')[0]
    assert "/invite/" in link
    token = link.rsplit("/", 1)[1]
    assert web.state.credentials.invitation(token) == "新人 四郎"
    assert post(c, "/team/people/誰でもない/invite", {}, page="/team/people").status_code == 404


def test_every_html_report_link_of_the_scores_page_answers(web):
    answer_all(web, "101")
    c = web.signed_in(AUDITOR)
    page = c.get(f"/team/cycles/{web.cycle}/scores").get_data(as_text=True)
    links = sorted(set(re.findall(r'href="(/team/cycles/\d+/reports/[^"]+\.html[^"]*)"', page)))
    assert len(links) >= 4 + 3  # committee, audit, findings, workpapers and the 3 sheets
    for link in links:
        r = c.get(link.replace("&amp;", "&"))
        assert r.status_code in (200, 400), (link, r.status_code)  # a refusal is said, never a 500
        if r.status_code == 200:
            assert "attachment" in r.headers["Content-Disposition"]
