"""Evidence files returned beside a questionnaire (docs/exchange.md, "Evidence files"): a row's
根拠資料 names them after 証跡ファイル:, the import attaches each to its answer; a name with a
folder, a missing file or a refused type is a located problem and nothing is imported."""

from __future__ import annotations

import pytest
from libaudit.errors import QuestionnaireError
from test_exchange import fill, items_of, make_store, snapshot

from libaudit import exchange

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def returned(tmp_path):
    s, cycle, _cl = make_store(tmp_path)
    folder = tmp_path / "returned"
    folder.mkdir()
    wb = folder / "101.xlsx"
    exchange.export_workbook(s, cycle, "101", wb)
    yield s, cycle, folder, wb, items_of(wb)
    s.close()


def test_named_files_are_attached_to_their_answers(returned):
    s, cycle, folder, wb, items = returned
    (folder / "持出し記録簿.pdf").write_bytes(PDF)
    (folder / "log.csv").write_bytes("日付,件数\n2024-10-01,3\n".encode())
    fill(wb, {items[0]: ("implemented", "", "規程あり\n証跡ファイル：持出し記録簿.pdf、log.csv")})
    summary = exchange.import_files(s, cycle, [folder], "渡辺")
    assert summary.evidence == 2
    got = s.evidence.list("response", f"{cycle}/101/{items[0]}")
    assert [(f.file_name, f.media_type) for f in got] == [
        ("持出し記録簿.pdf", "application/pdf"),
        ("log.csv", "text/csv"),
    ]
    assert s.verify().ok


@pytest.mark.parametrize(
    "name, why",
    [
        ("../secret.pdf", "by its name alone"),
        ("missing.pdf", "no such file beside the returned file"),
        ("tool.exe", "not accepted as evidence"),
    ],
)
def test_a_bad_name_refuses_the_import(returned, name, why):
    s, cycle, folder, wb, items = returned
    (folder.parent / "secret.pdf").write_bytes(PDF)
    (folder / "tool.exe").write_bytes(b"MZ\x90\x00")
    fill(wb, {items[0]: ("implemented", "", f"証跡ファイル: {name}")})
    before = snapshot(s, cycle)
    with pytest.raises(QuestionnaireError) as e:
        exchange.import_files(s, cycle, [wb], "渡辺")
    assert any(why in p.message and p.row > 0 for p in e.value.problems), e.value.problems
    assert snapshot(s, cycle) == before and s.evidence.list() == []
