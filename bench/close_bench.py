"""Benchmark: close = publish (`Store.close_cycle`) of a 100 課 × 330-item self-inspection, and the
committee report of the closed cycle (read as of its close from the trail), against baselines
measured in the same run:

* close: the store-only status change (`_core._Store.close_cycle`: no results), and the scores
  the publication holds computed without publishing (every registered model by body, 部, 課 and
  chapter: the cycle read once, and `store.score(...)` per table as a caller would ask them);
* report: the same committee report of the same cycle while it is still open (the same store
  file before the close).

    PYTHONPATH=build/rel/python python bench/close_bench.py [--departments 100 --items 330 --rounds 7]

The store is generated once per run in --dir (default: the temporary directory): 10 部, the 課,
an audit office, the people (a CISO, two auditors, each 課's security manager), the previous
年度's self-inspection (answered and closed: the comparison), the current 年度's (every 課
answers every item, mixed answers, still open), an audit cycle with findings moved along, and
exceptions requested, approved or rejected. Every close round closes a fresh copy of that file
(the copy is not timed) and opens it before the clock starts. Best and median of --rounds
alternating rounds, wall clock and CPU time of the process (all threads).

It then checks (an assertion, not a test) that the closed cycle's committee report in JSON is
byte-identical before and after a new exception is approved and a new finding raised, and that
the open cycle's is not (the check can fail). Results: docs/performance.md, "Close = publish, and
the report of a closed cycle".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import libaudit

ANSWERS = ["implemented", "partial", "not_implemented", "not_applicable", "unknown"]
WEIGHTS = [0.62, 0.15, 0.13, 0.06, 0.04]
PUBLISHED = ("body", "parent", "department", "chapter")  # the groupings a publication holds
ACTOR = "bench"
T = TypeVar("T")
CISO, AUDITOR, AUDITOR2 = "情報 統括", "監査 一郎", "監査 二郎"


def checklist_yaml(n_items: int, chapters: int = 10) -> str:
    lines = [
        "format: 1",
        "id: bench-close",
        "title: 締切ベンチマーク点検表",
        'version: "1"',
        "body: ベンチ市",
        "source: {document: bench.txt, title: ベンチマーク基準}",
        "sections:",
    ]
    per = (n_items + chapters - 1) // chapters
    for c in range(chapters):
        lines += [f'  - id: "{c + 1}"', f'    clause: "{c + 1}"', f"    title: 第{c + 1}章の対策", "    items:"]
        for k in range(c * per, min(n_items, (c + 1) * per)):
            lines += [
                f'      - id: "{c + 1}.{k + 1}"',
                f'        clause: "{c + 1}({k + 1})"',
                f"        text: 職員は、対策{k + 1}を実施しなければならない。",
                f"        question: 対策{k + 1}を実施しているか。",
                "        roles: [staff]",
            ]
            if k % 3 == 0:
                lines.append("        weight: 2")
    return "\n".join(lines) + "\n"


def code(k: int) -> str:
    return f"K{k:04d}"


def answer(store: libaudit.Store, cycle: int, rng: random.Random, n_depts: int, items: list[str]) -> None:
    batch = []
    for k in range(n_depts):
        for item, a in zip(items, rng.choices(ANSWERS, WEIGHTS, k=len(items))):
            batch.append((code(k), item, a, "担当者不在のため未確認" if a == "unknown" else ""))
    store.import_responses(ACTOR, cycle, batch)


def generate(path: Path, n_depts: int, n_items: int, year: int) -> dict[str, int]:
    """Writes the store (the current 年度's self-inspection left open); returns the cycle ids."""
    rng = random.Random(14)
    with libaudit.Store(path) as store:
        store.set_body(ACTOR, "ベンチ市")
        n_bu = 10
        rows = [{"code": f"B{b:02d}", "name": f"第{b + 1}部"} for b in range(n_bu)]
        rows += [{"code": code(k), "name": f"第{k + 1}課", "parent_code": f"B{k % n_bu:02d}"} for k in range(n_depts)]
        rows += [{"code": "AUD", "name": "監査室", "parent_code": "B00"}]
        store.import_departments(ACTOR, rows)
        targets = [code(k) for k in range(n_depts)]
        people = [(CISO, "AUD", "ciso"), (AUDITOR, "AUD", "auditor"), (AUDITOR2, "AUD", "chief_auditor")]
        people += [(f"課長 {k}", code(k), "security_manager") for k in range(n_depts)]
        store.people.import_rows(ACTOR, people)
        checklist = libaudit.Checklist.from_yaml(checklist_yaml(n_items), "bench.yaml")
        cl = store.import_checklist(ACTOR, checklist)
        items = [i.id for i in checklist.items]

        def cycle(kind: str, fy: int, name: str) -> int:
            c = store.create_cycle(ACTOR, name=name, kind=kind, fiscal_year=fy, checklist=cl, departments=targets)
            store.open_cycle(ACTOR, c)
            return c

        before = cycle("self_inspection", year - 1, f"{year - 1}年度 自己点検")
        answer(store, before, rng, n_depts, items)
        store.close_cycle(ACTOR, before)  # published: the comparison is read at its close too
        audit = cycle("internal_audit", year, f"{year}年度 内部監査")
        after = cycle("self_inspection", year, f"{year}年度 自己点検")
        answer(store, after, rng, n_depts, items)

        # ~24 exceptions in the 年度: 20 approved, 2 rejected, 2 left requested.
        start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
        for n in range(24):
            k = rng.randrange(n_depts)
            e = store.exceptions.request(
                f"課長 {k}",
                department=code(k),
                item=rng.choice(items),
                reason=f"システム更新中のため（{n}）",
                start=start + dt.timedelta(days=rng.randrange(60)),
                end=end - dt.timedelta(days=rng.randrange(120)),
                compensating_measure="手作業で確認する",
            )
            if n < 20:
                store.exceptions.approve(CISO, e)
            elif n < 22:
                store.exceptions.reject(CISO, e, "代替策が不十分")
        # 30 findings, due over the 年度 (some overdue today), about half moved along.
        for n in range(30):
            k = rng.randrange(n_depts)
            f = store.findings.open(
                AUDITOR,
                cycle=audit,
                department=code(k),
                items=[rng.choice(items)],
                severity=rng.choice(["major_nonconformity", "minor_nonconformity", "observation"]),
                condition=f"記録が不十分である（{n}）",
                due=start + dt.timedelta(days=rng.randrange(300)),
                recommendation="手順を定めること",
            )
            r = rng.random()
            if r < 0.5:
                continue
            store.findings.move(f"課長 {k}", f, "plan_submitted")
            if r < 0.75:
                continue
            store.findings.move(f"課長 {k}", f, "in_remediation")
            store.findings.move(f"課長 {k}", f, "remediation_reported")
            store.findings.move(AUDITOR, f, "verified")
    for suffix in ("-wal", "-shm"):
        assert not Path(str(path) + suffix).exists(), "the store left a WAL behind: copies would miss it"
    return {"before": before, "after": after, "audit": audit}


class Timer:
    """Wall-clock and CPU-time (of the process, every thread) samples of one contender."""

    def __init__(self, label: str):
        self.label = label
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def time(self, fn: Callable[[], T]) -> T:
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        self.cpu.append(time.process_time() - c)
        self.wall.append(time.perf_counter() - w)
        return out

    def figures(self) -> tuple[float, float, float, float]:
        return min(self.wall), statistics.median(self.wall), min(self.cpu), statistics.median(self.cpu)


def ratios(t: Timer, base: Timer) -> str:
    """t / base: best and median wall clock, best and median CPU time."""
    return "  ".join(f"{a / b:5.2f}×" for a, b in zip(t.figures(), base.figures()))


def row(t: Timer, base: Timer | None = None) -> str:
    wb, wm, cb, cm = t.figures()
    s = f"  {t.label:58}{wb * 1000:9.1f}{wm * 1000:9.1f}{cb * 1000:9.1f}{cm * 1000:9.1f} ms"
    return s + (f"   {ratios(t, base)}" if base is not None else "")


def header(title: str, ratio: str = "") -> None:
    print(title)
    print(f"  {'':58}{'wall':>9}{'median':>9}{'CPU':>9}{'median':>9}" + (f"      {ratio}" if ratio else ""))


def fresh(template: Path, work: Path) -> libaudit.Store:
    shutil.copyfile(template, work)
    return libaudit.Store(work, create=False)


def bench_close(template: Path, work: Path, cycle: int, rounds: int) -> tuple[Timer, ...]:
    models = libaudit.scoring.model_names()
    publish = Timer("close = publish: Store.close_cycle")
    status = Timer("baseline: store-only close (_core._Store.close_cycle)")
    once = Timer(f"baseline: scores, cycle read once ({len(models)} models × 4)")
    each = Timer(f"baseline: store.score() per table ({len(models) * 4} calls)")
    both = Timer("baseline: store-only close + scores read once")

    def scores_once(store: libaudit.Store) -> None:
        data = store.scoring_data(cycle)
        for m in models:
            for by in PUBLISHED:
                data.score(m, by)

    def scores_each(store: libaudit.Store) -> None:
        for m in models:
            for by in PUBLISHED:
                store.score(cycle, m, by)

    def status_only(store: libaudit.Store) -> None:
        # The store stage's own close (C++ Store::close_cycle): the status change, no results.
        libaudit.store.core_call(store, libaudit._core._Store.close_cycle, ACTOR, cycle)

    def status_then_scores(store: libaudit.Store) -> None:
        status_only(store)
        scores_once(store)  # read at the close, as the publication is

    contenders: list[tuple[Timer, Callable[[libaudit.Store], object]]] = [
        (publish, lambda s: s.close_cycle(ACTOR, cycle)),
        (status, status_only),
        (once, scores_once),
        (each, scores_each),
        (both, status_then_scores),
    ]
    for _ in range(rounds):
        for timer, fn in contenders:
            with fresh(template, work) as store:
                timer.time(partial(fn, store))
    return publish, status, once, each, both


def bench_render(closed: Path, opened: Path, ids: dict[str, int], rounds: int) -> dict[str, tuple[Timer, Timer]]:
    """The committee report of the closed copy and of the open store: (closed, open) timers."""
    labels = {
        "read": "Reporter (read the cycle, the comparison, follow-up)",
        "html": "first render, HTML",
        "json": "first render, JSON",
        "html2": "re-render, HTML (same Reporter)",
        "json2": "re-render, JSON (same Reporter)",
        "e2e": "end to end: new Reporter + HTML + JSON",
    }
    t = {k: (Timer(f"closed: {v}"), Timer(f"open:   {v}")) for k, v in labels.items()}

    def reporter(store: libaudit.Store) -> libaudit.Reporter:
        return libaudit.Reporter(store, ids["after"], compare=ids["before"])

    def end_to_end(store: libaudit.Store) -> None:
        r = reporter(store)
        r.render("committee", "html")
        r.render("committee", "json")

    for _ in range(rounds):
        for side, path in ((0, closed), (1, opened)):
            with libaudit.Store(path, create=False, read_only=True) as store:
                # The first Reporter of a freshly opened store: cold statement cache, warm page cache.
                r = t["read"][side].time(partial(reporter, store))
                for key, fmt in (("html", "html"), ("json", "json"), ("html2", "html"), ("json2", "json")):
                    t[key][side].time(partial(r.render, "committee", fmt))
                t["e2e"][side].time(partial(end_to_end, store))
    return t


def check_as_of(path: Path, ids: dict[str, int]) -> tuple[bool, bool, int, int]:
    """Renders the committee report, approves a new exception and raises a new finding, renders
    it again. Returns (JSON unchanged, HTML unchanged, the JSON's and the HTML's bytes)."""
    with libaudit.Store(path, create=False) as store:
        first = libaudit.Reporter(store, ids["after"], compare=ids["before"]).render("committee", "json")
        first_html = libaudit.Reporter(store, ids["after"], compare=ids["before"]).render("committee", "html")
        fy = store.cycle(ids["after"]).fiscal_year
        e = store.exceptions.request(
            "課長 1",
            department=code(1),
            item="1.1",
            reason="再描画の確認",
            start=f"{fy}-04-01",
            end=f"{fy + 1}-03-31",
        )
        store.exceptions.approve(CISO, e)
        store.findings.open(
            AUDITOR,
            cycle=ids["audit"],
            department=code(2),
            items=["1.2"],
            severity="major_nonconformity",
            condition="再描画の確認",
            due=f"{fy}-06-30",
        )
        again = libaudit.Reporter(store, ids["after"], compare=ids["before"]).render("committee", "json")
        again_html = libaudit.Reporter(store, ids["after"], compare=ids["before"]).render("committee", "html")
        return first == again, first_html == again_html, len(first.encode()), len(first_html.encode())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--departments", type=int, default=100)
    ap.add_argument("--items", type=int, default=330)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--dir", default=None, help="where the store files go (default: the temporary directory)")
    args = ap.parse_args()
    year = libaudit.fiscal_year_of(dt.date.today().isoformat())
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        template = Path(tmp) / "open.db"
        t0 = time.perf_counter()
        ids = generate(template, args.departments, args.items, year)
        setup = time.perf_counter() - t0
        with libaudit.Store(template, create=False, read_only=True) as s:
            n_resp = s.response_count(ids["after"])
            n_trail = len(s.trail())
            size = template.stat().st_size
        print(
            f"close bench: {args.departments} 課 (10 部) × {args.items} items, {n_resp:,} responses, "
            f"{n_trail:,} trail records, {size / 2**20:.1f} MiB (generated in {setup:.1f} s); "
            f"best and median of {args.rounds} alternating rounds; load average {os.getloadavg()[0]:.1f}"
        )

        publish, status, once, each, both = bench_close(template, Path(tmp) / "work.db", ids["after"], args.rounds)
        header("close (a fresh copy of the store each round, not timed)")
        print(row(status))
        print(row(once))
        print(row(each))
        print(row(both))
        print(row(publish))
        for base in (both, once, each):
            print(f"  ratio close = publish / {base.label[10:]:50}{ratios(publish, base)}")

        closed = Path(tmp) / "closed.db"
        with fresh(template, closed) as store:
            edition = store.close_cycle(ACTOR, ids["after"])
            record = store.trail(after=edition["record"]["seq"] - 1, limit=1)[0]
        print(f"  (the publication record: 第{edition['edition']}版, {len(record.state.encode()):,} bytes of state)")

        t = bench_render(closed, template, ids, args.rounds)
        header("committee report, compared with the previous 年度", "closed / open: wall, median, CPU, median")
        for c, o in t.values():
            print(row(o))
            print(row(c, o))

        same, same_html, n_json, n_html = check_as_of(closed, ids)
        open_same, _, _, _ = check_as_of(template, ids)
    changed = not open_same
    ok = same and changed
    print(
        "as of the close: after a new exception approved and a new finding raised, the closed cycle's committee "
        f"JSON ({n_json:,} bytes) is {'byte-identical' if same else 'DIFFERENT'} (HTML, {n_html:,} bytes: "
        f"{'identical' if same_html else 'different'}); the open cycle's {'changed' if changed else 'DID NOT'}"
    )
    assert same, "the closed cycle's committee report moved after the close"
    assert changed, "the open cycle's report did not see the new exception and finding: the check proves nothing"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
