"""Returned files: collecting them from folders, what each is by its content, and the limits
checked before a file is parsed (size, ZIP container, ZIP bombs; docs/exchange.md, "Limits")."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from ..files import os_error_text
from ..i18n import _
from .model import PathLike

MAX_FILE_BYTES = 20 * 1024 * 1024  # a 300-item workbook is about 40 KB
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all members of an .xlsx together
MAX_COMPRESSION_RATIO = 100  # per member above 1 MiB (text XML compresses ~10:1)
MAX_ZIP_MEMBERS = 1000


# What a returned file is, from its content (``sniff``); the name only picks what a folder offers.
XLSX, CSV = "xlsx", "csv"
SPREADSHEET_SUFFIXES = frozenset(
    (".xlsx", ".csv", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls", ".ods", ".ots", ".fods", ".numbers")
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def collect_files(paths: Iterable[PathLike]) -> list[Path]:
    """The files named, and every file under named folders (sorted; hidden files and Excel's '~$'
    lock files left out). Which of them are questionnaires is decided by ``offered``."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(("~$", "."))))
        else:
            out.append(p)
    return out


def offered(path: Path, named: bool) -> str:
    """Why a file found in a folder is not read ('' when it is): only files named like a
    spreadsheet or CSV are; a file named on the command line always is."""
    if named or path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return ""
    return _("not a questionnaire (only .xlsx workbooks and .csv files are read from a folder)")


def read_bytes(path: Path, max_bytes: int) -> tuple[bytes | None, str]:
    """The file's bytes, or None and why it is refused (unreadable, too large)."""
    try:
        size = path.stat().st_size
    except OSError as e:
        return None, _("cannot read the file: {reason}").format(reason=os_error_text(e))
    if size > max_bytes:
        return None, (
            _(
                "the file is {size:.1f} MB; questionnaires larger than {limit:.0f} MB are refused (a 300-item "
                "workbook is well under 1 MB): is it the right file?"
            ).format(size=size / 1048576, limit=max_bytes / 1048576)
        )
    try:
        return path.read_bytes(), ""
    except OSError as e:
        return None, _("cannot read the file: {reason}").format(reason=os_error_text(e))


def sniff(path: Path, data: bytes) -> tuple[str, str]:
    """What `data` is, by its content: (XLSX, '') for an .xlsx workbook openpyxl-compatible
    readers may open, (CSV, '') for text, or ('', why) for anything refused: a macro workbook, a
    binary or old workbook, an OpenDocument spreadsheet, another ZIP, a ZIP bomb."""
    if data.startswith(_OLE2):
        return "", (
            _(
                "an Excel 97-2003 workbook (.xls), or a password-protected workbook: neither can be read; "
                "remove any password, save it as an Excel workbook (.xlsx) and send that file"
            )
        )
    if not data.startswith(b"PK"):
        if path.suffix.lower() in (".csv", ".txt", ".tsv"):
            return CSV, ""
        return "", (
            _(
                "not an Excel workbook (.xlsx): not a ZIP container, and not named .csv: was it renamed? Open it, "
                "save it as an Excel workbook (.xlsx) and send that file"
            )
        )
    why = check_zip(data)
    if why:
        return "", why
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = {n.lower() for n in z.namelist()}
            mimetype = _head(z, "mimetype", 100)
            types = _head(z, "[Content_Types].xml", 1_000_000)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error) as e:
        return "", _("not an Excel workbook (.xlsx): a damaged ZIP container ({error})").format(error=e)
    if mimetype.startswith(b"application/vnd.oasis.opendocument") or "content.xml" in names:
        return "", (
            _(
                "an OpenDocument spreadsheet (.ods) is not read: in LibreOffice Calc choose "
                "ファイル > 名前を付けて保存, file type 'Excel 2007-365 (.xlsx)', keep the current format when "
                "asked, and send the .xlsx"
            )
        )
    if any(n.endswith("vbaproject.bin") for n in names) or b"macroEnabled" in types:
        return "", _(
            "a macro workbook (.xlsm): macro workbooks are not accepted; save it as an Excel workbook (.xlsx) and "
            "send that file"
        )
    if "xl/workbook.bin" in names:
        return "", _(
            "an Excel binary workbook (.xlsb) is not read; save it as an Excel workbook (.xlsx) and send that file"
        )
    if "xl/workbook.xml" not in names:
        return "", _("not an Excel workbook (.xlsx): a ZIP container with no xl/workbook.xml; is it the right file?")
    return XLSX, ""


def _head(z: zipfile.ZipFile, name: str, n: int) -> bytes:
    """The first `n` bytes of a member ('' when there is none)."""
    try:
        with z.open(name) as f:
            return f.read(n)
    except KeyError:
        return b""


def check_zip(data: bytes) -> str:
    """Why the ZIP container `data` may not be opened ('' when it may): damaged, too many parts,
    a ZIP bomb (from ``infolist()``, before anything is unpacked)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        return _("not an Excel workbook (.xlsx): a damaged ZIP container ({error})").format(error=e)
    if len(infos) > MAX_ZIP_MEMBERS:
        return _("refused: the workbook holds {n} parts (limit {limit})").format(n=len(infos), limit=MAX_ZIP_MEMBERS)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        return _(
            "refused: the workbook would unpack to {size:.0f} MB (limit {limit:.0f} MB): a ZIP bomb or not a "
            "questionnaire"
        ).format(size=total / 1048576, limit=MAX_UNCOMPRESSED_BYTES / 1048576)
    for i in infos:
        if i.file_size > 1048576 and i.file_size > MAX_COMPRESSION_RATIO * max(1, i.compress_size):
            return _(
                "refused: part {part} is compressed {ratio}:1 (limit {limit}:1): a ZIP bomb or not a questionnaire"
            ).format(part=i.filename, ratio=i.file_size // max(1, i.compress_size), limit=MAX_COMPRESSION_RATIO)
    return ""
