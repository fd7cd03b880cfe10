"""Sign-in, sign-out, invitations, and the rules every request passes through: the session
cookie, CSRF tokens on every POST, the security headers on every response, the rate limit of
sign-in, and error pages without stack traces.

A person signs in with their name in the store's people register and the password they set
through a one-time invitation link (``/invite/<token>``, valid 72 h, used once). A session is a
random id in an HttpOnly, SameSite=Lax cookie (Secure unless the app was made with
``secure_cookies=False``); it ends after 30 minutes idle, 8 hours after sign-in, or at sign-out.
Someone who is no longer in the register is signed out on their next request.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any, NoReturn
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, abort, g, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from .. import Store
from ..errors import NotFoundError, ValidationError
from ..i18n import _
from . import context
from .credentials import Credentials, InvitationError

bp = Blueprint("auth", __name__)

SESSION_COOKIE = "libaudit_session"
#: Before sign-in, the CSRF token of the sign-in and invitation forms (double submit).
CSRF_COOKIE = "libaudit_csrf"
#: The shortest password accepted.
MIN_PASSWORD = 12

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def install(app: Flask) -> None:
    """The request rules of the app: session, CSRF, headers, error pages, Jinja globals."""
    app.before_request(_load_session)
    app.before_request(_check_csrf)
    app.after_request(_headers)
    app.register_error_handler(Exception, _error_page)
    app.jinja_env.globals.update(csrf_field=csrf_field, csrf_token=csrf_token)


# -- sessions
def _load_session() -> None:
    g.person = None
    g.session_id = None
    g.flash = ""
    if request.endpoint == "static":
        return
    sid = request.cookies.get(SESSION_COOKIE, "")
    if not sid:
        return
    session = context.credentials().session(sid)
    if session is None:
        return
    try:
        g.person = context.store().people.get(session.name)
    except NotFoundError:  # left the register: an account only while a person
        context.credentials().end_session(sid)
        return
    g.session_id = sid
    g.csrf = session.csrf
    g.flash = session.flash


def _cookie(response: BaseResponse, name: str, value: str, max_age: int | None = None) -> None:
    secure = context.state().secure_cookies
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax", secure=secure, path="/")


# -- CSRF
def csrf_token() -> str:
    """The token the page's forms carry: the session's, or before sign-in the CSRF cookie's
    (a new one is set on the response when the browser has none)."""
    if g.get("session_id"):
        return str(g.csrf)
    token = request.cookies.get(CSRF_COOKIE) or g.get("new_csrf")
    if not token:
        token = g.new_csrf = secrets.token_urlsafe(32)
    return str(token)


def csrf_field() -> Markup:
    """The hidden field every POST form carries (``{{ csrf_field() }}``)."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(csrf_token()))


def _check_csrf() -> None:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    sent = request.form.get("csrf_token", "")
    expected = str(g.csrf) if g.get("session_id") else request.cookies.get(CSRF_COOKIE, "")
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(403)


# -- headers
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    if g.get("session_id") or request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    new_csrf = g.get("new_csrf")
    if new_csrf:
        _cookie(response, CSRF_COOKIE, str(new_csrf))
    return response


# -- errors
def error_text(status: int) -> str:
    """The Japanese sentence of an error page."""
    texts = {
        400: _("The request was not understood."),
        403: _("You may not do this, or the form had expired. Go back, reload the page and try again."),
        404: _("There is no such page."),
        405: _("This page does not accept that request."),
        413: _("The file is too large."),
        429: _("Too many attempts. Wait a minute and try again."),
        500: _("Something went wrong on the server. The change was not saved; try again later."),
    }
    return texts.get(status, texts[500])


def _error_page(e: Exception) -> tuple[str, int]:
    if isinstance(e, HTTPException) and e.code is not None and e.code < 500:
        status = e.code
    else:
        status = 500
        if not isinstance(e, HTTPException):
            from flask import current_app

            current_app.logger.exception("error on %s %s", request.method, request.path)
    message = e.description if isinstance(e, HTTPException) and isinstance(e.description, context.Said) else ""
    return render_template("error.html", status=status, text=message or error_text(status)), status


#: The error page with a sentence of its own (context.refuse, kept here for the blueprints using it).
refuse = context.refuse


# -- pages
def _local(target: str | None) -> str:
    """`target` if it is a path of this site, else the home page (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("department.home")


@bp.get("/signin")
def signin() -> Any:
    if context.person() is not None:
        return redirect(_local(request.args.get("next")), 303)
    return render_template("signin.html", next=request.args.get("next", ""), welcome="welcome" in request.args)


@bp.post("/signin")
def signin_post() -> Any:
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    address = request.remote_addr or ""
    creds = context.credentials()
    if creds.too_many_failures(name, address):
        text = _("Too many failed sign-ins. Wait a minute and try again.")
        return render_template("signin.html", next=request.form.get("next", ""), error=text, name=name), 429
    ok = creds.check_password(name, password)
    if ok:
        try:
            context.store().people.get(name)
        except NotFoundError:
            ok = False
    if not ok:
        creds.record_failure(name, address)
        text = _("The name or the password is wrong.")
        return render_template("signin.html", next=request.form.get("next", ""), error=text, name=name), 401
    sid = creds.start_session(name)
    response = redirect(_local(request.form.get("next")), 303)
    _cookie(response, SESSION_COOKIE, sid)
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@bp.post("/signout")
def signout() -> Any:
    sid = g.get("session_id")
    if sid:
        context.credentials().end_session(sid)
    response = redirect(url_for("auth.signin"), 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _invalid_invitation() -> NoReturn:
    context.refuse(
        404, _("This invitation link is not valid: it has expired or was used. Ask the audit team for a new one.")
    )


@bp.get("/invite/<token>")
def invite(token: str) -> Any:
    name = context.credentials().invitation(token)
    if name is None:
        _invalid_invitation()
    return render_template("invite.html", name=name, token=token)


@bp.post("/invite/<token>")
def invite_post(token: str) -> Any:
    creds = context.credentials()
    name = creds.invitation(token)
    if name is None:
        _invalid_invitation()
    password = request.form.get("password", "")
    error = ""
    if password != request.form.get("password2", ""):
        error = _("The two passwords differ.")
    elif len(password) < MIN_PASSWORD:
        error = _("The password must have at least {n} characters.").format(n=MIN_PASSWORD)
    else:
        try:
            context.store().people.get(name)
        except NotFoundError:
            error = _("{name} is no longer in the people register.").format(name=name)
    if error:
        return render_template("invite.html", name=name, token=token, error=error), 400
    try:
        creds.redeem(token, password)
    except InvitationError:
        _invalid_invitation()
    return redirect(url_for("auth.signin", welcome=1), 303)


#: The roles one of whom is invited as the first administrator when no account exists.
ADMIN_ROLES = ("chief_security_officer", "chief_auditor")


def first_admin_invitation(store: Store, creds: Credentials, admin: str | None) -> tuple[str, str] | None:
    """When no account exists yet: an invitation for `admin`, else for the register's first
    chief_security_officer or chief_auditor; returns (name, token). None when accounts exist.
    NotFoundError when `admin` is not in the register; ValidationError when no one fits."""
    if creds.has_accounts():
        return None
    if admin:
        name = store.people.get(admin).name
    else:
        fit = [p.name for p in store.people.list() if any(p.has(r) for r in ADMIN_ROLES)]
        if not fit:
            raise ValidationError(
                _(
                    "no account exists and the people register has no chief_security_officer or chief_auditor: "
                    "add one (libaudit person import) or give --admin NAME"
                )
            )
        name = fit[0]
    return name, creds.invite(name, by="libaudit serve")
