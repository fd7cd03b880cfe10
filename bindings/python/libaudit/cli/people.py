"""``libaudit person``: the register of people who act (name, 課, roles; docs/findings.md).

``person add/import`` take ``--as NAME`` like the store's commands.
"""

from __future__ import annotations

import argparse

from .. import labels
from ..i18n import _
from ..table import format_table
from .common import actor, command, encoding, group, open_store, print_dicts, writer


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ps = group(sub, "person", "the register of people who act (name, 課, roles)")
    help_ = "import people from CSV: name,department,roles"
    command(ps, "import", _person_import, help_, parents=[writer(), encoding()], positionals=["FILE.csv"])
    x = command(ps, "add", _person_add, "add or update one person", parents=[writer()])
    x.add_argument("name")
    x.add_argument("--dept", required=True, metavar="CODE")
    x.add_argument(
        "--roles",
        required=True,
        metavar="ROLE,…",
        help=_("role ids such as auditor, ciso, security_manager (all of them: libaudit vocabulary role)"),
    )
    command(ps, "list", _person_list, "list the register", json_flag=True)


def _person_import(args: argparse.Namespace) -> int:
    """A refused import raises ImportValidationError (printed by main with its rows)."""
    with open_store(args.db) as s:
        r = s.people.import_csv(actor(args), args.file, args.encoding)
    print(f"people: {r.rows} rows: {r.inserted} new, {r.updated} updated, {r.unchanged} unchanged")
    return 0


def _person_add(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        s.people.add(actor(args), args.name, args.dept, args.roles.replace(",", " "))
    return 0


def _person_list(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        people = s.people.list()
        if args.json:
            print_dicts(people)
            return 0
        names = {d.code: d.name for d in s.departments()}
    rows = [
        [p.name, p.department, names.get(p.department, ""), " ".join(labels.shown("role", r) for r in p.roles)]
        for p in people
    ]
    print(format_table(["氏名", "所属", "課名", "役割"], rows))
    return 0
