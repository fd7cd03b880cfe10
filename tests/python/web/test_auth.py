"""Sign-in, sessions, invitations, CSRF, headers and error pages of the web app."""

from __future__ import annotations

import os
import stat

import pytest
from libaudit.web.auth import CSP, first_admin_invitation
from libaudit.web.credentials import FAILURE_LIMIT, INVITATION_SECONDS, Credentials, sidecar_path

from ._web_util import AUDITOR, MANAGER, PASSWORD, csrf, post, signin


def test_signin_and_home(web):
    c = web.client()
    assert c.get("/").status_code == 303  # nobody: to the sign-in page
    r = signin(c, MANAGER)
    assert r.status_code == 303
    page = c.get("/").get_data(as_text=True)
    assert MANAGER in page and "サインアウト" in page


def test_wrong_password_is_refused(web):
    c = web.client()
    r = signin(c, MANAGER, "not the password")
    assert r.status_code == 401
    assert "氏名またはパスワードが違う" in r.get_data(as_text=True)
    assert c.get("/").status_code == 303


def test_session_after_signout_is_refused(web):
    c = web.signed_in(MANAGER)
    cookie = c.get_cookie("libaudit_session").value
    assert post(c, "/signout", {}).status_code == 303
    other = web.client()
    other.set_cookie("libaudit_session", cookie)  # the old cookie, replayed
    assert other.get("/").status_code == 303
    assert c.get("/").status_code == 303


def test_eleventh_failure_in_a_minute_is_refused_even_with_the_right_password(web):
    c = web.client()
    for _ in range(FAILURE_LIMIT):
        assert signin(c, MANAGER, "wrong").status_code == 401
    r = signin(c, MANAGER, PASSWORD)
    assert r.status_code == 429
    assert "サインインの失敗が多すぎる" in r.get_data(as_text=True)
    assert c.get("/").status_code == 303
    # a minute later the limit is lifted
    now = web.state.credentials.clock()
    web.state.credentials.clock = lambda: now + 61
    assert signin(c, MANAGER).status_code == 303


def test_failures_from_one_address_count_across_names(web):
    c = web.client()
    for k in range(FAILURE_LIMIT):
        signin(c, f"someone {k}", "wrong")
    assert signin(c, MANAGER).status_code == 429


def test_signin_without_csrf_is_refused(web):
    c = web.client()
    c.get("/signin")
    r = c.post("/signin", data={"name": MANAGER, "password": PASSWORD})
    assert r.status_code == 403
    r = c.post("/signin", data={"name": MANAGER, "password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 403
    assert c.get("/").status_code == 303


def test_signout_without_csrf_is_refused(web):
    c = web.signed_in(MANAGER)
    assert c.post("/signout").status_code == 403
    assert c.get("/").status_code == 200


def test_invitation_sets_a_password_once(web):
    creds = web.state.credentials
    token = creds.invite("田中 三郎", "tester")
    c = web.client()
    page = c.get(f"/invite/{token}")
    assert page.status_code == 200 and "田中 三郎" in page.get_data(as_text=True)
    token_field = csrf(page.get_data(as_text=True))
    short = c.post(f"/invite/{token}", data={"password": "short", "password2": "short", "csrf_token": token_field})
    assert short.status_code == 400
    new = "a new password of mine"
    r = c.post(f"/invite/{token}", data={"password": new, "password2": new, "csrf_token": token_field})
    assert r.status_code == 303
    assert signin(web.client(), "田中 三郎", new).status_code == 303
    # single use
    again = c.post(f"/invite/{token}", data={"password": "x" * 20, "password2": "x" * 20, "csrf_token": token_field})
    assert again.status_code == 404
    assert c.get(f"/invite/{token}").status_code == 404
    assert signin(web.client(), "田中 三郎", "x" * 20).status_code == 401


def test_invitation_expires(web):
    creds = web.state.credentials
    token = creds.invite("田中 三郎", "tester")
    now = creds.clock()
    creds.clock = lambda: now + INVITATION_SECONDS + 1
    c = web.client()
    r = c.get(f"/invite/{token}")
    assert r.status_code == 404
    assert "招待リンクは無効" in r.get_data(as_text=True)


def test_session_expires_when_idle(web):
    c = web.signed_in(MANAGER)
    now = web.state.credentials.clock()
    web.state.credentials.clock = lambda: now + 31 * 60
    assert c.get("/").status_code == 303


def test_a_person_left_the_register_is_signed_out(web):
    c = web.signed_in(MANAGER)
    import sqlite3

    db = sqlite3.connect(web.path)  # no API removes a person; the register row goes
    db.execute("DELETE FROM people WHERE name = ?", (MANAGER,))
    db.commit()
    db.close()
    assert c.get("/").status_code == 303


def test_every_response_carries_the_security_headers(web):
    c = web.signed_in(AUDITOR)
    for url in ("/signin", "/", "/team/", "/nowhere", "/static/libaudit.css", f"/invite/{'x' * 40}"):
        r = c.get(url)
        assert r.headers["Content-Security-Policy"] == CSP, url
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"] == "no-referrer"
    assert c.get("/").headers["Cache-Control"] == "no-store"


def test_cookies_are_httponly_samesite_and_secure(web):
    c = web.client()
    r = signin(c, MANAGER)
    cookie = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("libaudit_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_team_pages_need_the_team(web):
    assert web.signed_in(MANAGER).get("/team/").status_code == 403
    assert web.signed_in(AUDITOR).get("/team/").status_code == 200


def test_no_stack_trace_on_500(web):
    @web.app.get("/boom")
    def boom():  # a view that fails
        raise RuntimeError("secret detail in /srv/app.py line 3")

    r = web.client().get("/boom")
    assert r.status_code == 500
    text = r.get_data(as_text=True)
    assert "Traceback" not in text and "secret detail" not in text
    assert "サーバで問題が起きた" in text
    assert r.headers["Content-Security-Policy"] == CSP


def test_error_pages_are_japanese(web):
    r = web.client().get("/nowhere")
    assert r.status_code == 404 and "該当するページはない" in r.get_data(as_text=True)


def test_sidecar_is_private(web):
    mode = stat.S_IMODE(os.stat(sidecar_path(str(web.path))).st_mode)
    assert mode == 0o600


def test_first_admin_invitation(tmp_path):
    import libaudit

    from ._web_util import make_store

    path = tmp_path / "a.db"
    make_store(path, tmp_path)
    creds = Credentials(str(tmp_path / "a.db.web"), fast_hashes=True)
    with libaudit.Store(path) as s:
        name, token = first_admin_invitation(s, creds, None)
        assert name == AUDITOR and creds.invitation(token) == AUDITOR
        with pytest.raises(libaudit.NotFoundError):
            first_admin_invitation(s, creds, "nobody")
        creds.redeem(token, PASSWORD)
        assert first_admin_invitation(s, creds, None) is None


def test_first_admin_needs_someone(tmp_path):
    import libaudit

    path = tmp_path / "a.db"
    with libaudit.Store(path) as s:
        creds = Credentials(str(tmp_path / "a.db.web"), fast_hashes=True)
        with pytest.raises(libaudit.ValidationError, match="--admin NAME"):
            first_admin_invitation(s, creds, None)


def test_signin_goes_back_to_a_page_of_this_site_only(web):
    for target, expected in (("/findings", "/findings"), ("//evil.example/x", "/"), ("https://evil.example/", "/")):
        c = web.client()
        token = csrf(c.get("/signin").get_data(as_text=True))
        r = c.post("/signin", data={"name": MANAGER, "password": PASSWORD, "csrf_token": token, "next": target})
        assert r.status_code == 303 and r.headers["Location"] == expected, target


def test_signin_gives_a_new_session_and_no_old_csrf(web):
    c = web.client()
    c.get("/signin")
    before = c.get_cookie("libaudit_csrf").value
    signin(c, MANAGER)
    assert c.get_cookie("libaudit_csrf") is None  # the pre-sign-in token is gone
    assert before not in c.get("/").get_data(as_text=True)  # the forms carry the session's token
