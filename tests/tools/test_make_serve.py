"""`make serve` builds the demo store when it is missing (as `make demo` does), then starts
`libaudit serve` on it on 127.0.0.1 with --insecure-cookies; with the store there, it only serves.
The Makefile runs in a scratch tree whose programs only log (test_makefile.scratch)."""

from __future__ import annotations

import os
import subprocess

from test_makefile import pytestmark, scratch, steps  # noqa: F401 - the same skip (make, git)


def make_serve(tmp) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    return subprocess.run(["make", "serve"], cwd=tmp, capture_output=True, text=True, env=env)


def test_make_serve_builds_the_demo_store_when_missing_then_serves_it(tmp_path):
    log = scratch(tmp_path)
    r = make_serve(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    python = [line for line in steps(log) if line.startswith("start python")]
    assert python[-2] == "start python examples/demo.py"
    assert python[-1] == (
        "start python -m libaudit serve out/demo/demo.db --host 127.0.0.1 --port 8080 --insecure-cookies"
    )


def test_make_serve_does_not_rebuild_an_existing_demo_store(tmp_path):
    log = scratch(tmp_path)
    (tmp_path / "out" / "demo").mkdir(parents=True)
    (tmp_path / "out" / "demo" / "demo.db").write_bytes(b"")
    r = make_serve(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = steps(log)
    assert "start python examples/demo.py" not in lines
    assert lines[-2].startswith("start python -m libaudit serve out/demo/demo.db")
