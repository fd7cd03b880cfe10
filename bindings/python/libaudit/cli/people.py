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
    ps = group(sub, "person", _("the register of people who act (name, 課, roles)"))
    help_ = _("import people from CSV: name,department,roles")
    command(ps, "import", _person_import, help_, parents=[writer(), encoding()], positionals=["FILE.csv"])
    x = command(ps, "add", _person_add, _("add or update one person"), parents=[writer()])
    x.add_argument("name", help=_("the person's name as written in the register"))
    x.add_argument("--dept", required=True, metavar="CODE")
    x.add_argument(
        "--roles",
        required=True,
        metavar="ROLE,…",
        help=_("role ids such as auditor, ciso, security_manager (all of them: libaudit vocabulary role)"),
    )
    command(ps, "list", _person_list, _("list the register"), json_flag=True)


def _person_import(args: argparse.Namespace) -> int:
    """A refused import raises ImportValidationError (printed by main with its rows)."""
    with open_store(args.db) as s:
        r = s.people.import_csv(actor(args), args.file, args.encoding)
    print(
        _("people: {rows} rows: {inserted} new, {updated} updated, {unchanged} unchanged").format(
            rows=r.rows, inserted=r.inserted, updated=r.updated, unchanged=r.unchanged
        )
    )
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
    roles = {p.name: " ".join(labels.shown("role", r) for r in p.roles) for p in people}
    rows = [[p.name, p.department, names.get(p.department, ""), roles[p.name]] for p in people]
    print(format_table([_("name"), _("課"), _("課 name"), _("roles")], rows))
    return 0
