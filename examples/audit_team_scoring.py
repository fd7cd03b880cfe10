"""Where an audit team starts: open a store, score a cycle, list the ten weakest items, write a CSV.

    python examples/audit_team_scoring.py out/demo/demo.db [--cycle ID] [--csv scores.csv]

Without --cycle the latest self-inspection is scored. Formulas: docs/scoring.md.
"""

from __future__ import annotations

import argparse
import csv
import sys

import libaudit


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", help="a libaudit store, e.g. out/demo/demo.db (make demo builds it)")
    ap.add_argument("--cycle", type=int, help="cycle id (default: the latest self-inspection)")
    ap.add_argument("--csv", default="scores_by_department.csv", help="where to write the per-課 table")
    args = ap.parse_args()

    # 1. Open the store read-only in spirit: create=False refuses to make a new, empty file.
    with libaudit.Store(args.db, create=False) as store:
        cycle = args.cycle or max(c.id for c in store.cycles() if c.kind == "self_inspection")
        info = store.cycle(cycle)
        print(f"{store.body} {info.name} ({info.fiscal_year_label}), cycle {cycle}")

        # 2. Read the cycle once; every analysis below works on this snapshot.
        data = store.scoring_data(cycle)

        # 3. The body's 実施率 (implemented / applicable, partial counts half) and 回答率.
        body = data.score("rate", "body").rows[0]
        print(
            f"実施率 {body.score:.1f}%  回答率 {body.response_rate:.1f}%  "
            f"(該当 {body.applicable}, 回答 {body.answered}, 該当なし {body.not_applicable}, 例外 {body.excepted})"
        )

        # 4. The ten weakest items across the body: where to look first.
        print("\n実施率の低い項目:")
        for r in data.weakest_items(10):
            print(f"  {r.score:5.1f}%  {r.group:<10}  {r.name}  ({r.answered}課が回答)")

        # 5. Per 課, with the IPA 自社診断 points beside the rate, to a CSV that opens in Excel
        #    (UTF-8 with BOM so that Excel shows the Japanese names).
        rate = data.score("rate", "department")
        ipa = data.score("ipa", "department")
        with open(args.csv, "w", newline="", encoding="utf-8-sig") as f:
            w = csv.writer(f)
            w.writerow(
                [
                    "課コード",
                    "課名",
                    "部コード",
                    "実施率",
                    "偏差値",
                    "IPA点数",
                    "IPA区分",
                    "該当",
                    "回答",
                    "該当なし",
                    "例外",
                    "回答率",
                ]
            )
            for r, p in zip(rate, ipa):
                w.writerow(
                    [
                        r.group,
                        r.name,
                        r.parent,
                        _round(r.score),
                        _round(r.deviation),
                        _round(p.score),
                        p.band,
                        r.applicable,
                        r.answered,
                        r.not_applicable,
                        r.excepted,
                        _round(r.response_rate),
                    ]
                )
        print(f"\n{len(rate)} 課 written to {args.csv}")
    return 0


def _round(x):
    return "" if x is None else round(x, 1)


if __name__ == "__main__":
    sys.exit(main())
