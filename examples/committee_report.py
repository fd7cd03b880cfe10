"""This year's committee report (情報セキュリティ委員会報告), compared with last year's, as
HTML and PDF.

    python examples/committee_report.py [DB] [OUT_DIR]

DB defaults to the demo store (out/demo/demo.db, built by `make demo` or on the fly here).
PDF needs Chromium (`apt-get install chromium`, or `scripts/install-deps.sh --chromium`);
without it the HTML is still written and the script says how to get the PDF.
"""

from __future__ import annotations

import sys
from pathlib import Path

from libaudit.errors import PdfError

import libaudit

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    db = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "out" / "demo" / "demo.db"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "out" / "examples"
    if not db.exists():
        # No store given and no demo yet: build the 小牧市 demo store (two 年度 of answers).
        from libaudit.demo import build_demo_store

        build_demo_store(db, REPO / "checklists" / "komaki" / "taisaku-kijun.yaml")

    with libaudit.Store(db, create=False) as store:
        # This year's and last year's self-inspection (自己点検): the two latest 年度.
        cycles = sorted((c for c in store.cycles() if c.kind == "self_inspection"), key=lambda c: c.fiscal_year)
        this_year, last_year = cycles[-1], cycles[-2]
        print(f"{store.body}: {this_year.name} compared with {last_year.name}")

        # One call per format; `compare` adds last year's rates, the changes and the arrows.
        html = libaudit.render(
            store, "committee", cycle=this_year.id, compare=last_year.id, format="html", out=out / "committee.html"
        )
        print(html)
        try:
            # PDF: the same HTML printed on A4 by headless Chromium.
            pdf = libaudit.render(
                store, "committee", cycle=this_year.id, compare=last_year.id, format="pdf", out=out / "committee.pdf"
            )
            print(pdf)
        except PdfError as e:
            print(f"no PDF: {e}", file=sys.stderr)

        # The numbers behind the report, e.g. for a cover letter.
        view = libaudit.Reporter(store, this_year.id, compare=last_year.id).view("committee")
        s = view["summary"]
        print(f"全体の実施率 {s['rate_text']}（前年度 {s['previous_rate_text']}、{s['arrow']} {s['change_text']}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
