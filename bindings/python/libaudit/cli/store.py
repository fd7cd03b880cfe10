"""``libaudit init | dept | system | cycle | responses | verify``: the store (docs/store.md).

Every command that writes takes ``--as NAME``, the actor recorded in the trail; it defaults
to the login name. Long imports draw a progress bar on stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from .. import Checklist, ChecklistError, ImportValidationError, Store
from ..store import fiscal_year_label
from ..table import format_table


def _actor(args: argparse.Namespace) -> str:
    if args.actor:
        return args.actor
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a container without a passwd entry)
        raise SystemExit("libaudit: cannot tell who you are; give --as NAME")


def _writer() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--as", dest="actor", metavar="NAME", help="who makes the change (default: your login name)")
    return p


def _encoding() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--encoding",
        default="detect",
        choices=["detect", "utf-8", "cp932"],
        help="the CSV's encoding (default: detect UTF-8 with or without BOM, else CP932)",
    )
    return p


def _open(path: str) -> Store:
    return Store(path, create=False)


class Progress:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, stream=None):
        self.stream = stream or sys.stderr
        self.label = label
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.active or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = width * done // total
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _report_import(what: str, r) -> None:
    print(f"{what}: {r.rows} rows, {r.inserted} inserted, {r.updated} updated, {r.unchanged} unchanged")


def _print_rejected(e: ImportValidationError) -> int:
    print("libaudit: nothing was imported; fix these rows and import again:", file=sys.stderr)
    for d in e.diagnostics:
        print(str(d), file=sys.stderr)
    return 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    w, enc = _writer(), _encoding()

    p = sub.add_parser("init", parents=[w], help="create a store (an SQLite file)")
    p.add_argument("db", metavar="DB")
    p.add_argument("--body", help="the body (団体) the store is for, e.g. 小牧市")
    p.set_defaults(func=_init)

    p = sub.add_parser("dept", help="departments (部 and 課)")
    ds = p.add_subparsers(dest="dept_command", metavar="SUBCOMMAND")
    ds.required = True
    x = ds.add_parser(
        "import",
        parents=[w, enc],
        help="import departments from CSV: code,name,parent_code,security_officer,security_manager",
    )
    x.add_argument("db", metavar="DB")
    x.add_argument("file", metavar="FILE.csv")
    x.set_defaults(func=_dept_import)
    x = ds.add_parser("list", help="list the departments as a tree")
    x.add_argument("db", metavar="DB")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=_dept_list)

    p = sub.add_parser("system", help="information systems")
    ss = p.add_subparsers(dest="system_command", metavar="SUBCOMMAND")
    ss.required = True
    x = ss.add_parser("import", parents=[w, enc], help="import systems from CSV: name,department,tier,important_assets")
    x.add_argument("db", metavar="DB")
    x.add_argument("file", metavar="FILE.csv")
    x.set_defaults(func=_system_import)
    x = ss.add_parser("list", help="list the systems")
    x.add_argument("db", metavar="DB")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=_system_list)

    p = sub.add_parser("cycle", help="cycles (実施回): self-inspections and audits")
    cs = p.add_subparsers(dest="cycle_command", metavar="SUBCOMMAND")
    cs.required = True
    x = cs.add_parser("create", parents=[w], help="create a planned cycle; prints its id")
    x.add_argument("db", metavar="DB")
    x.add_argument("--name", required=True)
    x.add_argument("--kind", required=True, choices=["self_inspection", "internal_audit", "external_audit"])
    x.add_argument("--fiscal-year", type=int, required=True, metavar="YYYY", help="年度 (April YYYY to March YYYY+1)")
    x.add_argument("--checklist", type=int, required=True, metavar="ID", help="the stored checklist's id")
    x.add_argument("--departments", default="", metavar="CODE,...", help="target 課 (default: every 課)")
    x.set_defaults(func=_cycle_create)
    for name, fn, text in (
        ("open", _cycle_open, "open a planned cycle for responses"),
        ("close", _cycle_close, "close an open cycle; it then refuses changes"),
    ):
        x = cs.add_parser(name, parents=[w], help=text)
        x.add_argument("db", metavar="DB")
        x.add_argument("id", type=int, metavar="ID")
        x.set_defaults(func=fn)
    x = cs.add_parser("list", help="list cycles")
    x.add_argument("db", metavar="DB")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=_cycle_list)

    p = sub.add_parser("responses", help="responses (回答) to a cycle")
    rs = p.add_subparsers(dest="responses_command", metavar="SUBCOMMAND")
    rs.required = True
    x = rs.add_parser(
        "import",
        parents=[w, enc],
        help="import responses: a CSV (department,item,answer,comment,evidence), or returned "
        "questionnaires (.xlsx, questionnaire CSV, folders of them; docs/exchange.md)",
    )
    x.add_argument("db", metavar="DB")
    x.add_argument("--cycle", type=int, required=True, metavar="ID")
    x.add_argument("files", nargs="+", metavar="PATH", help="FILE.csv, or questionnaires / folders")
    x.add_argument("--dry-run", action="store_true", help="questionnaires: check and summarise, write nothing")
    x.add_argument("--dept", metavar="CODE", help="questionnaires: every file must be this 課's")
    x.set_defaults(func=_responses_import)
    x = rs.add_parser("list", help="list a cycle's responses")
    x.add_argument("db", metavar="DB")
    x.add_argument("--cycle", type=int, required=True, metavar="ID")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=_responses_list)

    p = sub.add_parser("trail", help="print the trail (every recorded change), oldest first")
    p.add_argument("db", metavar="DB")
    p.add_argument("--after", type=int, default=0, metavar="SEQ", help="only records after this seq")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="at most N records")
    p.add_argument("--json", action="store_true", help="one JSON object per line, states parsed")
    p.set_defaults(func=_trail)

    p = sub.add_parser("verify", help="check the trail's hash chain and replay it against the tables")
    p.add_argument("db", metavar="DB")
    p.add_argument(
        "--anchor",
        metavar="HASH",
        help="a head hash printed by an earlier verify and kept elsewhere: it must still be in the chain",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_verify)


def register_checklist_import(cs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``libaudit checklist import DB FILE.yaml`` (added to the checklist group)."""
    x = cs.add_parser("import", parents=[_writer()], help="store a checklist version in a store; prints its id")
    x.add_argument("db", metavar="DB")
    x.add_argument("file", metavar="FILE.yaml")
    x.set_defaults(func=_checklist_import)


# ---- commands ------------------------------------------------------------------------------


def _init(args: argparse.Namespace) -> int:
    with Store(args.db) as s:
        if args.body:
            s.set_body(_actor(args), args.body)
        print(f"{args.db}: libaudit store, schema version {s.schema_version}")
    return 0


def _import(args: argparse.Namespace, what: str, fn: Callable[[Store], object]) -> int:
    try:
        with _open(args.db) as s:
            _report_import(what, fn(s))
    except ImportValidationError as e:
        return _print_rejected(e)
    return 0


def _dept_import(args: argparse.Namespace) -> int:
    return _import(args, "departments", lambda s: s.import_departments_csv(_actor(args), args.file, args.encoding))


def _system_import(args: argparse.Namespace) -> int:
    return _import(args, "systems", lambda s: s.import_systems_csv(_actor(args), args.file, args.encoding))


def _responses_import(args: argparse.Namespace) -> int:
    from .. import exchange
    from .exchange import run_import

    plain = [f for f in args.files if not Path(f).is_dir() and not exchange.is_questionnaire(f)]
    if plain and (len(plain) > 1 or len(args.files) > 1):
        raise SystemExit(
            "libaudit: give one plain responses CSV, or questionnaires (.xlsx, questionnaire CSV, "
            "folders); not both: " + ", ".join(plain)
        )
    if not plain:
        with _open(args.db) as s:
            return run_import(
                s,
                args.cycle,
                args.files,
                _actor(args),
                dry_run=args.dry_run,
                encoding=args.encoding,
                department=args.dept,
            )
    if args.dry_run or args.dept:
        raise SystemExit("libaudit: --dry-run and --dept are for questionnaires, not a plain responses CSV")
    progress = Progress("importing")
    return _import(
        args,
        "responses",
        lambda s: s.import_responses_csv(_actor(args), args.cycle, plain[0], args.encoding, progress=progress),
    )


def _checklist_import(args: argparse.Namespace) -> int:
    try:
        checklist = Checklist.load(args.file)
    except ChecklistError as e:
        for d in e.diagnostics:
            print(str(d), file=sys.stderr)
        return 1
    with _open(args.db) as s:
        print(s.import_checklist(_actor(args), checklist))
    return 0


def _dept_list(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        depts = s.departments()
    if args.json:
        print(json.dumps([asdict(d) for d in depts], ensure_ascii=False, indent=2))
        return 0
    children = {}
    for d in depts:
        children.setdefault(d.parent_code, []).append(d)
    rows = []

    def walk(parent: str, depth: int) -> None:
        for d in children.get(parent, []):
            rows.append(("  " * depth + d.code, d.name, d.security_officer, d.security_manager))
            walk(d.code, depth + 1)

    walk("", 0)
    print(format_table(["コード", "名称", "情報セキュリティ責任者", "情報セキュリティ管理者"], rows))
    return 0


def _system_list(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        systems = s.systems()
    if args.json:
        print(json.dumps([asdict(x) for x in systems], ensure_ascii=False, indent=2))
        return 0
    print(
        format_table(
            ["システム", "課", "系統", "重要な情報資産"],
            [(x.name, x.department, x.tier, "有" if x.important_assets else "") for x in systems],
        )
    )
    return 0


def _cycle_create(args: argparse.Namespace) -> int:
    departments = [d for d in (p.strip() for p in args.departments.split(",")) if d]
    with _open(args.db) as s:
        print(
            s.create_cycle(
                _actor(args),
                name=args.name,
                kind=args.kind,
                fiscal_year=args.fiscal_year,
                checklist=args.checklist,
                departments=departments,
            )
        )
    return 0


def _cycle_open(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        s.open_cycle(_actor(args), args.id)
    return 0


def _cycle_close(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        s.close_cycle(_actor(args), args.id)
    return 0


def _cycle_list(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        cycles = s.cycles()
        counts = {c.id: s.response_count(c.id) for c in cycles}
    if args.json:
        out = []
        for c in cycles:
            d = asdict(c)
            d["departments"] = list(c.departments)
            d["fiscal_year_label"] = fiscal_year_label(c.fiscal_year)
            d["responses"] = counts[c.id]
            out.append(d)
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(
        format_table(
            ["ID", "名称", "種別", "年度", "点検表", "状態", "課", "回答"],
            [
                (
                    c.id,
                    c.name,
                    c.kind,
                    fiscal_year_label(c.fiscal_year),
                    c.checklist,
                    c.status,
                    len(c.departments),
                    counts[c.id],
                )
                for c in cycles
            ],
            ">" + "<<<><>>",
        )
    )
    return 0


def _responses_list(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        responses = s.responses(args.cycle)
    if args.json:
        print(json.dumps([asdict(r) for r in responses], ensure_ascii=False, indent=2))
        return 0
    print(
        format_table(
            ["課", "項目", "回答", "コメント", "回答者", "回答日時"],
            [(r.department, r.item, r.answer, r.comment, r.answered_by, r.answered_at) for r in responses],
        )
    )
    return 0


def _trail(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        records = s.trail(after=args.after, limit=args.limit)
    if args.json:
        for t in records:
            d = asdict(t)
            d["state"] = json.loads(t.state)
            print(json.dumps(d, ensure_ascii=False))
        return 0
    rows = []
    for t in records:
        state = json.loads(t.state)
        what = f"{len(state['rows'])} responses" if t.action == "batch" else t.state
        rows.append(
            (
                t.seq,
                t.at[:19].replace("T", " "),
                t.actor,
                t.entity,
                t.key,
                t.action,
                what if len(what) <= 60 else what[:57] + "...",
                t.hash[:12],
            )
        )
    print(format_table(["seq", "at (UTC)", "actor", "entity", "key", "action", "state", "hash"], rows, ">" + "<" * 7))
    return 0


def _verify(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        report = s.verify(anchor=args.anchor)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "records": report.records,
                    "rows": report.rows,
                    "head_hash": report.head_hash,
                    "problems": [asdict(p) for p in report.problems],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif report.ok:
        print(f"{args.db}: intact ({report.records} trail records, {report.rows} rows; head {report.head_hash})")
    else:
        for p in report.problems:
            print(str(p))
        print(f"{args.db}: {len(report.problems)} problem(s) found", file=sys.stderr)
    return 0 if report.ok else 1
