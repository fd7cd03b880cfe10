"""Importing returned questionnaires: every file read and checked (the model's checks), every
problem collected, then all answers in one transaction (``Store.import_responses``) or nothing."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import _core
from ..errors import QuestionnaireError, QuestionnaireProblem
from ..store import Store
from .csv_format import read_csv
from .files import MAX_FILE_BYTES, check_zip, collect_files, read_bytes
from .model import PathLike, _Cycle
from .workbook import read_workbook


@dataclass
class FileSummary:
    """What one returned file holds, against what the store held before the import."""

    path: str
    department: str = ""
    department_name: str = ""
    sha256: str = ""
    answered: int = 0  # rows with an answer
    changed: int = 0  # answered rows that differ from the store (new or updated)
    unchanged: int = 0  # answered rows equal to what is stored
    blank: int = 0  # rows left without an answer (stay unanswered)


@dataclass
class ImportSummary:
    cycle: int
    files: list[FileSummary]
    dry_run: bool
    inserted: int = 0
    updated: int = 0

    @property
    def answered(self) -> int:
        return sum(f.answered for f in self.files)

    @property
    def changed(self) -> int:
        return sum(f.changed for f in self.files)

    def table(self) -> str:
        """The per-file summary as a text table (Japanese aligned by display width)."""
        from ..table import format_table

        rows: list[tuple[object, ...]] = [
            (
                Path(f.path).name,
                f"{f.department} {f.department_name}".strip(),
                f.answered,
                f.changed,
                f.unchanged,
                f.blank,
            )
            for f in self.files
        ]
        rows.append(
            (
                "計",
                "",
                self.answered,
                self.changed,
                sum(f.unchanged for f in self.files),
                sum(f.blank for f in self.files),
            )
        )
        return format_table(["file", "課", "answered", "changed", "unchanged", "blank"], rows, "<<>>>>")


def _read_file(cy: _Cycle, path: Path, encoding: str, max_bytes: int) -> tuple[Any, str]:
    """One file checked (``_core._Returned``) and its SHA-256 ('' when it could not be read)."""
    data, why = read_bytes(path, max_bytes)
    if data is None:
        return _core._Returned(path.name, [(path.name, "", 0, "", why)]), ""
    sha256 = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".csv":
        return read_csv(cy, path.name, data, encoding), sha256
    why = check_zip(data)
    if why:
        return _core._Returned(path.name, [(path.name, "", 0, "", why)]), sha256
    return read_workbook(cy, path.name, data), sha256


def import_files(
    store: Store,
    cycle: int,
    paths: Iterable[PathLike],
    actor: str,
    *,
    dry_run: bool = False,
    department: str | None = None,
    encoding: str = "detect",
    max_bytes: int = MAX_FILE_BYTES,
) -> ImportSummary:
    """Import returned questionnaires (.xlsx workbooks and CSV files, or folders of them) into
    an open cycle: all answers of all files in one transaction, or nothing.

    Every file is checked completely first; any problem in any file raises QuestionnaireError
    listing every problem (file, sheet or line, column, reason) and nothing is written. With
    ``department``, every file must be that 課's. ``dry_run`` checks and summarises only.
    Returns the per-file summary.
    """
    files = collect_files(paths)
    if not files:
        raise QuestionnaireError(
            "no questionnaire files given (.xlsx or .csv)",
            [QuestionnaireProblem("<none>", "", 0, "", "no .xlsx or .csv files found")],
        )
    cy = _Cycle(store, cycle)
    read = [_read_file(cy, f, encoding, max_bytes) for f in files]
    returned = [r for r, _ in read]
    problems = [QuestionnaireProblem(*p) for p in cy.model.import_problems(returned, department)]
    if problems:
        n = len({x.file for x in problems})
        raise QuestionnaireError(f"nothing was imported: {len(problems)} problem(s) in {n} file(s)", problems)

    rows, counts = cy.model.plan(returned, actor)
    summary = ImportSummary(cycle=cy.cycle.id, files=[], dry_run=dry_run)
    for f, (r, sha256), (answered, changed, unchanged, blank) in zip(files, read, counts):
        name = cy.departments[r.department].name
        summary.files.append(FileSummary(os.fspath(f), r.department, name, sha256, answered, changed, unchanged, blank))
    if not dry_run and rows:
        source = "; ".join(f"{f.name} sha256:{sha256}" for f, (_, sha256) in zip(files, read))
        r = store.import_responses(
            actor, cy.cycle.id, rows, source=", ".join(f.name for f in files), trail_source=f"questionnaires: {source}"
        )
        summary.inserted, summary.updated = r.inserted, r.updated
    return summary
