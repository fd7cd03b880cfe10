"""Reading a returned .xlsx within fixed bounds (docs/exchange.md, "Limits").

A returned workbook is hostile until checked: it arrives by mail from any 課 and may have been
crafted. This reader never trusts what the file claims about itself (``<dimension>``, part sizes
beyond the ZIP checks of ``files.check_zip``, row and column numbers):

- every XML part goes through defusedxml with DTDs forbidden (no entity expansion, no external
  entities), and its uncompressed bytes are counted as they stream;
- only the cells of the grid the caller gives (the exported rows and columns, known from the
  store) are kept; the first cell outside it that holds a value ends the reading with one
  located problem, so a million extra rows cost one message, not a million;
- parts, XML elements, shared strings and characters per cell are capped (``Limits``).

Memory is bounded by the grid and the caps, time by the caps: nothing here grows with what the
file declares. Every failure is a :class:`ReadProblem` (sheet, cell, message), never another
exception.
"""

from __future__ import annotations

import datetime as _dt
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from ..errors import column_number
from ..i18n import _
from .model import text_lf


@dataclass(frozen=True)
class Limits:
    """The caps of one workbook read; the values are documented in docs/exchange.md."""

    part_bytes: int = 8 * 1024 * 1024  # uncompressed bytes of one XML part read (a 330-item sheet: ~0.3 MB)
    sheets: int = 16  # sheets in the workbook (an exported one has 3)
    elements: int = 250_000  # XML elements in one sheet part (a 330-item sheet: ~6,000)
    shared_strings: int = 100_000  # entries of the shared-string table
    cell_chars: int = 32_767  # characters in one cell (Excel's own limit)


LIMITS = Limits()

# Excel's grid: the largest row and column a reference may name.
MAX_ROW = 1_048_576
MAX_COLUMN = 16_384

_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


class ReadProblem(Exception):
    """Why a workbook cannot be read, located: a sheet ('' for the file) and a cell ('' for the
    whole sheet)."""

    def __init__(self, message: str, sheet: str = "", row: int = 0, column: str = ""):
        super().__init__(message)
        self.message, self.sheet, self.row, self.column = message, sheet, row, column


@dataclass
class SheetCells:
    """The cells of one sheet inside its grid, as text (``grid[row][column]``, 0-based), and the
    cells that held a formula (their text is the formula as typed, with its leading '=')."""

    grid: list[list[str]]
    formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, column), 1-based


def column_letter(column: int) -> str:
    """1 -> 'A', 28 -> 'AB'."""
    out = ""
    while column > 0:
        column, r = divmod(column - 1, 26)
        out = chr(65 + r) + out
    return out


def _local(tag: object) -> str:
    """An element's name without its namespace (Transitional and Strict OOXML alike)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(element: Element, name: str) -> str | None:
    """An attribute by local name, in any namespace (r:id is namespaced, r is not)."""
    if name in element.attrib:
        return element.attrib[name]
    for key, value in element.attrib.items():
        if key.endswith("}" + name):
            return value
    return None


class _Counted(io.RawIOBase):
    """A ZIP member's stream that refuses to yield more than `limit` bytes."""

    def __init__(self, raw: IO[bytes], limit: int, part: str):
        self._raw, self._left, self._part, self._limit = raw, limit, part, limit

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._raw.read(min(len(b), self._left + 1))
        if len(data) > self._left:
            raise ReadProblem(
                _("part {part} unpacks to more than {limit} MB: refused").format(
                    part=self._part, limit=self._limit // 1048576
                )
            )
        self._left -= len(data)
        b[: len(data)] = data
        return len(data)


def _text_of(element: Element) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>, never the phonetic
    (furigana, <rPh>) runs Japanese Excel adds."""
    parts: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _xml_refusal(part: str, e: Exception) -> str:
    if isinstance(e, DefusedXmlException):
        return _(
            "part {part} declares a DTD or entities, which Excel never writes: refused as a crafted file ({error})"
        ).format(part=part, error=type(e).__name__)
    return _("part {part} is not well-formed XML ({error}): the file is damaged").format(part=part, error=e)


class ReturnedWorkbook:
    """An opened .xlsx (the ZIP checked by ``files.check_zip`` before): its sheets by name, read
    on demand within a grid. Not thread-safe; one reader per file."""

    def __init__(self, data: bytes, limits: Limits = LIMITS):
        self.limits = limits
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self._names = set(self._zip.namelist())
            if "xl/workbook.xml" not in self._names:
                raise ReadProblem(_("not an Excel workbook (.xlsx): the ZIP container has no xl/workbook.xml"))
            workbook = self._part("xl/workbook.xml")
            self._sheets = self._sheet_parts(workbook)
            self._strings: list[str] | None = None
            self._date_styles, self._epoch = self._styles(workbook)
        except ReadProblem:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, EOFError) as e:
            raise ReadProblem(
                _("not a readable Excel workbook (.xlsx): {error}").format(error=f"{type(e).__name__}: {e}")
            ) from None

    @property
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def close(self) -> None:
        self._zip.close()

    # ---- the structure: workbook.xml, its relationships, styles, shared strings ----------

    def _part(self, name: str) -> Element:
        """A small part parsed whole (workbook, relationships, styles), within the part cap."""
        with self._zip.open(name) as raw:
            data = _Counted(raw, self.limits.part_bytes, name).read()
        try:
            root: Element = fromstring(data, forbid_dtd=True)
        except (ParseError, DefusedXmlException) as e:
            raise ReadProblem(_xml_refusal(name, e)) from None
        return root

    def _sheet_parts(self, workbook: Element) -> dict[str, str]:
        targets: dict[str, str] = {}
        if "xl/_rels/workbook.xml.rels" in self._names:
            for rel in self._part("xl/_rels/workbook.xml.rels"):
                rid, target = _attr(rel, "Id"), _attr(rel, "Target")
                if rid and target:
                    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                    targets[rid] = path
        sheets: dict[str, str] = {}
        for element in workbook.iter():
            if _local(element.tag) != "sheet":
                continue
            if len(sheets) >= self.limits.sheets:
                raise ReadProblem(_("the workbook has more than {n} sheets: refused").format(n=self.limits.sheets))
            name, rid = _attr(element, "name") or "", _attr(element, "id") or ""
            sheets[name] = targets.get(rid, "")
        return sheets

    def _styles(self, workbook: Element) -> tuple[set[int], _dt.datetime]:
        """Which cell styles show a date (cellXfs by index), and the workbook's date epoch."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format  # type: ignore[import-untyped]
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900  # type: ignore[import-untyped]

        epoch = CALENDAR_WINDOWS_1900
        for element in workbook.iter():
            if _local(element.tag) == "workbookPr" and (_attr(element, "date1904") or "") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
        dates: set[int] = set()
        if "xl/styles.xml" not in self._names:
            return dates, epoch
        styles = self._part("xl/styles.xml")
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        xfs: list[Element] = []
        for element in styles:
            name = _local(element.tag)
            if name == "numFmts":
                for f in element:
                    try:
                        formats[int(_attr(f, "numFmtId") or "")] = _attr(f, "formatCode") or ""
                    except ValueError:
                        continue
            elif name == "cellXfs":
                xfs = list(element)
        for index, xf in enumerate(xfs):
            try:
                if is_date_format(formats.get(int(_attr(xf, "numFmtId") or "0"), "")):
                    dates.add(index)
            except ValueError:
                continue
        return dates, epoch

    def _shared_strings(self) -> list[str]:
        if self._strings is not None:
            return self._strings
        strings: list[str] = []
        name = next((n for n in ("xl/sharedStrings.xml", "xl/sharedstrings.xml") if n in self._names), None)
        if name:
            for event, element in self._elements(name, "", keep_depth=2):
                if event != "end" or _local(element.tag) != "si":
                    continue
                if len(strings) >= self.limits.shared_strings:
                    raise ReadProblem(
                        _("the shared-string table has more than {n:,} entries").format(n=self.limits.shared_strings)
                    )
                text = _text_of(element)
                if len(text) > self.limits.cell_chars:
                    raise ReadProblem(
                        _("a shared string has {n:,} characters (Excel's limit is {limit:,})").format(
                            n=len(text), limit=self.limits.cell_chars
                        )
                    )
                strings.append(text)
        self._strings = strings
        return strings

    def _elements(self, part: str, sheet: str, keep_depth: int) -> Iterator[tuple[str, Element]]:
        """Every ('start' | 'end', element) of a part, streamed. An element that ends at a depth
        of `keep_depth` or less (the root is 1) is dropped from its parent once yielded, so that
        memory does not grow with the part. `sheet` locates the problems ('' for the file)."""
        count = 0
        try:
            with self._zip.open(part) as raw:
                stream = io.BufferedReader(_Counted(raw, self.limits.part_bytes, part))
                parents: list[Element] = []
                for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
                    if event == "start":
                        count += 1
                        if count > self.limits.elements:
                            raise ReadProblem(
                                _("part {part} holds more than {n:,} XML elements: refused").format(
                                    part=part, n=self.limits.elements
                                ),
                                sheet,
                            )
                        parents.append(element)
                        yield event, element
                        continue
                    parents.pop()
                    yield event, element
                    if parents and len(parents) < keep_depth:
                        parents[-1].remove(element)
        except ReadProblem as e:
            e.sheet = e.sheet or sheet
            raise
        except (ParseError, DefusedXmlException) as e:
            raise ReadProblem(_xml_refusal(part, e), sheet) from None
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as e:
            raise ReadProblem(_("part {part} cannot be unpacked: {error}").format(part=part, error=e), sheet) from None

    # ---- one sheet ----------------------------------------------------------------------

    def cells(self, sheet: str, rows: int, columns: int) -> SheetCells:
        """The text of the cells of `sheet` in rows 1…`rows`, columns 1…`columns`. A cell outside
        that grid that holds a value is a ReadProblem naming it; so is a damaged or hostile part."""
        part = self._sheets.get(sheet)
        if part is None:
            raise ReadProblem(_("the workbook has no sheet {sheet!r}").format(sheet=sheet))
        if part not in self._names:
            raise ReadProblem(_("sheet {sheet!r} has no part in the file (damaged)").format(sheet=sheet), sheet)
        out = SheetCells([[""] * columns for _row in range(rows)])
        row_no = column_no = 0
        for event, element in self._elements(part, sheet, keep_depth=4):
            name = _local(element.tag)
            if event == "start":
                if name == "row":
                    row_no, column_no = self._row_number(element, sheet, row_no), 0
                continue
            if name != "c":
                continue
            row, column = self._position(element, sheet, row_no, column_no)
            column_no = column
            text, formula = self._value(element, sheet, row, column)
            if not text:
                continue
            if row > rows or column > columns:
                raise ReadProblem(
                    _(
                        "a cell outside the questionnaire holds data ({text!r}); the questionnaire has rows "
                        "1–{rows} and columns A–{last}: delete it, or answer in the workbook as exported"
                    ).format(text=text[:20], rows=rows, last=column_letter(columns)),
                    sheet,
                    row,
                    column_letter(column),
                )
            out.grid[row - 1][column - 1] = text
            if formula:
                out.formulas.append((row, column))
        return out

    @staticmethod
    def _row_number(row: Element, sheet: str, previous: int) -> int:
        r = _attr(row, "r")
        if r is None:
            return previous + 1
        if not (r.isdigit() and 1 <= int(r) <= MAX_ROW):
            raise ReadProblem(
                _("a row number {row!r} outside Excel's grid: the file is damaged").format(row=r[:12]), sheet
            )
        return int(r)

    @staticmethod
    def _position(c: Element, sheet: str, row_no: int, previous_column: int) -> tuple[int, int]:
        """A cell's (row, column): its reference, or, without one, the next cell of its row."""
        ref = _attr(c, "r")
        if ref is None:
            row, column = max(1, row_no), previous_column + 1
        else:
            m = _REF.fullmatch(ref)
            if not m:
                raise ReadProblem(
                    _("a cell reference {ref!r} that is not one: the file is damaged").format(ref=ref[:20]), sheet
                )
            row, column = int(m.group(2)), column_number(m.group(1))
        if not (1 <= row <= MAX_ROW and 1 <= column <= MAX_COLUMN):
            raise ReadProblem(
                _("cell {cell} is outside Excel's grid: the file is damaged").format(
                    cell=f"{column_letter(column)}{row}"
                ),
                sheet,
            )
        return row, column

    def _value(self, c: Element, sheet: str, row: int, column: int) -> tuple[str, bool]:
        """A cell's text, and whether it is a formula (then the text is '=' and the formula as
        typed, or the cached value when the formula's text is shared from another cell)."""
        kind = _attr(c, "t") or "n"
        value: str | None = None
        formula: str | None = None
        inline = ""
        for child in c:
            name = _local(child.tag)
            if name == "v":
                value = child.text or ""
            elif name == "f":
                formula = child.text
                if formula is None:
                    formula = ""
            elif name == "is":
                inline = _text_of(child)
        if formula:
            text = "=" + formula
        elif kind == "inlineStr":
            text = inline
        elif value is None or value == "":
            text = ""
        elif kind == "s":
            strings = self._shared_strings()
            try:
                text = strings[int(value)]
            except (ValueError, IndexError):
                raise ReadProblem(
                    _("a shared-string index {index!r} that the table does not hold: the file is damaged").format(
                        index=value[:12]
                    ),
                    sheet,
                    row,
                    column_letter(column),
                ) from None
        elif kind == "b":
            text = "TRUE" if value.strip() in ("1", "true") else "FALSE"
        elif kind in ("n", "d", "str", "e"):
            text = self._number(value, c) if kind == "n" else value
        else:
            text = value
        if len(text) > self.limits.cell_chars:
            raise ReadProblem(
                _("the cell holds {n:,} characters (Excel's limit is {limit:,})").format(
                    n=len(text), limit=self.limits.cell_chars
                ),
                sheet,
                row,
                column_letter(column),
            )
        return text_lf(text), formula is not None

    def _number(self, value: str, c: Element) -> str:
        try:
            number = float(value)
        except ValueError:
            return value
        style = _attr(c, "s")
        if style and style.isdigit() and int(style) in self._date_styles:
            from openpyxl.utils.datetime import from_excel

            try:
                moment = from_excel(number, self._epoch)
                return str(moment.isoformat())
            except (OverflowError, ValueError):
                return value
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return value
