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

from ..dates import day_argument
from ..scoring import GROUPINGS, CycleData, GroupScore, model_names
from ..store import fiscal_year_label
from ..table import format_table
from .common import open_store

_GROUP_HEADER = {
    "department": "課",
    "parent": "部",
    "chapter": "章",
    "section": "節",
    "role": "役割",
    "tier": "系統",
    "item": "項目",
    "body": "団体",
}
_MODEL_HEADER = {"rate": "実施率", "ipa": "IPA点数"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("score", help="scores of a cycle: 実施率, IPA points, XCCDF models, by 課/部/章/…")
    p.add_argument("db", metavar="DB")
    p.add_argument("--cycle", type=int, required=True, metavar="ID")
    p.add_argument(
        "--model",
        default="rate",
        metavar="M",
        help="rate (実施率, default), ipa, xccdf_default, xccdf_flat, xccdf_flat_unweighted, xccdf_absolute",
    )
    p.add_argument("--by", default="department", choices=GROUPINGS, help="how to group (default: department = 課)")
    p.add_argument(
        "--partial-value", type=float, default=0.5, metavar="P", help="rate: the value of 一部実施 (default 0.5)"
    )
    p.add_argument("--compare", type=int, metavar="ID", help="another cycle (e.g. last 年度) to compare with")
    p.add_argument(
        "--as-of",
        type=day_argument,
        metavar="DATE",
        help="an open cycle as the store stood at the end of DATE in Japan (YYYY-MM-DD; default now); "
        "a closed cycle is always read at its close (docs/scoring.md)",
    )
    p.add_argument("--matrix", action="store_true", help="課 × chapter instead of --by")
    p.add_argument("--weakest", type=int, metavar="N", help="the N items with the lowest score instead of --by")
    p.add_argument("--json", action="store_true", help="a list of objects, one per group")
    p.set_defaults(func=_score)


def fmt(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{digits}f}"


def signed(x: float | None) -> str:
    return "-" if x is None else f"{x:+.1f}"


def _score_header(model: str) -> str:
    return _MODEL_HEADER.get(model, model)


def _title(data: CycleData, what: str) -> str:
    c, p = data.cycle, data.point
    at = f"証跡 {p['seq']}:{p['hash'][:12]} 時点" if p["seq"] else "証跡なし"
    return f"{c['name']} (cycle {c['id']}, {fiscal_year_label(c['fiscal_year'])}, {at}): {what}"


def _counts(r: GroupScore) -> list[Any]:
    return [r.applicable, r.answered, r.not_applicable, r.excepted, fmt(r.response_rate)]


_COUNT_HEADERS = ["該当", "回答", "該当なし", "例外", "回答率%"]


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
        return ["score", "maximum"]
    if model == "ipa":
        return [_score_header(model), "band"]
    return [_score_header(model)]


def _json_row(r: GroupScore) -> dict[str, Any]:
    return r.to_dict()


def _score(args: argparse.Namespace) -> int:
    if args.model not in model_names():
        raise SystemExit(f"libaudit: unknown model {args.model!r}: one of {', '.join(model_names())}")
    opts = {"partial_value": args.partial_value}
    with open_store(args.db, read_only=True) as store:
        # Each cycle by the as-of rule, with the exceptions that count for it (docs/scoring.md).
        data = store.scoring_data(args.cycle, args.as_of)
        if args.as_of and data.cycle["status"] == "closed":
            print(
                f"libaudit: 実施回 {args.cycle} は締切済みのため --as-of {args.as_of} は使わず、締切時点の数値を示す"
                " (docs/scoring.md「As of」)",
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
            print(_title(data, f"{_score_header(args.model)}の低い項目 {len(rows)}件"))
            print(
                format_table(
                    ["項目", "章", "点検項目"] + _score_headers(args.model) + _COUNT_HEADERS,
                    [[r.group, r.parent, r.name] + _score_cells(r, args.model) + _counts(r) for r in rows],
                    "<<<" + ">" * (len(_score_headers(args.model)) + 5),
                )
            )
            return 0
        table = data.score(args.model, args.by, **opts)
        if args.json:
            print(json.dumps([_json_row(r) for r in table], ensure_ascii=False, indent=2))
            return 0
        print(_title(data, f"{_score_header(args.model)} by {_GROUP_HEADER[args.by]} ({args.by})"))
        heads = _score_headers(args.model)
        print(
            format_table(
                [_GROUP_HEADER[args.by], "名称"] + heads + ["偏差値"] + _COUNT_HEADERS,
                [[r.group, r.name] + _score_cells(r, args.model) + [fmt(r.deviation)] + _counts(r) for r in table],
                "<<" + ">" * (len(heads) + 6),
            )
        )
        d = table.distribution
        if d.n > 1:
            print(
                f"n={d.n}  平均 {fmt(d.mean)}  標準偏差 {fmt(d.sd)}  最小 {fmt(d.min)}  中央値 {fmt(d.median)}  "
                f"最大 {fmt(d.max)}"
            )
    return 0


def _matrix(data: CycleData, args: argparse.Namespace, opts: dict[str, Any]) -> int:
    m = data.matrix(args.model, **opts)
    if args.json:
        print(json.dumps(m.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(_title(data, f"{_score_header(args.model)} 課 × 章"))
    headers = ["課", "名称", "全体"] + [c.group for c in m.columns]
    rows = [[r.group, r.name, fmt(r.score)] + [fmt(c.score) for c in cells] for r, cells in zip(m.rows, m.cells)]
    rows.append(["", "全課", ""] + [fmt(c.score) for c in m.columns])
    print(format_table(headers, rows, "<<" + ">" * (1 + len(m.columns))))
    print("章: " + "  ".join(f"{c.group} {c.name}" for c in m.columns))
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
        f"{_score_header(args.model)} by {_GROUP_HEADER[args.by]} ({args.by}): cycle {c.before_cycle} ({yb}) → "
        f"cycle {c.after_cycle} ({ya})"
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
    print(format_table([_GROUP_HEADER[args.by], "名称", yb, ya, "増減", "該当", "回答"], rows, "<<>>>>>"))
    for label, xs in (
        ("追加された項目", c.items_added),
        ("削除された項目", c.items_removed),
        (f"{ya}のみの課", c.departments_added),
        (f"{yb}のみの課", c.departments_removed),
    ):
        if xs:
            print(f"{label}: {', '.join(xs)}")
    return 0
