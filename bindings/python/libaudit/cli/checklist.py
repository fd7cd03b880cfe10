"""``libaudit checklist validate|show`` (and ``import``, ``extract``, ``new`` from their own modules)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from .. import Checklist, ChecklistError, LibauditIOError, labels
from ..files import os_error_text
from ..i18n import _, ngettext
from ..table import format_table
from .common import load_checklist, print_problems
from .extract import item_count


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("checklist", help=_("validate and inspect checklists (点検表)"))
    cs = p.add_subparsers(dest="checklist_command", metavar="SUBCOMMAND")
    cs.required = True

    v = cs.add_parser("validate", help=_("check checklist files; print every problem as FILE:LINE:COL: message"))
    v.add_argument("files", nargs="+", metavar="FILE", help=_("checklist YAML files"))
    v.set_defaults(func=_validate)

    s = cs.add_parser("show", help=_("summarise a checklist: sections, items per role and tier"))
    s.add_argument("file", metavar="FILE", help=_("a checklist YAML file"))
    s.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    s.set_defaults(func=_show)

    from .store import register_checklist_import  # libaudit checklist import DB FILE.yaml

    register_checklist_import(cs)

    from .extract import register_checklist_extract  # libaudit checklist extract POLICY.txt ...

    register_checklist_extract(cs)

    from .align import register_checklist_align  # libaudit checklist align C.yaml [--model M.yaml]

    register_checklist_align(cs)

    from .checklist_new import register_checklist_new  # libaudit checklist new --profile P.yaml -o C.yaml

    register_checklist_new(cs)


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.files:
        try:
            c = Checklist.load(path)
        except ChecklistError as e:
            failed += 1
            print_problems(e.diagnostics, show_all=args.all)
            continue
        except (LibauditIOError, OSError) as e:
            failed += 1
            reason = e if isinstance(e, LibauditIOError) else os_error_text(e)
            print(f"{path}:1:1: {reason}", file=sys.stderr)
            continue
        ok = ngettext("{path}: ok ({id}, {n} item)", "{path}: ok ({id}, {n} items)", len(c))
        print(ok.format(path=path, id=c.id, n=len(c)))
    return 1 if failed else 0


def summary(c: Checklist) -> dict[str, Any]:
    """Counts a person wants first: items per section, per role, per tier."""

    roles = Counter(r for i in c.items for r in i.roles)
    tiers = Counter(t for i in c.items for t in i.applies_to.tiers)
    role_labels = dict(c.roles)
    return {
        "id": c.id,
        "title": c.title,
        "version": c.version,
        "body": c.body,
        "items": len(c),
        "sections": [{"id": s.id, "clause": s.clause, "title": s.title, "items": item_count(s)} for s in c.sections],
        "roles": [
            {"role": r, "label": role_labels.get(r, r), "items": n}
            for r, n in sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "tiers": [{"tier": t, "name": c.tier_name(t), "items": tiers.get(t, 0)} for t, _ in labels.terms("tier")],
    }


def render_summary(s: dict[str, Any]) -> str:
    lines: list[str] = [
        f"{s['title']}",
        _("  id {id}  version {version}  body {body}  items {items}").format(
            id=s["id"], version=s["version"], body=s["body"], items=s["items"]
        ),
        "",
        format_table(
            [_("chapter"), _("heading"), _("items")],
            [(x["clause"], x["title"], x["items"]) for x in s["sections"]],
            "<<>",
        ),
        "",
        format_table(
            [_("role"), "", _("items")],
            [(x["label"], x["role"], x["items"]) for x in s["roles"]],
            "<<>",
        ),
        "",
        format_table(
            [_("tier"), "", _("items")],
            [(x["name"], x["tier"], x["items"]) for x in s["tiers"]],
            "<<>",
        ),
    ]
    return "\n".join(lines)


def _show(args: argparse.Namespace) -> int:
    c = load_checklist(args.file, show_all=args.all)
    if c is None:
        return 1
    s = summary(c)
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
    else:
        print(render_summary(s))
    return 0
