"""The audit team's pages under ``/team`` (回収状況, reminders, scores, reports, reopening a
課's submission, the findings register, people and invitations). Every route needs a person of
the audit team (:func:`libaudit.web.context.require_team`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from . import context

bp = Blueprint("team", __name__, url_prefix="/team")


@bp.get("/")
@context.require_team
def index() -> Any:
    return render_template("team/index.html", cycles=context.store().cycles())
