"""Exceptions raised by libaudit.

Every error from the C++ core is translated to one of these (in one place,
``bindings/src/errors.cpp``). Each subclasses the Python built-in a caller would expect:
an invalid checklist is a ``ValueError``, an unknown id a ``KeyError``, an unreadable
file an ``OSError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from .i18n import _


class Diagnostic(NamedTuple):
    """One problem in an input: where (1-based line, column in characters) and what."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        """``file:line:column: message``; the message alone when there is no file, or a
        pseudo-source in angle brackets (``<options>``) that names what was given, not a file."""
        if not self.file or (self.file.startswith("<") and self.file.endswith(">")):
            return self.message
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class LibauditError(Exception):
    """Base class of every libaudit error."""


class ValidationError(LibauditError, ValueError):
    """Input that is not valid. ``diagnostics`` lists every problem found, in file order."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()):
        super().__init__(message)
        self.diagnostics: list[Diagnostic] = list(diagnostics)


class ChecklistError(ValidationError):
    """A checklist that does not load (``Checklist.load`` / ``Checklist.from_yaml``)."""


class NotFoundError(LibauditError, KeyError):
    """A lookup by id that names nothing."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class LibauditIOError(LibauditError, OSError):
    """A file that cannot be read or written."""


class ImportValidationError(ValidationError):
    """An import refused as a whole (nothing was written): one diagnostic per bad row."""


class TemplateError(ValidationError):
    """A report template that does not render (libaudit.render): a syntax error, a tag the
    report's view model does not have, or a missing partial. ``diagnostics`` name the template
    file, the line and the tag."""


class PdfError(LibauditError, RuntimeError):
    """A PDF could not be made: Chromium is not installed (``apt-get install chromium``) or
    failed to print the report."""


class QuestionnaireProblem(NamedTuple):
    """One problem in a returned questionnaire (libaudit.exchange): which file, and where in it
    (sheet and cell, or CSV line and column; empty/0 when it concerns the whole file)."""

    file: str
    sheet: str
    row: int
    column: str
    message: str

    @property
    def where(self) -> str:
        """'点検票!E12' for a cell, 'line 12 (回答)' for a CSV field, '' for the whole file."""
        if self.sheet:
            return self.sheet + (f"!{self.column}{self.row}" if self.row else "")
        if self.row:
            line = _("line {row}").format(row=self.row)
            return line + (f" ({self.column})" if self.column else "")
        return ""

    def __str__(self) -> str:
        return f"{self.file}: {self.where + ': ' if self.where else ''}{self.message}"


class QuestionnaireError(ImportValidationError):
    """Returned questionnaires refused as a whole (nothing was written); ``problems`` lists every
    problem of every file, ``diagnostics`` the same as file:row:column diagnostics."""

    def __init__(self, message: str, problems: Sequence[QuestionnaireProblem] = (), outcomes: Sequence[Any] = ()):
        problems = list(problems)
        self.outcomes: list[Any] = list(outcomes)  # exchange.FileOutcome per file: read, refused or skipped
        super().__init__(
            message,
            [
                Diagnostic(p.file, p.row, column_number(p.column), f"{p.where}: {p.message}" if p.where else p.message)
                for p in problems
            ],
        )
        self.problems: list[QuestionnaireProblem] = problems

    def __str__(self) -> str:
        return "\n".join([self.args[0]] + [str(p) for p in self.problems])


def column_number(column: str) -> int:
    """'A' -> 1, 'AB' -> 28; a CSV column given as a name -> 0."""
    n = 0
    for ch in column:
        if not "A" <= ch <= "Z":
            return 0
        n = n * 26 + ord(ch) - 64
    return n


class StoreError(LibauditError, RuntimeError):
    """The store's database: cannot be opened or written, not a libaudit store, or locked too long."""


class SchemaVersionError(StoreError):
    """A store written by a newer libaudit than this one."""


class CycleStateError(LibauditError, RuntimeError):
    """A write the cycle's status forbids (a closed cycle refuses changes)."""


class TransitionError(LibauditError, ValueError):
    """A finding state change the state machine does not have (docs/findings.md), or an
    exception decision its status forbids. Nothing was written."""


class RoleError(LibauditError, PermissionError):
    """The person lacks the role an action needs, or the separation of duties forbids it
    (兼務の禁止; the verifier is not the remediator). Nothing was written."""


__all__ = [
    "Diagnostic",
    "LibauditError",
    "ValidationError",
    "ChecklistError",
    "NotFoundError",
    "LibauditIOError",
    "ImportValidationError",
    "TemplateError",
    "PdfError",
    "QuestionnaireError",
    "QuestionnaireProblem",
    "StoreError",
    "SchemaVersionError",
    "CycleStateError",
    "TransitionError",
    "RoleError",
]
