"""``libaudit serve``: the first administrator's link, its errors, and a real server answering."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

from libaudit.web.auth import CSP

from ._web_util import AUDITOR, make_store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_prints_the_first_admin_link_and_serves(tmp_path):
    path = tmp_path / "audit.db"
    make_store(path, tmp_path)
    port = free_port()
    env = {**os.environ, "LIBAUDIT_LANG": "en", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "libaudit", "serve", str(path), "--port", str(port), "--insecure-cookies"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        assert AUDITOR in lines[0] and "one-time link" in lines[0]
        link = lines[1].strip()
        assert re.fullmatch(rf"http://127\.0\.0\.1:{port}/invite/[A-Za-z0-9_-]{{43}}", link), link
        assert lines[2].startswith("serving ")
        for _ in range(100):
            try:
                with urllib.request.urlopen(link, timeout=5) as r:
                    page = r.read().decode("utf-8")
                    headers = r.headers
                break
            except OSError:
                time.sleep(0.1)
        assert AUDITOR in page and "パスワードの設定" in page  # the page is Japanese, the CLI English
        assert headers["Content-Security-Policy"] == CSP
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    assert "plain HTTP" in err  # the warning of --insecure-cookies


def test_serve_without_anyone_to_invite(tmp_path, cli):
    path = tmp_path / "audit.db"
    assert cli("init", str(path)).returncode == 0
    done = cli("serve", str(path), lang="ja")
    assert done.returncode == 1
    assert "--admin 氏名" in done.stderr and "Traceback" not in done.stderr


def test_serve_admin_not_in_register(tmp_path, cli):
    path = tmp_path / "audit.db"
    make_store(path, tmp_path)
    done = cli("serve", str(path), "--admin", "nobody")
    assert done.returncode == 1 and "nobody" in done.stderr
