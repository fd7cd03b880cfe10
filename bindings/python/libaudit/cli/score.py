"""``libaudit score DB --cycle ID``: scores of a cycle (docs/scoring.md).

Prints an aligned table (Japanese names aligned by display width), one row per group, with the
counts behind every figure; ``--json`` prints a list of objects instead. ``--compare ID`` puts
another cycle (usually the previous 年度) beside it, ``--matrix`` prints 課 × chapter and
``--weakest N`` the N lowest-scoring items.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from ..i18n import _
from ..scoring import GROUPINGS, CycleData, GroupScore, model_names
from ..store import fiscal_year_label
from ..table import format_table
from .common import as_of_option, open_store


def _group_header(by: str) -> str:
    """The heading of a grouping's column, in the language in use."""
    headers = {
        "department": _("課"),
        "parent": _("部"),
        "chapter": _("chapter"),
        "section": _("section"),
        "role": _("role"),
        "tier": _("tier"),
        "item": _("item"),
        "body": _("body"),
    }
    return headers[by]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("score", help=_("scores of a cycle: 実施率, IPA points, XCCDF models, by 課/部/章/…"))
    p.add_argument("db", metavar="DB", help=_("the store (an SQLite file)"))
    p.add_argument("--cycle", type=int, required=True, metavar="ID", help=_("the cycle's id"))
    p.add_argument(
        "--model",
        default="rate",
        metavar="M",
        help=_("rate (実施率, default), ipa, xccdf_default, xccdf_flat, xccdf_flat_unweighted, xccdf_absolute"),
    )
    p.add_argument("--by", default="department", choices=GROUPINGS, help=_("how to group (default: department = 課)"))
    p.add_argument(
        "--partial-value", type=float, default=0.5, metavar="P", help=_("rate: the value of 一部実施 (default 0.5)")
    )
    p.add_argument("--compare", type=int, metavar="ID", help=_("another cycle (e.g. last 年度) to compare with"))
    as_of_option(p)
    p.add_argument("--matrix", action="store_true", help=_("課 × chapter instead of --by"))
    p.add_argument("--weakest", type=int, metavar="N", help=_("the N items with the lowest score instead of --by"))
    p.add_argument("--json", action="store_true", help=_("a list of objects, one per group"))
    p.set_defaults(func=_score)


def fmt(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{digits}f}"


def signed(x: float | None) -> str:
    return "-" if x is None else f"{x:+.1f}"


def _score_header(model: str) -> str:
    headers = {"rate": _("実施率"), "ipa": _("IPA points")}
    return headers.get(model, model)


def _title(data: CycleData, what: str) -> str:
    c, p = data.cycle, data.point
    at = _("trail {seq}:{hash}").format(seq=p["seq"], hash=p["hash"][:12]) if p["seq"] else _("no trail")
    return _("{name} (cycle {id}, {year}, {at}): {what}").format(
        name=c["name"], id=c["id"], year=fiscal_year_label(c["fiscal_year"]), at=at, what=what
    )


def _counts(r: GroupScore) -> list[Any]:
    return [r.applicable, r.answered, r.not_applicable, r.excepted, fmt(r.response_rate)]


def _count_headers() -> list[str]:
    return [_("applicable"), _("answered"), _("not applicable"), _("excepted"), _("response rate %")]


def _score_cells(r: GroupScore, model: str) -> list[str]:
    if model in ("xccdf_flat", "xccdf_flat_unweighted"):
        return [fmt(r.score, 2), fmt(r.maximum, 2)]
    if model == "ipa":
        return [fmt(r.score), r.band or "-"]
    if model == "xccdf_absolute":
        return [fmt(r.score, 0)]
    return [fmt(r.score)]


def _score_headers(model: str) -> list[str]:
    if model in ("xccdf_flat", "xccdf_flat_unweighted"):
        return [_("score"), _("maximum")]
    if model == "ipa":
        return [_score_header(model), _("band")]
    return [_score_header(model)]


def _json_row(r: GroupScore) -> dict[str, Any]:
    return r.to_dict()


def _score(args: argparse.Namespace) -> int:
    if args.model not in model_names():
        raise SystemExit(
            "libaudit: "
            + _("unknown model {model!r}: one of {models}").format(model=args.model, models=", ".join(model_names()))
        )
    opts = {"partial_value": args.partial_value}
    with open_store(args.db, read_only=True) as store:
        # Each cycle by the as-of rule, with the exceptions that count for it (docs/scoring.md).
        data = store.scoring_data(args.cycle, args.as_of)
        if args.as_of and data.cycle["status"] == "closed":
            print(
                "libaudit: "
                + _(
                    "cycle {cycle} is closed: --as-of {as_of} is not used; the figures are those of its close "
                    "(docs/scoring.md, As of)"
                ).format(cycle=args.cycle, as_of=args.as_of),
                file=sys.stderr,
            )
        if args.compare is not None:
            return _compare(store.scoring_data(args.compare, args.as_of), data, args, opts)
        if args.matrix:
            return _matrix(data, args, opts)
        if args.weakest is not None:
            rows = data.weakest_items(args.weakest, args.model, **opts)
            if args.json:
                print(json.dumps([_json_row(r) for r in rows], ensure_ascii=False, indent=2))
                return 0
            print(
                _title(data, _("the {n} items lowest in {score}").format(n=len(rows), score=_score_header(args.model)))
            )
            print(
                format_table(
                    [_("item"), _("chapter"), _("点検項目")] + _score_headers(args.model) + _count_headers(),
                    [[r.group, r.parent, r.name] + _score_cells(r, args.model) + _counts(r) for r in rows],
                    "<<<" + ">" * (len(_score_headers(args.model)) + 5),
                )
            )
            return 0
        table = data.score(args.model, args.by, **opts)
        if args.json:
            print(json.dumps([_json_row(r) for r in table], ensure_ascii=False, indent=2))
            return 0
        print(
            _title(
                data,
                _("{score} by {group} ({by})").format(
                    score=_score_header(args.model), group=_group_header(args.by), by=args.by
                ),
            )
        )
        heads = _score_headers(args.model)
        print(
            format_table(
                [_group_header(args.by), _("name")] + heads + [_("偏差値")] + _count_headers(),
                [[r.group, r.name] + _score_cells(r, args.model) + [fmt(r.deviation)] + _counts(r) for r in table],
                "<<" + ">" * (len(heads) + 6),
            )
        )
        d = table.distribution
        if d.n > 1:
            print(
                _("n={n}  mean {mean}  SD {sd}  min {min}  median {median}  max {max}").format(
                    n=d.n, mean=fmt(d.mean), sd=fmt(d.sd), min=fmt(d.min), median=fmt(d.median), max=fmt(d.max)
                )
            )
    return 0


def _matrix(data: CycleData, args: argparse.Namespace, opts: dict[str, Any]) -> int:
    m = data.matrix(args.model, **opts)
    if args.json:
        print(json.dumps(m.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(_title(data, _("{score}, 課 × chapter").format(score=_score_header(args.model))))
    headers = [_("課"), _("name"), _("overall")] + [c.group for c in m.columns]
    rows = [[r.group, r.name, fmt(r.score)] + [fmt(c.score) for c in cells] for r, cells in zip(m.rows, m.cells)]
    rows.append(["", _("all 課"), ""] + [fmt(c.score) for c in m.columns])
    print(format_table(headers, rows, "<<" + ">" * (1 + len(m.columns))))
    print(_("chapters: {chapters}").format(chapters="  ".join(f"{c.group} {c.name}" for c in m.columns)))
    return 0


def _compare(before: CycleData, after: CycleData, args: argparse.Namespace, opts: dict[str, Any]) -> int:
    c = before.compare(after, args.by, args.model, **opts)
    if args.json:
        out = []
        for r in c.rows:
            side = r.after or r.before
            assert side is not None  # a row is in at least one of the cycles
            o = {
                "group": r.group,
                "name": r.name,
                "score": r.after.score if r.after else None,
                "before": r.before.score if r.before else None,
                "change": r.change,
                "applicable": side.applicable,
                "answered": side.answered,
                "not_applicable": side.not_applicable,
                "excepted": side.excepted,
            }
            if args.model == "ipa":
                o["band"] = r.after.band if r.after else ""
            out.append(o)
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    yb, ya = fiscal_year_label(c.before_year), fiscal_year_label(c.after_year)
    print(
        _("{score} by {group} ({by}): cycle {before} ({yb}) → cycle {after} ({ya})").format(
            score=_score_header(args.model),
            group=_group_header(args.by),
            by=args.by,
            before=c.before_cycle,
            yb=yb,
            after=c.after_cycle,
            ya=ya,
        )
    )
    rows = [
        [
            r.group,
            r.name,
            fmt(r.before.score if r.before else None),
            fmt(r.after.score if r.after else None),
            signed(r.change),
            r.after.applicable if r.after else "-",
            r.after.answered if r.after else "-",
        ]
        for r in c.rows
    ]
    heads = [_group_header(args.by), _("name"), yb, ya, _("change"), _("applicable"), _("answered")]
    print(format_table(heads, rows, "<<>>>>>"))
    for label, xs in (
        (_("items added"), c.items_added),
        (_("items removed"), c.items_removed),
        (_("課 only in {year}").format(year=ya), c.departments_added),
        (_("課 only in {year}").format(year=yb), c.departments_removed),
    ):
        if xs:
            print(f"{label}: {', '.join(xs)}")
    return 0
