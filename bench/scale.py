"""Benchmark: a synthetic country — bodies × 課 × items × 年度 as parameters — in one store, every
operation in its own process (its peak RSS its own), against the strongest peer measured in the
same run where there is one.

    PYTHONPATH=build/py/python python bench/scale.py --quick                  # a smoke test, < 1 min
    PYTHONPATH=build/py/python python bench/scale.py --responses 4M --keep /var/tmp/scale
    PYTHONPATH=build/py/python python bench/scale.py --bodies 40 --departments 100 --items 330 --years 3
    PYTHONPATH=build/py/python python bench/scale.py --sizes 4M,40M --keep /var/tmp/scale --markdown out.md

The store (one per size): every body a 部 (B0000 …) with its 課 (B0000K000 …), one unweighted
checklist of --items items in 10 chapters, one open self-inspection cycle per 年度, each answered
with a seeded mix, plus one more cycle for the incremental verify. --responses N picks the bodies
for 100 課 × 330 items × 3 年度 (40M: 404 bodies, 40,400 課). Generating it is the slow part:
--keep DIR keeps it (DIR/<size>/, with manifest.json) and reuses it while the parameters match.

Measured, each in a child process (seconds from inside it, peak RSS from os.wait4):

* import, one call: one 年度's rows into a fresh store with the same 課 and checklist, one
  Store.import_responses call (validation and trail on). The rows are built as Python tuples
  first (not timed, but in the peak RSS). Peer: bench/scale_insert_peer.c, C, one transaction of
  prepared 128-row multi-VALUES INSERTs of the same rows (ids resolved, sorted, foreign keys off,
  no validation, no trail) into the same schema with the same settings.
* import, one call per body: the same rows in one call per body into a fresh store (pieces).
  Peer: the one call.
* scoring (a 年度): open the store, read the last 年度's cycle (CycleData), 実施率 by 課 and by
  chapter. Peers, each from the same SQLite file, figures checked equal: ADBC (adbc-driver-sqlite)
  → Arrow → DuckDB, and pandas (bench/scoring_bench.py's run_pandas).
* matrix: the 課 × chapter matrix of that cycle (the read before it not timed).
* verify, full: Store.verify() of the whole store.
* checkpoint, write of --increment responses into the extra cycle (added on the first run,
  changed on later ones), verify since the checkpoint — when the store has Store.checkpoint and
  verify(since_checkpoint=); "not available" otherwise.
* Parquet export: `libaudit export STORE --cycle ID --format parquet -o DIR` (the command).
* DuckDB over the Parquet: 実施率 per body (部) and chapter from responses.parquet (its per-chapter
  figures checked equal to the scoring's).

Prints a markdown table (operation, size, seconds, peak RSS, peer, peer seconds, ratio) per size,
and with several sizes the growth per operation (1.00 = linear in the responses); --markdown FILE
also writes it. Figures: docs/performance.md ("Scale").
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from itertools import product
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ANSWERS = ["implemented", "partial", "not_implemented", "not_applicable", "unknown"]
WEIGHTS = [0.62, 0.15, 0.13, 0.06, 0.04]
VALUE = {"implemented": 1.0, "partial": 0.5, "not_implemented": 0.0, "unknown": 0.0}
ACTOR = "bench"
CHAPTERS = 10
FIRST_YEAR = 2023
MANIFEST_VERSION = 1
GROUPS = ("import", "scoring", "verify", "parquet")
SCRATCH = [
    f"{name}{suffix}" for name in ("import_one.db", "import_pieces.db", "peer.db") for suffix in ("", "-wal", "-shm")
]
SCRATCH.append("peer_rows.tsv")


@dataclass(frozen=True)
class Size:
    bodies: int
    departments: int  # 課 per body
    items: int
    years: int

    @property
    def per_year(self) -> int:
        return self.bodies * self.departments * self.items

    @property
    def responses(self) -> int:
        return self.per_year * self.years

    @property
    def label(self) -> str:
        return f"{self.bodies}x{self.departments}x{self.items}x{self.years}"

    def describe(self) -> str:
        return (
            f"{self.bodies:,} bodies × {self.departments} 課 × {self.items} items × {self.years} 年度 = "
            f"{self.responses:,} responses ({self.per_year:,} a year, {self.bodies * self.departments:,} 課)"
        )


QUICK = Size(4, 20, 50, 2)


def count(text: str) -> int:
    """40M, 4.5M, 100k, 1_000_000, 1,000,000."""
    t = text.strip().replace("_", "").replace(",", "").upper()
    scale = {"K": 10**3, "M": 10**6, "G": 10**9}.get(t[-1:], 1)
    return int(float(t[:-1] if scale > 1 else t) * scale)


def size_for(responses: int, departments: int = 100, items: int = 330, years: int = 3) -> Size:
    return Size(max(1, round(responses / (departments * items * years))), departments, items, years)


def size_text(n: float) -> str:
    for unit, div in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n:.0f} B"


def human(n: float) -> str:
    for unit, div in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= div:
            return f"{n / div:.3g}{unit}"
    return f"{n:.0f}"


# ---- the synthetic country --------------------------------------------------------------------


def checklist_yaml(n_items: int) -> str:
    """n_items unweighted items in CHAPTERS chapters of 3 sections (so that a 実施率 over
    responses.parquet, which carries no weights, is the same figure)."""
    lines = ["format: 1", "id: scale", "title: 規模ベンチ点検表", 'version: "1"', "body: ベンチ国"]
    lines += ["source: {document: bench.txt, title: ベンチマーク基準}", "sections:"]
    per_chapter = (n_items + CHAPTERS - 1) // CHAPTERS
    k = 0
    for c in range(1, CHAPTERS + 1):
        if k >= n_items:
            break
        lines += [f'  - id: "{c}"', f'    clause: "{c}"', f"    title: 第{c}章", "    sections:"]
        per_section = (per_chapter + 2) // 3
        for s in range(1, 4):
            if k >= min(n_items, c * per_chapter):
                break
            lines += [f'      - id: "{c}.{s}"', f'        clause: "({s})"', f"        title: 節{s}", "        items:"]
            for _ in range(per_section):
                if k >= min(n_items, c * per_chapter):
                    break
                k += 1
                lines += [
                    f'          - id: "{c}.{s}.{k}"',
                    f'            clause: "{c}({s}){k}"',
                    f"            text: 職員は、項目{k}を実施しなければならない。",
                    f"            question: 項目{k}を実施しているか。",
                    "            roles: [staff]",
                ]
    return "\n".join(lines) + "\n"


def body_code(b: int) -> str:
    return f"B{b:04d}"


def dept_codes(size: Size, bodies: range | None = None) -> list[str]:
    return [f"{body_code(b)}K{k:03d}" for b in (bodies or range(size.bodies)) for k in range(size.departments)]


def item_ids(size: Size) -> list[str]:
    import libaudit

    return [i.id for i in libaudit.Checklist.from_yaml(checklist_yaml(size.items), "scale.yaml").items]


def rows_for(size: Size, items: list[str], codes: list[str], seed: int, rotate: int = 0) -> list[tuple[str, str, str]]:
    """(課, item, answer) for every 課 of `codes` × item, answers drawn with WEIGHTS from `seed`
    and shifted by `rotate` places (so that a later run changes every row)."""
    import numpy as np

    drawn = np.random.default_rng(seed).choice(len(ANSWERS), size=len(codes) * len(items), p=WEIGHTS)
    names = [ANSWERS[(i + rotate) % len(ANSWERS)] for i in range(len(ANSWERS))]
    answers = [names[i] for i in drawn.tolist()]
    return [(c, i, a) for (c, i), a in zip(product(codes, items), answers)]


def new_store(path: Path, size: Size, cycles: int) -> list[int]:
    """A store with the country's 部 and 課, the checklist and `cycles` open cycles (one per 年度
    from FIRST_YEAR); returns their ids."""
    import libaudit

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with libaudit.Store(path) as store:
        store.set_body(ACTOR, "ベンチ国")
        rows = [{"code": body_code(b), "name": f"第{b + 1}市"} for b in range(size.bodies)]
        rows += [{"code": c, "name": f"課{c}", "parent_code": c[:5]} for c in dept_codes(size)]  # parent: the body's 部
        store.import_departments(ACTOR, rows)
        cl = store.import_checklist(ACTOR, libaudit.Checklist.from_yaml(checklist_yaml(size.items), "scale.yaml"))
        ids = []
        for y in range(cycles):
            year = FIRST_YEAR + y
            cycle = store.create_cycle(
                ACTOR, name=f"{year}年度 自己点検", kind="self_inspection", fiscal_year=year, checklist=cl
            )
            store.open_cycle(ACTOR, cycle)
            ids.append(cycle)
    return ids


# ---- the child processes: one operation each, its result as the last line of JSON -------------


def peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_generate(work: Path, size: Size, seed: int) -> dict[str, Any]:
    """The country store, resumable: manifest.json records the cycles and every 年度 imported
    (each import all or nothing), so a run stopped midway goes on from the next 年度."""
    import libaudit

    t0 = time.perf_counter()
    m = read_manifest(work)
    if not (m and m.get("state") == "generating" and same_size(m, size, seed) and (work / "country.db").is_file()):
        cycles = new_store(work / "country.db", size, size.years + 1)
        m = {"version": MANIFEST_VERSION, "size": asdict(size), "seed": seed, "state": "generating"}
        m.update(cycles=cycles[: size.years], extra=cycles[-1], years_done=0, seconds=0.0)
        save_manifest(work, m)
    items = item_ids(size)
    codes = dept_codes(size)
    before = m["seconds"]
    with libaudit.Store(work / "country.db", create=False) as store:
        for y in range(m["years_done"], size.years):
            store.import_responses(ACTOR, m["cycles"][y], rows_for(size, items, codes, seed + y))
            m["years_done"], m["seconds"] = y + 1, before + time.perf_counter() - t0
            save_manifest(work, m)
            print(
                f"  generated 年度 {y + 1}/{size.years} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True
            )
    return {"seconds": before + time.perf_counter() - t0, "cycles": m["cycles"], "extra": m["extra"]}


def child_import(work: Path, size: Size, seed: int, pieces: bool) -> dict[str, Any]:
    import libaudit

    path = work / ("import_pieces.db" if pieces else "import_one.db")
    (cycle,) = new_store(path, size, 1)
    items = item_ids(size)
    batches = [rows_for(size, items, dept_codes(size, range(b, b + 1)), seed * 7919 + b) for b in range(size.bodies)]
    if not pieces:
        batches = [[r for batch in batches for r in batch]]
    before = peak_mib()
    with libaudit.Store(path, create=False) as store:
        os.sync()
        t0 = time.perf_counter()
        for k, batch in enumerate(batches, start=1):
            store.import_responses(ACTOR, cycle, batch)
            if len(batches) >= 20 and k % (len(batches) // 10) == 0:
                print(f"    piece {k}/{len(batches)} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
        seconds = time.perf_counter() - t0
        rows = store.response_count(cycle)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return {"seconds": seconds, "rows": rows, "calls": len(batches), "rss_before_mib": before}


def child_prepare_peer(work: Path, size: Size, seed: int) -> dict[str, Any]:
    """The peer's store (same schema, 課, checklist, cycle) and its rows, ids resolved, sorted."""
    path = work / "peer.db"
    (cycle,) = new_store(path, size, 1)
    items = item_ids(size)
    con = sqlite3.connect(path)
    ids = dict(con.execute("SELECT code, id FROM departments"))
    con.close()
    rows = []
    for b in range(size.bodies):
        rows += [
            (ids[d], i, a) for d, i, a in rows_for(size, items, dept_codes(size, range(b, b + 1)), seed * 7919 + b)
        ]
    rows.sort()
    with open(work / "peer_rows.tsv", "w", encoding="utf-8") as f:
        f.writelines(f"{cycle}\t{d}\t{i}\t{a}\n" for d, i, a in rows)
    return {"seconds": 0.0, "rows": len(rows)}


def child_score(work: Path, cycle: int) -> dict[str, Any]:
    import libaudit

    t0 = time.perf_counter()
    with libaudit.Store(work / "country.db", create=False, read_only=True) as store:
        data = store.scoring_data(cycle)
        t1 = time.perf_counter()
        by_dept = data.score("rate", "department")
        by_chapter = data.score("rate", "chapter")
    seconds = time.perf_counter() - t0
    dump(work, "libaudit", {r.group: r.score for r in by_dept.rows}, {r.group: r.score for r in by_chapter.rows})
    return {"seconds": seconds, "read_seconds": t1 - t0, "rows": int(sum(r.answered for r in by_dept.rows))}


def child_score_adbc(work: Path, cycle: int) -> dict[str, Any]:
    import adbc_driver_sqlite.dbapi as adbc
    import duckdb

    t0 = time.perf_counter()
    with adbc.connect(f"file:{work / 'country.db'}?mode=ro") as con, con.cursor() as cur:
        cur.execute("SELECT department, item_id, answer FROM responses WHERE cycle = ?", (cycle,))
        responses = cur.fetch_arrow_table()
        cur.execute("SELECT id, code FROM departments")
        departments = cur.fetch_arrow_table()
        cur.execute(
            "SELECT i.item_id, i.weight, i.chapter_id FROM items i JOIN cycles c ON c.checklist = i.checklist "
            "WHERE c.id = ?",
            (cycle,),
        )
        items = cur.fetch_arrow_table()
    t1 = time.perf_counter()
    db = duckdb.connect()
    for name, table in (("responses", responses), ("departments", departments), ("items", items)):
        db.register(name, table)
    db.execute(
        "CREATE TEMP VIEW r AS SELECT d.code AS department, i.chapter_id AS chapter, i.weight AS w, "
        "CASE r.answer WHEN 'implemented' THEN 1.0 WHEN 'partial' THEN 0.5 ELSE 0.0 END AS v "
        "FROM responses r JOIN departments d ON d.id = r.department JOIN items i ON i.item_id = r.item_id "
        "WHERE r.answer <> 'not_applicable'"
    )
    by_dept = dict(db.execute("SELECT department, 100 * sum(w * v) / sum(w) FROM r GROUP BY ALL").fetchall())
    by_chapter = dict(db.execute("SELECT chapter, 100 * sum(w * v) / sum(w) FROM r GROUP BY ALL").fetchall())
    seconds = time.perf_counter() - t0
    dump(work, "adbc", by_dept, by_chapter)
    return {"seconds": seconds, "read_seconds": t1 - t0, "rows": responses.num_rows}


def child_score_pandas(work: Path, cycle: int) -> dict[str, Any]:
    from scoring_bench import run_pandas

    (seconds, _, read), by_dept, by_chapter = run_pandas(work / "country.db", cycle)
    dump(work, "pandas", by_dept.to_dict(), by_chapter.to_dict())
    return {"seconds": seconds, "read_seconds": read}


def child_matrix(work: Path, cycle: int) -> dict[str, Any]:
    import libaudit

    with libaudit.Store(work / "country.db", create=False, read_only=True) as store:
        data = store.scoring_data(cycle)
        t0 = time.perf_counter()
        matrix = data.matrix("rate")
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "shape": [len(matrix.row_columns), len(matrix.columns)]}


def child_verify(work: Path, since_checkpoint: bool) -> dict[str, Any]:
    import libaudit

    with libaudit.Store(work / "country.db", create=False, read_only=True) as store:
        t0 = time.perf_counter()
        report = store.verify(since_checkpoint=True) if since_checkpoint else store.verify()
        seconds = time.perf_counter() - t0
    if report.problems:
        raise SystemExit(f"verify found {len(report.problems)} problems: {report.problems[:3]}")
    return {"seconds": seconds, "rows": report.rows, "records": report.records}


def child_checkpoint(work: Path) -> dict[str, Any]:
    import libaudit

    with libaudit.Store(work / "country.db", create=False) as store:
        t0 = time.perf_counter()
        report = store.checkpoint(ACTOR)  # type: ignore[attr-defined]
        seconds = time.perf_counter() - t0
    if not report.checkpoint:
        raise SystemExit(f"checkpoint refused: {report.problems[:3]}")
    return {"seconds": seconds, "rows": report.rows, "checkpoint": report.checkpoint}


def child_increment(work: Path, size: Size, seed: int, extra: int, n: int, run: int) -> dict[str, Any]:
    import libaudit

    items = item_ids(size)
    per = min(size.bodies * size.departments, max(1, n // len(items)))
    rows = rows_for(size, items, dept_codes(size)[:per], seed + 99, rotate=run)
    with libaudit.Store(work / "country.db", create=False) as store:
        t0 = time.perf_counter()
        result = store.import_responses(ACTOR, extra, rows)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": len(rows), "changed": result.inserted + result.updated}


def child_duckdb(work: Path) -> dict[str, Any]:
    import duckdb

    parquet = str(work / "parquet" / "responses.parquet")
    rate = "100 * avg(CASE answer WHEN 'implemented' THEN 1.0 WHEN 'partial' THEN 0.5 ELSE 0.0 END)"
    t0 = time.perf_counter()
    rows = duckdb.sql(
        f"SELECT parent AS body, chapter, {rate} AS rate, count(*) AS answered FROM read_parquet('{parquet}') "
        "WHERE answer <> 'not_applicable' GROUP BY ALL ORDER BY body, chapter"
    ).fetchall()
    seconds = time.perf_counter() - t0
    by_chapter = dict(
        duckdb.sql(
            f"SELECT chapter, {rate} FROM read_parquet('{parquet}') WHERE answer <> 'not_applicable' GROUP BY ALL"
        ).fetchall()
    )
    dump(work, "duckdb", {}, by_chapter)
    return {"seconds": seconds, "groups": len(rows), "rows": int(sum(r[3] for r in rows))}


def dump(work: Path, name: str, by_dept: dict[str, Any], by_chapter: dict[str, Any]) -> None:
    (work / "results").mkdir(exist_ok=True)
    text = json.dumps({"department": by_dept, "chapter": by_chapter})
    (work / "results" / f"{name}.json").write_text(text, encoding="utf-8")


def child_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("op")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--size", required=True)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--cycle", type=int, default=0)
    ap.add_argument("--extra", type=int, default=0)
    ap.add_argument("--increment", type=int, default=0)
    ap.add_argument("--run", type=int, default=0)
    a = ap.parse_args(argv)
    size = Size(**json.loads(a.size))
    ops = {
        "generate": lambda: child_generate(a.work, size, a.seed),
        "import_one": lambda: child_import(a.work, size, a.seed, pieces=False),
        "import_pieces": lambda: child_import(a.work, size, a.seed, pieces=True),
        "prepare_peer": lambda: child_prepare_peer(a.work, size, a.seed),
        "score": lambda: child_score(a.work, a.cycle),
        "score_adbc": lambda: child_score_adbc(a.work, a.cycle),
        "score_pandas": lambda: child_score_pandas(a.work, a.cycle),
        "matrix": lambda: child_matrix(a.work, a.cycle),
        "verify": lambda: child_verify(a.work, since_checkpoint=False),
        "checkpoint": lambda: child_checkpoint(a.work),
        "increment": lambda: child_increment(a.work, size, a.seed, a.extra, a.increment, a.run),
        "verify_since": lambda: child_verify(a.work, since_checkpoint=True),
        "duckdb": lambda: child_duckdb(a.work),
        "probe": child_probe,
    }
    print(json.dumps(ops[a.op]()), flush=True)
    return 0


# ---- the parent: runs the children, prints the tables -----------------------------------------


@dataclass
class Row:
    operation: str
    size: int  # responses the operation handled
    seconds: float | None
    rss_mib: float | None
    peer: str = ""
    peer_seconds: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.peer_seconds:
            return None
        return self.seconds / self.peer_seconds


class ChildFailed(RuntimeError):
    """A child that failed; `rss_mib` its peak RSS (a child killed for memory shows how far it got)."""

    def __init__(self, message: str, rss_mib: float | None = None):
        super().__init__(message)
        self.rss_mib = rss_mib


def run_child(name: str, command: list[str]) -> tuple[dict[str, Any], float]:
    """Runs one child to its end; its last line of JSON and its own peak RSS in MiB (os.wait4:
    the rusage of that child alone, and of its own children)."""
    p = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None
    out = p.stdout.read()
    p.stdout.close()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / 1024
    if p.returncode != 0:
        why = f"killed by signal {-p.returncode}" if p.returncode < 0 else f"exit status {p.returncode}"
        if p.returncode == -9:
            why += " (out of memory?)"
        raise ChildFailed(f"{name}: {why}, see stderr", rss)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]), rss


class Runner:
    def __init__(self, work: Path, size: Size, seed: int):
        self.work, self.size, self.seed = work, size, seed

    def python(self, op: str, **options: Any) -> tuple[dict[str, Any], float]:
        command = [sys.executable, str(Path(__file__).resolve()), "--child", op, "--work", str(self.work)]
        command += ["--size", json.dumps(asdict(self.size)), "--seed", str(self.seed)]
        for k, v in options.items():
            command += [f"--{k}", str(v)]
        print(f"  … {op}", file=sys.stderr, flush=True)
        return run_child(op, command)


def read_manifest(work: Path) -> dict[str, Any] | None:
    try:
        m = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return m if isinstance(m, dict) else None


def same_size(m: dict[str, Any], size: Size, seed: int) -> bool:
    return m.get("version") == MANIFEST_VERSION and m.get("size") == asdict(size) and m.get("seed") == seed


def save_manifest(work: Path, m: dict[str, Any]) -> None:
    tmp = work / "manifest.json.tmp"
    tmp.write_text(json.dumps(m, indent=2), encoding="utf-8")
    os.replace(tmp, work / "manifest.json")


def ensure_store(r: Runner) -> dict[str, Any]:
    """The generated store of this size: reused when its manifest says it is complete and was made
    with the same parameters; a generation stopped midway goes on; else made anew."""
    m = read_manifest(r.work)
    if m and m.get("state") == "complete" and same_size(m, r.size, r.seed) and (r.work / "country.db").is_file():
        print(f"  reusing {r.work / 'country.db'} (generated {m['generated']})", file=sys.stderr, flush=True)
        return m
    if not (m and m.get("state") == "generating" and same_size(m, r.size, r.seed)):
        for stale in ("manifest.json", "results", "parquet"):
            path = r.work / stale
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    out, rss = r.python("generate")
    m = read_manifest(r.work) or {}
    m.update(state="complete", runs=0, generate_seconds=out["seconds"], generate_rss_mib=rss)
    m["generated"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    save_manifest(r.work, m)
    return m


def peer_binary(work: Path) -> Path | None:
    """The C import peer (bench/scale_insert_peer.c), compiled once into the work folder; None, said
    on stderr, without a C compiler or the SQLite headers."""
    source = HERE / "scale_insert_peer.c"
    exe = work / "scale_insert_peer"
    if not exe.exists() or exe.stat().st_mtime < source.stat().st_mtime:
        cc = os.environ.get("CC", "cc")
        try:
            done = subprocess.run([cc, "-O2", "-o", str(exe), str(source), "-lsqlite3"], capture_output=True, text=True)
        except OSError as e:
            print(f"  cannot compile {source.name}: {e}", file=sys.stderr)
            return None
        if done.returncode != 0:
            print(f"  cannot compile {source.name}: {done.stderr.strip()}", file=sys.stderr)
            return None
    return exe


def measure_imports(r: Runner) -> list[Row]:
    n = r.size.per_year
    one, rss_one = r.python("import_one")
    pieces, rss_pieces = r.python("import_pieces")
    peer_s, peer_name, peer_note = None, "C 128-row INSERT", ""
    exe = peer_binary(r.work)
    if exe is not None:
        r.python("prepare_peer")
        os.sync()
        out, rss_peer = run_child("C peer", [str(exe), str(r.work / "peer.db"), str(r.work / "peer_rows.tsv")])
        peer_s = out["seconds"]
        if out["rows"] != one["rows"]:
            raise ChildFailed(f"the C peer wrote {out['rows']:,} rows, the import {one['rows']:,}")
        peer_note = f"; the peer's peak RSS {rss_peer:.0f} MiB (its rows in memory)"
        for f in ("peer.db", "peer.db-wal", "peer.db-shm", "peer_rows.tsv"):
            (r.work / f).unlink(missing_ok=True)
    else:
        peer_name += " (not available: no C compiler or SQLite headers)"
    if pieces["rows"] != one["rows"]:
        raise ChildFailed(f"the pieces wrote {pieces['rows']:,} rows, the one call {one['rows']:,}")
    note = f"peak RSS before the call (the rows as Python tuples): {one['rss_before_mib']:.0f} MiB" + peer_note
    return [
        Row("import, one call", n, one["seconds"], rss_one, peer_name, peer_s, note),
        Row(
            f"import, one call per body ({pieces['calls']})",
            n,
            pieces["seconds"],
            rss_pieces,
            "one call",
            one["seconds"],
        ),
    ]


def compare(work: Path, ours: str, theirs: str, keys: tuple[str, ...] = ("department", "chapter")) -> str:
    a = json.loads((work / "results" / f"{ours}.json").read_text(encoding="utf-8"))
    b = json.loads((work / "results" / f"{theirs}.json").read_text(encoding="utf-8"))
    worst = 0.0
    for key in keys:
        if set(a[key]) != set(b[key]):
            raise ChildFailed(f"{ours} and {theirs} have different {key} groups")
        worst = max([worst] + [abs(a[key][k] - b[key][k]) for k in a[key]])
    if worst > 1e-6:
        raise ChildFailed(f"{ours} and {theirs} disagree by {worst}")
    return f"figures equal to {theirs}'s (max difference {worst:.1e})"


def measure_scoring(r: Runner, cycle: int) -> list[Row]:
    n = r.size.per_year
    ours, rss = r.python("score", cycle=cycle)
    rows = []
    for op, name in (("score_adbc", "ADBC→Arrow→DuckDB"), ("score_pandas", "pandas")):
        try:
            out, peer_rss = r.python(op, cycle=cycle)
            note = compare(r.work, "libaudit", op[len("score_") :])
            note += f"; reading: ours {ours['read_seconds']:.3f} s, the peer's {out['read_seconds']:.3f} s"
            note += f"; peer RSS {peer_rss:.0f} MiB"
            rows.append(Row("scoring (a 年度: 課 + chapter)", n, ours["seconds"], rss, name, out["seconds"], note))
        except (ChildFailed, OSError) as e:
            rows.append(
                Row("scoring (a 年度: 課 + chapter)", n, ours["seconds"], rss, f"{name}: not available", note=str(e))
            )
    m, rss_m = r.python("matrix", cycle=cycle)
    shape = f"{m['shape'][0]:,} 課 × {m['shape'][1]} chapters"
    rows.append(Row(f"matrix ({shape})", n, m["seconds"], rss_m, note="the read before it not timed"))
    return rows


def child_probe() -> dict[str, Any]:
    import libaudit

    verify = inspect.signature(libaudit.Store.verify).parameters
    return {"seconds": 0.0, "checkpoints": hasattr(libaudit.Store, "checkpoint") and "since_checkpoint" in verify}


def measure_verify(r: Runner, m: dict[str, Any], increment: int) -> list[Row]:
    out, rss = r.python("verify")
    rows = [Row("verify, full", out["rows"], out["seconds"], rss, note=f"{out['records']:,} trail records")]
    probe, _ = r.python("probe")
    if not probe["checkpoints"]:
        rows.append(Row("verify, incremental", increment, None, None, note="not available (no Store.checkpoint)"))
        return rows
    cp, rss_cp = r.python("checkpoint")
    rows.append(Row("checkpoint (full verify + seal)", cp["rows"], cp["seconds"], rss_cp))
    m["runs"] += 1
    save_manifest(r.work, m)
    inc, rss_inc = r.python("increment", extra=m["extra"], increment=increment, run=m["runs"])
    rows.append(
        Row(
            "import, the increment (one call)", inc["rows"], inc["seconds"], rss_inc, note=f"{inc['changed']:,} written"
        )
    )
    since, rss_since = r.python("verify_since")
    rows.append(
        Row("verify, since the checkpoint", inc["rows"], since["seconds"], rss_since, "verify, full", out["seconds"])
    )
    return rows


def measure_parquet(r: Runner, cycle: int) -> list[Row]:
    target = r.work / "parquet"
    shutil.rmtree(target, ignore_errors=True)
    command = [sys.executable, "-m", "libaudit", "export", str(r.work / "country.db"), "--cycle", str(cycle)]
    command += ["--format", "parquet", "-o", str(target)]
    print("  … export --format parquet", file=sys.stderr, flush=True)
    os.sync()
    t0 = time.perf_counter()
    p = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise ChildFailed(f"libaudit export exited with {p.returncode}")
    size = sum(f.stat().st_size for f in target.iterdir())
    rows = [
        Row(
            "Parquet export (the command)",
            r.size.per_year,
            seconds,
            usage.ru_maxrss / 1024,
            note=f"{size_text(size)}, process start included",
        )
    ]
    q, rss = r.python("duckdb")
    note = f"{q['groups']:,} (body, chapter) rows; "
    if (r.work / "results" / "libaudit.json").is_file():
        note += compare(r.work, "duckdb", "libaudit", ("chapter",))
    else:
        note += "not compared (the scoring group did not run)"
    rows.append(Row("DuckDB over the Parquet: 実施率 per body and chapter", q["rows"], q["seconds"], rss, note=note))
    return rows


def disk_use(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run_size(size: Size, work: Path, args: argparse.Namespace, rows: list[Row], progress: Callable[[], None]) -> None:
    """Every group of --ops at one size, its rows appended to `rows`, `progress()` after each (so
    that a long run stopped midway keeps what it measured)."""
    work.mkdir(parents=True, exist_ok=True)
    r = Runner(work, size, args.seed)
    print(f"scale: {size.describe()} in {work}", file=sys.stderr, flush=True)
    try:
        m = ensure_store(r)
    except ChildFailed as e:  # the rest needs the store; a later run goes on from the last 年度
        rows.append(Row("(generation)", size.responses, None, e.rss_mib, note=f"failed: {e}"))
        return
    gen = Row("(generation: every 年度, one call each)", size.responses, m["generate_seconds"], m["generate_rss_mib"])
    gen.note = f"on {m['generated']}"
    rows.append(gen)
    progress()
    cycle = m["cycles"][-1]
    steps = {
        "import": lambda: measure_imports(r),
        "scoring": lambda: measure_scoring(r, cycle),
        "verify": lambda: measure_verify(r, m, min(args.increment, size.per_year)),
        "parquet": lambda: measure_parquet(r, cycle),
    }
    for name in args.ops.split(","):
        try:
            rows += steps[name]()
        except ChildFailed as e:
            rows.append(Row(name, size.responses, None, e.rss_mib, note=f"failed: {e}"))
        except (OSError, ValueError, KeyError) as e:  # the parent's own trouble: said, and the next group runs
            rows.append(Row(name, size.responses, None, None, note=f"failed: {type(e).__name__}: {e}"))
        for scratch in SCRATCH:  # a child stopped midway leaves its files
            (work / scratch).unlink(missing_ok=True)
        progress()
    store = sum(
        Path(str(work / "country.db") + s).stat().st_size
        for s in ("", "-wal")
        if Path(str(work / "country.db") + s).exists()
    )
    rows.append(
        Row(
            f"(disk: the store {size_text(store)}, the folder {size_text(disk_use(work))})",
            size.responses,
            None,
            None,
        )
    )


def fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "—"
    if unit == "MiB":
        return f"{x:,.0f} MiB"
    return f"{x:.3f} s" if x < 100 else f"{x:,.0f} s"


def table(size: Size, rows: list[Row]) -> str:
    out = [f"{size.describe()}:", "", "| operation | size | seconds | peak RSS | peer | peer seconds | ratio | note |"]
    out.append("|---|---:|---:|---:|---|---:|---:|---|")
    for row in rows:
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else ""
        peer_s = fmt(row.peer_seconds) if row.peer_seconds is not None else ""
        cells = [row.operation, human(row.size), fmt(row.seconds), fmt(row.rss_mib, "MiB"), row.peer, peer_s, ratio]
        out.append("| " + " | ".join(cells + [row.note]) + " |")
    return "\n".join(out) + "\n"


def growth(sizes: list[Size], results: list[list[Row]]) -> str:
    """Seconds and peak RSS per operation at each size; growth = (t / t₀) ÷ (n / n₀) from the first
    size to the last, so 1.00 is linear in the responses and more is worse."""
    out = ["Growth per size (seconds; growth = (t / t₀) ÷ (n / n₀), 1.00 = linear):", ""]
    out.append("| operation | " + " | ".join(human(s.responses) for s in sizes) + " | growth | peak RSS |")
    out.append("|---|" + "---:|" * (len(sizes) + 2))

    def name(row: Row) -> str:
        return row.operation.split(" (")[0]

    seen: set[str] = set()
    for row0 in results[0]:
        if row0.seconds is None or row0.operation.startswith("(") or name(row0) in seen:
            continue
        seen.add(name(row0))
        cells = [next((r for r in rows if name(r) == name(row0)), None) for rows in results]
        times = [fmt(c.seconds) if c else "—" for c in cells]
        last, g = cells[-1], ""
        if last and last.seconds and row0.seconds and last.size and row0.size:
            g = f"{(last.seconds / row0.seconds) / (last.size / row0.size):.2f}"
        rss = " → ".join(fmt(c.rss_mib, "MiB") if c else "—" for c in cells)
        out.append(f"| {name(row0)} | " + " | ".join(times) + f" | {g} | {rss} |")
    return "\n".join(out) + "\n"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = [f"SQLite {sqlite3.sqlite_version}", f"Python {platform.python_version()}"]
    # From the installed metadata, not by importing them: this process stays small, because a
    # child's peak RSS starts from the size of its parent at the fork (Linux keeps the high-water
    # mark across exec).
    for dist in ("libaudit", "duckdb", "pyarrow", "pandas", "adbc-driver-sqlite"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist}: not installed")
    return f"{cpu}, {os.cpu_count()} CPUs, {memory:.0f} GiB; " + ", ".join(versions)


def sizes_from(args: argparse.Namespace) -> list[Size]:
    if args.quick:
        return [QUICK]
    if args.sizes:
        return [
            size_for(count(t), args.departments or 100, args.items or 330, args.years or 3)
            for t in args.sizes.split(",")
        ]
    if args.responses:
        return [size_for(count(args.responses), args.departments or 100, args.items or 330, args.years or 3)]
    return [Size(args.bodies or 40, args.departments or 100, args.items or 330, args.years or 3)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--bodies", type=int, help="bodies (部 in the store; default 40)")
    ap.add_argument("--departments", type=int, help="課 per body (default 100)")
    ap.add_argument("--items", type=int, help="items of the checklist (default 330)")
    ap.add_argument("--years", type=int, help="年度, one cycle each (default 3)")
    ap.add_argument("--responses", help="a total such as 4M or 40M: the bodies for 100 課 × 330 items × 3 年度")
    ap.add_argument("--sizes", help="several totals, e.g. 4M,40M: one store each, and the growth between them")
    ap.add_argument("--quick", action="store_true", help=f"a smoke test: {QUICK.describe()}")
    ap.add_argument("--increment", type=count, default=1_000_000, help="responses written after the checkpoint (1M)")
    ap.add_argument("--ops", default="import,scoring,verify,parquet", help="which groups to run (default: all)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep", type=Path, help="keep the generated stores in DIR/<size>/ and reuse them")
    ap.add_argument("--dir", help="with no --keep: where the temporary folder goes")
    ap.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = ap.parse_args(argv)
    unknown = set(args.ops.split(",")) - set(GROUPS)
    if unknown:
        ap.error(f"unknown --ops group(s) {', '.join(sorted(unknown))}: choose from {', '.join(GROUPS)}")
    if args.quick:
        args.increment = min(args.increment, 1_000)
    sizes = sizes_from(args)
    started = dt.datetime.now(dt.timezone.utc)
    load_before = os.getloadavg()
    results: list[list[Row]] = []

    def report(final: bool) -> str:
        minutes = (dt.datetime.now(dt.timezone.utc) - started).total_seconds() / 60
        loads = [", ".join(f"{x:.1f}" for x in load) for load in (load_before, os.getloadavg())]
        head = [
            f"bench/scale.py on {started:%Y-%m-%d %H:%M} UTC, {minutes:.1f} min"
            + ("" if final else " (still running)"),
            f"machine: {machine()}",
            f"load average (1, 5, 15 min): before {loads[0]}; {'after' if final else 'now'} {loads[1]}",
            "",
        ]
        done = [s for s, _ in zip(sizes, results)]
        text = "\n".join(head) + "\n".join(table(s, rows) for s, rows in zip(done, results))
        if final and len(sizes) > 1:
            text += "\n" + growth(sizes, results)
        return text

    shown = [0]

    def progress() -> None:
        """Says the new rows on stderr; rewrites --markdown with everything so far."""
        for row in results[-1][shown[0] :]:
            note = f"peak {fmt(row.rss_mib, 'MiB')} {row.note}"
            print(f"  = {row.operation}: {fmt(row.seconds)}, {note}", file=sys.stderr, flush=True)
        shown[0] = len(results[-1])
        if args.markdown:
            args.markdown.write_text(report(final=False), encoding="utf-8")

    with tempfile.TemporaryDirectory(dir=args.dir, prefix="scale-") as tmp:
        for size in sizes:
            results.append([])
            shown[0] = 0
            run_size(size, (args.keep or Path(tmp)) / size.label, args, results[-1], progress)
    text = report(final=True)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    failed = any(r.note.startswith("failed") for rows in results for r in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[2:]) if sys.argv[1:2] == ["--child"] else main())
