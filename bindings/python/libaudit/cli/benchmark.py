"""``libaudit benchmark STORE... --cycle-year Y [--model-map [PATH]] [--anonymise] [-o OUT]``:
bodies compared on the model checklist's items (or on the checklist they share), 実施率 and
偏差値 overall and per chapter, as a table and as a report (docs/benchmark.md)."""

from __future__ import annotations

import argparse
import contextlib
import json
from typing import Any

from .._core import Checklist
from ..benchmark import benchmark, cycle_in_year, model_checklist_path
from ..errors import LibauditError, ValidationError
from ..i18n import _
from ..report import format_of
from ..table import format_table
from .common import as_of_option, open_store
from .score import _score_header


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("benchmark", help=_("compare bodies (one store each): 実施率 and 偏差値 per body and chapter"))
    p.add_argument("stores", nargs="+", metavar="STORE", help=_("a body's store (an SQLite file)"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--cycle-year", type=int, metavar="YEAR", help=_("the 年度 of every store's cycle (e.g. 2025)"))
    which.add_argument(
        "--cycle", type=int, action="append", metavar="ID", help=_("a cycle id, once per store in the same order")
    )
    p.add_argument(
        "--kind",
        default="self_inspection",
        choices=["self_inspection", "internal_audit", "external_audit"],
        help=_("with --cycle-year: the kind of cycle (default: self_inspection)"),
    )
    p.add_argument(
        "--model-map",
        nargs="?",
        const="",
        metavar="PATH",
        help=_("compare on the model checklist's items through each item's model: (default: the shipped 標準点検表)"),
    )
    p.add_argument("--anonymise", action="store_true", help=_("show bodies as A市, B町 … instead of their names"))
    p.add_argument(
        "--anonymise-key", default="", metavar="KEY", help=_("the secret that orders the letters (docs/benchmark.md)")
    )
    p.add_argument("--model", default="rate", metavar="M", help=_("scoring model (default: rate, 実施率)"))
    p.add_argument(
        "--partial-value", type=float, default=0.5, metavar="P", help=_("rate: the value of 一部実施 (default 0.5)")
    )
    as_of_option(p)
    p.add_argument("-o", "--out", metavar="OUT", help=_("also write the report (.html, .pdf, .csv, .md, .json)"))
    p.add_argument(
        "--format", choices=["html", "md", "csv", "json", "pdf"], help=_("default: from the extension of -o")
    )
    p.add_argument(
        "--templates", metavar="DIR", help=_("your template directory (files missing there: the built-in ones)")
    )
    p.add_argument("--json", action="store_true", help=_("print the view model as JSON instead of the table"))
    p.set_defaults(func=_benchmark)


def _benchmark(args: argparse.Namespace) -> int:
    fmt = format_of(args.out, args.format) if args.out else None
    if args.out == "-":
        raise ValidationError(_("benchmark prints its table on standard output: give -o a file"))
    if args.cycle and len(args.cycle) != len(args.stores):
        raise ValidationError(
            _("give --cycle once per store: {cycles} cycles for {stores} stores").format(
                cycles=len(args.cycle), stores=len(args.stores)
            )
        )
    model = None
    if args.model_map is not None:
        model = Checklist.load(args.model_map or str(model_checklist_path()))
    with contextlib.ExitStack() as stack:
        stores = [stack.enter_context(_open(path)) for path in args.stores]
        cycles = args.cycle or [
            cycle_in_year(s, args.cycle_year, kind=args.kind, name=path) for s, path in zip(stores, args.stores)
        ]
        result = benchmark(
            stores,
            cycles,
            model=model,
            anonymise=args.anonymise,
            key=args.anonymise_key,
            scoring_model=args.model,
            partial_value=args.partial_value,
            as_of=args.as_of,
            templates=args.templates,
        )
    view = result.view()
    if args.json:
        print(json.dumps(view, ensure_ascii=False, indent=2))
    else:
        _print(view)
    if args.out:
        print(result.render(fmt or "html", args.out))
    return 0


def _open(path: str) -> Any:
    """The store read-only; an error names the file (the table must say which store failed)."""
    try:
        return open_store(path, read_only=True)
    except LibauditError as e:
        raise type(e)(_("{path}: cannot be read as a store: {error}").format(path=path, error=e)) from None


def _print(view: dict[str, Any]) -> None:
    title = _("{title}: {n} bodies on {checklist} {version}").format(
        title=view["report"]["title"],
        n=view["body_count"],
        checklist=view["checklist"]["id"] or "-",
        version=view["checklist"]["version"],
    )
    print(title)
    headers = [
        _("body"),
        _("年度"),
        _("point"),
        _score_header(view["model"]),
        _("偏差値"),
        _("applicable"),
        _("answered"),
    ]
    if view["model_map"]:
        headers.append(_("unmapped items"))
    rows = []
    for b in view["bodies"]:
        row = [b["label"], b["fiscal_year_label"], _point(b), b["score_text"], b["deviation_text"]]
        row += [b["applicable"], b["answered"]] + ([b["unmapped_items"]] if view["model_map"] else [])
        rows.append(row)
    print(format_table(headers, rows, align="<<<>>>>" + (">" if view["model_map"] else "")))
    d = view["distribution"]
    print(
        _("n={n}  mean {mean}  sd {sd}  min {min}  median {median}  max {max}").format(
            n=d["n"],
            mean=d["mean_text"],
            sd=d["sd_text"],
            min=d["min_text"],
            median=d["median_text"],
            max=d["max_text"],
        )
    )
    print()
    print(_("per chapter: score (偏差値)"))
    chapter_headers = [_("body")] + [f"{c['id']} {c['title']}" for c in view["chapters"]]
    chapter_rows = [
        [b["label"]] + [f"{c['score_text']} ({c['deviation_text']})" for c in b["cells"]] for b in view["bodies"]
    ]
    print(format_table(chapter_headers, chapter_rows, align="<" + ">" * len(view["chapters"])))


def _point(b: dict[str, Any]) -> str:
    point = f"{b['point']['seq']}:{b['point']['hash'][:12]}"
    if not b["closed"]:
        return _("open, as of {point}").format(point=point)
    if b["edition"]:
        return _("closed, edition {edition} ({point})").format(edition=b["edition"], point=point)
    return _("closed, not published ({point})").format(point=point)
