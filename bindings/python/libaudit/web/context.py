"""What every page of the web app asks about the request: the store, who is signed in, what
they may do. The blueprints (auth, department, team) import these names and nothing else of
each other.

* :func:`store` -- the :class:`libaudit.Store` of this thread (one per thread and app: the store
  holds one SQLite connection, and waitress serves each request on one thread of its pool).
* :func:`person` -- the signed-in person of the register (name, department, roles), else None.
* :func:`require_signed_in`, :func:`require_team` -- view decorators: 303 to the sign-in page
  for nobody, 403 for someone without the role.
* :func:`may_answer_for` -- whether the signed-in person answers for a 課 (the C++ rule).
* :func:`is_team` -- whether a person is of the audit team (the C++ rule).
* :func:`flash` -- a message the person's next page shows once (PRG); :func:`flashed` reads it.
* :func:`refuse` -- an error page with a sentence of its own; :func:`problem_text` -- a
  refusal of the library as a person reads it.
* :func:`actor` -- the name every change is recorded under.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, NoReturn, TypeVar, cast

from flask import abort, current_app, g, redirect, request, url_for

from .. import Store
from .._core import Person
from ..errors import NotFoundError
from .credentials import Credentials

F = TypeVar("F", bound=Callable[..., Any])

#: The roles of the audit team when the bindings do not give the rule (``audit_team``).
TEAM_ROLES = ("chief_auditor", "chief_security_officer", "ciso")


@dataclass
class WebState:
    """The app's own state (``app.extensions["libaudit"]``)."""

    store_path: str
    credentials: Credentials
    secure_cookies: bool
    trail_key: bytes | None = None
    local: threading.local = field(default_factory=threading.local)

    def store(self) -> Store:
        s: Store | None = getattr(self.local, "store", None)
        if s is None:
            s = Store(self.store_path, create=False, trail_key=self.trail_key)
            self.local.store = s
        return s


def state() -> WebState:
    return cast(WebState, current_app.extensions["libaudit"])


def store() -> Store:
    """The store, opened for this thread."""
    return state().store()


def credentials() -> Credentials:
    return state().credentials


def person() -> Person | None:
    """The signed-in person (set by auth's before_request), else None."""
    return cast("Person | None", g.get("person"))


def actor() -> str:
    """The signed-in person's name: the actor of every change the request makes."""
    p = person()
    if p is None:
        abort(403)
    return p.name


def is_team(p: Person | None) -> bool:
    """Whether `p` is of the audit team (the C++ rule ``audit_team``, exchange/submissions.h)."""
    if p is None:
        return False
    rule = getattr(store(), "is_audit_team", None)
    if rule is not None:
        return bool(rule(p.name))
    return any(p.has(r) for r in TEAM_ROLES)


def may_answer_for(department: str) -> bool:
    """Whether the signed-in person answers the questionnaire of `department` (a 課 code): the
    C++ rule ``may_answer_for`` (exchange/submissions.h)."""
    p = person()
    if p is None:
        return False
    rule = getattr(store(), "may_answer_for", None)
    if rule is not None:
        try:
            return bool(rule(p.name, department))
        except NotFoundError:  # a 課 code that is not in the organisation: nobody answers for it
            return False
    return p.department == department


def require_signed_in(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if person() is None:
            return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")), 303)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def require_team(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if person() is None:
            return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")), 303)
        if not is_team(person()):
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def flash(message: str, *, error: bool = False) -> None:
    """`message` shown once on the person's next page (after the redirect of a POST); `error`
    shows it as a problem."""
    sid = g.get("session_id")
    if sid:
        credentials().set_flash(sid, ("!" if error else " ") + message)


def flashed() -> tuple[str, bool]:
    """The message this page shows once, and whether it is a problem ("" when none)."""
    text = str(g.get("flash") or "")
    return text[1:], text[:1] == "!"


def problem_text(e: Exception) -> str:
    """What a person reads of a refusal of the library: its message, and each problem it lists
    (every diagnostic of a ValidationError), one a line."""
    lines = [str(e)]
    for d in getattr(e, "diagnostics", ()) or ():
        text = getattr(d, "message", None) or str(d)
        if text not in lines:
            lines.append(str(text))
    return "\n".join(lines)


class Said(str):
    """A sentence written for a person, shown on an error page instead of the generic one."""


def refuse(status: int, text: str) -> NoReturn:
    """Abort with `status` and the sentence `text` on the error page."""
    abort(status, description=Said(text))
