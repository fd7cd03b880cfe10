"""``libaudit dept | system``: the organisation — departments (部 and 課) and information systems
(docs/store.md)."""

from __future__ import annotations

import argparse

from .. import labels
from ..i18n import _
from ..store import Department
from ..table import format_table
from .common import actor, command, encoding, group, listed, run_import, writer


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importing = [writer(), encoding()]
    ds = group(sub, "dept", _("departments (部 and 課)"))
    help_ = _("import departments from CSV: code,name,parent_code,security_officer,security_manager")
    command(ds, "import", _dept_import, help_, parents=importing, positionals=["FILE.csv"])
    command(ds, "list", _dept_list, _("list the departments as a tree"), json_flag=True)

    ss = group(sub, "system", _("information systems"))
    help_ = _("import systems from CSV: name,department,tier,important_assets")
    command(ss, "import", _system_import, help_, parents=importing, positionals=["FILE.csv"])
    command(ss, "list", _system_list, _("list the systems"), json_flag=True)


def _dept_import(args: argparse.Namespace) -> int:
    return run_import(args, _("departments"), lambda s: s.import_departments_csv(actor(args), args.file, args.encoding))


def _system_import(args: argparse.Namespace) -> int:
    return run_import(args, _("systems"), lambda s: s.import_systems_csv(actor(args), args.file, args.encoding))


def _dept_list(args: argparse.Namespace) -> int:
    depts = listed(args, lambda s: s.departments())
    if depts is None:
        return 0
    children: dict[str, list[Department]] = {}
    for d in depts:
        children.setdefault(d.parent_code, []).append(d)
    rows: list[tuple[str, str, str, str]] = []

    def walk(parent: str, depth: int) -> None:
        for d in children.get(parent, []):
            rows.append(("  " * depth + d.code, d.name, d.security_officer, d.security_manager))
            walk(d.code, depth + 1)

    walk("", 0)
    roles = [labels.label("role", r) for r in ("security_officer", "security_manager")]
    print(format_table([_("code"), _("name"), *roles], rows))
    return 0


def _system_list(args: argparse.Namespace) -> int:
    systems = listed(args, lambda s: s.systems())
    if systems is None:
        return 0
    rows = [
        (x.name, x.department, labels.shown("tier", x.tier), _("yes") if x.important_assets else "") for x in systems
    ]
    print(format_table([_("system"), _("課"), _("tier"), _("important assets")], rows))
    return 0
