"""The CSV questionnaire: the columns written (every field quoted, CRLF, UTF-8 with BOM or CP932)
and read back. Reading is the core's CSV reader (libaudit/base/csv.h: encoding detection, BOM,
CP932, RFC 4180), checked by the C++ model."""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import os
import re
from pathlib import Path
from typing import Any

from .. import _core
from .._core import neutralise_formula, nfkc
from ..errors import Diagnostic, ValidationError
from ..files import output_format, write_atomically
from ..i18n import _, ngettext
from ..store import Store
from .model import CSV_COLUMNS, QUESTIONNAIRE_FORMATS, PathLike, _Cycle, deadline_date, record_export, text_lf

# Excel turns CSV fields that look like numbers or dates into numbers ('0101' -> 101, '8.10' ->
# 8.1, '1-2' -> a date) and writes them back so. Identity fields that look so are written as
# ="0101", which Excel shows and saves as the text 0101; the reader accepts both forms.
_NUMBER_LIKE = re.compile(r"[0-9０-９.,:/+\-eE ]+")

_CSV_ALIASES = {nfkc(h).strip().lower(): k for k, h in CSV_COLUMNS}
_CSV_ALIASES.update({k: k for k, _ in CSV_COLUMNS})


def _as_text(value: str) -> str:
    return f'="{value}"' if _NUMBER_LIKE.fullmatch(value) else value


def _from_text(value: str) -> str:
    if value.startswith('="') and value.endswith('"') and len(value) >= 3:
        return value[2:-1].replace('""', '"')
    return value


def _csv_encoding(encoding: str) -> str:
    e = encoding.lower().replace("_", "-")
    if e in ("utf-8-sig", "utf-8", "utf8", "utf8-sig"):
        return "utf-8-sig"
    if e in ("cp932", "shift-jis", "sjis", "windows-31j", "ms932"):
        return "cp932"
    raise ValidationError(
        _("unknown CSV encoding {encoding!r}: utf-8-sig (UTF-8 with BOM) or cp932").format(encoding=encoding)
    )


def export_csv(
    store: Store,
    cycle: int,
    department: str,
    path: PathLike,
    *,
    encoding: str = "utf-8-sig",
    carry_over_from: int | None = None,
    deadline: None | str | _dt.date = None,
    actor: str | None = None,
    _shared: _Cycle | None = None,
) -> Path:
    """Write the questionnaire of one 課 as CSV: UTF-8 with BOM (default) or ``cp932`` (what
    Excel on Japanese Windows reads and writes). Every field is quoted. A character that CP932
    cannot hold is refused (ValidationError naming each row and column), never written as '?'.
    With `actor`, the export and its 回答期限 `deadline` are recorded in the store (``cycle
    status``; docs/exchange.md); the CSV itself carries no deadline."""
    enc = _csv_encoding(encoding)
    output_format(path, "csv", QUESTIONNAIRE_FORMATS, default="csv")  # not CSV into x.xlsx
    deadline_date(deadline)  # refused before anything is written
    cy = _shared or _Cycle(store, cycle, carry_over_from)
    cy.model.check_exportable()  # a closed cycle: refused before any file is written
    department = nfkc(str(department)).strip()
    rows = cy.rows(department)
    ident = cy.model.identity(department, len(rows))
    records = [[h for _, h in CSV_COLUMNS]]
    text = neutralise_formula  # a comment '=cmd|…' must not run when Excel opens the file (csv.h)
    for row in rows:
        records.append(
            [
                str(row.no),
                text(row.chapter),
                text(row.clause),
                text(row.question),
                text(row.roles),
                row.answer,
                text(text_lf(row.comment)),
                text(text_lf(row.evidence)),
                _as_text(row.item),
                _as_text(str(cy.cycle.id)),
                _as_text(department),
                str(len(rows)),
                cy.model.mac(ident, [str(row.no), row.item]),
            ]
        )
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(records)
    if enc == "cp932":
        _refuse_outside_cp932(path, records)
        data = buf.getvalue().encode("cp932")
    else:
        data = codecs.BOM_UTF8 + buf.getvalue().encode("utf-8")

    def save(tmp: Path) -> None:
        tmp.write_bytes(data)
        if actor:
            record_export(store, cy, department, path, "csv", data, deadline, actor)

    return write_atomically(path, save)


def _refuse_outside_cp932(path: PathLike, records: list[list[str]]) -> None:
    bad = []
    for line_no, rec in enumerate(records, start=1):
        for (_column, heading), value in zip(CSV_COLUMNS, rec):
            for ch in value:
                try:
                    ch.encode("cp932")
                except UnicodeEncodeError:
                    bad.append(
                        Diagnostic(
                            os.fspath(path),
                            line_no,
                            0,
                            _(
                                "番号 {no} ({heading}): '{ch}' (U+{code:04X}) cannot be written in CP932; export "
                                "UTF-8 (the default) or change the text"
                            ).format(no=rec[0], heading=heading, ch=ch, code=ord(ch)),
                        )
                    )
    if bad:
        raise ValidationError(
            ngettext(
                "{file}: {n} character cannot be written in CP932",
                "{file}: {n} characters cannot be written in CP932",
                len(bad),
            ).format(file=os.fspath(path), n=len(bad)),
            bad,
        )


def read_csv(cy: _Cycle, name: str, data: bytes, encoding: str) -> Any:
    """A returned CSV, decoded and parsed by the core and checked by the model (``_core._Returned``)."""
    return cy.model.check_csv(name, data, encoding, CSV_COLUMNS)


def is_questionnaire_csv(head: bytes) -> bool:
    """True when the first line of `head` is a questionnaire's CSV header (it has 番号 and 検査値)."""
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        header, _ = _core.read_csv_table(first, "<header>", "detect")
    except ValidationError:
        return False
    cols = {_CSV_ALIASES.get(nfkc(h).strip().lower()) for h in header}
    return "checksum" in cols and "no" in cols
