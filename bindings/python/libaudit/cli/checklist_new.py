"""``libaudit checklist new [--model MODEL.yaml] --profile P.yaml -o C.yaml``: a body's checklist
from the model checklist (標準点検表) and the body's profile (docs/profiles.md), written whole or
not at all, with a one-line summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import BodyProfile, Checklist, ChecklistError, checklist_for_body, left_out_items
from ..checklists import shipped_model
from ..files import write_text
from ..i18n import _, ngettext
from .common import load_checklist, print_problems


def register_checklist_new(cs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    n = cs.add_parser(
        "new",
        help=_("write a body's checklist from the model checklist (標準点検表) and the body's profile"),
        description=_(
            "Write a body's checklist from the model checklist and a body profile: every placeholder "
            "filled with the body's name, titles and tier names, the measures of other network models "
            "and of a server room the body does not run left out (docs/profiles.md)."
        ),
    )
    n.add_argument(
        "--model",
        metavar="MODEL.yaml",
        help=_("the model checklist (default: the 標準点検表 shipped with libaudit)"),
    )
    n.add_argument("--profile", required=True, metavar="P.yaml", help=_("the body profile (docs/profiles.md)"))
    n.add_argument("-o", "--output", required=True, metavar="C.yaml", help=_("write the body's checklist here"))
    n.set_defaults(func=_new)


def summary(output: str, c: Checklist, left_out: list[tuple[str, str]]) -> str:
    """One line: the file, the body, items, body-level items and what was left out and why."""
    body_level = sum(1 for i in c.items if i.respondent == "body")
    by_network = sum(1 for _id, why in left_out if why == "network_model")
    by_room = sum(1 for _id, why in left_out if why == "server_room")
    return _(
        "{file}: {body} ({id}), {items}, {body_level}; left out: {network} for the network model, "
        "{room} for having no server room"
    ).format(
        file=output,
        body=c.body,
        id=c.id,
        items=ngettext("{n} item", "{n} items", len(c)).format(n=len(c)),
        body_level=ngettext(
            "{n} body-level item (全庁共通事項)", "{n} body-level items (全庁共通事項)", body_level
        ).format(n=body_level),
        network=by_network,
        room=by_room,
    )


def _new(args: argparse.Namespace) -> int:
    model = load_checklist(args.model or str(shipped_model()), show_all=args.all)
    if model is None:
        return 1
    try:
        profile = BodyProfile.load(args.profile)
        c = checklist_for_body(model, profile)
    except ChecklistError as e:
        print_problems(e.diagnostics, show_all=args.all)
        return 1
    header = _("{id}: written by libaudit checklist new from {model} version {version} and the profile {profile}")
    names = {"id": c.id, "model": model.title, "version": model.version, "profile": Path(profile.origin).name}
    write_text(args.output, c.to_yaml(header.format(**names)))
    print(summary(args.output, c, left_out_items(model, profile)), file=sys.stdout)
    return 0
