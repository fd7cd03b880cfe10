"""Evidence files (証跡ファイル, docs/evidence.md): attach, revise, withdraw and purge leave the
expected trail records and verify results; a changed or deleted file is named by verify; a file
over the limit or of a refused type is refused with a message and nothing written."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from _store_util import ACTOR, ready_store
from libaudit.errors import NotFoundError, StoreError, ValidationError
from libaudit.evidence import sniff

import libaudit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def ooxml(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def ready(tmp_path):
    store, cycle = ready_store(tmp_path / "ev.db", tmp_path)
    yield store, cycle, tmp_path
    store.close()


def trail_of(store, entity="evidence"):
    return [(t.key, t.action, json.loads(t.state)) for t in store.trail() if t.entity == entity]


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_attach_revise_withdraw_purge_leave_the_trail_and_verify_clean(ready):
    store, cycle, tmp = ready
    ev = store.evidence
    first = ev.add(
        ACTOR,
        "response",
        f"{cycle}/101/7.1",
        write(tmp / "scan.pdf", PDF),
        title="持出し記録簿",
        evidence_date="2024-10-01",
    )
    assert (first.id, first.revision, first.status, first.media_type) == (1, 1, "active", "application/pdf")
    assert first.sha256 == hashlib.sha256(PDF).hexdigest() and first.size == len(PDF)
    assert first.target_key == f"{cycle}/101/7.1" and first.evidence_date == "2024-10-01"
    blob = os.path.join(ev.folder, "sha256", first.sha256[:2], first.sha256)
    assert Path(blob).read_bytes() == PDF

    second = ev.revise(ACTOR, first.id, write(tmp / "scan2.png", PNG))
    assert (second.id, second.revision, second.title, second.media_type) == (1, 2, "持出し記録簿", "image/png")
    assert Path(blob).read_bytes() == PDF  # the old revision's bytes stay
    report = store.verify()
    assert report.ok and not report.unreferenced, [str(p) for p in report.problems]

    withdrawn = ev.withdraw(ACTOR, first.id, "別の課の記録だった")
    assert [f.status for f in withdrawn] == ["withdrawn", "withdrawn"]
    with pytest.raises(ValidationError, match="retention period ends"):
        ev.purge(ACTOR, first.id)
    ev.set_settings(ACTOR, retention_days=0)
    purged = ev.purge(ACTOR, first.id)
    assert [f.status for f in purged] == ["purged", "purged"]
    assert not os.path.exists(blob)
    assert ev.get(1, 1).status == "purged" and ev.get(1, 1).sha256 == first.sha256  # the record stays

    records = trail_of(store)
    assert [(k, a) for k, a, _ in records] == [
        ("[1,1]", "insert"),
        ("[1,2]", "insert"),
        ("[1,1]", "update"),
        ("[1,2]", "update"),
        ("[1,1]", "update"),
        ("[1,2]", "update"),
    ]
    for _k, _a, state in records:  # every record carries the file's hash and size
        assert len(state["sha256"]) == 64 and state["size"] > 0
    assert [s["status"] for _k, _a, s in records] == ["active"] * 2 + ["withdrawn"] * 2 + ["purged"] * 2
    assert trail_of(store, "evidence_setting") == [("retention_days", "insert", {"name": "retention_days", "value": 0})]
    report = store.verify()
    assert report.ok and not report.unreferenced, [str(p) for p in report.problems]
    with pytest.raises(ValidationError, match="purged"):
        ev.copy_out(1, 1, tmp / "gone.pdf")


def test_a_changed_or_deleted_file_is_named_by_verify(ready):
    store, cycle, tmp = ready
    a = store.evidence.add(ACTOR, "response", f"{cycle}/101/7.1", write(tmp / "a.pdf", PDF))
    b = store.evidence.add(ACTOR, "response", f"{cycle}/102/7.2", write(tmp / "b.png", PNG))
    folder = store.evidence.folder
    path_a = os.path.join(folder, "sha256", a.sha256[:2], a.sha256)
    path_b = os.path.join(folder, "sha256", b.sha256[:2], b.sha256)
    os.chmod(path_a, 0o644)
    data = bytearray(Path(path_a).read_bytes())
    data[10] ^= 1  # one byte
    Path(path_a).write_bytes(bytes(data))
    os.remove(path_b)
    report = store.verify()
    assert not report.ok
    got = {(p.table, p.key, p.kind): p.detail for p in report.problems}
    assert set(got) == {("evidence", "[1,1]", "altered"), ("evidence", "[2,1]", "missing")}
    assert path_a in got[("evidence", "[1,1]", "altered")] and "evidence 1" in got[("evidence", "[1,1]", "altered")]
    assert path_b in got[("evidence", "[2,1]", "missing")] and "evidence 2" in got[("evidence", "[2,1]", "missing")]
    with pytest.raises(StoreError, match="has changed"):
        store.evidence.copy_out(1, 0, tmp / "out.pdf")
    assert not (tmp / "out.pdf").exists()  # nothing written
    with pytest.raises(StoreError, match="is missing"):
        store.evidence.copy_out(2, 0, tmp / "out.png")


def test_get_writes_the_bytes_checked(ready):
    store, cycle, tmp = ready
    f = store.evidence.add(ACTOR, "response", f"{cycle}/101/7.1", write(tmp / "a.csv", "課,件数\n総務課,3\n".encode()))
    assert f.media_type == "text/csv"
    out = tmp / "out" / "copy.csv"
    out.parent.mkdir()
    store.evidence.copy_out(f.id, 0, out)
    assert out.read_text(encoding="utf-8") == "課,件数\n総務課,3\n"
    assert os.listdir(out.parent) == ["copy.csv"]  # no temporary left


@pytest.mark.parametrize(
    "name, data, why",
    [
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 100, "program"),
        ("run.sh", b"#!/bin/sh\nrm -rf /\n", "program"),
        ("page.html", b"<!DOCTYPE html><html><body>x</body></html>", "HTML, SVG or XML"),
        ("pic.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "HTML, SVG or XML"),
        ("note.txt", b"hello <script>alert(1)</script>", "HTML, SVG or XML"),
        ("a.zip", ooxml({"a.txt": b"x"}), "archive"),
        ("a.tar.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 40, "archive"),
        (
            "macro.xlsm",
            ooxml({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>", "xl/vbaProject.bin": b"v"}),
            "macros",
        ),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Office"),
        ("empty.pdf", b"", "empty"),
        ("blob.bin", bytes(range(256)), "not accepted"),
    ],
)
def test_a_refused_type_is_refused_and_nothing_written(ready, name, data, why):
    store, cycle, tmp = ready
    before = store.trail()
    with pytest.raises(ValidationError, match=why):
        store.evidence.add(ACTOR, "response", f"{cycle}/101/7.1", write(tmp / name, data))
    assert store.trail() == before and store.evidence.list() == []
    assert not os.path.exists(store.evidence.folder) or not store.evidence.unreferenced()
    assert sniff(tmp / name)[0] == ""


def test_office_documents_are_accepted_by_content():
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "report.bin")  # the name does not matter
        Path(p).write_bytes(ooxml({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}))
        assert sniff(p)[0] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        Path(p).write_bytes(ooxml({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"}))
        assert sniff(p)[0] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_file_over_the_limit_is_refused_before_a_byte_is_copied(ready):
    store, cycle, tmp = ready
    store.evidence.set_settings(ACTOR, max_bytes=100)
    before = store.trail()
    with pytest.raises(ValidationError, match="larger than the store's limit of 100 bytes"):
        store.evidence.add(ACTOR, "response", f"{cycle}/101/7.1", write(tmp / "big.pdf", PDF + b" " * 200))
    assert store.trail() == before and store.evidence.list() == []
    assert not store.evidence.unreferenced()


def test_targets_are_checked(ready):
    store, cycle, tmp = ready
    f = write(tmp / "a.pdf", PDF)
    with pytest.raises(ValidationError, match="unknown evidence target kind 'memo'"):
        store.evidence.add(ACTOR, "memo", "1", f)
    with pytest.raises(NotFoundError, match="not a target"):
        store.evidence.add(ACTOR, "response", f"{cycle}/999/7.1", f)
    with pytest.raises(NotFoundError, match="not in the checklist"):
        store.evidence.add(ACTOR, "response", f"{cycle}/101/9.9", f)
    with pytest.raises(NotFoundError, match="no finding 7"):
        store.evidence.add(ACTOR, "finding", "7", f)
    with pytest.raises(NotFoundError, match="no exception 7"):
        store.evidence.add(ACTOR, "exception", "7", f)
    with pytest.raises(ValidationError, match="not a file name"):
        store.evidence.add(ACTOR, "response", f"{cycle}/101/7.1", f, file_name="../x.pdf")
    # Codes and ids are normalised as everywhere: full-width digits name the same response.
    g = store.evidence.add(ACTOR, "response", f"{cycle}/１０１/7.1", f)
    assert g.target_key == f"{cycle}/101/7.1"
    assert [x.id for x in store.evidence.list("response", f"{cycle}/101/7.1")] == [g.id]


def test_attach_to_a_finding(ready):
    store, cycle, tmp = ready
    store.people.add(ACTOR, "監査A", "102", ["auditor"])
    audit = store.create_cycle(
        ACTOR, name="令和6年度 内部監査", kind="internal_audit", fiscal_year=2024, checklist=store.checklists()[0].id
    )
    store.open_cycle(ACTOR, audit)
    n = store.findings.open(
        "監査A",
        cycle=audit,
        department="101",
        items=["7.1"],
        severity="minor_nonconformity",
        due="2025-03-31",
        condition="未整備",
    )
    f = store.evidence.add(ACTOR, "finding", str(n), write(tmp / "a.pdf", PDF))
    assert (f.target_kind, f.target_key) == ("finding", str(n))
    assert store.verify().ok


def test_the_same_bytes_are_stored_once_and_purge_keeps_them_while_referenced(ready):
    store, cycle, tmp = ready
    ev = store.evidence
    a = ev.add(ACTOR, "response", f"{cycle}/101/7.1", write(tmp / "a.pdf", PDF))
    b = ev.add(ACTOR, "response", f"{cycle}/102/7.1", write(tmp / "b.pdf", PDF))
    assert a.sha256 == b.sha256
    ev.withdraw(ACTOR, a.id, "重複")
    ev.set_settings(ACTOR, retention_days=0)
    ev.purge(ACTOR, a.id)
    assert os.path.exists(os.path.join(ev.folder, "sha256", a.sha256[:2], a.sha256))  # b still holds them
    assert store.verify().ok


def test_unreferenced_files_are_reported_apart_and_cleaned(ready):
    store, cycle, tmp = ready
    store.evidence.add(ACTOR, "response", f"{cycle}/101/7.1", write(tmp / "a.pdf", PDF))
    folder = store.evidence.folder
    stray = os.path.join(folder, "sha256", "ab", "ab" + "0" * 62)
    os.makedirs(os.path.dirname(stray), exist_ok=True)
    Path(stray).write_bytes(b"left by a crash")
    temp = os.path.join(folder, "tmp", "add-XXXX")
    Path(temp).write_bytes(b"half")
    report = store.verify()
    assert report.ok and sorted(report.unreferenced) == sorted([stray, temp])
    assert sorted(store.evidence.clean()) == sorted([stray, temp])
    assert store.verify().unreferenced == ()
    assert store.evidence.list()[0].status == "active"


def test_withdraw_needs_a_reason_and_revise_an_active_item(ready):
    store, cycle, tmp = ready
    f = store.evidence.add(ACTOR, "response", f"{cycle}/101/7.1", write(tmp / "a.pdf", PDF))
    with pytest.raises(ValidationError, match="reason"):
        store.evidence.withdraw(ACTOR, f.id, " ")
    store.evidence.withdraw(ACTOR, f.id, "誤り")
    with pytest.raises(ValidationError, match="withdrawn or purged"):
        store.evidence.revise(ACTOR, f.id, write(tmp / "b.pdf", PDF + b"\n"))
    with pytest.raises(ValidationError, match="already withdrawn"):
        store.evidence.withdraw(ACTOR, f.id, "誤り")
    with pytest.raises(NotFoundError):
        store.evidence.get(99)


def test_a_memory_store_has_no_evidence(tmp_path):
    with libaudit.Store(":memory:") as s:
        assert s.verify().ok
        with pytest.raises(ValidationError, match="in a file"):
            s.evidence.add(ACTOR, "response", "1/101/7.1", write(tmp_path / "a.pdf", PDF))
