"""The pages of a 課: overview, chapters, drafts, submission, evidence, last year's answers, its
findings; and the rules every write passes (the 課 in the URL and in the form, CSRF, items of
the page only): a refused request writes nothing."""

from __future__ import annotations

import io
import re

import pytest
from libaudit.web.auth import CSP
from markupsafe import escape

import libaudit

from ._web_util import (
    ACTOR,
    AUDITOR,
    BODY_ITEMS,
    DEPARTMENT_ITEMS,
    MANAGER,
    OTHER,
    csrf,
    open_finding,
)

ALL = DEPARTMENT_ITEMS + BODY_ITEMS


def base(web, code="101"):
    return f"/cycles/{web.cycle}/departments/{code}"


def snapshot(web):
    """What a refused request must leave as it was: the trail and the answers."""
    with libaudit.Store(web.path, read_only=True) as s:
        trail = s.trail()
        return len(trail), trail[-1].hash, [tuple(vars(r).values()) for r in s.responses(web.cycle)]


def answers(web, code="101"):
    with libaudit.Store(web.path, read_only=True) as s:
        return {r.item: r for r in s.responses(web.cycle) if r.department == code}


def save(c, web, chapter, data, *, code="101", token=True, department=None):
    url = f"{base(web, code)}/chapters/{chapter}"
    page = c.get(f"{base(web, '101')}/chapters/7").get_data(as_text=True)
    form = {**data, "department": department or code}
    if token:
        form["csrf_token"] = csrf(page)
    return c.post(url, data=form)


def test_home_lists_the_open_questionnaire(web):
    page = web.signed_in(MANAGER).get("/").get_data(as_text=True)
    assert "2025年度 自己点検" in page and "総務課" in page and f"{base(web)}/" in page
    assert f"{base(web, '201')}/" not in page  # not the 課 of another


def test_overview_by_chapter_with_the_body_level_items_for_the_secretariat_only(web):
    page = web.signed_in(MANAGER).get(f"{base(web)}/").get_data(as_text=True)
    assert "7 運用" in page and "8 評価及び見直し" in page and "【全庁共通事項】8 評価及び見直し" in page
    other = web.signed_in(OTHER).get(f"{base(web, '201')}/").get_data(as_text=True)
    assert "7 運用" in other and "全庁共通事項" not in other
    body = web.signed_in(MANAGER).get(f"{base(web)}/chapters/8-body").get_data(as_text=True)
    assert "対策の見直しを指示しているか" in body
    assert web.signed_in(OTHER).get(f"{base(web, '201')}/chapters/8-body").status_code == 404


def test_chapter_shows_the_workbooks_answer_choices(web):
    page = web.signed_in(MANAGER).get(f"{base(web)}/chapters/7").get_data(as_text=True)
    for code, label in libaudit.labels.terms("answer"):
        assert f'value="{code}"' in page and label in page
    assert page.count('name="answer:7.1"') == 5 and 'name="comment:7.1"' in page
    assert "8.1" not in re.findall(r'name="answer:([^"]+)"', page)


def test_save_a_draft_then_change_it(web):
    c = web.signed_in(MANAGER)
    r = save(c, web, "7", {"answer:7.1": "implemented", "comment:7.1": "監視ログを毎週確認"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"{base(web)}/chapters/7")
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "保存した" in page
    stored = answers(web)["7.1"]
    assert (stored.answer, stored.comment, stored.answered_by) == ("implemented", "監視ログを毎週確認", MANAGER)
    with libaudit.Store(web.path, read_only=True) as s:
        assert s.trail()[-1].actor == MANAGER
    assert re.search(r'value="implemented" checked', page)
    save(c, web, "7", {"answer:7.1": "partial"})
    assert answers(web)["7.1"].answer == "partial"
    assert answers(web)["7.1"].comment == "監視ログを毎週確認"  # a field not sent keeps its value


def test_save_and_next_goes_to_the_next_chapter(web):
    c = web.signed_in(MANAGER)
    r = save(c, web, "7", {"answer:7.1": "implemented", "next": "1"})
    assert r.headers["Location"].endswith(f"{base(web)}/chapters/8")


def test_a_comment_without_an_answer_is_refused_and_kept_on_the_page(web):
    c = web.signed_in(MANAGER)
    before = snapshot(web)
    r = save(c, web, "7", {"answer:7.1": "implemented", "comment:7.2": "あとで回答する"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "7(2)" in page and "あとで回答する" in page
    assert snapshot(web) == before


def test_without_csrf_nothing_is_written(web):
    c = web.signed_in(MANAGER)
    before = snapshot(web)
    assert save(c, web, "7", {"answer:7.1": "implemented"}, token=False).status_code == 403
    r = c.post(f"{base(web)}/chapters/7", data={"answer:7.1": "implemented", "csrf_token": "x" * 43})
    assert r.status_code == 403
    assert snapshot(web) == before


def test_another_department_by_url_is_refused_and_nothing_written(web):
    c = web.signed_in(MANAGER)
    before = snapshot(web)
    assert c.get(f"{base(web, '201')}/").status_code == 403
    assert c.get(f"{base(web, '201')}/chapters/7").status_code == 403
    assert save(c, web, "7", {"answer:7.1": "implemented"}, code="201").status_code == 403
    token = csrf(c.get("/").get_data(as_text=True))
    assert c.post(f"{base(web, '201')}/submit", data={"csrf_token": token}).status_code == 403
    r = c.post(f"{base(web, '201')}/items/7.1/evidence", data={"csrf_token": token})
    assert r.status_code == 403
    assert snapshot(web) == before


def test_an_unknown_department_code_in_the_url_is_refused_not_an_error(web):
    c = web.signed_in(MANAGER)
    assert c.get(f"{base(web, '999')}/").status_code == 403
    assert c.get(f"{base(web, '999')}/chapters/7").status_code == 403


def test_another_department_by_form_is_refused_and_nothing_written(web):
    c = web.signed_in(MANAGER)
    before = snapshot(web)
    r = save(c, web, "7", {"answer:7.1": "implemented"}, department="201")
    assert r.status_code == 403
    assert snapshot(web) == before


def test_an_item_of_another_chapter_is_refused_and_nothing_written(web):
    c = web.signed_in(MANAGER)
    before = snapshot(web)
    assert save(c, web, "7", {"answer:7.1": "implemented", "answer:8.1": "implemented"}).status_code == 400
    assert save(c, web, "7", {"answer:7.1": "done"}).status_code == 400  # not an answer code
    assert snapshot(web) == before


def test_the_audit_team_does_not_answer_for_a_department(web):
    c = web.signed_in(AUDITOR)
    before = snapshot(web)
    assert save(c, web, "7", {"answer:7.1": "implemented"}).status_code == 403
    assert snapshot(web) == before


def test_submit_when_complete_then_read_only(web):
    c = web.signed_in(MANAGER)
    save(c, web, "7", {"answer:7.1": "implemented", "answer:7.2": "partial"})
    overview = c.get(f"{base(web)}/").get_data(as_text=True)
    assert "/submit" not in overview  # incomplete: no submit button
    token = csrf(overview)
    r = c.post(f"{base(web)}/submit", data={"csrf_token": token, "department": "101"})
    assert r.status_code == 303
    problem = re.search(r'<p class="error"[^>]*>(.*?)</p>', c.get(r.headers["Location"]).get_data(as_text=True), re.S)
    assert problem and "8.1" in problem.group(1) and "8.5" in problem.group(1)  # every missing item named
    with libaudit.Store(web.path, read_only=True) as s:
        assert s.submission_state(web.cycle, "101") == "open"
    save(c, web, "8", {f"answer:{i}": "implemented" for i in ("8.1", "8.2", "8.3")})
    save(c, web, "8-body", {f"answer:{i}": "not_implemented" for i in BODY_ITEMS})
    overview = c.get(f"{base(web)}/").get_data(as_text=True)
    assert "/submit" in overview
    r = c.post(f"{base(web)}/submit", data={"csrf_token": csrf(overview), "department": "101"})
    assert r.status_code == 303
    assert "提出した" in c.get(r.headers["Location"]).get_data(as_text=True)
    with libaudit.Store(web.path, read_only=True) as s:
        assert s.submission_state(web.cycle, "101") == "submitted"
    before = snapshot(web)
    assert save(c, web, "7", {"answer:7.1": "not_implemented"}).status_code == 409
    assert snapshot(web) == before
    page = c.get(f"{base(web)}/chapters/7").get_data(as_text=True)
    assert 'id="answers"' not in page and "disabled" in page and "/evidence" not in page
    r = c.post(
        f"{base(web)}/items/7.1/evidence",
        data={"csrf_token": csrf(page), "department": "101", "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 409
    assert snapshot(web) == before


def test_last_years_answer_beside_each_item(web, tmp_path):
    with libaudit.Store(web.path) as s:
        checklist = s.cycle(web.cycle).checklist
        prev = s.create_cycle(
            ACTOR, name="2024年度 自己点検", kind="self_inspection", fiscal_year=2024, checklist=checklist
        )
        audit = s.create_cycle(
            ACTOR, name="2024年度 監査", kind="internal_audit", fiscal_year=2024, checklist=checklist
        )
        for c in (prev, audit):
            s.open_cycle(ACTOR, c)
        s.import_responses(ACTOR, prev, [("101", "7.1", "not_implemented", "予算がない"), ("201", "7.2", "partial")])
        s.import_responses(ACTOR, audit, [("101", "7.2", "implemented")])  # another kind: not last year's
    page = web.signed_in(MANAGER).get(f"{base(web)}/chapters/7").get_data(as_text=True)
    last = re.findall(r'<div class="last-year">(.*?)</div>', page, re.S)
    assert "実施していない" in last[0] and "予算がない" in last[0]  # 7.1, last year's self-inspection
    assert "なし" in last[1]  # 7.2: 201's answer and the audit's are not 101's last year
    assert "2024年度 自己点検" in page


def test_evidence_upload_and_list(web):
    c = web.signed_in(MANAGER)
    save(c, web, "7", {"answer:7.1": "implemented"})
    token = csrf(c.get(f"{base(web)}/chapters/7").get_data(as_text=True))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    r = c.post(
        f"{base(web)}/items/7.1/evidence",
        data={"csrf_token": token, "department": "101", "file": (io.BytesIO(pdf), "監視記録.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 303 and r.headers["Location"].endswith("/chapters/7#item-7.1")
    page = c.get(f"{base(web)}/chapters/7").get_data(as_text=True)
    assert "監視記録.pdf" in page and "application/pdf" in page
    before = snapshot(web)
    r = c.post(
        f"{base(web)}/items/7.1/evidence",
        data={
            "csrf_token": token,
            "department": "101",
            "file": (io.BytesIO(b"\x7fELF\x02\x01\x01" + b"\0" * 64), "x.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    page = c.get(f"{base(web)}/chapters/7").get_data(as_text=True)
    assert 'class="error"' in page and "x.pdf" not in page.split('id="item-7.1"')[1].split("</section>")[0]
    assert snapshot(web)[0] == before[0]


def test_a_stored_script_comment_is_escaped(web):
    c = web.signed_in(MANAGER)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    save(c, web, "7", {"answer:7.1": "implemented", "comment:7.1": evil})
    page = c.get(f"{base(web)}/chapters/7").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert str(escape(evil)) in page


def test_every_department_page_carries_the_csp(web):
    c = web.signed_in(MANAGER)
    for url in ("/", f"{base(web)}/", f"{base(web)}/chapters/7", "/findings", f"{base(web, '201')}/"):
        r = c.get(url)
        assert r.headers["Content-Security-Policy"] == CSP, url
        assert r.headers["Cache-Control"] == "no-store"
        assert "<script" not in r.get_data(as_text=True) and "style=" not in r.get_data(as_text=True)


@pytest.fixture
def finding(web):
    return open_finding(web.path, web.cycle, "101", "監視の記録がない", due="2026-03-31")


def test_findings_with_the_steps_the_department_may_take(web, finding):
    c = web.signed_in(MANAGER)
    page = c.get("/findings").get_data(as_text=True)
    assert "監視の記録がない" in page and "軽微な不適合" in page and "改善計画提出済" in page
    assert "確認済" not in page  # a step of the auditors
    r = c.post(
        f"/findings/{finding}/move", data={"csrf_token": csrf(page), "state": "plan_submitted", "note": "計画書を提出"}
    )
    assert r.status_code == 303
    with libaudit.Store(web.path, read_only=True) as s:
        assert s.findings.get(finding).state == "plan_submitted"
    assert web.signed_in(OTHER).get("/findings").get_data(as_text=True).count("監視の記録がない") == 0


def test_another_departments_finding_is_refused(web, finding):
    c = web.signed_in(OTHER)
    before = snapshot(web)
    page = c.get("/findings").get_data(as_text=True)
    r = c.post(f"/findings/{finding}/move", data={"csrf_token": csrf(page), "state": "plan_submitted"})
    assert r.status_code == 403
    assert snapshot(web) == before


def test_an_upload_over_the_limit_is_refused(web):
    from libaudit.web.app import FORM_BYTES

    with libaudit.Store(web.path) as s:
        s.evidence.set_settings(ACTOR, max_bytes=1000)
    from libaudit.web.app import create_app

    web.app = create_app(web.path, testing=True)
    c = web.signed_in(MANAGER)
    save(c, web, "7", {"answer:7.1": "implemented"})
    before = snapshot(web)
    token = csrf(c.get(f"{base(web)}/chapters/7").get_data(as_text=True))
    big = b"%PDF-1.4\n" + b"0" * (1000 + FORM_BYTES)
    r = c.post(
        f"{base(web)}/items/7.1/evidence",
        data={"csrf_token": token, "department": "101", "file": (io.BytesIO(big), "big.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 413 and "ファイルが大きすぎる" in r.get_data(as_text=True)
    assert snapshot(web) == before


def test_the_questionnaire_model_is_read_again_when_the_organisation_changes(web):
    from libaudit.web import questionnaire

    with libaudit.Store(web.path) as s:
        first = questionnaire.load(s, web.cycle, "101")
        model = questionnaire._models[(s.path, web.cycle)][1]
        questionnaire.load(s, web.cycle, "201")
        assert questionnaire._models[(s.path, web.cycle)][1] is model  # kept while nothing changed
        s.put_system(ACTOR, "住民記録システム", "101", "mynumber", important_assets=True)
        again = questionnaire.load(s, web.cycle, "101")
        assert questionnaire._models[(s.path, web.cycle)][1] is not model
        assert [i.id for c in again.chapters for i in c.items] == [i.id for c in first.chapters for i in c.items]
        s.import_responses(ACTOR, web.cycle, [("101", "7.1", "partial", "途中")])
        now = questionnaire.load(s, web.cycle, "101").chapter("7").items[0]
        assert (now.id, now.answer, now.comment) == ("7.1", "partial", "途中")  # answers always read anew


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(web, code="101", item="7.1", name="監視記録.pdf", data=PDF):
    """`data` attached to the 課's answer of `item` through the page; the evidence file's id."""
    c = web.signed_in({"101": MANAGER, "201": OTHER}[code])
    page = c.get(f"{base(web, code)}/chapters/7").get_data(as_text=True)
    r = c.post(
        f"{base(web, code)}/items/{item}/evidence",
        data={"csrf_token": csrf(page), "department": code, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    with libaudit.Store(web.path, read_only=True) as s:
        return s.evidence.list("response", f"{web.cycle}/{code}/{item}")[-1].id


def test_an_evidence_file_downloads_from_its_link_for_the_department_and_the_team(web):
    file_id = attach(web)
    url = f"{base(web)}/evidence/{file_id}"
    c = web.signed_in(MANAGER)
    page = c.get(f"{base(web)}/chapters/7").get_data(as_text=True)
    assert f'href="{url}"' in page
    for who in (MANAGER, AUDITOR):
        r = web.signed_in(who).get(url)
        assert r.status_code == 200 and r.data == PDF
        assert r.headers["Content-Type"] == "application/pdf"
        disposition = r.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%E7%9B%A3%E8%A6%96%E8%A8%98%E9%8C%B2.pdf" in disposition  # 監視記録.pdf
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_an_evidence_file_of_a_type_off_the_safe_list_is_served_as_octet_stream(web, monkeypatch):
    from libaudit.web import department

    file_id = attach(web, name="memo.txt", data="点検の記録\n".encode())
    monkeypatch.setattr(department, "SAFE_MEDIA_TYPES", frozenset({"application/pdf"}))
    r = web.signed_in(MANAGER).get(f"{base(web)}/evidence/{file_id}")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/octet-stream"
    assert r.data == "点検の記録\n".encode()


def test_another_departments_evidence_file_by_url_is_403_and_nothing_served(web):
    file_id = attach(web)
    c = web.signed_in(OTHER)  # 201
    for code in ("101", "201"):  # the owner's 課 in the URL, or the person's own one
        r = c.get(f"{base(web, code)}/evidence/{file_id}")
        assert r.status_code == 403, code
        assert PDF not in r.data and "Content-Disposition" not in r.headers


def test_an_evidence_file_signed_out_goes_to_sign_in(web):
    file_id = attach(web)
    r = web.client().get(f"{base(web)}/evidence/{file_id}")
    assert r.status_code == 303 and "/signin" in r.headers["Location"] and PDF not in r.data


def test_an_evidence_file_that_does_not_exist_or_was_withdrawn_is_a_japanese_404(web):
    c = web.signed_in(MANAGER)
    r = c.get(f"{base(web)}/evidence/999")
    assert r.status_code == 404 and "証跡ファイル 999 は存在しない。" in r.get_data(as_text=True)
    file_id = attach(web)
    with libaudit.Store(web.path) as s:
        s.evidence.withdraw(ACTOR, file_id, "誤って添付した")
    r = c.get(f"{base(web)}/evidence/{file_id}")
    assert r.status_code == 404 and PDF not in r.data
    assert c.get(f"/cycles/{web.cycle}/departments/999/evidence/{file_id}").status_code == 404
