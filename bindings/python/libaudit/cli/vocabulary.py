"""``libaudit vocabulary [NAME]``: the vocabularies libaudit's ids come from (answers, cycle
kinds and statuses, severities, finding states, exception statuses, answers to check requests,
roles, tiers, kinds of body, network models), each id with its Japanese label, from the one
label table (libaudit.labels). Messages that list valid ids point here."""

from __future__ import annotations

import argparse

from .. import labels
from ..errors import ValidationError
from ..i18n import _
from ..table import format_table
from .common import print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "vocabulary", help=_("the ids libaudit accepts (answers, roles, tiers and the rest) with their labels")
    )
    p.add_argument(
        "name",
        nargs="?",
        metavar="NAME",
        help=_("one vocabulary: {names}").format(names=", ".join(labels.VOCABULARIES)),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_vocabulary)


def _vocabulary(args: argparse.Namespace) -> int:
    if args.name is not None and args.name not in labels.VOCABULARIES:
        raise ValidationError(
            _("unknown vocabulary '{name}': one of {names}").format(
                name=args.name, names=", ".join(labels.VOCABULARIES)
            )
        )
    names = [args.name] if args.name else list(labels.VOCABULARIES)
    if args.json:
        print_json({n: [{"id": i, "label": label} for i, label in labels.terms(n)] for n in names})  # type: ignore[arg-type]
        return 0
    for k, n in enumerate(names):
        if k:
            print()
        print(f"{n}:")
        print(format_table([_("id"), _("label")], labels.terms(n)))  # type: ignore[arg-type]
    return 0
