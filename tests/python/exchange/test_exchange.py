"""libaudit.exchange: per-課 questionnaires (.xlsx, CSV) out, answers in (docs/exchange.md)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from _lang import speaking
from _store_util import ACTOR, CHECKLIST_YAML, DEPARTMENTS_CSV, write
from libaudit.cli import main as cli_main
from libaudit.errors import QuestionnaireError
from openpyxl import load_workbook

import libaudit
from libaudit import ImportValidationError, Store, ValidationError, exchange

REPO = Path(__file__).resolve().parents[3]

# The test checklist plus an item only for 課 that own a system (applicability).
YAML = (
    CHECKLIST_YAML
    + """\
      - id: "8.4"
        clause: "8(4)"
        text: 情報システム管理者は、情報システムの自己点検を実施しなければならない。
        question: 所管する情報システムの自己点検を実施しているか。
        roles: [system_administrator]
        applies_to: {departments: system_owners}
"""
)
TRICKY = ['カンマ, と "引用符" と\n改行', "①㈱髙 機種依存文字", "=SUM(A1) 数式ではない", "  前後の空白  "]
EMOJI = "絵文字 😀 と 髙"


def make_store(tmp: Path, name: str = "audit.db"):
    s = Store(tmp / name)
    s.set_body(ACTOR, "テスト市")
    s.import_departments_csv(ACTOR, write(tmp / "departments.csv", DEPARTMENTS_CSV))
    s.put_system(ACTOR, "住民記録システム", "101", "mynumber", True)
    cl = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(YAML, "test.yaml"))
    c1 = s.create_cycle(ACTOR, name="令和6年度 自己点検", kind="self_inspection", fiscal_year=2024, checklist=cl)
    s.open_cycle(ACTOR, c1)
    return s, c1, cl


@pytest.fixture
def env(tmp_path):
    s, cycle, cl = make_store(tmp_path)
    yield s, cycle, cl, tmp_path
    s.close()


def snapshot(s: Store, cycle: int):
    """What must not change when an import is refused."""
    trail = s.trail()
    return (len(trail), trail[-1].hash if trail else "", [tuple(r.__dict__.values()) for r in s.responses(cycle)])


def fill(path: Path, answers: dict, respondent: str = "") -> Path:
    """Fill an exported workbook as a 課 would (only the unlocked cells)."""
    wb = load_workbook(path)
    ws = wb[exchange.SHEET_QUESTIONS]
    for r in range(1, ws.max_row + 1):
        item = ws.cell(r, 8).value
        if r > exchange.HEADER_ROW and item in answers:
            a = answers[item]
            a = (a,) if isinstance(a, str) else tuple(a) + ("",) * (3 - len(a))  # a str: the answer only
            for col, v in zip((5, 6, 7), a):
                assert not ws.cell(r, col).protection.locked
                ws.cell(r, col).value = v or None
                if v:
                    ws.cell(r, col).data_type = "s"
    if respondent:
        info = wb[exchange.SHEET_INFO]
        for r in range(1, info.max_row + 1):
            if info.cell(r, 1).value == "回答者（氏名）":
                info.cell(r, 2).value = respondent
    wb.save(path)
    return path


def items_of(path: Path):
    wb = load_workbook(path, read_only=True)
    out = [r[7] for r in wb[exchange.SHEET_QUESTIONS].iter_rows(min_row=3, values_only=True) if r[7]]
    wb.close()
    return out


def stored(s: Store, cycle: int):
    return {(r.department, r.item): (r.answer, r.comment, r.evidence) for r in s.responses(cycle)}


# ---- the store's secret -------------------------------------------------------------------


def test_exchange_secret_is_created_once_and_not_in_the_trail(tmp_path):
    s, _, _ = make_store(tmp_path)
    head = len(s.trail())
    key = s.exchange_secret()
    assert len(key) == 64 and int(key, 16) >= 0
    assert s.exchange_secret() == key
    assert len(s.trail()) == head
    s.close()
    with Store(tmp_path / "audit.db") as again:
        assert again.exchange_secret() == key
        assert again.verify().ok
    with Store(tmp_path / "other.db") as other:
        assert other.exchange_secret() != key


# ---- export -------------------------------------------------------------------------------


def test_workbook_layout(env):
    s, cycle, _, tmp = env
    path = exchange.export_workbook(
        s, cycle, "101", tmp / "q.xlsx", deadline="2024-06-28", contact="情報政策課 内線1234"
    )
    wb = load_workbook(path)
    assert wb.sheetnames == [exchange.SHEET_INFO, exchange.SHEET_QUESTIONS, exchange.SHEET_ID]
    info = "\n".join(str(c.value) for row in wb[exchange.SHEET_INFO].iter_rows() for c in row if c.value)
    for text in (
        "令和6年度",
        "101 総務課",
        "総務部",
        "佐藤 花子",
        "2024年6月28日",
        "情報政策課 内線1234",
        "テスト市",
        "実施している",
        "わからない",
    ):
        assert text in info
    ws = wb[exchange.SHEET_QUESTIONS]
    assert [c.value for c in ws[2]] == [h for _, h, _ in exchange.COLUMNS]
    assert ws.protection.sheet and wb[exchange.SHEET_INFO].protection.sheet
    assert ws.print_title_rows == "$2:$2" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.column_dimensions["C"].width >= 50
    ids = wb[exchange.SHEET_ID]
    assert ids.sheet_state == "veryHidden" and ids.protection.sheet
    assert wb.security.lockStructure
    # chapters as group rows, then only the unlocked answer/comment/evidence cells
    assert ws["A3"].value == "7 運用" and ws["C4"].value == "情報システムを監視しているか。"
    assert ws["D4"].value == "情報セキュリティ管理者"
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, 8).value:
            unlocked = [c for c in range(1, 9) if not ws.cell(r, c).protection.locked]
            assert unlocked == [5, 6, 7]
            assert ws.cell(r, 3).alignment.wrap_text
    dv = ws.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].type == "list"
    assert dv[0].formula1 == '"実施している,一部実施している,実施していない,該当しない,わからない"'
    assert "E4" in str(dv[0].sqref) or "E4:" in str(dv[0].sqref)


def test_only_applicable_items(env):
    s, cycle, _, tmp = env
    assert items_of(exchange.export_workbook(s, cycle, "101", tmp / "a.xlsx")) == [
        "7.1",
        "7.2",
        "8.1",
        "8.2",
        "8.3",
        "8.4",
    ]  # 総務課 owns a system
    assert items_of(exchange.export_workbook(s, cycle, "102", tmp / "b.xlsx")) == ["7.1", "7.2", "8.1", "8.2", "8.3"]
    with pytest.raises(ValidationError, match="not a target|unknown"):
        exchange.export_workbook(s, cycle, "100", tmp / "c.xlsx")  # a 部, not a 課


def test_export_all_with_progress(env):
    s, cycle, _, tmp = env
    calls = []
    paths = exchange.export_all(s, cycle, tmp / "out", progress=lambda d, t: calls.append((d, t)))
    assert [p.name for p in paths] == ["101_総務課.xlsx", "102_人事課.xlsx", "201_市民課.xlsx"]
    assert calls == [(1, 3), (2, 3), (3, 3)]
    csvs = exchange.export_all(s, cycle, tmp / "csv", format="csv", encoding="cp932")
    assert [p.suffix for p in csvs] == [".csv"] * 3


# ---- round trips --------------------------------------------------------------------------

ANSWERS = ["実施している", "一部実施している", "実施していない", "該当しない", "わからない", "implemented"]
CODES = {
    "実施している": "implemented",
    "一部実施している": "partial",
    "実施していない": "not_implemented",
    "該当しない": "not_applicable",
    "わからない": "unknown",
    "implemented": "implemented",
}


def filled_answers(dept: str, items):
    out = {}
    for k, item in enumerate(items):
        out[item] = (
            ANSWERS[(k + int(dept)) % len(ANSWERS)],
            TRICKY[k % len(TRICKY)] if k % 2 else "",
            f"根拠 {dept}-{item}" if k % 3 else "",
        )
    return out


def expected_from(filled: dict):
    return {(d, i): (CODES[a], c, e) for d, ans in filled.items() for i, (a, c, e) in ans.items()}


def test_workbook_round_trip_every_answer(env):
    s, cycle, _, tmp = env
    paths = exchange.export_all(s, cycle, tmp / "out", deadline="2024-06-28")
    filled = {}
    for p in paths:
        dept = p.name.split("_")[0]
        filled[dept] = filled_answers(dept, items_of(p))
        fill(p, filled[dept], respondent="課長 " + dept)
    result = exchange.import_files(s, cycle, [tmp / "out"], actor="情報政策課 渡辺")
    assert stored(s, cycle) == expected_from(filled)
    assert [(Path(f.path).name, f.answered, f.changed, f.unchanged, f.blank) for f in result.files] == [
        ("101_総務課.xlsx", 6, 6, 0, 0),
        ("102_人事課.xlsx", 5, 5, 0, 0),
        ("201_市民課.xlsx", 5, 5, 0, 0),
    ]
    assert result.inserted == 16 and result.updated == 0
    by = {(r.department, r.item): r.answered_by for r in s.responses(cycle)}
    assert by[("101", "7.1")] == "課長 101"
    # the trail: who imported which files, with their SHA-256
    rec = s.trail()[-1]
    assert rec.actor == "情報政策課 渡辺" and rec.entity == "responses"
    state = json.loads(rec.state)
    for p, f in zip(paths, result.files):
        assert f"{p.name} sha256:{f.sha256}" in state["source"]
    import hashlib

    assert result.files[0].sha256 == hashlib.sha256(paths[0].read_bytes()).hexdigest()
    assert s.verify().ok
    with speaking("ja"):
        assert "101 総務課" in result.table() and "計" in result.table()
    with speaking("en"):
        assert "101 総務課" in result.table() and "total" in result.table()

    # the same files again: nothing changes, nothing is recorded
    before = snapshot(s, cycle)
    again = exchange.import_files(s, cycle, [tmp / "out"], actor="someone else")
    assert snapshot(s, cycle) == before
    assert again.changed == 0 and again.inserted == again.updated == 0
    assert [f.unchanged for f in again.files] == [6, 5, 5]

    # a corrected file changes only what changed
    fill(paths[1], {"8.1": ("実施していない", "訂正しました", "")})
    corrected = exchange.import_files(s, cycle, [paths[1]], actor="情報政策課 渡辺")
    assert (corrected.files[0].changed, corrected.files[0].unchanged) == (1, 4)
    assert corrected.updated == 1 and corrected.inserted == 0
    exp = expected_from(filled)
    exp[("102", "8.1")] = ("not_implemented", "訂正しました", "")
    assert stored(s, cycle) == exp
    assert len(json.loads(s.trail()[-1].state)["rows"]) == 1


def test_partly_filled_workbook_leaves_blanks_unanswered(env):
    s, cycle, _, tmp = env
    p = exchange.export_workbook(s, cycle, "201", tmp / "201.xlsx")
    fill(p, {"7.1": "実施している", "8.2": ("partial", "英語のコードも可", "")})
    r = exchange.import_files(s, cycle, [p], actor=ACTOR)
    assert (r.files[0].answered, r.files[0].blank) == (2, 3)
    assert stored(s, cycle) == {
        ("201", "7.1"): ("implemented", "", ""),
        ("201", "8.2"): ("partial", "英語のコードも可", ""),
    }
    # exporting again shows what is stored; the blanks stay blank
    p2 = exchange.export_workbook(s, cycle, "201", tmp / "201b.xlsx")
    ws = load_workbook(p2)[exchange.SHEET_QUESTIONS]
    answers = {ws.cell(r, 8).value: ws.cell(r, 5).value for r in range(3, ws.max_row + 1) if ws.cell(r, 8).value}
    assert answers == {"7.1": "実施している", "7.2": None, "8.1": None, "8.2": "一部実施している", "8.3": None}


def test_dry_run_writes_nothing(env):
    s, cycle, _, tmp = env
    p = fill(exchange.export_workbook(s, cycle, "101", tmp / "101.xlsx"), {"7.1": "実施している"})
    before = snapshot(s, cycle)
    r = exchange.import_files(s, cycle, [p], actor=ACTOR, dry_run=True)
    assert r.dry_run and r.files[0].changed == 1 and snapshot(s, cycle) == before


def test_carry_over_from_last_year(env):
    s, c1, cl, tmp = env
    p = fill(
        exchange.export_workbook(s, c1, "102", tmp / "2024.xlsx"),
        {"7.1": ("一部実施している", "昨年のコメント", "手順書"), "8.3": "実施している"},
    )
    exchange.import_files(s, c1, [p], actor=ACTOR)
    c2 = s.create_cycle(ACTOR, name="令和7年度 自己点検", kind="self_inspection", fiscal_year=2025, checklist=cl)
    s.open_cycle(ACTOR, c2)
    p2 = exchange.export_workbook(s, c2, "102", tmp / "2025.xlsx", carry_over_from=c1)
    ws = load_workbook(p2)[exchange.SHEET_QUESTIONS]
    row = {
        ws.cell(r, 8).value: (ws.cell(r, 5).value, ws.cell(r, 6).value, ws.cell(r, 7).value)
        for r in range(3, ws.max_row + 1)
        if ws.cell(r, 8).value
    }
    assert row["7.1"] == ("一部実施している", "昨年のコメント", "手順書") and row["8.1"] == (None, None, None)
    assert "令和7年度" in str(load_workbook(p2)[exchange.SHEET_INFO]["B5"].value)
    fill(p2, {"7.1": "実施している"})
    exchange.import_files(s, c2, [p2], actor=ACTOR)
    assert stored(s, c2) == {
        ("102", "7.1"): ("implemented", "昨年のコメント", "手順書"),
        ("102", "8.3"): ("implemented", "", ""),
    }
    assert stored(s, c1)[("102", "7.1")] == ("partial", "昨年のコメント", "手順書")


def fill_csv(path: Path, encoding: str, answers: dict) -> Path:
    """Fill an exported CSV as Excel would save it (same encoding, CRLF, quoting as needed)."""
    enc = "utf-8-sig" if encoding.startswith("utf") else "cp932"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode(enc), newline="")))
    head = rows[0]
    ia, ic, ie, ii = (head.index(h) for h in ("回答", "備考", "根拠資料", "項目ID"))
    for r in rows[1:]:
        if exchange._from_text(r[ii]) in answers:  # ids that look like numbers are written ="7.1"
            r[ia], r[ic], r[ie] = answers[exchange._from_text(r[ii])]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(enc))
    return path


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_csv_round_trip(env, encoding):
    s, cycle, _, tmp = env
    comments = TRICKY + ([EMOJI] if encoding == "utf-8-sig" else [])
    filled = {}
    for dept in ("101", "102", "201"):
        p = exchange.export_csv(s, cycle, dept, tmp / "csv" / f"{dept}.csv", encoding=encoding)
        raw = p.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig" if encoding != "cp932" else "cp932"), newline="")))
        assert rows[0][:9] == ["番号", "章", "条項", "点検項目", "担当", "回答", "備考", "根拠資料", "項目ID"]
        items = [exchange._from_text(r[8]) for r in rows[1:]]
        filled[dept] = {i: (ANSWERS[k % 5], comments[k % len(comments)], f'資料, "{k}"') for k, i in enumerate(items)}
        fill_csv(p, encoding, filled[dept])
    r = exchange.import_files(s, cycle, [tmp / "csv" / f"{d}.csv" for d in ("101", "102", "201")], actor=ACTOR)
    assert stored(s, cycle) == expected_from(filled)
    assert r.changed == 16
    assert exchange.import_files(s, cycle, [tmp / "csv"], actor=ACTOR).changed == 0  # the folder, again


def test_cp932_export_keeps_machine_dependent_characters_and_refuses_emoji(env):
    s, cycle, _, tmp = env
    s.import_responses(
        ACTOR, cycle, [("101", "7.1", "partial", "①㈱髙 と 〜", ""), ("101", "8.2", "unknown", "", EMOJI)]
    )
    p = exchange.export_csv(s, cycle, "102", tmp / "102.csv", encoding="cp932")  # no such text: fine
    assert p.exists()
    p = exchange.export_csv(s, cycle, "101", tmp / "101.csv", encoding="utf-8-sig")
    assert "①㈱髙" in p.read_text("utf-8-sig") and EMOJI in p.read_text("utf-8-sig")
    with pytest.raises(ValidationError) as e:
        exchange.export_csv(s, cycle, "101", tmp / "101-sjis.csv", encoding="cp932")
    assert "番号 4 (根拠資料)" in str(e.value.diagnostics[0]) and "U+1F600" in str(e.value.diagnostics[0])
    assert not (tmp / "101-sjis.csv").exists()
    # 髙 (U+9AD9) and ①, ㈱ are in CP932 (NEC/IBM extensions): they survive
    s.import_responses(ACTOR, cycle, [("101", "8.2", "unknown", "", "髙橋")])
    p = exchange.export_csv(s, cycle, "101", tmp / "101-sjis.csv", encoding="cp932")
    text = p.read_bytes().decode("cp932")
    assert "①㈱髙" in text and "髙橋" in text


# ---- LibreOffice --------------------------------------------------------------------------


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:  # `make test` installs it first (scripts/install-deps.sh --office); a test never does
        pytest.skip("LibreOffice (soffice) is not installed (scripts/install-deps.sh --office)")
    return exe


def test_libreoffice_round_trip(env):
    s, cycle, _, tmp = env
    exe = soffice()
    src = tmp / "src"
    p = exchange.export_workbook(s, cycle, "101", src / "101_総務課.xlsx", deadline="2024-06-28")
    answers = filled_answers("101", items_of(p))
    fill(p, answers)
    out = tmp / "converted"
    profile = tmp / "lo-profile"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(p),
        ],
        check=True,
        timeout=300,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    converted = out / p.name
    assert converted.exists() and converted.read_bytes() != p.read_bytes()
    r = exchange.import_files(s, cycle, [converted], actor=ACTOR)
    assert r.files[0].answered == 6
    assert stored(s, cycle) == expected_from({"101": answers})


# ---- bad input: refused with a message, the database unchanged -----------------------------


def refused(s: Store, cycle: int, paths, *needles, **kw):
    before = snapshot(s, cycle)
    with pytest.raises(QuestionnaireError) as e:
        exchange.import_files(s, cycle, paths, actor=ACTOR, **kw)
    assert snapshot(s, cycle) == before
    text = str(e.value)
    for n in needles:
        assert n in text, text
    assert isinstance(e.value, ImportValidationError) and isinstance(e.value, ValueError)
    return e.value


@pytest.fixture
def answered(env):
    """A filled workbook for 102, and the store."""
    s, cycle, cl, tmp = env
    p = exchange.export_workbook(s, cycle, "102", tmp / "102.xlsx")
    fill(p, dict.fromkeys(items_of(p), "実施している"))
    return s, cycle, cl, tmp, p


def test_bad_another_departments_workbook(answered):
    s, cycle, _, tmp, p = answered
    refused(s, cycle, [p], "102.xlsx", "for department 102 人事課, not 101", department="101")
    # the 課 code edited in the hidden sheet: the identity checksum no longer matches
    wb = load_workbook(p)
    wb[exchange.SHEET_ID]["B5"].value = "101"
    wb.save(tmp / "forged.xlsx")
    refused(s, cycle, [tmp / "forged.xlsx"], "forged.xlsx", "identity checksum does not match")


def test_bad_another_cycles_workbook(answered):
    s, cycle, cl, tmp, p = answered
    c2 = s.create_cycle(ACTOR, name="令和7年度 自己点検", kind="self_inspection", fiscal_year=2025, checklist=cl)
    s.open_cycle(ACTOR, c2)
    refused(s, c2, [p], "for cycle 1 (令和6年度 自己点検), not cycle 2 (令和7年度 自己点検)")


def test_bad_workbook_from_another_database(answered, tmp_path):
    s, cycle, _, tmp, p = answered
    other, oc, _ = make_store(tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path)
    try:
        q = fill(exchange.export_workbook(other, oc, "102", tmp / "other.xlsx"), {"7.1": "実施している"})
    finally:
        other.close()
    refused(s, cycle, [q], "other.xlsx", "identity checksum does not match", "another libaudit database")


def test_bad_edited_item_id(answered):
    s, cycle, _, tmp, p = answered
    wb = load_workbook(p)
    wb[exchange.SHEET_QUESTIONS]["H5"].value = "8.1"
    wb.save(p)
    refused(s, cycle, [p], "102.xlsx: 点検票!H5: the item id is '8.1' but this row was exported for item 7.2")


def test_bad_deleted_row(answered):
    s, cycle, _, tmp, p = answered
    wb = load_workbook(p)
    wb[exchange.SHEET_QUESTIONS].delete_rows(5)
    wb.save(p)
    e = refused(
        s,
        cycle,
        [p],
        "点検票!H5: the item id is '' but this row was exported for item 7.2",
        "rows were deleted, inserted or re-ordered",
    )
    assert len(e.problems) >= 3  # every following row is reported


def test_bad_reordered_rows(answered):
    s, cycle, _, tmp, p = answered
    wb = load_workbook(p)
    ws = wb[exchange.SHEET_QUESTIONS]
    for c in range(1, 9):
        a, b = ws.cell(4, c), ws.cell(5, c)
        a.value, b.value = b.value, a.value
    wb.save(p)
    e = refused(s, cycle, [p], "点検票!H4: the item id is '7.2' but this row was exported for item 7.1", "点検票!H5")
    assert len(e.problems) == 2


def test_bad_tampered_checksum(answered):
    s, cycle, _, tmp, p = answered
    wb = load_workbook(p)
    ids = wb[exchange.SHEET_ID]
    r = next(r for r in range(1, ids.max_row + 1) if ids.cell(r, 2).value == "8.2")
    ids.cell(r, 3).value = "0" * 64
    wb.save(p)
    refused(s, cycle, [p], "the checksum of row", "(item 8.2) does not match")


def test_bad_answers_every_one_listed(answered):
    s, cycle, _, tmp, p = answered
    fill(p, {"7.1": "済", "8.1": "はい", "8.3": ("", "コメントだけ", "")})
    e = refused(
        s,
        cycle,
        [p],
        "点検票!E4: the answer '済' is not one of 実施している / 一部実施している",
        "点検票!E7: the answer 'はい'",
        "点検票!E9: item 8.3 has a comment or evidence but no answer",
    )
    assert len(e.problems) == 3
    assert [(d.line, d.column) for d in e.diagnostics] == [(4, 5), (7, 5), (9, 5)]


def test_bad_not_an_xlsx(env):
    s, cycle, _, tmp = env
    write(tmp / "renamed.xlsx", "department,item,answer\n101,7.1,実施している\n")
    (tmp / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with zipfile.ZipFile(tmp / "notexcel.xlsx", "w") as z:
        z.writestr("word/document.xml", "<w/>")
    refused(s, cycle, [tmp / "renamed.xlsx"], "renamed.xlsx: not an Excel workbook (.xlsx): not a ZIP container")
    refused(s, cycle, [tmp / "old.xlsx"], "old.xlsx: an Excel 97-2003 workbook (.xls), or a password-protected")
    refused(s, cycle, [tmp / "notexcel.xlsx"], "no xl/workbook.xml")


def test_bad_zip_bomb(env):
    s, cycle, _, tmp = env
    with zipfile.ZipFile(tmp / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert (tmp / "bomb.xlsx").stat().st_size < 1024 * 1024
    refused(
        s, cycle, [tmp / "bomb.xlsx"], "bomb.xlsx: refused: part xl/worksheets/sheet1.xml is compressed", "ZIP bomb"
    )


def test_bad_50mb_file(env):
    s, cycle, _, tmp = env
    with open(tmp / "big.xlsx", "wb") as f:
        f.truncate(50 * 1024 * 1024)
    refused(s, cycle, [tmp / "big.xlsx"], "big.xlsx: the file is 50.0 MB", "larger than 20 MB are refused")


def test_bad_csv_encodings(env):
    s, cycle, _, tmp = env
    p = exchange.export_csv(s, cycle, "101", tmp / "101.csv")
    text = p.read_text("utf-8-sig")
    (tmp / "euc.csv").write_bytes(text.encode("euc_jp"))
    refused(s, cycle, [tmp / "euc.csv"], "euc.csv", "UTF-8 or CP932")
    (tmp / "u16.csv").write_bytes(text.encode("utf-16"))
    refused(s, cycle, [tmp / "u16.csv"], "u16.csv: the CSV is UTF-16")
    (tmp / "sjis.csv").write_bytes(text.encode("cp932"))
    refused(s, cycle, [tmp / "sjis.csv"], "sjis.csv: line 1: the CSV is not valid UTF-8", encoding="utf-8")
    assert exchange.import_files(s, cycle, [tmp / "sjis.csv"], actor=ACTOR).files[0].blank == 6  # detected


def test_bad_csv_rows(env):
    s, cycle, _, tmp = env
    p = exchange.export_csv(s, cycle, "101", tmp / "101.csv")
    rows = list(csv.reader(io.StringIO(p.read_text("utf-8-sig"), newline="")))
    rows[1][5] = "done"  # invalid answer
    rows[2][8] = "8.1"  # edited item id
    del rows[4]  # deleted row
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    p.write_text(buf.getvalue(), "utf-8-sig")
    e = refused(
        s,
        cycle,
        [p],
        "101.csv: line 2 (回答): the answer 'done'",
        "line 3 (検査値): the checksum of 番号 2 (item 8.1)",
        "line 5 (番号): 番号 is '5', expected 4",
        "has 5 rows but was exported with 6 (項目数)",
    )
    assert len(e.problems) == 5


def test_every_problem_of_every_file_is_listed(env):
    s, cycle, _, tmp = env
    folder = tmp / "returned"
    paths = exchange.export_all(s, cycle, folder)
    fill(paths[0], {"7.1": "実施している"})  # good
    fill(paths[1], {"7.1": "x", "7.2": "y"})  # two bad answers
    paths[2].write_bytes(b"not a workbook")  # not an xlsx
    (folder / "extra.txt").write_text("ignored: not .xlsx/.csv")
    e = refused(
        s,
        cycle,
        [folder],
        "102_人事課.xlsx: 点検票!E4",
        "102_人事課.xlsx: 点検票!E5",
        "201_市民課.xlsx: not an Excel workbook",
    )
    assert len(e.problems) == 3
    assert "nothing was imported: 3 problems in 2 files" in str(e)


def test_bad_two_files_for_one_department_and_closed_cycle(answered):
    s, cycle, _, tmp, p = answered
    shutil.copy(p, tmp / "copy.xlsx")
    refused(s, cycle, [p, tmp / "copy.xlsx"], f"copy.xlsx: a second questionnaire for department 102 人事課 (also {p})")
    s.close_cycle(ACTOR, cycle)
    refused(s, cycle, [p], "cycle 1 (令和6年度 自己点検) is closed")


def test_bad_inserted_row_with_an_answer(answered):
    s, cycle, _, tmp, p = answered
    wb = load_workbook(p)
    ws = wb[exchange.SHEET_QUESTIONS]
    below = ws.max_row + 2
    ws.cell(below, 5).value = "実施している"
    ws.unmerge_cells(start_row=exchange.HEADER_ROW + 1, start_column=1, end_row=exchange.HEADER_ROW + 1, end_column=8)
    ws.cell(exchange.HEADER_ROW + 1, 5).value = "実施している"  # a chapter row, inside the exported grid
    wb.save(p)
    refused(s, cycle, [p], f"点検票!E{below}: a cell outside the questionnaire holds data ('実施している')")
    ws.cell(below, 5).value = None
    wb.save(p)
    refused(
        s, cycle, [p], f"点検票!A{exchange.HEADER_ROW + 1}: a row that is not one of the exported questions holds data"
    )


# ---- CLI ----------------------------------------------------------------------------------


def test_cli_export_and_import(env, capsys):
    s, cycle, _, tmp = env
    db = s.path
    assert (
        cli_main(
            [
                "export",
                db,
                "--cycle",
                str(cycle),
                "--all-depts",
                "--format",
                "xlsx",
                "-o",
                str(tmp / "q"),
                "--deadline",
                "2024-06-28",
            ]
        )
        == 0
    )
    assert sorted(p.name for p in (tmp / "q").iterdir()) == ["101_総務課.xlsx", "102_人事課.xlsx", "201_市民課.xlsx"]
    assert (
        cli_main(
            [
                "export",
                db,
                "--cycle",
                str(cycle),
                "--dept",
                "201",
                "--format",
                "csv",
                "--encoding",
                "cp932",
                "-o",
                str(tmp / "201.csv"),
            ]
        )
        == 0
    )
    (tmp / "201.csv").read_bytes().decode("cp932")
    fill(tmp / "q" / "101_総務課.xlsx", {"7.1": "実施している", "7.2": "該当しない"})
    capsys.readouterr()
    assert (
        cli_main(["responses", "import", db, "--cycle", str(cycle), "--as", "渡辺", "--dry-run", str(tmp / "q")]) == 0
    )
    out = capsys.readouterr().out
    assert "101_総務課.xlsx" in out and "dry run" in out and s.response_count(cycle) == 0
    assert cli_main(["responses", "import", db, "--cycle", str(cycle), "--as", "渡辺", str(tmp / "q")]) == 0
    out = capsys.readouterr().out
    assert s.response_count(cycle) == 2 and "answered" in out
    # the plain responses CSV still imports as before
    write(tmp / "plain.csv", "department,item,answer\n102,7.1,実施している\n")
    assert cli_main(["responses", "import", db, "--cycle", str(cycle), "--as", "渡辺", str(tmp / "plain.csv")]) == 0
    assert s.response_count(cycle) == 3
    # refused: every problem printed, exit 1
    fill(tmp / "q" / "102_人事課.xlsx", {"7.1": "済"})
    assert cli_main(["responses", "import", db, "--cycle", str(cycle), "--as", "渡辺", str(tmp / "q")]) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err and "102_人事課.xlsx: 点検票!E4: the answer '済'" in err
    assert s.response_count(cycle) == 3


def test_example_department_roundtrip(env):
    s, c1, cl, tmp = env
    s.import_responses(
        ACTOR, c1, [(d, i, "partial", "昨年", "") for d in ("101", "102", "201") for i in ("7.1", "8.1")]
    )
    c2 = s.create_cycle(ACTOR, name="令和7年度 自己点検", kind="self_inspection", fiscal_year=2025, checklist=cl)
    s.open_cycle(ACTOR, c2)
    script = REPO / "examples" / "department_roundtrip.py"
    env_ = dict(os.environ)

    def run(*a: str) -> subprocess.CompletedProcess:
        return subprocess.run([os.sys.executable, str(script), *a], env=env_, capture_output=True, text=True)

    r = run("export", s.path, "--cycle", str(c2), "--last", str(c1), "--out", str(tmp / "配布"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(".xlsx") == 3
    r = run("import", s.path, "--cycle", str(c2), "--returned", str(tmp / "配布"), "--as", "渡辺")
    assert r.returncode == 0, r.stderr
    assert stored(s, c2) == {(d, i): ("partial", "昨年", "") for d in ("101", "102", "201") for i in ("7.1", "8.1")}


def test_csv_identity_survives_excel_number_conversion(env):
    """Excel saves ="7.1" (written for ids that look like numbers or dates) as plain 7.1."""
    s, cycle, _, tmp = env
    p = exchange.export_csv(s, cycle, "101", tmp / "101.csv")
    text = p.read_text("utf-8-sig")
    assert '"=""7.1"""' in text and '"=""101"""' in text  # ="7.1" inside CSV quoting
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for r in rows[1:]:
        r[5] = "実施している"
        r[8], r[9], r[10] = (v[2:-1] if v.startswith('="') else v for v in r[8:11])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)  # Excel quotes only where needed
    p.write_bytes(buf.getvalue().encode("cp932"))
    r = exchange.import_files(s, cycle, [p], actor=ACTOR)
    assert r.files[0].answered == 6 and s.response_count(cycle) == 6


# ---- the core's CSV reader and the C++ model ------------------------------------------------


def test_returned_csv_goes_through_the_core_reader(env):
    s, cycle, _, tmp = env
    p = exchange.export_csv(s, cycle, "101", tmp / "101.csv")
    data = p.read_bytes()
    p.write_bytes(data + b'"7","unterminated\r\n')  # a quote that is never closed
    e = refused(s, cycle, [p], "101.csv: line 8: not a valid CSV: unterminated quoted field")
    assert [(x.row, x.column) for x in e.problems] == [(8, "")]
    p.write_bytes(data.replace(b'"\xe7\x95\xaa\xe5\x8f\xb7"', b'"x"y', 1))  # text after a closing quote in 番号
    refused(s, cycle, [p], "101.csv: line 1: not a valid CSV: text after a closing quote")


def test_read_csv_table_binding():
    header, records = libaudit._core.read_csv_table('\ufeffa,b\r\n1,"x,\r\ny"\r\n\r\n2,3\r\n'.encode(), "t.csv")
    assert header == ["a", "b"] and records == [(2, ["1", "x,\ny"]), (5, ["2", "3"])]
    header, records = libaudit._core.read_csv_table("番号,髙\r\n①,㈱\r\n".encode("cp932"), "s.csv")
    assert header == ["番号", "髙"] and records == [(2, ["①", "㈱"])]
    with pytest.raises(ValidationError) as e:
        libaudit._core.read_csv_table(b"a,b\n1\n", "t.csv")
    assert (e.value.diagnostics[0].line, e.value.diagnostics[0].file) == (2, "t.csv")


def test_is_questionnaire_reads_the_header_in_either_encoding(env):
    s, cycle, _, tmp = env
    assert exchange.is_questionnaire(exchange.export_csv(s, cycle, "101", tmp / "u.csv"))
    assert exchange.is_questionnaire(exchange.export_csv(s, cycle, "101", tmp / "s.csv", encoding="cp932"))
    assert not exchange.is_questionnaire(write(tmp / "plain.csv", "department,item,answer\n101,7.1,実施している\n"))
    # Anything but a plain responses CSV goes to import_files, which reads it by its content.
    assert exchange.is_questionnaire(tmp / "any.xlsx") and exchange.is_questionnaire(tmp / "x.ods")


def test_audit_cycle_lists_the_audit_items_only(env):
    s, _, cl, tmp = env
    yaml = YAML + "        audience: [self_inspection]\n"  # 8.4: self-inspection only
    cl2 = s.import_checklist(
        ACTOR, libaudit.Checklist.from_yaml(yaml.replace('version: "2024-03-01"', 'version: "2024-04-01"'), "t2.yaml")
    )
    audit = s.create_cycle(ACTOR, name="令和6年度 内部監査", kind="internal_audit", fiscal_year=2024, checklist=cl2)
    selfc = s.create_cycle(ACTOR, name="令和6年度 自己点検2", kind="self_inspection", fiscal_year=2024, checklist=cl2)
    assert "8.4" not in items_of(exchange.export_workbook(s, audit, "101", tmp / "a.xlsx"))
    assert "8.4" in items_of(exchange.export_workbook(s, selfc, "101", tmp / "s.xlsx"))


def test_the_package_label_names_are_the_label_table():
    """The public label names of store, findings, exchange and the CLI are the C++ table's
    (libaudit.labels), with the texts they had when they were literals."""
    import datetime as dt

    from libaudit.cli import build_parser
    from libaudit.cli import findings as cli_findings

    from libaudit import findings, labels, store

    answers = ["実施している", "一部実施している", "実施していない", "該当しない", "わからない"]
    assert answers == exchange.ANSWER_LABELS
    assert exchange.LABEL_OF == dict(store.ANSWERS) == dict(labels.terms("answer"))
    assert list(exchange.LABEL_OF.values()) == answers
    assert exchange.KIND_LABELS == {
        "self_inspection": "自己点検",
        "internal_audit": "内部監査",
        "external_audit": "外部監査",
    }
    assert dict(labels.terms("severity")) == findings.SEVERITY_LABELS
    assert findings.STATE_LABELS["open"] == "未対応"
    assert findings.EXCEPTION_STATUS_LABELS["approved"] == "承認"
    assert findings.JST.utcoffset(None) == dt.timedelta(hours=9)
    assert cli_findings.CHECK_ANSWER_LABELS == {
        "": "未回答",
        "checked_no_issue": "問題なし",
        "same_issue_found": "同様の問題あり",
    }
    with pytest.raises(SystemExit):
        build_parser().parse_args(["cycle", "create", "x.db", "--name", "n", "--kind", "audit"])
    args = ["--name", "n", "--kind", "external_audit", "--fiscal-year", "2024", "--checklist", "1"]
    assert build_parser().parse_args(["cycle", "create", "x.db", *args]).kind == "external_audit"


@pytest.fixture(params=["en", "ja"])
def language(request):
    with speaking(request.param):
        yield request.param


def test_questionnaire_problems_follow_the_language(answered, language):
    """#15: the problems of a returned questionnaire are English by default and Japanese under
    "ja", with no English inside the Japanese (ids, file and sheet names aside)."""
    s, cycle, _, tmp, p = answered
    fill(p, {"7.1": "済"})
    wrong = refused(s, cycle, [p], "102.xlsx", "点検票!E")
    empty = refused(s, cycle, [write(tmp / "101.csv", "")], "101.csv")
    with pytest.raises(ValidationError) as itself:
        exchange.export_workbook(s, cycle, "102", tmp / "again.xlsx", carry_over_from=cycle)
    if language == "ja":
        assert "回答 '済' は 実施している / 一部実施している" in str(wrong)
        assert "CSV が空である" in str(empty)
        assert "引き継ぎ元は前の実施回で、同じ実施回ではない" in str(itself.value)
    else:
        assert "the answer '済' is not one of 実施している / 一部実施している" in str(wrong)
        assert "the CSV is empty" in str(empty)
        assert "carry-over is from an earlier cycle, not the cycle itself" in str(itself.value)
