"""``libaudit cycle | responses``: cycles (実施回) and their responses (回答) (docs/store.md).

``responses import`` takes a plain responses CSV, or returned questionnaires, which it hands to
cli/exchange.py (docs/exchange.md).
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from .. import exchange, labels
from ..store import fiscal_year_label
from ..table import format_table
from . import collection
from .common import Progress, actor, command, encoding, group, listed, open_store, print_json, run_import, writer
from .exchange import run_import as import_questionnaires


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    w = writer()
    cs = group(sub, "cycle", "cycles (実施回): self-inspections and audits")
    x = command(cs, "create", _cycle_create, "create a planned cycle; prints its id", parents=[w])
    x.add_argument("--name", required=True)
    x.add_argument("--kind", required=True, choices=[kind for kind, _ in labels.terms("cycle_kind")])
    x.add_argument("--fiscal-year", type=int, required=True, metavar="YYYY", help="年度 (April YYYY to March YYYY+1)")
    x.add_argument("--checklist", type=int, required=True, metavar="ID", help="the stored checklist's id")
    x.add_argument("--departments", default="", metavar="CODE,...", help="target 課 (default: every 課)")
    for name, fn, text in (
        ("open", _cycle_open, "open a planned cycle for responses"),
        (
            "close",
            _cycle_close,
            "close an open cycle and publish its results (第N版) into the trail; it then refuses changes",
        ),
    ):
        command(cs, name, fn, text, parents=[w]).add_argument("id", type=int, metavar="ID")
    x = command(
        cs, "reopen", _cycle_reopen, "reopen a closed cycle to take a late 課 (chief auditor or CISO), with a reason"
    )
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--reason", required=True, metavar="TEXT", help="why (recorded in the trail)")
    x.add_argument("--by", required=True, metavar="PERSON", help="監査統括責任者 or CISO, by name in the register")
    command(cs, "list", _cycle_list, "list cycles", json_flag=True)
    collection.register(cs)  # cycle status (回収状況)

    rs = group(sub, "responses", "responses (回答) to a cycle")
    help_ = (
        "import responses: a CSV (department,item,answer,comment,evidence), or returned "
        "questionnaires (.xlsx, questionnaire CSV, folders of them; docs/exchange.md)"
    )
    x = command(rs, "import", _responses_import, help_, parents=[w, encoding()])
    x.add_argument("--cycle", type=int, required=True, metavar="ID")
    x.add_argument("files", nargs="+", metavar="PATH", help="FILE.csv, or questionnaires / folders")
    x.add_argument("--dry-run", action="store_true", help="questionnaires: check and summarise, write nothing")
    x.add_argument("--dept", metavar="CODE", help="questionnaires: every file must be this 課's")
    x = command(rs, "list", _responses_list, "list a cycle's responses", json_flag=True)
    x.add_argument("--cycle", type=int, required=True, metavar="ID")


def _responses_import(args: argparse.Namespace) -> int:
    plain = [f for f in args.files if not Path(f).is_dir() and not exchange.is_questionnaire(f)]
    if plain and (len(plain) > 1 or len(args.files) > 1):
        raise SystemExit(
            "libaudit: give one plain responses CSV, or questionnaires (.xlsx, questionnaire CSV, "
            "folders); not both: " + ", ".join(plain)
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
            )
    if args.dry_run or args.dept:
        raise SystemExit("libaudit: --dry-run and --dept are for questionnaires, not a plain responses CSV")
    progress = Progress("importing")
    return run_import(
        args,
        "responses",
        lambda s: s.import_responses_csv(actor(args), args.cycle, plain[0], args.encoding, progress=progress),
    )


def _cycle_create(args: argparse.Namespace) -> int:
    departments = [d for d in (p.strip() for p in args.departments.split(",")) if d]
    with open_store(args.db) as s:
        spec = {"name": args.name, "kind": args.kind, "fiscal_year": args.fiscal_year, "checklist": args.checklist}
        print(s.create_cycle(actor(args), **spec, departments=departments))
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
        f"実施回 {args.id} を締め切り、第{p['edition']}版として公表しました（証跡 {r['seq']}:{r['hash'][:12]}）。"
        f" 報告書はこの時点の数値で作られます。アンカー: {r['hash']}"
    )
    return 0


def _cycle_reopen(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        r = s.reopen_cycle(args.by, args.id, args.reason)
    print(
        f"実施回 {args.id} を再開しました（{r['number']}回目、{r['by']}、理由: {r['reason']}）。"
        f" 遅れた回答を取り込んだら `libaudit cycle close {args.db} {args.id}` で第2版以降を公表してください。"
    )
    return 0


def _cycle_list(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        cycles = s.cycles()
        counts = {c.id: s.response_count(c.id) for c in cycles}
        editions = {c.id: len(s.publications(c.id)) for c in cycles}
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
            c.kind,
            fiscal_year_label(c.fiscal_year),
            c.checklist,
            c.status,
            f"第{editions[c.id]}版" if editions[c.id] else "-",
            len(c.departments),
            counts[c.id],
        )
        for c in cycles
    ]
    print(format_table(["ID", "名称", "種別", "年度", "点検表", "状態", "公表", "課", "回答"], rows, ">" + "<<<><<>>"))
    return 0


def _responses_list(args: argparse.Namespace) -> int:
    responses = listed(args, lambda s: s.responses(args.cycle))
    if responses is None:
        return 0
    rows = [(r.department, r.item, r.answer, r.comment, r.answered_by, r.answered_at) for r in responses]
    print(format_table(["課", "項目", "回答", "コメント", "回答者", "回答日時"], rows))
    return 0
