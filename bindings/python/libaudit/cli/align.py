"""``libaudit checklist align C.yaml [--model MODEL.yaml] [--ignore-stated] [-o OUT] [--format F]``.

Maps every item of a checklist to the model checklist (標準点検表) and prints the mapping table
(item, model item, confidence, evidence) and the coverage by chapter with the missing measures;
``-o`` writes the coverage report for the 情報セキュリティ委員会 (docs/alignment.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .. import Checklist, _core, labels
from ..coverage import FORMATS, align, coverage_report, default_model_path
from ..errors import ValidationError
from ..files import output_format
from ..i18n import _
from ..table import format_table
from .common import load_checklist


def register_checklist_align(cs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    a = cs.add_parser(
        "align",
        help=_("map a checklist to the model checklist (標準点検表) and list the measures it lacks"),
        description=_(
            "Map every item of a checklist to the items of the model checklist, with evidence and a "
            "confidence, and print the coverage by chapter: the model's measures no item implements "
            "(docs/alignment.md)."
        ),
    )
    a.add_argument("file", metavar="C.yaml", help=_("a checklist YAML file (a body's checklist or a draft)"))
    a.add_argument(
        "--model",
        metavar="MODEL.yaml",
        help=_("the model checklist (default: checklists/model/hyojun-tenkenhyo.yaml)"),
    )
    a.add_argument(
        "--ignore-stated",
        action="store_true",
        help=_("derive every mapping from the texts, ignoring the items' own model: keys"),
    )
    a.add_argument(
        "-o", "--out", metavar="OUT", help=_("write the coverage report here (.html, .pdf, .csv, .md, .json)")
    )
    a.add_argument(
        "--format",
        choices=list(FORMATS),
        help=_("the report's format (default: from the extension of -o, else html)"),
    )
    a.add_argument(
        "--network-model",
        choices=[t for t, _label in labels.terms("network_model")],
        default="",
        help=_("the body's network model: measures for other models are left out of the coverage"),
    )
    a.add_argument(
        "--server-room",
        choices=["yes", "no"],
        help=_("whether the body runs its own server room: with no, its measures are left out of the coverage"),
    )
    a.add_argument("--json", action="store_true", help=_("print the mapping and the coverage as JSON"))
    a.set_defaults(func=_align)


def _model(args: argparse.Namespace) -> Checklist | None:
    path = args.model or default_model_path()
    if path is None:
        raise ValidationError(_("no model checklist found: give --model MODEL.yaml"))
    model = load_checklist(str(path), show_all=args.all)
    if model is not None and not _core.is_model_checklist(model):
        raise ValidationError(
            _("{path} is not a model checklist (kind: model): give the 標準点検表 with --model").format(path=path)
        )
    return model


def evidence_text(c: dict[str, Any]) -> str:
    """One candidate's evidence in words: which signals, the best matching phrases."""
    if c["stated"]:
        return _("stated in the checklist")
    parts = []
    if c["cited"]:
        parts.append(_("the model cites this clause"))
    parts.append(_("text {score:.2f}").format(score=c["text"]))
    if c["section"] > 0:
        parts.append(_("section title {score:.2f}").format(score=c["section"]))
    if c["roles"] > 0:
        parts.append(_("roles {score:.2f}").format(score=c["roles"]))
    if c["phrases"]:
        parts.append(_("shared phrases: {phrases}").format(phrases="・".join(f"「{p}」" for p in c["phrases"])))
    return ", ".join(parts)


def render_alignment(a: dict[str, Any], model: Checklist, checklist: Checklist) -> str:
    rows = []
    for i in a["items"]:
        best = i["candidates"][0] if i["candidates"] else None
        rows.append(
            (
                i["item"],
                i["clause"],
                ", ".join(i["mapped"]) or _("(none)"),
                f"{best['confidence']:.2f}" if best else "—",
                evidence_text(best) if best else "",
            )
        )
    lines = [
        format_table([_("item"), _("clause"), _("model item"), _("confidence"), _("evidence")], rows, "<<<><"),
        "",
        format_table(
            [_("chapter"), _("heading"), _("covered"), _("total"), _("missing")],
            [(c["clause"], c["title"], c["covered"], c["total"], len(c["missing"])) for c in a["chapters"]],
            "<<>>>",
        ),
        "",
        _("covered: {covered} of {total} measures of the model (threshold {threshold:.2f})").format(
            covered=a["covered"], total=a["total"], threshold=a["threshold"]
        ),
    ]
    missing = [
        (m, _core.model_text_for(model.item(m).question, checklist)) for c in a["chapters"] for m in c["missing"]
    ]
    if missing:
        lines += ["", _("measures no item implements:"), format_table([_("model item"), _("measure")], missing, "<<")]
    return "\n".join(lines)


def _align(args: argparse.Namespace) -> int:
    # The report's format before anything is read: -o x.pdf --format html is refused at once.
    fmt = output_format(args.out, args.format, FORMATS, default="html") if args.out else None
    checklist = load_checklist(args.file, show_all=args.all)
    if checklist is None:
        return 1
    model = _model(args)
    if model is None:
        return 1
    profile: dict[str, Any] = {
        "use_stated": not args.ignore_stated,
        "network_model": args.network_model,
        "server_room": None if args.server_room is None else args.server_room == "yes",
    }
    a = align(checklist, model, **profile)
    if args.json:
        print(json.dumps(a, ensure_ascii=False, indent=2))
    elif args.out != "-":  # standard output holds the report alone
        print(render_alignment(a, model, checklist))
    if args.out:
        path = coverage_report(checklist, model, format=fmt, out=args.out, **profile)
        if isinstance(path, str):
            sys.stdout.write(path)
        else:
            print(path)
    return 0
