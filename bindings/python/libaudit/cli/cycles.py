"""``libaudit cycle | responses``: cycles (実施回) and their responses (回答) (docs/store.md).

``responses import`` takes a plain responses CSV, or returned questionnaires, which it hands to
cli/exchange.py (docs/exchange.md).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from .. import exchange, labels
from ..i18n import _
from ..store import fiscal_year_label
from ..table import format_table
from . import collection
from .common import Progress, actor, command, encoding, group, listed, open_store, print_json, run_import, writer
from .exchange import run_import as import_questionnaires


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    w = writer()
    cs = group(sub, "cycle", _("cycles (実施回): self-inspections and audits"))
    x = command(cs, "create", _cycle_create, _("create a planned cycle; prints its id"), parents=[w])
    x.add_argument("--name", required=True, help=_("the cycle's name, e.g. 令和6年度 自己点検"))
    x.add_argument(
        "--kind", required=True, choices=[k for k, _label in labels.terms("cycle_kind")], help=_("the kind of cycle")
    )
    x.add_argument(
        "--fiscal-year", type=int, required=True, metavar="YYYY", help=_("年度 (April YYYY to March YYYY+1)")
    )
    x.add_argument(
        "--checklist",
        required=True,
        metavar="ID[@VERSION]",
        help=_(
            "the stored checklist: its own id (komaki-taisaku-kijun), id@version when several versions are "
            "stored, or its number in the store (libaudit checklist list DB)"
        ),
    )
    x.add_argument("--departments", default="", metavar="CODE,...", help=_("target 課 (default: every 課)"))
    x.add_argument(
        "--secretariat",
        default="",
        metavar="CODE",
        help=_(
            "the 課 that answers the body-level items (全庁共通事項) for the whole body, one of the cycle's 課 "
            "(default: the 課 named as the checklist's secretariat)"
        ),
    )
    for name, fn, text in (
        ("open", _cycle_open, _("open a planned cycle for responses")),
        (
            "close",
            _cycle_close,
            _("close an open cycle and publish its results (第N版) into the trail; it then refuses changes"),
        ),
    ):
        command(cs, name, fn, text, parents=[w]).add_argument("id", type=int, metavar="ID", help=_("the cycle's id"))
    x = command(
        cs, "reopen", _cycle_reopen, _("reopen a closed cycle to take a late 課 (chief auditor or CISO), with a reason")
    )
    x.add_argument("id", type=int, metavar="ID", help=_("the cycle's id"))
    x.add_argument("--reason", required=True, metavar="TEXT", help=_("why (recorded in the trail)"))
    x.add_argument("--by", required=True, metavar="PERSON", help=_("監査統括責任者 or CISO, by name in the register"))
    x.add_argument(
        "--department",
        metavar="CODE",
        help=_(
            "reopen this department's web submission instead of the cycle, so that it can change its answers "
            "(the audit team: chief auditor, chief security officer or CISO)"
        ),
    )
    command(cs, "list", _cycle_list, _("list cycles"), json_flag=True)
    x = command(cs, "show", _cycle_show, _("one cycle: its checklist, 課 and secretariat"), json_flag=True)
    x.add_argument("id", type=int, metavar="ID", help=_("the cycle's id"))
    collection.register(cs)  # cycle status (回収状況)
    collection.register_send(cs)  # cycle send (the web questionnaire)

    rs = group(sub, "responses", _("responses (回答) to a cycle"))
    help_ = _(
        "import responses: a CSV (department,item,answer,comment,evidence), or returned "
        "questionnaires (.xlsx, questionnaire CSV, folders of them; docs/exchange.md)"
    )
    x = command(rs, "import", _responses_import, help_, parents=[w, encoding()])
    x.add_argument("--cycle", type=int, required=True, metavar="ID", help=_("the cycle's id"))
    x.add_argument("files", nargs="+", metavar="PATH", help=_("FILE.csv, or questionnaires / folders"))
    x.add_argument("--dry-run", action="store_true", help=_("questionnaires: check and summarise, write nothing"))
    x.add_argument("--dept", metavar="CODE", help=_("questionnaires: every file must be this 課's"))
    x = command(rs, "list", _responses_list, _("list a cycle's responses"), json_flag=True)
    x.add_argument("--cycle", type=int, required=True, metavar="ID", help=_("the cycle's id"))


def _responses_import(args: argparse.Namespace) -> int:
    plain = [f for f in args.files if not Path(f).is_dir() and not exchange.is_questionnaire(f)]
    if plain and (len(plain) > 1 or len(args.files) > 1):
        raise SystemExit(
            "libaudit: "
            + _(
                "give one plain responses CSV, or questionnaires (.xlsx, questionnaire CSV, folders); not both: {files}"
            ).format(files=", ".join(plain))
        )
    if not plain:
        with open_store(args.db) as s:
            return import_questionnaires(
                s,
                args.cycle,
                args.files,
                actor(args),
                dry_run=args.dry_run,
                encoding=args.encoding,
                department=args.dept,
                show_all=args.all,
            )
    if args.dry_run or args.dept:
        raise SystemExit("libaudit: " + _("--dry-run and --dept are for questionnaires, not a plain responses CSV"))
    progress = Progress(_("importing"))
    return run_import(
        args,
        _("responses"),
        lambda s: s.import_responses_csv(actor(args), args.cycle, plain[0], args.encoding, progress=progress),
    )


def _cycle_create(args: argparse.Namespace) -> int:
    departments = [d for d in (p.strip() for p in args.departments.split(",")) if d]
    with open_store(args.db) as s:
        spec = {"name": args.name, "kind": args.kind, "fiscal_year": args.fiscal_year, "checklist": args.checklist}
        cycle = s.cycle(s.create_cycle(actor(args), **spec, departments=departments, secretariat=args.secretariat))
        audience = "self_inspection" if cycle.kind == "self_inspection" else "audit"
        body_items = [
            i for i in s.load_checklist(cycle.checklist).items if i.respondent == "body" and audience in i.audience
        ]
    print(cycle.id)
    if body_items and not cycle.secretariat:
        print(
            _(
                "note: the checklist names no secretariat, so every 課 of cycle {id} answers its {n} body-level "
                "items (全庁共通事項); give --secretariat CODE to have one 課 answer them for the whole body"
            ).format(id=cycle.id, n=len(body_items)),
            file=sys.stderr,
        )
    return 0


def _cycle_open(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        s.open_cycle(actor(args), args.id)
    return 0


def _cycle_close(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        p = s.close_cycle(actor(args), args.id)
    r = p["record"]
    print(
        _(
            "Cycle {id} is closed and published as edition {edition} (trail {seq}:{short}). Reports use the "
            "figures as of now. Anchor: {hash}"
        ).format(id=args.id, edition=p["edition"], seq=r["seq"], short=r["hash"][:12], hash=r["hash"])
    )
    return 0


def _cycle_reopen(args: argparse.Namespace) -> int:
    if args.department is not None:
        return _submission_reopen(args)
    with open_store(args.db) as s:
        r = s.reopen_cycle(args.by, args.id, args.reason)
    print(
        _(
            "Cycle {id} is reopened (time {number}, by {by}, reason: {reason}). Once the late answers are in, "
            "publish edition 2 or later with `libaudit cycle close {db} {id}`."
        ).format(id=args.id, number=r["number"], by=r["by"], reason=r["reason"], db=args.db)
    )
    return 0


def _submission_reopen(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        r = s.reopen_submission(args.by, args.id, args.department, args.reason)
    print(
        _(
            "The submission of department {department} to cycle {id} is reopened (by {by}, reason: {reason}): "
            "the department can change its answers and submit them again."
        ).format(department=r["department"], id=args.id, by=r["by"], reason=r["reason"])
    )
    return 0


def _cycle_list(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        cycles = s.cycles()
        counts = {c.id: s.response_count(c.id) for c in cycles}
        editions = {c.id: len(s.publications(c.id)) for c in cycles}
        checklists = {k.id: f"{k.checklist_id}@{k.version}" for k in s.checklists()}
    if args.json:
        out = []
        for c in cycles:
            d = asdict(c)
            d["departments"] = list(c.departments)
            d["fiscal_year_label"] = fiscal_year_label(c.fiscal_year)
            d["responses"] = counts[c.id]
            d["edition"] = editions[c.id]
            out.append(d)
        print_json(out)
        return 0
    rows = [
        (
            c.id,
            c.name,
            labels.shown("cycle_kind", c.kind),
            fiscal_year_label(c.fiscal_year),
            checklists.get(c.checklist, c.checklist),
            labels.shown("cycle_status", c.status),
            _("edition {n}").format(n=editions[c.id]) if editions[c.id] else "-",
            len(c.departments),
            c.secretariat or "-",
            counts[c.id],
        )
        for c in cycles
    ]
    heads = [
        "ID",
        _("name"),
        _("kind"),
        _("年度"),
        _("checklist"),
        _("status"),
        _("published"),
        _("課"),
        _("secretariat"),
        _("responses"),
    ]
    print(format_table(heads, rows, ">" + "<<<><<><>"))
    return 0


def _cycle_show(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        c = s.cycle(args.id)
        names = {d.code: d.name for d in s.departments()}
        k = next(k for k in s.checklists() if k.id == c.checklist)
        responses = s.response_count(c.id)
    if args.json:
        d = asdict(c)
        d["departments"] = list(c.departments)
        d["fiscal_year_label"] = fiscal_year_label(c.fiscal_year)
        d["responses"] = responses
        print_json(d)
        return 0
    secretariat = (
        f"{c.secretariat} {names.get(c.secretariat, '')}".strip()
        if c.secretariat
        else _("none (every 課 answers every item)")
    )
    rows = [
        ("ID", c.id),
        (_("name"), c.name),
        (_("kind"), labels.shown("cycle_kind", c.kind)),
        (_("年度"), fiscal_year_label(c.fiscal_year)),
        (_("checklist"), f"{k.checklist_id}@{k.version}"),
        (_("status"), labels.shown("cycle_status", c.status)),
        (_("secretariat"), secretariat),
        (_("課"), "、".join(f"{code} {names.get(code, '')}".strip() for code in c.departments)),
        (_("responses"), responses),
    ]
    print(format_table([_("field"), _("value")], rows))
    return 0


def _responses_list(args: argparse.Namespace) -> int:
    responses = listed(args, lambda s: s.responses(args.cycle))
    if responses is None:
        return 0
    rows = [
        (r.department, r.item, labels.shown("answer", r.answer), r.comment, r.answered_by, r.answered_at)
        for r in responses
    ]
    print(format_table([_("課"), _("item"), _("answer"), _("comment"), _("answered by"), _("answered at")], rows))
    return 0
