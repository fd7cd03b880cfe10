"""Demo data: a store for 小牧市 with a realistic organisation, systems in all three network
tiers, and two fiscal years (令和6年度 and 令和7年度) of self-inspection responses.

The organisation is modelled on a city of 小牧市's size; the names of people are invented.
Everything is deterministic (seeded), so two runs give the same database, and the second year
is slightly better than the first, as a municipality's results usually are.

    from libaudit.demo import build_demo_store
    summary = build_demo_store("out/demo/demo.db", "checklists/komaki/taisaku-kijun.yaml")

The second year (令和7年度, the current cycle) is collected as a 情報政策課 would: every 課's
questionnaire is exported as CSV with last year's answers carried over and recorded with a
回答期限, each 課 returns its filled file,
and the file's answers are imported under that file's name and SHA-256 (the trail source a
questionnaire import writes), keeping the answers' own dates so that two builds give the same
responses. A demo is built in one go, so every record is made on the build day: 子育て世代包括支援センター
was sent its questionnaire with a 回答期限 of the day before (it returns late), and 農政課 never
returns its questionnaire (`libaudit cycle status` shows both; `--remind` lists them).
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import os
import random
import struct
import zlib
from pathlib import Path

from . import Checklist, Store, _core, exchange, labels
from .scoring import CycleData

ACTOR = "demo"
BODY = "小牧市"
# The 課 that answers the body-level items (全庁共通事項: the CISO's, the committee's, CSIRT's …)
# for the whole city: 情報政策課.
SECRETARIAT = "2030"

# (部 code, 部, 情報セキュリティ責任者, [(課 code, 課, 情報セキュリティ管理者), ...])
ORGANISATION: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "10",
        "市長公室",
        "大野 正樹",
        [("1010", "秘書課", "森 和也"), ("1020", "広報広聴課", "石川 美穂"), ("1030", "企画政策課", "中島 健一")],
    ),
    (
        "20",
        "総務部",
        "加藤 浩二",
        [
            ("2010", "総務課", "佐藤 花子"),
            ("2020", "職員課", "伊藤 誠"),
            ("2030", "情報政策課", "渡辺 直樹"),
            ("2040", "危機管理課", "山本 哲也"),
        ],
    ),
    (
        "30",
        "財務部",
        "吉田 隆",
        [
            ("3010", "財政課", "小林 由美"),
            ("3020", "市民税課", "松本 大輔"),
            ("3030", "資産税課", "井上 智子"),
            ("3040", "収納課", "木村 修"),
        ],
    ),
    (
        "40",
        "市民部",
        "林 秀樹",
        [("4010", "市民課", "清水 恵"), ("4020", "保険年金課", "山口 剛"), ("4030", "協働推進課", "阿部 真由美")],
    ),
    (
        "50",
        "健康福祉部",
        "池田 康弘",
        [
            ("5010", "福祉総務課", "橋本 拓也"),
            ("5020", "介護保険課", "山下 純子"),
            ("5030", "障がい福祉課", "石井 亮"),
            ("5040", "保健センター", "前田 陽子"),
        ],
    ),
    (
        "60",
        "こども未来部",
        "藤田 明美",
        [
            ("6010", "こども政策課", "岡田 聡"),
            ("6020", "保育課", "後藤 久美子"),
            ("6030", "子育て世代包括支援センター", "長谷川 翔"),
        ],
    ),
    ("70", "産業部", "村上 武", [("7010", "商工振興課", "近藤 里美"), ("7020", "農政課", "坂本 勇気")]),
    (
        "80",
        "都市整備部",
        "遠藤 茂",
        [("8010", "都市政策課", "青木 千尋"), ("8020", "道路課", "藤井 健太"), ("8030", "下水道課", "西村 綾")],
    ),
    ("90", "消防本部", "福田 勝", [("9010", "消防総務課", "太田 光"), ("9020", "消防指令課", "三浦 大樹")]),
    (
        "95",
        "教育委員会事務局",
        "岡本 洋子",
        [("9510", "教育総務課", "松田 恭平"), ("9520", "学校教育課", "中川 彩"), ("9530", "図書館", "原田 悠")],
    ),
]

# (system, owning 課, tier, holds 重要な情報資産)
SYSTEMS: list[tuple[str, str, str, bool]] = [
    ("住民基本台帳システム", "4010", "mynumber", True),
    ("戸籍情報システム", "4010", "mynumber", True),
    ("住民税システム", "3020", "mynumber", True),
    ("固定資産税システム", "3030", "mynumber", True),
    ("収納管理システム", "3040", "mynumber", True),
    ("国民健康保険システム", "4020", "mynumber", True),
    ("介護保険システム", "5020", "mynumber", True),
    ("障害者福祉システム", "5030", "mynumber", True),
    ("健康管理システム", "5040", "mynumber", True),
    ("子ども・子育て支援システム", "6020", "mynumber", True),
    ("財務会計システム", "3010", "lgwan", True),
    ("人事給与システム", "2020", "lgwan", True),
    ("文書管理システム", "2010", "lgwan", False),
    ("グループウェア", "2030", "lgwan", False),
    ("統合型GIS", "8010", "lgwan", False),
    ("消防指令システム", "9020", "lgwan", True),
    ("校務支援システム", "9520", "lgwan", True),
    ("ホームページCMS", "1020", "internet", False),
    ("電子申請システム", "2030", "internet", True),
    ("公共施設予約システム", "7010", "internet", False),
    ("図書館システム", "9530", "internet", True),
    ("メール配信サービス", "2040", "internet", False),
]

# The audit team of the demo's internal audit and audit plan (name, department, role): two
# auditors of 総務課 (so 兼務の禁止 keeps them from auditing 総務課), the chief auditor of 総務部,
# and the CISO.
AUDIT_TEAM: list[tuple[str, str, str]] = [
    ("監査 一郎", "2010", "auditor"),
    ("監査 二郎", "2010", "auditor"),
    ("総務部長 監査統括", "20", "chief_auditor"),
    ("副市長 CISO", "10", "ciso"),
]

# The current cycle's collection (回収状況): the 課 that returns after its 回答期限, the one that
# never returns, and the 回答期限 of the others (days after the build day).
LATE_DEPARTMENT = "6030"
MISSING_DEPARTMENT = "7020"
DEADLINE_DAYS = 14

_PARTIAL_COMMENTS = [
    "手順書はあるが、一部の業務で記録が残っていない。",
    "年度途中で担当者が異動し、引継ぎが不十分だった。",
    "委託事業者分の確認が未了。",
    "研修の受講率が8割にとどまった。",
    "点検は実施したが、結果の報告が遅れた。",
]
_NOT_IMPLEMENTED_COMMENTS = [
    "担当者不足のため未実施。次年度に実施予定。",
    "手順が定められていない。情報政策課に相談中。",
    "対象となる記録の保存場所が決まっていない。",
]
_UNKNOWN_COMMENTS = ["担当者が不在で確認できなかった。", "所管が不明確なため確認中。"]


def _answer(x: float, maturity: float) -> str:
    """The answer for a draw x in [0, 1) and a 課's maturity: higher maturity, better answers."""
    if x < maturity:
        return "implemented"
    if x < maturity + (1 - maturity) * 0.55:
        return "partial"
    if x < maturity + (1 - maturity) * 0.9:
        return "not_implemented"
    return "unknown"


def _responses(
    data: CycleData,
    year: int,
    maturity: dict[str, float],
    draws: dict[tuple[str, str], float],
    managers: dict[str, str],
    rng: random.Random,
) -> list[tuple[str, ...]]:
    """A year's answers of every 課 of the cycle; 該当しない where the item does not apply to the
    課 (the library's own rule, CycleData.applies, from the systems it owns). The body-level items
    (全庁共通事項) only the secretariat answers (CycleData.in_scope)."""
    rows: list[tuple[str, ...]] = []
    items = [(k, i) for k, i in enumerate(data.checklist.items) if "self_inspection" in i.audience]
    for d, code in sorted(enumerate(x["code"] for x in data.departments), key=lambda p: p[1]):
        day = 1 + rng.randrange(28)
        answered_at = f"{year}-10-{day:02d}T{9 + rng.randrange(8):02d}:{rng.randrange(60):02d}:00+09:00"
        for k, item in items:
            if not data.in_scope(d, k):
                continue
            if not data.applies(d, k):
                answer, comment = "not_applicable", "所管する情報システムがない。"
            else:
                answer = _answer(draws[(code, item.id)], maturity[code])
                comment = {
                    "partial": rng.choice(_PARTIAL_COMMENTS),
                    "not_implemented": rng.choice(_NOT_IMPLEMENTED_COMMENTS),
                    "unknown": rng.choice(_UNKNOWN_COMMENTS),
                }.get(answer, "")
            evidence = item.evidence[0] if answer == "implemented" and item.evidence else ""
            rows.append((code, item.id, answer, comment, evidence, managers[code], answered_at))
    return rows


def _fill(exported: Path, answers: dict[str, tuple[str, ...]]) -> bytes:
    """The exported questionnaire CSV with the 課's answers filled in (回答, 備考, 根拠資料), as
    the 課 returns it (UTF-8 with BOM)."""
    records = list(csv.reader(io.StringIO(exported.read_bytes().decode("utf-8-sig"), newline="")))
    head = records[0]
    col = {h: k for k, h in enumerate(head)}
    for rec in records[1:]:
        item = rec[col["項目ID"]].removeprefix('="').removesuffix('"')
        answer, comment, evidence = answers[item]
        rec[col["回答"]] = labels.label("answer", answer)
        rec[col["備考"]], rec[col["根拠資料"]] = comment, evidence
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(records)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def _listed_items(exported: Path) -> list[str]:
    """The item ids an exported questionnaire CSV lists."""
    records = list(csv.reader(io.StringIO(exported.read_bytes().decode("utf-8-sig"), newline="")))
    at = records[0].index("項目ID")
    return [rec[at].removeprefix('="').removesuffix('"') for rec in records[1:]]


def _collect(store: Store, cycle: int, rows: list[tuple[str, ...]], folder: Path, year: int, carry_over: int) -> None:
    """The current cycle's questionnaires sent (recorded with a 回答期限) and returned (each 課's
    filled file imported by its 情報セキュリティ管理者 under the file's name and SHA-256), except
    MISSING_DEPARTMENT's; LATE_DEPARTMENT's 回答期限 has passed when it returns."""
    today = _dt.date.fromisoformat(_core.japan_date(None))
    sent, returned = folder / "配布", folder / "回収"
    returned.mkdir(parents=True, exist_ok=True)
    by_dept: dict[str, list[tuple[str, ...]]] = {}
    for r in rows:
        by_dept.setdefault(r[0], []).append(r)
    late = [LATE_DEPARTMENT]
    on_time = [code for code in sorted(by_dept) if code not in late]
    exchange.export_all(
        store,
        cycle,
        sent,
        format="csv",
        departments=on_time,
        actor=ACTOR,
        carry_over_from=carry_over,
        deadline=today + _dt.timedelta(days=DEADLINE_DAYS),
    )
    exchange.export_all(
        store,
        cycle,
        sent,
        format="csv",
        departments=late,
        actor=ACTOR,
        carry_over_from=carry_over,
        deadline=today - _dt.timedelta(days=1),
    )
    # 該当しない for the items a 課's questionnaire does not list (they do not apply to it), as
    # the first year had them; then each 課's questionnaire answers as it returns them.
    listed = {code: set(_listed_items(sent / exchange.file_name(store, code, "csv"))) for code in by_dept}
    store.import_responses(
        ACTOR,
        cycle,
        [r for r in rows if r[0] != MISSING_DEPARTMENT and r[1] not in listed[r[0]]],
        source=f"demo {year}",
    )
    for code in sorted(by_dept):
        if code == MISSING_DEPARTMENT:
            continue
        dept_rows = [r for r in by_dept[code] if r[1] in listed[code]]
        name = exchange.file_name(store, code, "csv")
        data = _fill(sent / name, {r[1]: (r[2], r[3], r[4]) for r in dept_rows})
        (returned / name).write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        store.import_responses(
            dept_rows[0][5],
            cycle,
            dept_rows,
            source=name,
            trail_source=f"questionnaires: {name} sha256:{sha} [{code}]",
        )


def build_demo_store(
    path: str | os.PathLike[str], checklist_path: str | os.PathLike[str], *, seed: int = 2024, close_last: bool = True
) -> dict[str, object]:
    """Create (replacing any existing file) the 小牧市 demo store at `path`.

    Returns a summary: departments, systems, checklist id, and the ids of the 2024 and 2025
    self-inspection cycles with their response counts. The 2024 cycle is closed; the 2025 one
    too unless ``close_last=False`` (then it stays open for further imports).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    rng = random.Random(seed)
    checklist = Checklist.load(os.fspath(checklist_path))
    with Store(path) as store:
        store.set_body(ACTOR, BODY)
        depts = []
        managers: dict[str, str] = {}
        for bu_code, bu, officer, ka in ORGANISATION:
            depts.append({"code": bu_code, "name": bu, "security_officer": officer})
            for code, name, manager in ka:
                depts.append({"code": code, "name": name, "parent_code": bu_code, "security_manager": manager})
                managers[code] = manager
        store.import_departments(ACTOR, depts)
        store.import_systems(
            ACTOR,
            [
                {"name": n, "department": d, "tier": t, "important_assets": "true" if imp else "false"}
                for n, d, t, imp in SYSTEMS
            ],
        )
        checklist_id = store.import_checklist(ACTOR, checklist)

        # Each 課 has its own level; the second year is a little better.
        # The same draw per (課, item) in both years, so a higher maturity only ever improves an answer.
        maturity = {code: rng.uniform(0.55, 0.88) for code in managers}
        draws = {(code, item.id): rng.random() for code in sorted(managers) for item in checklist.items}
        cycles: dict[int, dict[str, int]] = {}
        for year in (2024, 2025):
            label = _core.fiscal_year_label(year)
            cycle = store.create_cycle(
                ACTOR,
                name=f"{label} 情報セキュリティ{labels.label('cycle_kind', 'self_inspection')}",
                kind="self_inspection",
                fiscal_year=year,
                checklist=checklist_id,
                secretariat=SECRETARIAT,
            )
            store.open_cycle(ACTOR, cycle)
            rows = _responses(CycleData(store, cycle), year, maturity, draws, managers, rng)
            if year == 2024:
                store.import_responses(ACTOR, cycle, rows, source=f"demo {year}")
            else:
                _collect(store, cycle, rows, path.parent / f"{path.stem}-{year}", year, cycles[2024]["id"])
                rows = [r for r in rows if r[0] != MISSING_DEPARTMENT]
            if year == 2024 or close_last:
                store.close_cycle(ACTOR, cycle)
            cycles[year] = {"id": cycle, "responses": len(rows)}
            maturity = {code: min(0.97, m + rng.uniform(0.03, 0.09)) for code, m in maturity.items()}
        return {
            "path": str(path),
            "body": BODY,
            "departments": len(depts),
            "bu": len(ORGANISATION),
            "ka": len(managers),
            "systems": len(SYSTEMS),
            "checklist": checklist_id,
            "cycles": cycles,
        }


# The day the demo's story is told on (its findings' ages, overdue days and the reports' date):
# 2026-04-15, early in 令和8年度 after the 令和7年度 audit, unless the demo is built later than
# that. A demo store's records are written when it is built, and a report read as of a day before
# they existed is refused ("cycle N did not exist yet at that time"), so the story's day is never
# before the build day in Japan: `libaudit report … --as-of DAY` works on the demo store whatever
# the machine's clock says.
STORY_DAY = "2026-04-15"


def demo_day() -> str:
    """The demo's "today" (YYYY-MM-DD): STORY_DAY, or today in Japan when that is later."""
    return max(STORY_DAY, _core.japan_date(None))


def evidence_files(folder: Path) -> dict[str, Path]:
    """Three small evidence files made on the fly for the demo's audit (deterministic bytes): a
    PNG (a 48×16 "screenshot"), a one-page PDF (a scanned register's stand-in) and a CSV (a log
    extract). Returns them by kind: "png", "pdf", "csv"."""
    folder.mkdir(parents=True, exist_ok=True)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    width, height = 48, 16
    rows = b"".join(b"\0" + bytes(255 if (x // 8 + y // 8) % 2 else 64 for x in range(width)) for y in range(height))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    text = b"BT /F1 12 Tf 72 720 Td (Password change register 2025-08 to 2025-10) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    log = "日時,利用者,操作\n2025-08-01 09:12,2030-k01,パスワード変更\n2025-11-04 10:03,2030-k01,パスワード変更\n"
    out = {"png": folder / "screen-lock.png", "pdf": folder / "password-register.pdf", "csv": folder / "change-log.csv"}
    out["png"].write_bytes(png)
    out["pdf"].write_bytes(pdf)
    out["csv"].write_bytes(log.encode("utf-8"))
    return out


__all__ = [
    "AUDIT_TEAM",
    "LATE_DEPARTMENT",
    "MISSING_DEPARTMENT",
    "ORGANISATION",
    "SECRETARIAT",
    "STORY_DAY",
    "SYSTEMS",
    "build_demo_store",
    "demo_day",
    "evidence_files",
]
