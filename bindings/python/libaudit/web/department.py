"""The pages of a 課: its open cycles, the questionnaire by chapter, submission, evidence files,
its findings and exceptions. Every route checks that the signed-in person answers for the 課 in
the URL and in the form (:func:`libaudit.web.context.may_answer_for`): another 課's code is a 403
and nothing is written. Every change goes through the library with the person as actor.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, url_for
from werkzeug.utils import secure_filename

from .. import labels
from ..errors import LibauditError, NotFoundError
from ..findings import TRANSITIONS
from ..i18n import _
from . import context, questionnaire
from .questionnaire import ANSWERS

bp = Blueprint("department", __name__)

_CODES = {code for code, _label in ANSWERS}

#: The media types an evidence file is served with as stored (all the evidence store accepts,
#: docs/evidence.md); any other is served as application/octet-stream. Every file is served as
#: an attachment with nosniff, so that a browser never renders it inside the app.
SAFE_MEDIA_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/tiff",
        "text/plain",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)


def _target(cycle: int, code: str) -> Any:
    """The cycle, after the checks every page of a 課 makes: the person answers for `code` (403),
    the 課 is a target of the cycle (404)."""
    if not context.may_answer_for(code):
        abort(403)
    if request.method == "POST" and request.form.get("department", code) != code:
        abort(403)  # a form naming another 課 than its URL
    try:
        c = context.store().cycle(cycle)
    except NotFoundError:
        abort(404)
    if code not in c.departments:
        abort(404)
    return c


def _deadlines(cycle: int) -> dict[str, Any]:
    """The 回収状況 rows of a cycle by 課 (回答期限, progress, late)."""
    return {r.department: r for r in context.store().collection_status(cycle).rows}


@bp.get("/")
@context.require_signed_in
def home() -> Any:
    s = context.store()
    rows = []
    for c in s.cycles():
        if c.status != "open":
            continue
        codes = [code for code in c.departments if context.may_answer_for(code)]
        if not codes:
            continue
        status = _deadlines(c.id)
        rows += [(c, code, status.get(code), s.submission_state(c.id, code)) for code in codes]
    return render_template("department/home.html", rows=rows)


@bp.get("/cycles/<int:cycle>/departments/<code>/")
@context.require_signed_in
def overview(cycle: int, code: str) -> Any:
    c = _target(cycle, code)
    s = context.store()
    q = questionnaire.load(s, cycle, code, files=False)
    return render_template(
        "department/overview.html",
        cycle=c,
        q=q,
        state=s.submission_state(cycle, code),
        status=_deadlines(cycle).get(code),
    )


@bp.route("/cycles/<int:cycle>/departments/<code>/chapters/<chapter>", methods=["GET", "POST"])
@context.require_signed_in
def chapter(cycle: int, code: str, chapter: str) -> Any:
    c = _target(cycle, code)
    s = context.store()
    q = questionnaire.load(s, cycle, code)
    ch = q.chapter(chapter)
    if ch is None:
        abort(404)
    state = s.submission_state(cycle, code)
    errors: list[str] = []
    if request.method == "POST":
        if state != "open" or c.status != "open":
            context.refuse(409, _("The questionnaire is submitted or the cycle is not open: nothing was saved."))
        rows, errors = _changed_rows(ch)
        if not errors:
            try:
                result = s.save_answers(context.actor(), cycle, code, rows) if rows else None
            except LibauditError as e:
                errors = context.problem_text(e).splitlines()
            else:
                saved = (result.inserted + result.updated) if result else 0
                context.flash(_("Saved ({count} answers changed).").format(count=saved))
                target = _next_chapter(q, ch.id) if request.form.get("next") else ch.id
                return redirect(url_for(".chapter", cycle=cycle, code=code, chapter=target), 303)
    return render_template(
        "department/chapter.html",
        cycle=c,
        q=q,
        ch=ch,
        answers=ANSWERS,
        state=state,
        errors=errors,
        next_chapter=_next_chapter(q, ch.id),
        status=None,  # 回収状況 reads every 課: the overview shows it, not each chapter
    ), (400 if errors else 200)


def _changed_rows(ch: questionnaire.Chapter) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """The rows of the form that differ from what is stored, and the problems of the form. The
    items typed into the page (answer and comment) are kept on it when there is a problem."""
    ids = {i.id for i in ch.items}
    for key in request.form:
        kind, _sep, item = key.partition(":")
        if kind in ("answer", "comment") and item not in ids:
            abort(400)  # an item that is not on this page
    rows: list[tuple[str, str, str, str]] = []
    errors: list[str] = []
    for it in ch.items:
        answer = request.form.get(f"answer:{it.id}", it.answer)
        comment = request.form.get(f"comment:{it.id}", it.comment).replace("\r\n", "\n").strip()
        if answer and answer not in _CODES:
            abort(400)
        if (answer, comment) == (it.answer, it.comment):
            continue
        it.answer, it.comment = answer, comment  # shown again on a problem
        if not answer:
            errors.append(_("{clause}: choose an answer to save a comment.").format(clause=it.clause))
            continue
        rows.append((it.id, answer, comment, it.evidence))
    return rows, errors


def _next_chapter(q: questionnaire.Questionnaire, current: str) -> str:
    ids = [c.id for c in q.chapters]
    k = ids.index(current)
    return ids[k + 1] if k + 1 < len(ids) else current


@bp.post("/cycles/<int:cycle>/departments/<code>/submit")
@context.require_signed_in
def submit(cycle: int, code: str) -> Any:
    _target(cycle, code)
    try:
        context.store().submit(context.actor(), cycle, code)
    except LibauditError as e:
        context.flash(context.problem_text(e), error=True)
    else:
        context.flash(_("Submitted. The answers can be changed again only when the audit team reopens them."))
    return redirect(url_for(".overview", cycle=cycle, code=code), 303)


@bp.post("/cycles/<int:cycle>/departments/<code>/items/<item_id>/evidence")
@context.require_signed_in
def evidence(cycle: int, code: str, item_id: str) -> Any:
    c = _target(cycle, code)
    s = context.store()
    if s.submission_state(cycle, code) != "open" or c.status != "open":
        context.refuse(409, _("The questionnaire is submitted or the cycle is not open: nothing was saved."))
    q = questionnaire.load(s, cycle, code, files=False)
    ch = next((c for c in q.chapters if any(i.id == item_id for i in c.items)), None)
    if ch is None:
        abort(404)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        context.flash(_("Choose a file to attach."), error=True)
    else:
        name = os.path.basename(upload.filename.replace("\\", "/")) or secure_filename(upload.filename)
        with tempfile.TemporaryDirectory(prefix="libaudit-upload-") as tmp:
            path = os.path.join(tmp, "upload")
            upload.save(path)
            try:
                s.evidence.add(
                    context.actor(), "response", questionnaire.response_key(cycle, code, item_id), path, file_name=name
                )
            except LibauditError as e:
                context.flash(context.problem_text(e), error=True)
            else:
                context.flash(_("Attached {name}.").format(name=name))
    return redirect(url_for(".chapter", cycle=cycle, code=code, chapter=ch.id) + f"#item-{item_id}", 303)


@bp.get("/cycles/<int:cycle>/departments/<code>/evidence/<int:file_id>")
@context.require_signed_in
def evidence_file(cycle: int, code: str, file_id: int) -> Any:
    """The bytes of an evidence file of the 課's answers in `cycle` (its last revision), as an
    attachment: for the 課's own people and the audit team; another 課's file is a 403."""
    s = context.store()
    try:
        c = s.cycle(cycle)
    except NotFoundError:
        abort(404)
    if code not in c.departments:
        abort(404)
    if not (context.may_answer_for(code) or context.is_team(context.person())):
        abort(403)
    missing = _("There is no evidence file {id}.").format(id=file_id)
    try:
        f = s.evidence.get(file_id)
    except NotFoundError:
        context.refuse(404, missing)
    if f.target_kind != "response" or not f.target_key.startswith(questionnaire.response_key(cycle, code, "")):
        abort(403)  # a file of another 課, cycle or target, whatever the URL says
    if f.status != "active":
        context.refuse(404, missing)
    return _send_evidence(s, f.id, f.revision, f.file_name, f.media_type)


def _send_evidence(s: Any, file_id: int, revision: int, name: str, media_type: str) -> Response:
    """The bytes read through the evidence store (checked against their SHA-256 on the way),
    streamed from a temporary file that is gone once the response is sent."""
    with tempfile.TemporaryDirectory(prefix="libaudit-download-") as tmp:
        path = os.path.join(tmp, "evidence")
        s.evidence.copy_out(file_id, revision, path)
        data = open(path, "rb")  # noqa: SIM115 - closed by the response; the directory goes now
    return send_file(
        data,
        mimetype=media_type if media_type in SAFE_MEDIA_TYPES else "application/octet-stream",
        as_attachment=True,
        download_name=name or f"evidence-{file_id}",  # RFC 5987 filename* for a Japanese name
        conditional=False,
        etag=False,
        max_age=0,
    )


@bp.get("/findings")
@context.require_signed_in
def findings() -> Any:
    s = context.store()
    codes = [d.code for d in s.departments() if d.is_leaf and context.may_answer_for(d.code)]
    p = context.person()
    assert p is not None
    found = [f for code in codes for f in s.findings.list(department=code, drafts=False)]
    steps = {
        f.id: [t for t in TRANSITIONS if t.from_state == f.state and any(p.has(r) for r in t.roles)] for f in found
    }
    excepts = [e for e in s.exceptions.list() if e.department in codes]
    names = {d.code: d.name for d in s.departments()}
    return render_template(
        "department/findings.html", findings=found, steps=steps, exceptions=excepts, names=names, labels=labels
    )


def _of_own_department(get: Callable[[int], Any], record: int) -> Any:
    """The finding or exception `record` (read with `get`), when the person signed in answers for
    its 課: 404 when there is none, 403 when it is another 課's."""
    try:
        found = get(record)
    except NotFoundError:
        abort(404)
    if not context.may_answer_for(found.department):
        abort(403)
    return found


@bp.post("/findings/<int:finding>/move")
@context.require_signed_in
def move_finding(finding: int) -> Any:
    s = context.store()
    _of_own_department(s.findings.get, finding)
    try:
        s.findings.move(context.actor(), finding, request.form.get("state", ""), request.form.get("note", "").strip())
    except LibauditError as e:
        context.flash(context.problem_text(e), error=True)
    else:
        context.flash(_("Finding {id} moved.").format(id=finding))
    return redirect(url_for(".findings"), 303)


@bp.post("/exceptions/<int:exception>/report")
@context.require_signed_in
def report_exception(exception: int) -> Any:
    s = context.store()
    _of_own_department(s.exceptions.get, exception)
    try:
        s.exceptions.report(context.actor(), exception, request.form.get("note", "").strip())
    except LibauditError as err:
        context.flash(context.problem_text(err), error=True)
    else:
        context.flash(_("Exception {id} reported.").format(id=exception))
    return redirect(url_for(".findings"), 303)
