"""Importing returned questionnaires: every file read and checked (the model's checks), every
problem collected, then all answers in one transaction (``Store.import_responses``) or nothing."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from .. import _core
from ..errors import QuestionnaireError, QuestionnaireProblem
from ..evidence import Evidence
from ..i18n import _, ngettext
from ..store import Store
from .csv_format import read_csv
from .files import CSV, MAX_FILE_BYTES, XLSX, collect_files, offered, read_bytes, sniff
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
    warnings: list[QuestionnaireProblem] = field(default_factory=list)  # e.g. a formula kept as typed


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file of an import: ``read`` (checked, no problem), ``refused`` (it has
    problems; nothing of any file is written) or ``skipped`` (not a questionnaire; not read)."""

    path: str
    outcome: str
    reason: str = ""  # the first problem, or why it was skipped

    def __str__(self) -> str:
        shown = {"read": _("read"), "refused": _("refused"), "skipped": _("skipped")}.get(self.outcome, self.outcome)
        return f"{self.path}: {shown}" + (f" — {self.reason}" if self.reason else "")


@dataclass
class ImportSummary:
    cycle: int
    files: list[FileSummary]
    dry_run: bool
    inserted: int = 0
    updated: int = 0
    skipped: list[FileOutcome] = field(default_factory=list)  # files in folders that are not questionnaires
    evidence: int = 0  # evidence files attached to the answers (named in 根拠資料 after 証跡ファイル:)

    @property
    def warnings(self) -> list[QuestionnaireProblem]:
        return [w for f in self.files for w in f.warnings]

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
                f.path,  # as given: two folders may hold files of one name
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
                _("total"),
                "",
                self.answered,
                self.changed,
                sum(f.unchanged for f in self.files),
                sum(f.blank for f in self.files),
            )
        )
        heads = [_("file"), _("課"), _("answered"), _("changed"), _("unchanged"), _("blank")]
        return format_table(heads, rows, "<<>>>>")


@dataclass
class _Read:
    """One file after reading and checking."""

    path: Path
    returned: Any = None  # _core._Returned; None when skipped
    sha256: str = ""
    warnings: list[QuestionnaireProblem] = field(default_factory=list)
    skipped: str = ""


def _read_file(cy: _Cycle, path: Path, named: bool, encoding: str, max_bytes: int) -> _Read:
    """One file: skipped (a folder's non-questionnaire), or read by its content and checked."""
    name = os.fspath(path)
    why = offered(path, named)
    if why:
        return _Read(path, skipped=why)
    data, why = read_bytes(path, max_bytes)
    if data is None:
        return _Read(path, _core._Returned(name, [(name, "", 0, "", why)]))
    sha256 = hashlib.sha256(data).hexdigest()
    kind, why = sniff(path, data)
    if kind == CSV:
        return _Read(path, read_csv(cy, name, data, encoding), sha256)
    if kind != XLSX:
        return _Read(path, _core._Returned(name, [(name, "", 0, "", why)]), sha256)
    returned, warnings = read_workbook(cy, name, data)
    return _Read(path, returned, sha256, warnings)


#: A line of a row's 根拠資料 cell that names evidence files beside the returned file
#: (docs/exchange.md, "Evidence files"): ``証跡ファイル: scan.pdf、log.csv`` (NFKC: ： is :).
EVIDENCE_PREFIX = "証跡ファイル:"


def named_evidence(text: str) -> list[str]:
    """The file names a 根拠資料 cell gives after 証跡ファイル: (commas or 、 between them)."""
    names: list[str] = []
    for line in _core.nfkc(text).splitlines():
        line = line.strip()
        if line.startswith(EVIDENCE_PREFIX):
            names += [n.strip() for n in line[len(EVIDENCE_PREFIX) :].replace("、", ",").split(",") if n.strip()]
    return names


def _evidence_of(r: _Read, max_bytes: int) -> tuple[list[tuple[str, str, Path]], list[QuestionnaireProblem]]:
    """The (課, item, path) of every evidence file a returned file's rows name, and the problems:
    a name that is not a plain file name (no folder: names are hostile), a file that is not
    beside the returned file, or one the evidence rules refuse (type by content, size)."""
    found: list[tuple[str, str, Path]] = []
    problems: list[QuestionnaireProblem] = []
    name = os.fspath(r.path)
    for item, _answer, _comment, evidence, sheet, row, column in r.returned.rows:
        for file in named_evidence(evidence):
            path = r.path.parent / file
            why = ""
            if "/" in file or "\\" in file or file.startswith(".") or file != os.path.basename(file):
                why = _("{file}: an evidence file is named by its name alone, beside the returned file").format(
                    file=file
                )
            elif not path.is_file() or path.is_symlink():
                why = _("{file}: no such file beside the returned file").format(file=file)
            else:
                media, refused = _core.sniff_evidence(os.fspath(path), file)
                if refused:
                    why = _("{file}: not accepted as evidence: {why}").format(file=file, why=refused)
                elif path.stat().st_size > max_bytes:
                    why = _("{file}: larger than the store's limit of {limit} bytes per evidence file").format(
                        file=file, limit=max_bytes
                    )
            if why:
                problems.append(QuestionnaireProblem(name, sheet, row, column, why))
            else:
                found.append((r.returned.department, item, path))
    return found, problems


def _nothing_imported(problems: int, files: int) -> str:
    """'nothing was imported: 3 problems in 1 file', each count in its own plural form; a problem
    in no file (the cycle's) is counted in none."""
    if files == 0:
        return ngettext("nothing was imported: {n} problem", "nothing was imported: {n} problems", problems).format(
            n=problems
        )
    in_files = ngettext("in {n} file", "in {n} files", files).format(n=files)
    return ngettext(
        "nothing was imported: {n} problem {in_files}", "nothing was imported: {n} problems {in_files}", problems
    ).format(n=problems, in_files=in_files)


def _skip_named_evidence(read_all: list[_Read], named: set[Path]) -> list[_Read]:
    """A file of a folder that a returned file names as its evidence (a CSV log beside the
    workbook) is evidence, not a questionnaire: skipped, unless it was given by name."""
    evidence_paths = {
        r.path.parent / n
        for r in read_all
        if not r.skipped and r.returned is not None
        for row in r.returned.rows
        for n in named_evidence(row[3])
    }
    return [
        _Read(r.path, skipped=_("named as an evidence file")) if r.path in evidence_paths and r.path not in named else r
        for r in read_all
    ]


def _refuse(problems: list[QuestionnaireProblem], read: list[_Read], skipped: list[FileOutcome]) -> NoReturn:
    """Raises the QuestionnaireError of a refused import: every problem, and what became of every file."""
    if not read:
        problems = [QuestionnaireProblem("<none>", "", 0, "", _("no .xlsx or .csv files found"))]
    first: dict[str, QuestionnaireProblem] = {}
    for p in problems:
        first.setdefault(p.file, p)
    outcomes = [
        FileOutcome(os.fspath(r.path), "refused", first[os.fspath(r.path)].message)
        if os.fspath(r.path) in first
        else FileOutcome(os.fspath(r.path), "read")
        for r in read
    ]
    n = len({x.file for x in problems} & {os.fspath(r.path) for r in read})  # "<cycle>" is no file
    raise QuestionnaireError(_nothing_imported(len(problems), n), problems, outcomes + skipped)


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

    Every file is checked completely first, by its content, whatever its name. Any problem in
    any file raises QuestionnaireError listing every problem (file, sheet or line, column,
    reason) and, in ``outcomes``, what became of every file; nothing is written. A file in a
    folder that is not named as a spreadsheet or CSV is skipped and listed. With ``department``,
    every file must be that 課's. ``dry_run`` checks and summarises only.
    Returns the per-file summary.
    """
    given = [Path(p) for p in paths]
    named = {p for p in given if not p.is_dir()}
    files = collect_files(given)
    if not files:
        raise QuestionnaireError(
            _("no questionnaire files given (.xlsx or .csv)"),
            [QuestionnaireProblem("<none>", "", 0, "", _("no .xlsx or .csv files found"))],
        )
    cy = _Cycle(store, cycle)
    read_all = _skip_named_evidence([_read_file(cy, f, f in named, encoding, max_bytes) for f in files], named)
    skipped = [FileOutcome(os.fspath(r.path), "skipped", r.skipped) for r in read_all if r.skipped]
    read = [r for r in read_all if not r.skipped]
    returned = [r.returned for r in read]
    problems = [QuestionnaireProblem(*p) for p in cy.model.import_problems(returned, department)]
    attach: list[tuple[str, str, Path]] = []
    if not problems:
        limit = Evidence(store).settings.max_bytes
        for r in read:
            found, bad = _evidence_of(r, limit)
            attach += found
            problems += bad
    if problems or not read:
        _refuse(problems, read, skipped)

    rows, counts = cy.model.plan(returned, actor)
    summary = ImportSummary(cycle=cy.cycle.id, files=[], dry_run=dry_run, skipped=skipped)
    for r, (answered, changed, unchanged, blank) in zip(read, counts):
        dept = r.returned.department
        summary.files.append(
            FileSummary(
                os.fspath(r.path),
                dept,
                cy.departments[dept].name,
                r.sha256,
                answered,
                changed,
                unchanged,
                blank,
                r.warnings,
            )
        )
    if not dry_run and rows:
        # Each file with its 課: what `cycle status` reads a return from (collection.h).
        source = "; ".join(f"{r.path.name} sha256:{r.sha256} [{r.returned.department}]" for r in read)
        result = store.import_responses(
            actor,
            cy.cycle.id,
            rows,
            source=", ".join(r.path.name for r in read),
            trail_source=f"questionnaires: {source}",
        )
        summary.inserted, summary.updated = result.inserted, result.updated
    if not dry_run:
        # Each named file attached to its answer (the evidence rules checked above, and again here).
        evidence = Evidence(store)
        for dept, item, path in attach:
            evidence.add(actor, "response", f"{cy.cycle.id}/{dept}/{item}", path, title=path.name)
        summary.evidence = len(attach)
    return summary
