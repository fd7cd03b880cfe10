"""回収状況: which 課 were sent their questionnaire, which returned it, when, by whom, how complete,
and which are late; the list of 課 to remind, as CSV and as a 庁内メール text (docs/exchange.md,
"Collection status").

The rule is the core's (``libaudit/exchange/collection.h``, ``exchange::collection_status``),
which the committee report's 未回答 section reads too; this module gives it as dataclasses and
writes the reminders.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .. import _core, labels
from ..errors import ValidationError
from ..files import write_atomically
from ..i18n import _, language
from ..store import Store, core_call
from .model import PathLike, date_text

#: The statuses, in order (ids of the vocabulary ``collection_status``).
STATUSES: tuple[str, ...] = tuple(code for code, _label in labels.terms("collection_status"))
_ENGLISH = {
    "not_sent": "not sent",
    "sent": "sent, not returned",
    "returned": "returned",
    "returned_late": "returned late",
    "overdue": "not returned, overdue",
}
#: How far a 課 is with its answers (ids of the vocabulary ``answer_progress``).
PROGRESS: tuple[str, ...] = tuple(code for code, _label in labels.terms("answer_progress"))
_ENGLISH_PROGRESS = {"not_started": "not started", "in_progress": "in progress", "submitted": "submitted"}
_JST = _dt.timezone(_dt.timedelta(minutes=_core.JAPAN_UTC_OFFSET_MINUTES), "JST")


def status_label(status: str) -> str:
    """A status as the user reads it: the Japanese label (libaudit.labels) in Japanese, English
    words otherwise."""
    if language() == "ja":
        return labels.label_or_id("collection_status", status)
    return _ENGLISH.get(status, status)


def progress_label(progress: str) -> str:
    """A progress (未着手, 回答中, 提出済) as the user reads it: the Japanese label in Japanese,
    English words otherwise."""
    if language() == "ja":
        return labels.label_or_id("answer_progress", progress)
    return _ENGLISH_PROGRESS.get(progress, progress)


def japan_time(utc: str) -> str:
    """A trail time (UTC, ISO 8601) as 'YYYY-MM-DD HH:MM' in Japan; '' for ''."""
    if not utc:
        return ""
    t = _dt.datetime.fromisoformat(utc.replace("Z", "+00:00"))
    return t.astimezone(_JST).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class ExportRecord:
    """One questionnaire written for a 課 and recorded (``libaudit export --as``)."""

    cycle: int
    department: str
    number: int
    file: str
    format: str
    deadline: str  # YYYY-MM-DD or ""
    sha256: str
    carry_over: int  # the cycle it was pre-filled from; 0: none
    by: str
    at: str  # UTC, ISO 8601

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CollectionRow:
    """Where one target 課 stands (``exchange::CollectionRow``)."""

    department: str
    name: str
    parent_name: str
    security_manager: str
    items: int
    exports: int
    last_export: ExportRecord | None
    deadline: str
    returned: bool
    returned_at: str
    returned_by: str
    returned_file: str
    returned_sha256: str
    returns: int
    answered: int
    blank: int
    changed: int
    late: bool
    status: str  # one of STATUSES
    submitted: bool = False  # the web questionnaire is submitted (not reopened since)
    submitted_at: str = ""  # the last submit, UTC; "" when not submitted
    submitted_by: str = ""
    submissions: int = 0  # submits recorded
    progress: str = "not_started"  # one of PROGRESS: 未着手, 回答中, 提出済

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def progress_label(self) -> str:
        return progress_label(self.progress)

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["last_export"] = self.last_export.to_dict() if self.last_export else None
        d["status_label"] = labels.label_or_id("collection_status", self.status)
        d["progress_label"] = labels.label_or_id("answer_progress", self.progress)
        return d


@dataclass(frozen=True)
class CollectionStatus:
    """The 回収状況 of a cycle as of a day in Japan: one row per target 課 and the totals."""

    cycle: int
    cycle_name: str
    cycle_status: str
    as_of: str  # YYYY-MM-DD
    rows: list[CollectionRow] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)  # 課 per status id (every status)
    by_progress: dict[str, int] = field(default_factory=dict)  # 課 per progress id (every one)

    def to_remind(self) -> list[CollectionRow]:
        """The 課 to chase: sent a questionnaire and not returned, or returned late. A 課 never
        sent one (未配布) is not chased: it is in :meth:`not_sent`."""
        return [r for r in self.rows if r.status != "not_sent" and (not r.returned or r.late)]

    def not_sent(self) -> list[CollectionRow]:
        """The 課 no questionnaire was sent to (未配布): to send before anyone can answer."""
        return [r for r in self.rows if r.status == "not_sent"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "cycle": self.cycle,
            "cycle_name": self.cycle_name,
            "cycle_status": self.cycle_status,
            "as_of": self.as_of,
            "rows": [r.to_dict() for r in self.rows],
            "totals": dict(self.totals),
            "by_status": dict(self.by_status),
            "by_progress": dict(self.by_progress),
        }

    def table(self) -> str:
        """The status as a text table, aligned by display width, totals at the bottom."""
        from ..table import format_table

        head = [_("department"), _("division"), _("collection"), _("answering"), _("exported"), _("deadline")]
        head += [_("returned")]
        head += [_("imported by"), _("items asked"), _("answered items"), _("blank"), _("changed")]
        rows: list[tuple[object, ...]] = [
            (
                f"{r.department} {r.name}",
                r.parent_name,
                r.status_label,
                r.progress_label,
                japan_time(r.last_export.at) if r.last_export else "",
                r.deadline,
                japan_time(r.returned_at),
                r.returned_by,
                r.items,
                r.answered,
                r.blank,
                r.changed,
            )
            for r in self.rows
        ]
        t = self.totals
        rows.append(
            (
                _("total"),
                "",
                _("{returned} of {departments} returned").format(returned=t["returned"], departments=t["departments"]),
                _("{submitted} submitted").format(submitted=self.by_progress.get("submitted", 0)),
                t["exported"],
                "",
                t["returned"],
                "",
                t["items"],
                t["answered"],
                t["blank"],
                t["changed"],
            )
        )
        return format_table(head, rows, "<<<<<<<<>>>>")

    def summary(self) -> str:
        """One line: how many 課 stand where."""
        parts = [f"{status_label(s)} {self.by_status.get(s, 0)}" for s in STATUSES]
        return _("as of {day}: {counts}").format(day=self.as_of, counts=" / ".join(parts))


def _export_record(d: dict[str, Any] | None) -> ExportRecord | None:
    return ExportRecord(**d) if d else None


def collection_status(store: Store, cycle: int, as_of: None | str | _dt.date = None) -> CollectionStatus:
    """The 回収状況 of `cycle` as of the end of day `as_of` in Japan (default today; a closed
    cycle: the day of its close). NotFoundError for an unknown cycle."""
    day = as_of.isoformat() if isinstance(as_of, _dt.date) else as_of
    raw = core_call(store, _core._collection_status, int(cycle), day)
    rows = [CollectionRow(**{**r, "last_export": _export_record(r["last_export"])}) for r in raw["rows"]]
    return CollectionStatus(
        raw["cycle"],
        raw["cycle_name"],
        raw["cycle_status"],
        raw["as_of"],
        rows,
        dict(raw["totals"]),
        dict(raw["by_status"]),
        dict(raw["by_progress"]),
    )


def exports(store: Store, cycle: int) -> list[ExportRecord]:
    """The recorded exports of a cycle, by 課 then number."""
    return [ExportRecord(**d) for d in core_call(store, _core._exports, int(cycle))]


#: The columns of the reminder CSV.
REMIND_COLUMNS = [
    "課コード",
    "部",
    "課",
    "情報セキュリティ管理者",
    "状況",
    "配布日時",
    "配布ファイル",
    "回答期限",
    "回収日時",
    "対象項目",
    "回答済",
    "未回答",
]


def write_remind_csv(status: CollectionStatus, path: PathLike, encoding: str = "utf-8-sig") -> Path:
    """The 課 to chase (:meth:`CollectionStatus.to_remind`) as CSV: UTF-8 with BOM (default) or
    ``cp932`` (Excel on Japanese Windows), every field quoted, CRLF; written to a temporary file
    and renamed. A name CP932 cannot hold is refused (ValidationError), nothing written."""
    if encoding not in ("utf-8-sig", "cp932"):
        raise ValidationError(_("unknown encoding {encoding!r}: utf-8-sig or cp932").format(encoding=encoding))
    text = _core.neutralise_formula
    records = [REMIND_COLUMNS]
    for r in status.to_remind():
        e = r.last_export
        records.append(
            [
                text(r.department),
                text(r.parent_name),
                text(r.name),
                text(r.security_manager),
                labels.label_or_id("collection_status", r.status),
                japan_time(e.at) if e else "",
                text(e.file) if e else "",
                r.deadline,
                japan_time(r.returned_at),
                str(r.items),
                str(r.answered),
                str(r.blank),
            ]
        )
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(records)
    if encoding == "cp932":
        try:
            data = buf.getvalue().encode("cp932")
        except UnicodeEncodeError as e:
            bad = e.object[e.start : e.end]
            raise ValidationError(
                _("{path}: {text!r} cannot be written in CP932; write the list as UTF-8").format(path=path, text=bad)
            ) from None
    else:
        data = codecs.BOM_UTF8 + buf.getvalue().encode("utf-8")
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))


def _due_text(r: CollectionRow) -> str:
    return date_text(r.deadline) if r.deadline else "（回答期限の指定なし）"


def remind_mail_text(status: CollectionStatus, body: str = "") -> str:
    """A 庁内メール body per 課 not yet returned (宛先, 件名, 回答期限 and a polite request), in
    Japanese whatever the language of the command line: it is sent to the 課. A 課 that returned
    after its deadline is not asked again (the CSV lists it)."""
    title = f"{body} {status.cycle_name}".strip()
    as_of = date_text(status.as_of)
    blocks = []
    for r in status.to_remind():
        if r.returned:
            continue
        manager = f"{r.security_manager} 様" if r.security_manager else "情報セキュリティ管理者 様"
        where = f"{r.parent_name} {r.name}".strip()
        sent = ""
        if r.last_export:
            what = "Web 点検票" if r.last_export.format == "web" else r.last_export.file  # Store.send_web_questionnaire
            sent = f"（{what}、{date_text(japan_time(r.last_export.at)[:10])}配布）"
        due = _due_text(r)
        passed = "回答期限を過ぎておりますので、至急" if r.status == "overdue" else "回答期限までに"
        blocks.append(
            "\n".join(
                [
                    f"宛先: {where} {manager}（情報セキュリティ管理者）",
                    f"件名: 【ご依頼】{title} 点検票のご提出について",
                    "",
                    f"{where}",
                    f"{manager}",
                    "",
                    "いつもお世話になっております。",
                    f"{title}の点検票{sent}について、{as_of}時点でご提出を確認できておりません。",
                    f"回答期限: {due}",
                    f"お忙しいところ恐れ入りますが、{passed}点検票にご回答のうえご提出くださいますよう"
                    "お願いいたします。",
                    "行き違いでご提出済みの場合は、ご容赦ください。",
                ]
            )
        )
    return ("\n\n" + "-" * 40 + "\n\n").join(blocks) + ("\n" if blocks else "")


__all__ = [
    "REMIND_COLUMNS",
    "STATUSES",
    "CollectionRow",
    "CollectionStatus",
    "ExportRecord",
    "collection_status",
    "exports",
    "remind_mail_text",
    "status_label",
    "write_remind_csv",
]
