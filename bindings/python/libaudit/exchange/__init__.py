"""Questionnaires out, answers in: per-課 Excel workbooks and CSV files that departments fill,
read back safely (docs/exchange.md).

::

    from libaudit import Store, exchange
    with Store("audit.db") as store:
        exchange.export_all(store, cycle=3, folder="out/questionnaires", carry_over_from=2,
                            deadline="2025-06-30", contact="情報政策課 内線 1234")
        # ... the 課 fill them in and send them back ...
        result = exchange.import_files(store, 3, ["returned/"], actor="情報政策課 渡辺")
        print(result.table())

Export writes, for one 課 of a cycle, only the items that apply to it (the applicability and
audience rules, ``CycleData::applies``) grouped by chapter, with a drop-down of the five
answers. A hidden, protected sheet (``_libaudit``; in CSV, three extra columns) identifies the
cycle, the 課 and the checklist version and carries an HMAC-SHA256 of every row, keyed by the
store's own secret (``Store.exchange_secret()``), so that a file for another 課 or cycle, an
edited item id, a deleted, inserted or re-ordered row, or a tampered checksum is found.

Import checks every file completely and collects **every** problem (file, sheet, row, column,
reason) before deciding; with any problem it raises :class:`QuestionnaireError` and writes
nothing. Otherwise all answers of all files go to the store in one transaction
(``Store.import_responses``), and the trail records who imported which files (name and SHA-256).

The modules: ``model`` (layouts, and the C++ questionnaire model ``_core._Questionnaires``:
rows, identity, checksums, checking), ``workbook`` (openpyxl), ``csv_format``, ``files``
(collecting, limits) and ``importing``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path
from typing import Callable

from ..files import output_format
from ..store import Store
from .collection import (
    CollectionRow,
    CollectionStatus,
    ExportRecord,
    collection_status,
    exports,
    remind_mail_text,
    write_remind_csv,
)
from .csv_format import _from_text, export_csv, is_questionnaire_csv
from .files import (
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_MEMBERS,
    collect_files,
)
from .importing import FileOutcome, FileSummary, ImportSummary, import_files
from .model import (
    ANSWER_LABELS,
    COLUMNS,
    CSV_COLUMNS,
    EDITABLE,
    FORMAT,
    FORMAT_VERSION,
    HEADER_ROW,
    KIND_LABELS,
    LABEL_OF,
    QUESTIONNAIRE_FORMATS,
    SHEET_ID,
    SHEET_INFO,
    SHEET_QUESTIONS,
    PathLike,
    Row,
    _Cycle,
    deadline_date,
    file_name,
)
from .workbook import export_workbook


def export_all(
    store: Store,
    cycle: int,
    folder: PathLike,
    *,
    format: str = "xlsx",
    encoding: str = "utf-8-sig",
    carry_over_from: int | None = None,
    deadline: None | str | _dt.date = None,
    contact: str | None = None,
    departments: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    actor: str | None = None,
) -> list[Path]:
    """One questionnaire per target 課 of the cycle (or the given 課) into `folder`; returns the
    paths. ``progress(done, total)`` is called after each file. With `actor`, each export is
    recorded in the store (``cycle status``)."""
    format = output_format(folder, format, QUESTIONNAIRE_FORMATS, default="xlsx", directory=True)
    deadline = deadline_date(deadline)  # refused before any file is written
    cy = _Cycle(store, cycle, carry_over_from)
    cy.model.check_exportable()  # a closed cycle: refused before the folder is made
    codes = list(departments) if departments else list(cy.cycle.departments)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, code in enumerate(codes, start=1):
        target = folder / file_name(cy, code, format)
        if format == "xlsx":
            out.append(
                export_workbook(store, cycle, code, target, deadline=deadline, contact=contact, actor=actor, _shared=cy)
            )
        else:
            out.append(
                export_csv(store, cycle, code, target, encoding=encoding, deadline=deadline, actor=actor, _shared=cy)
            )
        if progress:
            progress(k, len(codes))
    return out


def is_questionnaire(path: PathLike) -> bool:
    """False only for a plain responses CSV (department,item,answer,…; ``Store.import_responses_csv``):
    every other file is for ``import_files``, which reads it by its content (a workbook, a
    questionnaire CSV) or refuses it saying what it is (.xlsm, .xls, .ods …)."""
    p = Path(path)
    if p.suffix.lower() != ".csv":
        return True
    try:
        with open(p, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return is_questionnaire_csv(head)


__all__ = [
    "QUESTIONNAIRE_FORMATS",
    "ANSWER_LABELS",
    "COLUMNS",
    "CSV_COLUMNS",
    "EDITABLE",
    "FORMAT",
    "FORMAT_VERSION",
    "HEADER_ROW",
    "KIND_LABELS",
    "LABEL_OF",
    "MAX_COMPRESSION_RATIO",
    "MAX_FILE_BYTES",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_ZIP_MEMBERS",
    "SHEET_ID",
    "SHEET_INFO",
    "SHEET_QUESTIONS",
    "CollectionRow",
    "CollectionStatus",
    "ExportRecord",
    "FileOutcome",
    "FileSummary",
    "ImportSummary",
    "Row",
    "_from_text",
    "collect_files",
    "collection_status",
    "export_all",
    "export_csv",
    "export_workbook",
    "exports",
    "file_name",
    "import_files",
    "is_questionnaire",
    "remind_mail_text",
    "write_remind_csv",
]
