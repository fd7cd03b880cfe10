"""The pages of a 課: its open cycles, the questionnaire by chapter, submission, its findings
and exceptions. Every route checks that the signed-in person answers for the 課 in the URL
(:func:`libaudit.web.context.may_answer_for`): another 課's code is a 403 and nothing is written.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from . import context

bp = Blueprint("department", __name__)


@bp.get("/")
@context.require_signed_in
def home() -> Any:
    p = context.person()
    assert p is not None
    s = context.store()
    cycles = [c for c in s.cycles() if c.status == "open" and p.department in c.departments]
    return render_template("home.html", cycles=cycles, department=p.department)
