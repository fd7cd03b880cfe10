"""`make demo`: a tour of libaudit on the bundled data.

Each step prints what an audit team would look at. Steps are added as capabilities land
(checklists today; the store, scores, findings and reports as they come).
"""
from __future__ import annotations

import sys
from pathlib import Path

import libaudit
from libaudit.cli.checklist import render_summary, summary
from libaudit.table import format_table

REPO = Path(__file__).resolve().parents[1]
CHECKLISTS = REPO / "checklists"
OUT = REPO / "out" / "demo"


def heading(title: str) -> None:
    print()
    print(title)
    print("=" * libaudit.display_width(title))


def step_checklists() -> list:
    """Load every checklist under checklists/ and summarise each."""
    heading("点検表 (checklists)")
    loaded = []
    for path in sorted(CHECKLISTS.rglob("*.yaml")):
        c = libaudit.Checklist.load(path)
        loaded.append((path, c))
    print(
        format_table(
            ["団体", "点検表", "版", "章", "項目数", "ファイル"],
            [
                (c.body, c.title, c.version, len(c.sections), len(c), p.relative_to(REPO).as_posix())
                for p, c in loaded
            ],
            "<<<>><",
        )
    )
    for path, c in loaded:
        print()
        print(render_summary(summary(c)))
    return loaded


def step_scores(store_path: Path) -> None:
    """The committee's three questions from the demo store's two 年度: how is each 課 doing,
    where are we weakest, are we better than last year (実施率, docs/scoring.md)."""
    from libaudit.demo import build_demo_store

    heading("実施率 (implementation rates), 令和6年度 → 令和7年度")
    if not store_path.exists():
        build_demo_store(store_path, CHECKLISTS / "komaki" / "taisaku-kijun.yaml")
    with libaudit.Store(store_path, create=False) as store:
        cycles = {c.fiscal_year: c for c in store.cycles() if c.kind == "self_inspection"}
        before, after = cycles[min(cycles)], cycles[max(cycles)]
        yb, ya = before.fiscal_year_label, after.fiscal_year_label
        a, b = store.scoring_data(before.id), store.scoring_data(after.id)

        def pct(x):
            return "-" if x is None else f"{x:.1f}"

        body = a.compare(b, by="body").rows[0]
        print(f"{store.body} 全体: {pct(body.before.score)}% → {pct(body.after.score)}% ({body.change:+.1f} ポイント); "
              f"回答率 {pct(body.after.response_rate)}%")
        for by, label in (("department", "課"), ("chapter", "章")):
            c = a.compare(b, by=by)
            print()
            print(format_table(
                [label, "名称", yb, ya, "増減", "該当", "回答"],
                [(r.group, r.name, pct(r.before.score if r.before else None), pct(r.after.score if r.after else None),
                  "-" if r.change is None else f"{r.change:+.1f}", r.after.applicable if r.after else "-",
                  r.after.answered if r.after else "-") for r in c],
                "<<>>>>>"))
        print()
        print(f"{ya} 実施率の低い項目:")
        print(format_table(["項目", "実施率", "点検項目"],
                           [(r.group, pct(r.score), r.name) for r in b.weakest_items(5)], "<><"))


def step_questionnaires() -> None:
    """The yearly exchange with the 課 (libaudit.exchange, docs/exchange.md): export each 課's
    workbook for a new cycle with last year's answers carried over, fill them in as the 課
    would, and import them all in one go."""
    import random
    import shutil

    from openpyxl import load_workbook

    from libaudit import exchange
    from libaudit.demo import build_demo_store

    heading("点検票の配布と回収 (questionnaires out, answers in)")
    folder = OUT / "questionnaires"
    shutil.rmtree(folder, ignore_errors=True)
    info = build_demo_store(folder / "exchange.db", CHECKLISTS / "komaki" / "taisaku-kijun.yaml")
    with libaudit.Store(folder / "exchange.db") as store:
        last = info["cycles"][2025]["id"]
        cycle = store.create_cycle("情報政策課", name="令和8年度 情報セキュリティ自己点検", kind="self_inspection",
                                   fiscal_year=2026, checklist=info["checklist"])
        store.open_cycle("情報政策課", cycle)
        paths = exchange.export_all(store, cycle, folder / "out", carry_over_from=last, deadline="2026-06-30",
                                    contact="総務部 情報政策課 内線 2301")
        print(f"exported {len(paths)} workbooks to {(folder / 'out').relative_to(REPO)} "
              f"(last year's answers pre-filled; e.g. {paths[0].name})")
        # Each 課 reviews its workbook: most answers stand, some improve, a few are left blank.
        rng = random.Random(2026)
        returned = folder / "returned"
        returned.mkdir()
        for p in paths:
            wb = load_workbook(p)
            ws = wb[exchange.SHEET_QUESTIONS]
            for row in ws.iter_rows(min_row=exchange.HEADER_ROW + 1):
                if not row[7].value:
                    continue
                x = rng.random()
                if x < 0.03:
                    row[4].value = row[5].value = row[6].value = None   # not answered yet
                elif x < 0.15 and row[4].value in ("一部実施している", "実施していない", "わからない"):
                    row[4].value = "実施している"
                    row[5].value = "令和8年度に手順を整備し、実施した。"
                elif not row[4].value:
                    row[4].value = "わからない"
            wb.save(returned / p.name)
        result = exchange.import_files(store, cycle, [returned], actor="情報政策課 渡辺")
        shown = exchange.ImportSummary(result.cycle, result.files[:5], result.dry_run)
        print(shown.table().rsplit("\n", 1)[0])
        print(f"… {len(result.files)} files: {result.answered:,} answers, {result.inserted:,} written in one "
              f"transaction; {sum(f.blank for f in result.files)} left blank")
        again = exchange.import_files(store, cycle, [returned], actor="情報政策課 渡辺")
        print(f"the same folder again: {again.changed} changes")


def step_findings(store_path: Path) -> None:
    """The follow-up of an internal audit (libaudit.findings, docs/findings.md): people, findings
    raised and moved through remediation, a 横展開 to the other 課, drafts promoted from the
    self-inspection, an exception approved by the CISO and its effect on the score."""
    from libaudit.cli.findings import EXCEPTION_HEADERS, FINDING_HEADERS, exception_rows, finding_rows
    from libaudit.demo import build_demo_store

    heading("指摘事項と例外措置 (findings, 横展開, exceptions)")
    if not store_path.exists():
        build_demo_store(store_path, CHECKLISTS / "komaki" / "taisaku-kijun.yaml")
    name = "令和7年度 情報セキュリティ内部監査"
    today = "2026-04-15"  # the demo's fixed "today" (Japan), so the output does not drift
    with libaudit.Store(store_path, create=False) as store:
        if not any(c.name == name for c in store.cycles()):
            _raise_demo_findings(store, name)
        audit = next(c for c in store.cycles() if c.name == name)
        found = store.findings.list(cycle=audit.id, drafts=False, today=today)
        print(f"{name} (cycle {audit.id}): {len(found)} findings; as of {today}:")
        print(format_table(FINDING_HEADERS, finding_rows(found, today), ">><<<<<><<"))
        first = found[0]
        print()
        print(f"指摘 {first.id} の経過:")
        print(format_table(["日時 (UTC)", "担当", "変更後", "メモ"],
                           [(t.at[:19], t.by, dict(libaudit.findings.STATES)[t.to_state], t.note)
                            for t in store.findings.history(first.id)]))
        print()
        groups = store.findings.overdue_by_department(today)
        print("期限超過 (課別): " + ", ".join(f"{g.department} {g.name} {g.count}件 (最長{g.oldest_days}日)"
                                              for g in groups))
        drafts = store.findings.list(cycle=audit.id, state="draft")
        print(f"自己点検から昇格した未確定の指摘: {len(drafts)}件 (監査人が確認または取消)")
        print()
        print("例外措置:")
        print(format_table(EXCEPTION_HEADERS, exception_rows(store.exceptions.list(today=today), today)))
        si = max((c for c in store.cycles() if c.kind == "self_inspection"), key=lambda c: c.fiscal_year)
        with_x = {r.group: r for r in store.score(si.id, as_of=today)}["2030"]
        without = {r.group: r for r in store.score(si.id, exceptions=())}["2030"]
        print(f"{si.fiscal_year_label} 2030 {with_x.name}の実施率: {without.score:.1f}% → 承認済みの例外措置を"
              f"分母から除くと {with_x.score:.1f}% (例外 {with_x.excepted} 件)")
        print(f"trail verified: {store.verify().ok}")


def _raise_demo_findings(store, name: str) -> None:
    f, x = store.findings, store.exceptions
    leaves = [d for d in store.departments() if d.is_leaf]
    people = [(d.security_manager, d.code, "security_manager") for d in leaves if d.security_manager]
    people += [("監査 一郎", "2010", "auditor"), ("監査 二郎", "2010", "auditor"),
               ("総務部長 監査統括", "20", "chief_auditor"), ("副市長 CISO", "10", "ciso")]
    store.people.import_rows("demo", people)
    mgr = {d.code: d.security_manager for d in leaves}
    si = max((c for c in store.cycles() if c.kind == "self_inspection"), key=lambda c: c.fiscal_year)
    audit = store.create_cycle("demo", name=name, kind="internal_audit", fiscal_year=2025, checklist=si.checklist,
                               departments=["1020", "2030", "3010", "2010"])
    store.open_cycle("demo", audit)
    checklist = store.load_checklist(si.checklist)
    everywhere = [i.id for i in checklist if i.applies_to.departments == "all" and not i.applies_to.tiers
                  and "audit" in i.audience][:40]
    a = f.open("監査 一郎", cycle=audit, department="2030", items=[everywhere[3]], severity="major_nonconformity",
               condition="アクセス権の定期的な見直しの記録がない。", evidence="ヒアリング、権限一覧",
               recommendation="年1回以上見直し、記録を残すこと。", due="2026-03-31")
    b = f.open("監査 二郎", cycle=audit, department="3010", items=[everywhere[10], everywhere[11]],
               severity="minor_nonconformity", condition="研修受講記録が一部欠落している。",
               recommendation="受講管理表を整備すること。", due="2026-01-31")
    c = f.open("監査 一郎", cycle=audit, department="1020", items=[everywhere[20]], severity="observation",
               condition="持出し記録簿の記載が簡略すぎる。", due="2026-05-31")
    f.open("監査 二郎", cycle=audit, department="2030", items=[everywhere[25]], severity="recommendation",
           condition="手順書の改訂履歴を明示するとよい。", due="2026-06-30")
    f.move(mgr["2030"], a, "plan_submitted", "改善計画書を提出")
    f.move("総務部長 監査統括", a, "in_remediation", "計画を了承")
    f.move(mgr["2030"], a, "remediation_reported", "見直しを実施し記録を作成")
    f.move("監査 二郎", a, "verified", "記録を確認")
    f.move(mgr["3010"], b, "plan_submitted", "管理表を作成予定")
    f.move("副市長 CISO", c, "risk_accepted", "代替の確認手段があるため受容")
    requests = f.spread("総務部長 監査統括", a)
    checks = f.checks(a)
    f.answer_check(mgr[checks[0].department], checks[0].id, "checked_no_issue", "問題なし")
    f.answer_check(mgr[checks[1].department], checks[1].id, "same_issue_found", "同様に記録なし")
    print(f"横展開: finding {a} → {len(requests)} 課; 2 answered (one found the same problem)")
    f.promote("監査 一郎", si.id, audit)
    weak = [r.item for r in store.responses(si.id) if r.department == "2030" and r.answer == "not_implemented"]
    eid = x.request(mgr["2030"], department="2030", item=(weak or everywhere[3:])[0], reason="基幹システム更改中のため",
                    compensating_measure="月次で管理者が目視確認", start="2026-04-01", end="2026-09-30")
    x.approve("副市長 CISO", eid, "更改完了まで承認")
    x.request(mgr["3010"], department="3010", item=everywhere[10], reason="障害対応のため緊急実施",
              compensating_measure="作業記録を残す", start="2026-04-01", end="2026-04-05", emergency=True)


def step_reports(store_path: Path) -> None:
    """The four reports for the demo body (libaudit.render, docs/reports.md): the committee
    report (令和7年度 compared with 令和6年度), every 課's sheet, the audit report of the internal
    audit and the findings register, as HTML (and Markdown/CSV/JSON for the committee report)."""
    from libaudit.demo import build_demo_store

    heading("報告書 (reports)")
    if not store_path.exists():
        build_demo_store(store_path, CHECKLISTS / "komaki" / "taisaku-kijun.yaml")
    out = OUT / "reports"
    today = "2026-04-15"  # the demo's fixed "today" (Japan), as in the findings step
    with libaudit.Store(store_path, create=False) as store:
        si = sorted((c for c in store.cycles() if c.kind == "self_inspection"), key=lambda c: c.fiscal_year)
        before, after = si[-2], si[-1]
        paths = [libaudit.render(store, "committee", cycle=after.id, compare=before.id, format=fmt, as_of=today,
                                 out=out / f"committee.{fmt}") for fmt in ("html", "md", "csv", "json")]
        sheets = libaudit.render(store, "department", cycle=after.id, compare=before.id, all_depts=True,
                                 format="html", as_of=today, out=out / "departments")
        audits = [c for c in store.cycles() if c.kind != "self_inspection"]
        if audits:
            paths.append(libaudit.render(store, "audit", cycle=audits[-1].id, format="html", as_of=today,
                                         opinion="概ね適切に運用されているが、アクセス権の見直しに改善を要する。",
                                         out=out / "audit.html"))
        paths.append(libaudit.render(store, "findings", cycle=after.id, format="html", as_of=today,
                                     out=out / "findings.html"))
    for p in paths:
        print(p.relative_to(REPO).as_posix())
    print(f"{(out / 'departments').relative_to(REPO).as_posix()}/  ({len(sheets)} 課別結果票, e.g. {sheets[0].name})")


def main() -> int:
    print(f"libaudit {libaudit.__version__} demo")
    step_checklists()
    step_scores(OUT / "demo.db")
    step_questionnaires()
    step_findings(OUT / "demo.db")
    step_reports(OUT / "demo.db")
    print()
    print("demo: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
