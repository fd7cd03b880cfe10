"""``libaudit evidence …`` as a user runs it: add, list, get (the bytes checked), revise,
withdraw, purge, verify naming a changed file; refusals exit 1 with one message and write
nothing; Japanese output."""

from __future__ import annotations

import json
import os
from pathlib import Path

from _store_util import ACTOR, ready_store

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def test_evidence_commands(tmp_path, cli):
    db = tmp_path / "ev.db"
    store, cycle = ready_store(db, tmp_path)
    store.close()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    to = f"response:{cycle}/101/7.1"
    r = cli(
        "evidence",
        "add",
        str(db),
        str(scan),
        "--to",
        to,
        "--title",
        "持出し記録簿",
        "--date",
        "2024-10-01",
        "--as",
        ACTOR,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("evidence 1 revision 1: scan.pdf (application/pdf, ")
    r = cli("evidence", "revise", str(db), "1", str(scan), "--name", "scan-v2.pdf", "--as", ACTOR)
    assert r.returncode == 0 and "revision 2" in r.stdout, r.stderr
    r = cli("evidence", "list", str(db), "--json")
    rows = json.loads(r.stdout)
    assert [(x["id"], x["revision"], x["status"], x["file_name"]) for x in rows] == [
        (1, 1, "active", "scan.pdf"),
        (1, 2, "active", "scan-v2.pdf"),
    ]
    r = cli("evidence", "list", str(db), "--to", to)
    assert "持出し記録簿" in r.stdout and "scan-v2.pdf" in r.stdout
    out = tmp_path / "copy.pdf"
    r = cli("evidence", "get", str(db), "1", "--revision", "1", "-o", str(out))
    assert r.returncode == 0 and "SHA-256 checked" in r.stdout and out.read_bytes() == PDF

    # One byte changed: verify names the file and the evidence; get refuses and writes nothing.
    sha = rows[0]["sha256"]
    blob = Path(str(db) + ".evidence") / "sha256" / sha[:2] / sha
    os.chmod(blob, 0o644)
    blob.write_bytes(PDF.replace(b"1.4", b"1.5"))
    r = cli("verify", str(db))
    assert r.returncode == 1
    assert f"evidence [1,1]: altered: the file {blob} of evidence 1 revision 1 has changed" in r.stdout
    out.unlink()
    r = cli("evidence", "get", str(db), "1", "-o", str(out))
    assert r.returncode == 1 and "has changed" in r.stderr and not out.exists()
    blob.write_bytes(PDF)

    r = cli("evidence", "withdraw", str(db), "1", "--reason", "誤り", "--as", ACTOR)
    assert r.returncode == 0 and "withdrawn (2 revisions)" in r.stdout
    r = cli("evidence", "purge", str(db), "1", "--as", ACTOR)
    assert r.returncode == 1 and "may be purged from" in r.stderr
    r = cli("evidence", "settings", str(db), "--retention-days", "0", "--as", ACTOR)
    assert r.returncode == 0 and "kept 0 days" in r.stdout
    r = cli("evidence", "purge", str(db), "1", "--as", ACTOR)
    assert r.returncode == 0 and "purged (2 revisions)" in r.stdout, r.stderr
    r = cli("verify", str(db))
    assert r.returncode == 0 and "intact" in r.stdout


def test_refusals_and_japanese(tmp_path, cli):
    db = tmp_path / "ev.db"
    store, cycle = ready_store(db, tmp_path)
    store.close()
    page = tmp_path / "page.html"
    page.write_bytes(b"<html><script>alert(1)</script></html>")
    before = cli("trail", str(db)).stdout
    r = cli("evidence", "add", str(db), str(page), "--to", f"response:{cycle}/101/7.1", "--as", ACTOR)
    assert r.returncode == 1
    assert r.stderr.startswith(f"libaudit: {page}: not accepted as evidence: HTML, SVG or XML")
    r = cli("evidence", "add", str(db), str(page), "--to", f"response:{cycle}/101/7.1", "--as", ACTOR, lang="ja")
    assert "証跡ファイルとして受け付けない" in r.stderr and "スクリプトを含みうる" in r.stderr
    assert cli("trail", str(db)).stdout == before
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    cli("evidence", "add", str(db), str(scan), "--to", f"response:{cycle}/101/7.1", "--as", ACTOR)
    r = cli("evidence", "list", str(db), lang="ja")
    assert "有効" in r.stdout and "添付先" in r.stdout
    # A crash's leftovers: reported by verify, not as evidence; clean removes them.
    stray = Path(str(db) + ".evidence") / "tmp" / "add-left"
    stray.write_bytes(b"half")
    r = cli("verify", str(db))
    assert (
        r.returncode == 0
        and f"not evidence, unreferenced (`libaudit evidence clean {db}` removes it): {stray}" in r.stdout
    )
    r = cli("evidence", "clean", str(db), "--as", ACTOR)
    assert r.returncode == 0 and not stray.exists()
