"""Issue #15, reports that look designed on every page: the committee report, a 課別結果票, the
audit report and the findings register printed to PDF by headless Chromium, for the 小牧市 demo
body and for a body of twelve 課 with long names (one of them without a single answer). Every
page carries its number (`N / M`) and the running header, and no page is near-empty (fewer
than five non-empty lines of text). The PDFs and 60 dpi pictures of every page are left in
out/print-layout/ to look at.

Also the questionnaire workbook's 記入方法 sheet: its print setup fits one A4 page, and
LibreOffice (when installed) prints it on one page."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from libaudit.demo import build_demo_store
from libaudit.report import find_chromium

import libaudit

REPO = Path(__file__).resolve().parents[3]
KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"
OUT = REPO / "out" / "print-layout"
ACTOR = "layout-test"
AS_OF = "2026-03-01"
MIN_LINES = 5

# Twelve 課 under three 部, with names as long as real ones get; 9010 never answers.
LONG_BODY = "長野県北信地域広域連合構成市町村共同事務組合"
LONG_ORGANISATION = [
    (
        "10",
        "市民生活部",
        "山田 太郎",
        [
            ("1010", "市民生活部地域振興課地域安全対策推進室"),
            ("1020", "市民生活部市民協働推進課多文化共生推進係"),
            ("1030", "戸籍住民課マイナンバーカード交付推進室"),
            ("1040", "市民課"),
        ],
    ),
    (
        "50",
        "健康福祉部",
        "佐藤 花子",
        [
            ("5010", "子育て世代包括支援センター母子保健担当"),
            ("5020", "介護保険課地域包括ケア推進室"),
            ("5030", "障がい福祉課発達支援センター"),
            ("5040", "国民健康保険課保険給付係"),
        ],
    ),
    (
        "90",
        "情報政策部",
        "鈴木 一郎",
        [
            ("9010", "デジタルトランスフォーメーション推進課"),
            ("9020", "情報システム課基幹系システム更改準備室"),
            ("9030", "情報セキュリティ対策室"),
            ("9040", "統計調査課"),
        ],
    ),
]
SILENT = "9010"


def _need_pdf_tools() -> None:
    # `make test` installs them first (scripts/install-deps.sh --chromium); a test never does.
    if not (find_chromium() and shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("Chromium / poppler-utils (pdftotext, pdfinfo) not installed (scripts/install-deps.sh --chromium)")


def _audit_with_findings(store: libaudit.Store, self_cycle: int, departments: list[str]) -> int:
    """An internal audit of `departments` (the first three) with findings of two clauses, and an
    approved exception in the first 課: what fills the audit report and the findings register."""
    people = [(f"管理者 {code}", code, "security_manager") for code in departments]
    people += [("監査 一郎", departments[-1], "auditor"), ("最高 責任者", departments[-1], "ciso")]
    store.people.import_rows(ACTOR, people)
    cycle = next(c for c in store.cycles() if c.id == self_cycle)
    audit = store.create_cycle(
        ACTOR,
        name=f"{libaudit.fiscal_year_label(cycle.fiscal_year)} 情報セキュリティ内部監査",
        kind="internal_audit",
        fiscal_year=cycle.fiscal_year,
        checklist=cycle.checklist,
        departments=departments[:3],
    )
    store.open_cycle(ACTOR, audit)
    items = [i.id for i in store.load_checklist(cycle.checklist) if "audit" in i.audience][:12]
    store.findings.open(
        "監査 一郎",
        cycle=audit,
        department=departments[0],
        items=items[:2],
        severity="major_nonconformity",
        condition="アクセス権の定期的な見直しの記録がない。",
        evidence="ヒアリング、権限一覧",
        recommendation="年1回以上見直し、記録を残すこと。",
        due="2026-01-31",
    )
    store.findings.open(
        "監査 一郎",
        cycle=audit,
        department=departments[1],
        items=[items[5]],
        severity="observation",
        condition="持出し記録簿の記載が簡略すぎる。",
        due="2026-06-30",
    )
    ex = store.exceptions.request(
        f"管理者 {departments[0]}",
        department=departments[0],
        item=items[3],
        reason="基幹システム更改中のため",
        compensating_measure="月次で管理者が目視確認",
        start="2025-10-01",
        end="2026-03-20",
    )
    store.exceptions.approve("最高 責任者", ex, "更改完了まで承認")
    return audit


def _long_body(path: Path) -> dict[str, object]:
    """Twelve 課 with long names; 令和6年度 and 令和7年度 (left open) on the 小牧市 checklist."""
    rng = random.Random(15)
    checklist = libaudit.Checklist.load(KOMAKI)
    store = libaudit.Store(path)
    store.set_body(ACTOR, LONG_BODY)
    depts: list[dict[str, str]] = []
    for bu_code, bu, officer, ka in LONG_ORGANISATION:
        depts.append({"code": bu_code, "name": bu, "security_officer": officer})
        depts += [{"code": c, "name": n, "parent_code": bu_code, "security_manager": f"管理者 {c}"} for c, n in ka]
    store.import_departments(ACTOR, depts)
    checklist_id = store.import_checklist(ACTOR, checklist)
    answers = ["implemented"] * 6 + ["partial", "not_implemented", "unknown", "not_applicable"]
    cycles = {}
    for year in (2024, 2025):
        c = store.create_cycle(
            ACTOR,
            name=f"{libaudit.fiscal_year_label(year)} 情報セキュリティ自己点検",
            kind="self_inspection",
            fiscal_year=year,
            checklist=checklist_id,
        )
        store.open_cycle(ACTOR, c)
        rows = [
            (d["code"], item.id, rng.choice(answers), "コメント" if rng.random() < 0.2 else "")
            for d in depts
            if "parent_code" in d and d["code"] != SILENT
            for item in checklist.items
            if "self_inspection" in item.audience and item.applies_to.departments == "all" and not item.applies_to.tiers
        ]
        store.import_responses(ACTOR, c, rows)
        if year == 2024:
            store.close_cycle(ACTOR, c)
        cycles[year] = c
    audit = _audit_with_findings(store, cycles[2025], ["1010", "1040", "5010", "9030"])
    store.close()
    return {"cycles": cycles, "audit": audit, "departments": ["1010", SILENT]}


def _demo_body(path: Path) -> dict[str, object]:
    summary = build_demo_store(path, KOMAKI, close_last=False)
    cycles = {year: c["id"] for year, c in summary["cycles"].items()}  # type: ignore[union-attr]
    with libaudit.Store(path) as store:
        audit = _audit_with_findings(store, cycles[2025], ["2030", "3010", "1020", "2010"])
    return {"cycles": cycles, "audit": audit, "departments": ["2030"]}


def _render_all(path: Path, body: dict[str, object], out: Path) -> list[Path]:
    cycles = body["cycles"]
    assert isinstance(cycles, dict)
    depts = body["departments"]
    assert isinstance(depts, list)
    out.mkdir(parents=True, exist_ok=True)
    common = {"format": "pdf", "as_of": AS_OF}
    with libaudit.Store(path, create=False) as store:
        pdfs = [
            libaudit.render(
                store, "committee", cycle=cycles[2025], compare=cycles[2024], out=out / "committee.pdf", **common
            ),
            libaudit.render(
                store,
                "audit",
                cycle=body["audit"],
                opinion="概ね適切に運用されているが、アクセス権の見直しに改善を要する。",
                out=out / "audit.pdf",
                **common,
            ),
            libaudit.render(store, "findings", cycle=body["audit"], out=out / "findings.pdf", **common),
        ]
        for d in depts:
            pdfs.append(
                libaudit.render(
                    store,
                    "department",
                    cycle=cycles[2025],
                    compare=cycles[2024],
                    dept=d,
                    out=out / f"department-{d}.pdf",
                    **common,
                )
            )
    return [Path(str(p)) for p in pdfs]


def _page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _page_text(pdf: Path, page: int) -> str:
    cmd = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def _check_pages(pdf: Path, head: str) -> list[str]:
    """What is wrong with `pdf`'s pages: a page without `N / M`, without the running header, or
    with fewer than MIN_LINES non-empty lines."""
    problems = []
    total = _page_count(pdf)
    for page in range(1, total + 1):
        text = _page_text(pdf, page)
        lines = [line for line in text.splitlines() if line.strip()]
        squashed = "".join(text.split())
        if f"{page}/{total}" not in squashed:
            problems.append(f"{pdf.name} p.{page}: no page number {page} / {total}")
        if not lines or head not in lines[0]:
            problems.append(f"{pdf.name} p.{page}: no running header ({head}) on the first line")
        if len(lines) < MIN_LINES:
            problems.append(f"{pdf.name} p.{page}: near-empty ({len(lines)} lines: {lines})")
    if shutil.which("pdftoppm"):  # pictures to look at, not checked
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
    return problems


@pytest.mark.parametrize("which", ["demo", "long"])
def test_every_printed_page_has_its_number_header_and_content(which: str, tmp_path: Path) -> None:
    _need_pdf_tools()
    path = tmp_path / f"{which}.db"
    body = _demo_body(path) if which == "demo" else _long_body(path)
    pdfs = _render_all(path, body, OUT / which)
    head = "小牧市" if which == "demo" else LONG_BODY
    problems = [p for pdf in pdfs for p in _check_pages(pdf, head)]
    assert problems == []
    if which == "long":
        silent = "".join(_page_text(OUT / which / f"department-{SILENT}.pdf", 1).split())
        assert "回答がないため実施率は算出できない" in silent
        assert "実施率は—であり" not in silent
        with libaudit.Store(path, create=False) as store:
            html = libaudit.render(store, "department", cycle=body["cycles"][2025], dept=SILENT, as_of=AS_OF)
        assert isinstance(html, str)
        radar = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart radar"') :]
        radar = radar[: radar.index("</svg>")]
        assert "<circle" not in radar  # no dot of the 課 (it would read as 0 %) …
        assert "（回答がないため表示なし）" in radar  # … and the legend says why
        # The finding of two clauses: one clause a line in every format.
        with libaudit.Store(path, create=False) as store:
            audit_html = str(libaudit.render(store, "audit", cycle=body["audit"], as_of=AS_OF))
            audit_md = str(libaudit.render(store, "audit", cycle=body["audit"], format="md", as_of=AS_OF))
        assert '<td class="criteria"><p>1(1)ウ(ア) ' in audit_html and "。</p><p>1(1)ウ(キ) " in audit_html
        assert "- 監査基準：\n  - 1(1)ウ(ア) " in audit_md and "。\n  - 1(1)ウ(キ) " in audit_md
        audit_text = subprocess.run(["pdftotext", str(pdfs[1]), "-"], capture_output=True, text=True, check=True).stdout
        assert any(line.startswith("1(1)ウ(キ) ") for line in audit_text.splitlines())
        text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True, check=True).stdout
        committee = "".join(text.split())
        assert "令和7年度（令和7年4月1日～令和8年3月31日）" in committee
        assert "（2025-04-01～2026-03-31））" not in committee


def test_instructions_sheet_prints_on_one_a4_page(tmp_path: Path) -> None:
    """記入方法 printed on two pages, its title cut 「自己点 | 検」 and long lines cut at the margin."""
    from libaudit.exchange.workbook import INFO_WIDTHS, SHEET_INFO, export_workbook
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    db = tmp_path / "wb.db"
    summary = build_demo_store(db, KOMAKI, close_last=False)
    cycle = summary["cycles"][2025]["id"]
    xlsx = tmp_path / "q.xlsx"
    contact = "総務部情報政策課 情報セキュリティ担当（内線1234、security@example.lg.jp）"
    with libaudit.Store(db) as store:
        export_workbook(store, cycle, "6030", xlsx, deadline="2026-05-31", contact=contact)
    wb = load_workbook(xlsx)
    info = wb[SHEET_INFO]
    setup = info.page_setup
    assert info.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 1)
    assert (str(setup.paperSize), setup.orientation) == (str(info.PAPERSIZE_A4), "portrait")
    assert info.print_area is not None and "$A$1:$B$" in str(info.print_area)
    # Every text of column B wraps, in a row tall enough for its lines.
    for row in info.iter_rows(min_col=2, max_col=2):
        cell = row[0]
        if isinstance(cell.value, str) and cell.value:
            assert cell.alignment.wrap_text, cell.coordinate
            lines = -(-libaudit.display_width(cell.value) // (INFO_WIDTHS[1] - 4))
            assert (info.row_dimensions[cell.row].height or 15) >= 14 * lines, cell.coordinate
    soffice = shutil.which("soffice")
    if not (soffice and shutil.which("pdfinfo")):
        pytest.skip("LibreOffice (soffice) / pdfinfo not installed (scripts/install-deps.sh --office --chromium)")
    for name in wb.sheetnames:  # the instructions sheet alone, as it prints
        if name != SHEET_INFO:
            del wb[name]
    only = tmp_path / "info.xlsx"
    wb.save(only)
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(only)],
        capture_output=True,
        timeout=180,
        check=True,
    )
    assert _page_count(tmp_path / "info.pdf") == 1
    text = subprocess.run(["pdftotext", str(tmp_path / "info.pdf"), "-"], capture_output=True, text=True).stdout
    assert "情報セキュリティ自己点検" in "".join(text.split())  # the title whole, on that page
