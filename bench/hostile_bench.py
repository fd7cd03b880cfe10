"""Benchmark: importing each hostile returned workbook (tests/hostile/corpus.py), built from a real
export of the 小牧市 checklist (327 items), in a fresh process per file: wall time and peak RSS.

    PYTHONPATH=build/py/python python bench/hostile_bench.py [--peer-timeout 60]

Peer, in the same run: what a plain openpyxl reader does with the same file (``load_workbook(
read_only=True, data_only=True)`` and every row's values — how libaudit read returned workbooks
before it had its own bounded reader), under a 4 GB address-space limit and a timeout. "base" is
a process that imports libaudit and opens the store and reads nothing: the RSS every run starts
from. The figures go to docs/performance.md ("Hostile workbooks"). Nothing here is asserted: the
issue's bound (200 MB, 5 s per file) is read off the table; "ratio" is libaudit's time over the
peer's (the peer checks nothing and refuses nothing, so below 1 only where it reads much more).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests" / "hostile")]

import corpus  # noqa: E402
from exchange_bench import build_store  # noqa: E402

from libaudit import exchange  # noqa: E402

LIBAUDIT = """
import sys, libaudit
from libaudit import exchange
from libaudit.errors import QuestionnaireError
s = libaudit.Store(sys.argv[1], create=False)
if sys.argv[3] != "-":
    try:
        r = exchange.import_files(s, int(sys.argv[2]), [sys.argv[3]], actor="bench", dry_run=True)
        print("read", r.files[0].answered, "answers,", len(r.warnings), "warning(s)")
    except QuestionnaireError as e:
        print(f"refused: {len(e.problems)} problem(s): {e.problems[0].where} {e.problems[0].message[:60]}")
"""

PEER = """
import sys, warnings
from openpyxl import load_workbook
warnings.simplefilter("ignore")
wb = load_workbook(sys.argv[1], read_only=True, data_only=True)
n = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row)
print("cells", n)
"""


def peak_rss(code: str, args: list[str], timeout: float, limit_as: int | None = None) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of that child alone, its last line of output or why it ended)."""
    start = time.perf_counter()

    def limits() -> None:
        if limit_as:
            resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))

    p = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=limits
    )
    deadline = start + timeout
    killed = False
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            p.kill()
            killed = True
        time.sleep(0.01)
    seconds = time.perf_counter() - start
    assert p.stdout is not None
    lines = [x for x in p.stdout.read().decode(errors="replace").splitlines() if x.strip()]
    code_ = os.waitstatus_to_exitcode(status)
    if killed:
        last = f"killed after {timeout:.0f} s"
    elif code_ != 0:
        last = next((x for x in reversed(lines) if "Error" in x), lines[-1] if lines else f"exit {code_}")
    else:
        last = lines[-1] if lines else ""
    return seconds, usage.ru_maxrss / 1024, last


def answered(path: Path) -> bytes:
    """The exported workbook with every question answered, as its 課 returns it."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb[exchange.SHEET_QUESTIONS]
    for r in range(exchange.HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(r, 8).value:
            ws.cell(r, 5).value = exchange.ANSWER_LABELS[r % 3]
    wb.save(path)
    return path.read_bytes()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--peer-timeout", type=float, default=60.0)
    ap.add_argument("--no-peer", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="libaudit-hostile-") as d:
        tmp = Path(d)
        store, cycle = build_store(tmp / "audit.db", 2)
        dept = store.cycle(cycle).departments[0]
        good = answered(exchange.export_workbook(store, cycle, dept, tmp / "good.xlsx"))
        store.close()
        cases = {"good.xlsx": good, **corpus.cases(good, exchange.HEADER_ROW + 2)}
        print(f"{len(good):,} bytes exported for 課 {dept} (327 items); one process per file")
        print(f"{'file':28} {'bytes':>11} {'libaudit s':>10} {'MB':>7}  {'peer s':>7} {'MB':>7} {'ratio':>6}  outcome")
        base = peak_rss(LIBAUDIT, [str(tmp / "audit.db"), str(cycle), "-"], 60)
        print(f"{'base (no file read)':28} {'':>11} {base[0]:10.2f} {base[1]:7.0f}")
        for name, body in cases.items():
            path = tmp / name
            path.write_bytes(body)
            ours = peak_rss(LIBAUDIT, [str(tmp / "audit.db"), str(cycle), str(path)], 120)
            peer = (
                (0.0, 0.0, "-")
                if args.no_peer
                else peak_rss(PEER, [str(path)], args.peer_timeout, limit_as=4 * 1024**3)
            )
            ratio = f"{ours[0] / peer[0]:6.2f}" if peer[0] else "     -"
            print(
                f"{name:28} {len(body):11,} {ours[0]:10.2f} {ours[1]:7.0f}  {peer[0]:7.2f} {peer[1]:7.0f} {ratio}  "
                f"{ours[2][:90]}  | peer: {peer[2][:40]}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
