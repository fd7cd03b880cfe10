"""Load test of ``libaudit serve``: many 課 users answering their questionnaire at once, on
localhost, bounded (it stops by itself), against the same saves done directly through the Python
API in the same run.

    PYTHONPATH=build/py/python python bench/web_load.py [--users 50 --items 300 --save-every 10]
    python bench/web_load.py --quick        # a smoke run: 3 users, 20 items (no timing claims)

What it does:

1. generates a store: 50 課 (one 部), a checklist of ``--items`` items that every 課 is asked, one
   open self-inspection, one security_manager per 課 in the people register, and their web
   accounts (made through libaudit.web.credentials, as an invitation redeemed; no browser);
2. starts the server (``libaudit serve``, waitress) on a free port of 127.0.0.1 in a child
   process;
3. each user, in its own thread with its own keep-alive connection (http.client), signs in and
   opens its first chapter (the CSRF token read from the form); when all are signed in, each
   saves its answers ``--save-every`` at a time through the chapter form (POST, answered 303),
   timing each save (the redirect a browser would then follow is not fetched);
4. stops the server and checks: 0 server errors (every save answered 303) and 0 lost answers (the
   store holds, per 課, exactly the answers sent);
5. does the same saves on a copy of the generated store directly through
   :meth:`libaudit.Store.save_answers`, with the same number of threads, each with its own Store;
6. prints p50/p95 latency of a save and throughput (answers/s) of both, and their ratio.

Exit status 0 when nothing was lost and no save failed, 1 otherwise. Results go to
docs/performance.md ("Web").
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from libaudit.web.credentials import Credentials, sidecar_path

import libaudit

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the benches' shared pieces, also when loaded by path
import store_import

ACTOR = "bench"
PASSWORD = "load test password 1234"
PER_CHAPTER = 100
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def checklist_yaml(n_items: int) -> str:
    """A checklist of `n_items` items in chapters of PER_CHAPTER, every one asked of every 課."""
    return store_import.checklist_yaml(n_items, PER_CHAPTER, id="web-load", title="負荷試験点検表", body="負荷市")


def department_code(k: int) -> str:
    return f"{1001 + k}"


def manager(k: int) -> str:
    return f"管理者 {k + 1:03d}"


@dataclass
class Setup:
    path: Path
    cycle: int
    items: list[tuple[str, str]]  # (chapter, item id) in order


def build_store(folder: Path, users: int, n_items: int) -> Setup:
    """The store, its people and their web accounts."""
    path = folder / "load.db"
    csv = ["code,name,parent_code,security_officer,security_manager", "1000,負荷部,,部長 一郎,"]
    csv += [f"{department_code(k)},第{k + 1}課,1000,,{manager(k)}" for k in range(users)]
    (folder / "departments.csv").write_text("\n".join(csv) + "\n", encoding="utf-8")
    (folder / "load.yaml").write_text(checklist_yaml(n_items), encoding="utf-8")
    with libaudit.Store(path) as s:
        s.set_body(ACTOR, "負荷市")
        s.import_departments_csv(ACTOR, folder / "departments.csv")
        cl = s.import_checklist(ACTOR, libaudit.Checklist.load(folder / "load.yaml"))
        codes = [department_code(k) for k in range(users)]
        cycle = s.create_cycle(
            ACTOR, name="負荷試験", kind="self_inspection", fiscal_year=2025, checklist=cl, departments=codes
        )
        s.open_cycle(ACTOR, cycle)
        s.people.import_rows(ACTOR, [(manager(k), department_code(k), "security_manager") for k in range(users)])
    items = [(f"{k // PER_CHAPTER + 1}", f"{k // PER_CHAPTER + 1}.{k + 1}") for k in range(n_items)]  # checklist_yaml's
    creds = Credentials(sidecar_path(str(path)))
    for k in range(users):
        creds.redeem(creds.invite(manager(k), ACTOR), PASSWORD)
    creds.close()
    return Setup(path, cycle, items)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(path: Path, port: int, threads: int) -> subprocess.Popen[bytes]:
    """``libaudit serve`` in a child process; returns once the port accepts connections. Its
    output goes to a file beside the store, never to a pipe nobody reads: waitress logs its queue
    depth under load, and a full pipe would stop the server."""
    cmd = [sys.executable, "-m", "libaudit", "serve", str(path), "--port", str(port), "--insecure-cookies"]
    cmd += ["--threads", str(threads)]
    log = path.with_suffix(".server.log")
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("web_load: the server stopped: " + log.read_text(encoding="utf-8", errors="replace"))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("web_load: the server did not start within 30 s")


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)  # seconds per save
    errors: list[str] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)  # 課 -> answers sent
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class Browser:
    """One user's keep-alive connection with its cookies."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=float(os.environ.get("WEB_LOAD_TIMEOUT", "120"))
        )
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, url, body=body, headers=headers)
        r = self.conn.getresponse()
        text = r.read().decode("utf-8", "replace")
        for value in r.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return r.status, text


def token(page: str) -> str:
    m = CSRF.search(page)
    if not m:
        raise RuntimeError("no CSRF field on the page")
    return m.group(1)


def user(port: int, setup: Setup, k: int, every: int, results: Results, start: threading.Barrier) -> None:
    code, name = department_code(k), manager(k)
    b = Browser(port)
    try:
        csrf = sign_in(b, name, f"/cycles/{setup.cycle}/departments/{code}/chapters/{setup.items[0][0]}", results)
        start.wait()  # every user at the barrier, signed in or not: the saves start together
        if csrf:
            results.sent[code] = save_all(b, setup, code, csrf, every, results)
    except Exception as e:
        results.error(f"{name}: {type(e).__name__}: {e}")
    finally:
        b.conn.close()


def sign_in(b: Browser, name: str, first_page: str, results: Results) -> str:
    """Signs in through the form, then opens `first_page` (the first chapter, as a person would)
    and returns the CSRF token of its form ("" when refused)."""
    try:
        _status, page = b.request("GET", "/signin")
        status, _page = b.request("POST", "/signin", {"name": name, "password": PASSWORD, "csrf_token": token(page)})
        if status != 303:
            results.error(f"{name}: sign-in answered {status}")
            return ""
        status, page = b.request("GET", first_page)
        if status != 200:
            results.error(f"{name}: the first chapter answered {status}")
            return ""
        return token(page)
    except Exception as e:
        results.error(f"{name}: sign-in: {type(e).__name__}: {e}")
        return ""


def save_all(b: Browser, setup: Setup, code: str, csrf: str, every: int, results: Results) -> int:
    """Saves every item, `every` at a time, through the chapter form; returns the answers sent."""
    sent = 0
    for batch in batches(setup.items, every):
        form = {"csrf_token": csrf}
        form.update({f"answer:{item}": "implemented" for _ch, item in batch})
        url = f"/cycles/{setup.cycle}/departments/{code}/chapters/{batch[0][0]}"
        t0 = time.perf_counter()
        status, _page = b.request("POST", url, form)
        results.add(time.perf_counter() - t0)
        if status != 303:
            results.error(f"{code}: a save answered {status}")
            continue
        sent += len(batch)
    return sent


def batches(items: list[tuple[str, str]], every: int) -> list[list[tuple[str, str]]]:
    """Saves of at most `every` items, never across a chapter (one form is one chapter)."""
    out: list[list[tuple[str, str]]] = []
    for ch, item in items:
        if not out or len(out[-1]) == every or out[-1][0][0] != ch:
            out.append([])
        out[-1].append((ch, item))
    return out


def run_web(setup: Setup, users: int, every: int, threads: int) -> tuple[Results, float]:
    port = free_port()
    server = start_server(setup.path, port, threads)
    results = Results()
    start = threading.Barrier(users + 1)
    try:
        workers = [
            threading.Thread(target=user, args=(port, setup, k, every, results, start), daemon=True)
            for k in range(users)
        ]
        for w in workers:
            w.start()
        try:
            start.wait(timeout=300)
        except threading.BrokenBarrierError:
            results.error("not every user signed in within 300 s")
        t0 = time.perf_counter()
        for w in workers:
            w.join(timeout=900)
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return results, wall


def run_api(setup: Setup, users: int, every: int) -> tuple[Results, float]:
    """The same saves through Store.save_answers: one thread and one Store per user."""
    results = Results()
    start = threading.Barrier(users + 1)

    def work(k: int) -> None:
        code, name = department_code(k), manager(k)
        try:
            with libaudit.Store(setup.path, create=False) as s:
                start.wait()
                sent = 0
                for batch in batches(setup.items, every):
                    t0 = time.perf_counter()
                    s.save_answers(name, setup.cycle, code, [(item, "implemented") for _ch, item in batch])
                    results.add(time.perf_counter() - t0)
                    sent += len(batch)
            with results.lock:
                results.sent[code] = sent
        except Exception as e:
            results.error(f"{name}: {type(e).__name__}: {e}")

    workers = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(users)]
    for w in workers:
        w.start()
    start.wait(timeout=60)
    t0 = time.perf_counter()
    for w in workers:
        w.join(timeout=900)
    return results, time.perf_counter() - t0


def lost(setup: Setup, results: Results, users: int) -> list[str]:
    """The 課 whose stored answers differ from what was sent (count per 課)."""
    with libaudit.Store(setup.path, create=False) as s:
        stored: dict[str, int] = {}
        for r in s.responses(setup.cycle):
            stored[r.department] = stored.get(r.department, 0) + 1
    out = []
    for k in range(users):
        code = department_code(k)
        if stored.get(code, 0) != results.sent.get(code, -1) or results.sent.get(code) != len(setup.items):
            out.append(f"{code}: sent {results.sent.get(code, 0)}, stored {stored.get(code, 0)}")
    return out


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(label: str, results: Results, wall: float) -> tuple[float, float, float]:
    answers = sum(results.sent.values())
    p50, p95 = percentile(results.latencies, 50) * 1000, percentile(results.latencies, 95) * 1000
    rate = answers / wall if wall > 0 else float("nan")
    print(
        f"{label:<18} saves {len(results.latencies):>6}  answers {answers:>7}  p50 {p50:8.1f} ms  "
        f"p95 {p95:8.1f} ms  mean {statistics.fmean(results.latencies) * 1000 if results.latencies else 0:8.1f} ms  "
        f"{rate:9.0f} answers/s  wall {wall:6.1f} s"
    )
    return p50, p95, rate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50, help="concurrent 課 users (default 50)")
    ap.add_argument("--items", type=int, default=300, help="items each user answers (default 300)")
    ap.add_argument("--save-every", type=int, default=10, help="answers per save (default 10)")
    ap.add_argument("--threads", type=int, default=8, help="the server's worker threads (default 8)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: 3 users, 20 items")
    args = ap.parse_args(argv)
    if args.quick:
        args.users, args.items = 3, 20
    with tempfile.TemporaryDirectory(prefix="libaudit-web-load-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        setup = build_store(folder, args.users, args.items)
        shutil.copyfile(setup.path, folder / "api.db")
        print(
            f"web_load: {args.users} users × {args.items} items, saving every {args.save_every}; "
            f"server threads {args.threads}; store built in {time.perf_counter() - t0:.1f} s; "
            f"{os.cpu_count()} CPUs"
        )
        web, web_wall = run_web(setup, args.users, args.save_every, args.threads)
        web_lost = lost(setup, web, args.users)
        api_setup = Setup(folder / "api.db", setup.cycle, setup.items)
        api, api_wall = run_api(api_setup, args.users, args.save_every)
        api_lost = lost(api_setup, api, args.users)
        w50, w95, wrate = summary("web (HTTP)", web, web_wall)
        a50, a95, arate = summary("Store.save_answers", api, api_wall)
        if a50 > 0 and a95 > 0 and wrate > 0:
            print(f"ratio web/API: p50 {w50 / a50:.2f}×  p95 {w95 / a95:.2f}×  throughput {wrate / arate:.2f}×")
        print(f"server errors {len(web.errors)}, lost answers: web {len(web_lost)} 課, API {len(api_lost)} 課")
        for problem in (web.errors + web_lost + api.errors + api_lost)[:20]:
            print("  " + problem)
        return 0 if not (web.errors or web_lost or api.errors or api_lost) else 1


if __name__ == "__main__":
    sys.exit(main())
