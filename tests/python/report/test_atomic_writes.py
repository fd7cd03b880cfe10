"""Every file the project writes goes to a temporary file beside it and is renamed into place
(libaudit/files.py): a write that fails leaves the previous file byte-identical, no temporary
behind, and the command line prints one line, not a traceback.

The failing write is real at the OS level: the writing process runs with RLIMIT_FSIZE below the
new file's size and SIGXFSZ ignored, so write(2) fails with EFBIG ("File too large").
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap

import pytest
from _store_util import ready_store
from libaudit.errors import LibauditIOError
from libaudit.files import write_atomically, write_text
from libaudit.report import find_chromium

OLD = b"<html>the previous report, kept byte for byte</html>\n" * 3


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def run_limited(code: str, limit: int) -> subprocess.CompletedProcess:
    """`code` in a new Python whose files may not grow beyond `limit` bytes (after the store and
    the package are loaded, so only the file under test is refused)."""
    prelude = textwrap.dedent(
        f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        def limit():
            resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        """
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.fixture()
def store_db(tmp_path):
    store, cycle = ready_store(tmp_path / "w.db", tmp_path)
    store.exchange_secret()  # created now: the exports below only read the store
    store.close()
    return str(tmp_path / "w.db"), cycle


def test_a_report_rerendered_onto_a_full_disk_leaves_the_previous_file(tmp_path, store_db):
    db, cycle = store_db
    out = tmp_path / "out"
    out.mkdir()
    report = out / "committee.html"
    report.write_bytes(OLD)
    code = f"""
        import libaudit
        from libaudit.cli import main
        keep = libaudit.Store({db!r}, read_only=True)  # the store's -shm exists before the limit
        limit()
        sys.exit(main(["report", "committee", {db!r}, "--cycle", "{cycle}", "-o", {str(report)!r}]))
        """
    r = run_limited(code, 1024)
    assert r.returncode == 1, r.stderr
    assert report.read_bytes() == OLD
    assert leftovers(out) == []
    assert "Traceback" not in r.stderr
    assert r.stderr.strip() == (
        f"libaudit: cannot write {report}: File too large; the previous file (if any) is unchanged"
    )
    # Without the limit the same command replaces it.
    r = run_limited(code.replace("limit()", ""), 0)
    assert r.returncode == 0, r.stderr
    assert report.read_bytes() != OLD and b"<html" in report.read_bytes()
    assert leftovers(out) == []


@pytest.mark.parametrize("format", ["xlsx", "csv"])
def test_an_export_that_fails_leaves_no_temporary(tmp_path, store_db, format):
    db, cycle = store_db
    out = tmp_path / "q"
    out.mkdir()
    target = out / f"101.{format}"
    target.write_bytes(OLD)
    fn = "export_workbook" if format == "xlsx" else "export_csv"
    code = f"""
        import libaudit
        from libaudit.exchange import {fn}
        store = libaudit.Store({db!r}, read_only=True)
        limit()
        try:
            {fn}(store, {cycle}, "101", {str(target)!r})
        except OSError as e:
            print(type(e).__name__, e.errno, e)
            sys.exit(1)
        """
    r = run_limited(code, 200)
    assert r.returncode == 1, r.stderr
    assert r.stderr == ""  # the workbook is saved to memory: no ZipFile of openpyxl's left open
    assert r.stdout.startswith(f"LibauditIOError {errno.EFBIG} cannot write {target}: File too large")
    assert target.read_bytes() == OLD
    assert leftovers(out) == []


def test_a_pdf_chromium_cannot_write_leaves_the_previous_pdf(tmp_path, store_db):
    if not find_chromium():
        pytest.skip("PDF: Chromium is not installed (apt-get install chromium)")
    db, cycle = store_db
    pdf = tmp_path / "committee.pdf"
    pdf.write_bytes(b"%PDF-1.4 the previous one\n")
    # A Chromium that exits without printing: before, the previous PDF was unlinked first and a
    # 0-byte file was left.
    fake = tmp_path / "chromium"
    fake.write_text('#!/bin/sh\nfor a; do case $a in --print-to-pdf=*) : > "${a#*=}";; esac; done\nexit 0\n')
    fake.chmod(0o755)
    env = {**os.environ, "LIBAUDIT_CHROMIUM": str(fake), "PYTHONIOENCODING": "utf-8"}
    r = subprocess.run(
        [sys.executable, "-m", "libaudit", "report", "committee", db, "--cycle", str(cycle), "--format", "pdf"]
        + ["-o", str(pdf)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "Chromium did not write" in r.stderr
    assert pdf.read_bytes() == b"%PDF-1.4 the previous one\n"
    assert leftovers(tmp_path) == []
    # The real Chromium replaces it with a PDF.
    del env["LIBAUDIT_CHROMIUM"]
    r = subprocess.run(r.args, capture_output=True, text=True, encoding="utf-8", env=env)
    assert r.returncode == 0, r.stderr
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 1000
    assert leftovers(tmp_path) == []


def test_checklist_extract_writes_its_draft_atomically(tmp_path, monkeypatch):
    seen = []
    real = write_text

    def spy(path, text):
        seen.append(str(path))
        return real(path, text)

    import libaudit.cli.extract as extract

    monkeypatch.setattr(extract, "write_text", spy)
    policy = tmp_path / "p.txt"
    policy.write_text("第1条 職員は、パスワードを定期的に変更しなければならない。\n", encoding="utf-8")
    out = tmp_path / "draft.yaml"
    from libaudit.cli import main

    assert main(["checklist", "extract", str(policy), "--id", "t", "--title", "T", "--body", "市", "-o", str(out)]) == 0
    assert seen == [str(out)] and out.read_text(encoding="utf-8").startswith(("id:", "#", "schema"))


def test_write_atomically_contract(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    write_text(target, "one\r\n")
    assert target.read_bytes() == b"one\r\n"
    target.chmod(0o640)

    def fails(tmp):
        tmp.write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, fails)
    assert target.read_bytes() == b"one\r\n" and leftovers(target.parent) == []

    def full(tmp):
        tmp.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(LibauditIOError) as e:
        write_atomically(target, full)
    assert e.value.errno == errno.ENOSPC
    assert str(e.value) == f"cannot write {target}: No space left on device; the previous file (if any) is unchanged"
    assert target.read_bytes() == b"one\r\n" and leftovers(target.parent) == []
    # A stale temporary of an older libaudit (NAME.tmp) is never reused or touched.
    stale = target.with_name("f.txt.tmp")
    stale.write_bytes(b"stale")
    write_text(target, "two")
    assert target.read_bytes() == b"two" and stale.read_bytes() == b"stale"
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)  # the replaced file's permissions kept
