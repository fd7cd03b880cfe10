"""The yearly exchange with the 課: hand out questionnaires, read the returned ones back.

    # April: one workbook per 課, with last year's answers already filled in
    python examples/department_roundtrip.py export audit.db --cycle 3 --last 2 --out 配布/
    # June: the 課 have sent their workbooks back (e-mail, shared folder); import them all
    python examples/department_roundtrip.py import audit.db --cycle 3 --returned 回収/ --as "情報政策課 渡辺"

The same with the command line: ``libaudit export audit.db --cycle 3 --all-depts --carry-over 2
-o 配布/`` and ``libaudit responses import audit.db --cycle 3 回収/ [--dry-run]``.
See docs/exchange.md for what the workbook holds and what the import checks.
"""

from __future__ import annotations

import argparse
import sys

from libaudit.errors import QuestionnaireError

from libaudit import Store, exchange


def export(args: argparse.Namespace) -> int:
    with Store(args.db, create=False) as store:
        cycle = store.cycle(args.cycle)
        print(f"{cycle.name} ({cycle.fiscal_year_label}): {len(cycle.departments)} 課")
        # Only the items that apply to each 課 are listed (a 課 without systems gets no system
        # items). carry_over_from pre-fills last year's answer, comment and evidence by item id,
        # so a 課 only reviews what changed. The workbooks are tied to this store, this cycle
        # and each 課 by a keyed checksum: they cannot be swapped or edited unnoticed.
        paths = exchange.export_all(
            store,
            args.cycle,
            args.out,
            carry_over_from=args.last,
            deadline=args.deadline,
            contact=args.contact,
            progress=lambda done, total: print(f"\r{done}/{total}", end="", file=sys.stderr),
        )
        print(file=sys.stderr)
    for p in paths:
        print(p)
    return 0


def import_(args: argparse.Namespace) -> int:
    with Store(args.db, create=False) as store:
        # First a dry run: every problem of every file is listed (wrong 課 or cycle, edited rows,
        # answers not in the list, damaged files), and nothing is written if there is any.
        try:
            exchange.import_files(store, args.cycle, [args.returned], args.actor, dry_run=True)
        except QuestionnaireError as e:
            print(e, file=sys.stderr)
            print("Send these files back to their 課 with the problems above, then run this again.", file=sys.stderr)
            return 1
        # Then for real: all answers of all files in one transaction. Blank answers stay
        # unanswered; a file imported twice changes nothing; a corrected file changes only what
        # changed. The trail records who imported which files and their SHA-256.
        result = exchange.import_files(store, args.cycle, [args.returned], args.actor)
    print(result.table())
    print(f"{result.inserted} new and {result.updated} changed answers")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description="Questionnaires out to the 課, answers back in.")
    sub = ap.add_subparsers(dest="step", required=True)
    e = sub.add_parser("export")
    e.add_argument("db")
    e.add_argument("--cycle", type=int, required=True, help="this year's cycle (open)")
    e.add_argument("--last", type=int, help="last year's cycle of the same checklist, to carry answers over")
    e.add_argument("--out", required=True, help="folder for the workbooks")
    e.add_argument("--deadline", help="回答期限, YYYY-MM-DD")
    e.add_argument("--contact", default="情報政策課", help="問い合わせ先")
    e.set_defaults(func=export)
    i = sub.add_parser("import")
    i.add_argument("db")
    i.add_argument("--cycle", type=int, required=True)
    i.add_argument("--returned", required=True, help="folder of returned workbooks (.xlsx) or CSV files")
    i.add_argument("--as", dest="actor", required=True, help="who imports (recorded in the trail)")
    i.set_defaults(func=import_)
    args = ap.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
