"""Benchmark: adding a 200 MB evidence file (docs/evidence.md), in a fresh process per run: wall
time and peak RSS.

    PYTHONPATH=build/py/python python bench/evidence.py [--mb 200] [--rounds 3]

Peer, in the same run, the strongest plain way to keep a file with its hash: ``shutil.copyfile``
into a folder (sendfile, in the kernel) plus ``hashlib.sha256`` of the same file read in 1 MiB
chunks; and the same with an ``os.fsync`` of the copy, since libaudit's add is durable (it makes
one pass, hashing while it copies, then fsyncs, renames and writes the row and trail record).
"base" is a process that imports libaudit and opens the store and adds nothing (for the peer: one
that imports hashlib and shutil): the time and RSS every run starts from; "above base" is what
the add itself costs. The source is written
once and read from the page cache by every run (the first run of each warms nothing for the
other: they alternate). Figures go to docs/performance.md ("Evidence files"); nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIBAUDIT = """
import sys, libaudit
s = libaudit.Store(sys.argv[1])
if sys.argv[2] != "-":
    f = s.evidence.add("bench", "response", sys.argv[3], sys.argv[2])
    print("added", f.size, f.sha256[:12])
"""

PEER = """
import hashlib, os, shutil, sys
if sys.argv[1] == "-":
    sys.exit(0)
shutil.copyfile(sys.argv[1], sys.argv[2])
h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
if len(sys.argv) > 3:  # the same made durable, as libaudit's add is
    fd = os.open(sys.argv[2], os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
print("copied", h.hexdigest()[:12])
"""


def run(code: str, args: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB of that child, its last line of output)."""
    start = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _pid, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - start
    assert p.stdout is not None
    out = p.stdout.read().decode(errors="replace").strip().splitlines()
    if status != 0:
        raise SystemExit(f"child failed: {out[-5:]}")
    return seconds, usage.ru_maxrss / 1024, out[-1] if out else ""


def make_store(path: Path) -> str:
    import libaudit

    with libaudit.Store(path) as s:
        s.import_departments(
            "bench", [{"code": "B", "name": "部"}, {"code": "101", "name": "総務課", "parent_code": "B"}]
        )
        yaml = (
            "format: 1\nid: b\ntitle: t\nversion: '1'\nbody: b\nsource: {document: t.txt, title: t}\n"
            "sections:\n  - id: '1'\n    clause: '1'\n    title: s\n    items:\n      - id: '1.1'\n"
            "        clause: '1(1)'\n        text: 記録しなければならない。\n        question: 記録しているか。\n"
            "        roles: [staff]\n"
        )
        cl = s.import_checklist("bench", libaudit.Checklist.from_yaml(yaml, "b.yaml"))
        cycle = s.create_cycle("bench", name="c", kind="self_inspection", fiscal_year=2024, checklist=cl)
        return f"{cycle}/101/1.1"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as d:
        tmp = Path(d)
        src = tmp / "scan.pdf"
        with open(src, "wb") as f:
            f.write(b"%PDF-1.4\n")
            block = os.urandom(1 << 20)
            for _ in range(args.mb):
                f.write(block)
        size = src.stat().st_size
        base_t, base_rss, _ = run(LIBAUDIT, [str(tmp / "base.db"), "-", "-"])
        peer_base_t, peer_base_rss, _ = run(PEER, ["-", "-"])
        ours, peer, ours_rss, peer_rss, synced, synced_rss = [], [], [], [], [], []
        for r in range(args.rounds):
            db = tmp / f"r{r}.db"
            key = make_store(db)
            os.sync()
            t, rss, line = run(LIBAUDIT, [str(db), str(src), key])
            ours.append(t)
            ours_rss.append(rss)
            os.sync()
            t, rss, line2 = run(PEER, [str(src), str(tmp / f"copy{r}.pdf")])
            peer.append(t)
            peer_rss.append(rss)
            (tmp / f"copy{r}.pdf").unlink()
            os.sync()
            t, rss, _line = run(PEER, [str(src), str(tmp / f"copy{r}.pdf"), "fsync"])
            synced.append(t)
            synced_rss.append(rss)
            for p in tmp.glob(f"r{r}.db*"):
                if p.is_dir():
                    shutil.rmtree(p)
                else:
                    p.unlink()
            (tmp / f"copy{r}.pdf").unlink()
        mb = size / (1 << 20)
        print(f"file: {size:,} bytes ({mb:.0f} MiB); {args.rounds} rounds, best and median")
        print(f"base (import libaudit, open the store): {base_t * 1000:.0f} ms, peak RSS {base_rss:.1f} MiB")
        print(
            f"peer's base (python, import hashlib and shutil): {peer_base_t * 1000:.0f} ms, "
            f"peak RSS {peer_base_rss:.1f} MiB"
        )
        rows = [
            ("libaudit Store.evidence.add", ours, ours_rss, base_rss, base_t),
            ("peer: shutil.copyfile + hashlib.sha256", peer, peer_rss, peer_base_rss, peer_base_t),
            ("peer + os.fsync of the copy", synced, synced_rss, peer_base_rss, peer_base_t),
        ]
        for name, ts, rss, base, start in rows:
            print(
                f"{name:42s} best {min(ts) * 1000:7.0f} ms ({mb / min(ts):6.0f} MiB/s)  median "
                f"{statistics.median(ts) * 1000:7.0f} ms (above its base: best {(min(ts) - start) * 1000:5.0f} ms)  "
                f"peak RSS {max(rss):6.1f} MiB (+{max(rss) - base:.1f} above its base)"
            )
        for name, ts in (("peer", peer), ("peer + fsync", synced)):
            print(
                f"ratio libaudit / {name} (time): best {min(ours) / min(ts):.2f}, median "
                f"{statistics.median(ours) / statistics.median(ts):.2f}; above each base, best "
                f"{(min(ours) - base_t) / (min(ts) - peer_base_t):.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
