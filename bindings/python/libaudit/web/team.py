"""The audit team's pages under ``/team`` (回収状況, reminders, sending the web questionnaire,
scores, reports, reopening a 課's submission, the findings register, people and invitations).

Every route needs a person of the audit team (:func:`libaudit.web.context.require_team`): anyone
else gets 403 before anything is read or written. Every figure comes from the library: the
回収状況 from :meth:`libaudit.Store.collection_status` (the one home of its rule), the scores from
:mod:`libaudit.scoring` (the same figures as ``libaudit score``), the reports from
:mod:`libaudit.report` (those of ``libaudit report``); every change goes through the library's
API with the signed-in person as actor, and its refusal is shown, nothing written.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from .. import exchange, report
from ..audit import AuditPlans
from ..errors import CycleStateError, LibauditError, NotFoundError, PdfError, RoleError, TransitionError
from ..exchange.collection import japan_time
from ..findings import TRANSITIONS, japan_date
from ..i18n import _, ngettext
from ..scoring import model_names, model_title
from ..store import Cycle
from . import context
from .context import refuse

bp = Blueprint("team", __name__, url_prefix="/team")

#: The groupings of the scores page, in order (``libaudit score --by``).
SCORE_GROUPINGS = ("department", "parent", "chapter")
#: The reports offered for download (``libaudit report``); plan needs ``?plan=ID``, department
#: ``?dept=CODE``.
REPORT_KINDS = report.KINDS
REPORT_FORMATS = ("html", "pdf")


@contextmanager
def _refusals() -> Iterator[None]:
    """The library's refusal of a change as an error page with its sentence (nothing written)."""
    try:
        yield
    except NotFoundError as e:
        refuse(404, str(e))
    except RoleError as e:
        refuse(403, str(e))
    except (CycleStateError, TransitionError, LibauditError, ValueError) as e:
        refuse(400, str(e))


def _cycle(cycle: int) -> Cycle:
    try:
        return context.store().cycle(cycle)
    except NotFoundError:
        abort(404)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    """What the team's templates use beside the app's globals: a trail time in Japan."""
    return {"japan_time": japan_time}


@bp.get("/")
@context.require_team
def index() -> Any:
    return render_template("team/index.html", cycles=context.store().cycles(), kinds=REPORT_KINDS)


# -- 回収状況, reminders, sending
@bp.get("/cycles/<int:cycle>/status")
@context.require_team
def status(cycle: int) -> Any:
    c = _cycle(cycle)
    s = context.store()
    return render_template(
        "team/status.html", cycle=c, status=s.collection_status(cycle), reopened=_reopened(cycle), today=_today()
    )


def _reopened(cycle: int) -> dict[str, dict[str, Any]]:
    """The 課 whose last web submission was reopened, with that reopening (by, at, reason)."""
    last: dict[str, dict[str, Any]] = {}
    for row in context.store().submissions(cycle):  # by 課 then number
        last[row["department"]] = row
    return {code: row for code, row in last.items() if row["action"] == "reopen"}


def _today() -> str:
    return japan_date().isoformat()


@bp.get("/cycles/<int:cycle>/reminders")
@context.require_team
def reminders(cycle: int) -> Any:
    c = _cycle(cycle)
    s = context.store()
    st = s.collection_status(cycle)
    return render_template(
        "team/reminders.html",
        cycle=c,
        status=st,
        rows=st.to_remind(),
        mail=exchange.remind_mail_text(st, s.body),
    )


@bp.post("/cycles/<int:cycle>/send")
@context.require_team
def send(cycle: int) -> Any:
    c = _cycle(cycle)
    chosen = request.form.getlist("departments")
    deadline = request.form.get("deadline", "").strip()
    if not chosen:
        refuse(400, _("Choose at least one section to send the questionnaire to."))
    unknown = [d for d in chosen if d not in c.departments]
    if unknown:
        refuse(400, _("{codes} is not a target section of this cycle.").format(codes=", ".join(unknown)))
    s = context.store()
    with _refusals():
        for code in chosen:
            s.send_web_questionnaire(context.actor(), cycle, code, deadline)
    context.flash(
        ngettext(
            "The questionnaire was sent to {n} section.", "The questionnaire was sent to {n} sections.", len(chosen)
        ).format(n=len(chosen))
    )
    return redirect(url_for("team.status", cycle=cycle), 303)


@bp.post("/cycles/<int:cycle>/departments/<code>/reopen")
@context.require_team
def reopen(cycle: int, code: str) -> Any:
    c = _cycle(cycle)
    if code not in c.departments:
        abort(404)
    reason = request.form.get("reason", "").strip()
    if not reason:
        refuse(400, _("Give the reason for reopening the submission."))
    with _refusals():
        context.store().reopen_submission(context.actor(), cycle, code, reason)
    context.flash(_("The submission of {code} was reopened.").format(code=code))
    return redirect(url_for("team.status", cycle=cycle), 303)


# -- scores
@bp.get("/cycles/<int:cycle>/scores")
@context.require_team
def scores(cycle: int) -> Any:
    c = _cycle(cycle)
    model = request.args.get("model", "rate")
    if model not in model_names():
        abort(404)
    s = context.store()
    data = s.scoring_data(cycle)
    return render_template(
        "team/scores.html",
        cycle=c,
        model=model,
        models=[(m, model_title(m)) for m in model_names()],  # the id is the form's value
        tables=[(by, data.score(model, by)) for by in SCORE_GROUPINGS],
        headings={"department": _("課"), "parent": _("部"), "chapter": _("chapter")},
        fmt=_figure,
        score_header=model_title(model),
        reports=_reports(cycle),
        names={d.code: d.name for d in s.departments()},
    )


def _figure(x: float | None) -> str:
    """A score as ``libaudit score`` prints it (one decimal; "-" for none)."""
    return "-" if x is None or math.isnan(x) else f"{x:.1f}"


def _reports(cycle: int) -> list[tuple[str, str, dict[str, Any]]]:
    """The reports of a cycle offered for download: (kind, title, query) — the department
    sheets are listed per 課 by the page, the audit plans that read this cycle one by one."""
    found: list[tuple[str, str, dict[str, Any]]] = [
        ("committee", _("Committee report"), {}),
        ("audit", _("Audit report"), {}),
        ("findings", _("Findings register"), {}),
        ("workpapers", _("Working papers"), {}),
    ]
    for plan in AuditPlans(context.store()).list():
        if plan.basis_cycle == cycle:
            title = _("Audit plan {id} ({year})").format(id=plan.id, year=plan.fiscal_year_label)
            found.append(("plan", title, {"plan": plan.id}))
    return found


# -- reports
@bp.get("/cycles/<int:cycle>/reports/<kind>.<fmt>")
@context.require_team
def report_file(cycle: int, kind: str, fmt: str) -> Any:
    c = _cycle(cycle)
    if kind not in REPORT_KINDS or fmt not in REPORT_FORMATS:
        abort(404)
    dept = request.args.get("dept") or None
    if kind == "department" and (dept is None or dept not in c.departments):
        abort(404)
    options: dict[str, Any] = {}
    if kind == "plan":
        options["plan"] = request.args.get("plan", type=int) or 0
    name = f"{kind}-{cycle}" + (f"-{dept}" if dept else "")
    with _refusals():
        if fmt == "html":
            text = report.render(context.store(), kind, cycle=cycle, format="html", dept=dept, **options)
            assert isinstance(text, str)
            return _download(text.encode("utf-8"), "text/html; charset=utf-8", f"{name}.html")
        return _download(_pdf(kind, cycle, dept, options), "application/pdf", f"{name}.pdf")


def _pdf(kind: str, cycle: int, dept: str | None, options: dict[str, Any]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="libaudit-web-") as tmp:
        out = Path(tmp) / "report.pdf"
        try:
            report.render(context.store(), kind, cycle=cycle, format="pdf", out=out, dept=dept, **options)
        except PdfError as e:  # no Chromium on the server
            refuse(500, str(e))
        return out.read_bytes()


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- findings
def steps(finding: Any) -> list[Any]:
    """The moves of the state machine the signed-in person's roles allow from the finding's state
    (the core checks them again, with the separation of duties, when one is taken)."""
    p = context.person()
    assert p is not None
    return [t for t in TRANSITIONS if t.from_state == finding.state and any(p.has(r) for r in t.roles)]


@bp.get("/findings")
@context.require_team
def findings() -> Any:
    found = context.store().findings.list()
    return render_template("team/findings.html", findings=found, steps={f.id: steps(f) for f in found})


@bp.post("/findings/<int:finding>/move")
@context.require_team
def move_finding(finding: int) -> Any:
    state = request.form.get("state", "")
    note = request.form.get("note", "").strip()
    with _refusals():
        context.store().findings.move(context.actor(), finding, state, note)
    context.flash(_("Finding {id} was moved.").format(id=finding))
    return redirect(url_for("team.findings"), 303)


# -- people
@bp.get("/people")
@context.require_team
def people() -> Any:
    creds = context.credentials()
    register = context.store().people.list()
    return render_template(
        "team/people.html", people=register, accounts={p.name: creds.has_account(p.name) for p in register}
    )


@bp.post("/people/<name>/invite")
@context.require_team
def invite(name: str) -> Any:
    try:
        person = context.store().people.get(name)
    except NotFoundError:
        abort(404)
    token = context.credentials().invite(person.name, context.actor())
    link = url_for("auth.invite", token=token, _external=True)
    return render_template("team/invited.html", name=person.name, link=link)
