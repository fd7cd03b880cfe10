"""Returned files: collecting them from folders, and the limits checked before a file is parsed
(size, ZIP container, ZIP bombs; docs/exchange.md, "Limits")."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from ..files import write_atomically as write_atomically  # re-exported: the package's one way to write a file
from .model import PathLike

MAX_FILE_BYTES = 20 * 1024 * 1024  # a 300-item workbook is about 40 KB
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all members of an .xlsx together
MAX_COMPRESSION_RATIO = 100  # per member above 1 MiB (text XML compresses ~10:1)
MAX_ZIP_MEMBERS = 1000


def collect_files(paths: Iterable[PathLike]) -> list[Path]:
    """The files named, with every .xlsx and .csv under named folders (sorted; Excel's '~$' lock
    files and hidden files skipped)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in (".xlsx", ".csv") and not f.name.startswith(("~$", "."))
                )
            )
        else:
            out.append(p)
    return out


def read_bytes(path: Path, max_bytes: int) -> tuple[bytes | None, str]:
    """The file's bytes, or None and why it is refused (not .xlsx/.csv, unreadable, too large)."""
    if path.suffix.lower() not in (".xlsx", ".csv"):
        return (
            None,
            "not a questionnaire: give .xlsx workbooks or .csv files (an .xls or .ods file: save it as .xlsx first)",
        )
    try:
        size = path.stat().st_size
    except OSError as e:
        return None, f"cannot read the file: {e.strerror or e}"
    if size > max_bytes:
        return None, (
            f"the file is {size / 1048576:.1f} MB; questionnaires larger than "
            f"{max_bytes / 1048576:.0f} MB are refused (a 300-item workbook is well under 1 MB): "
            "is it the right file?"
        )
    try:
        return path.read_bytes(), ""
    except OSError as e:
        return None, f"cannot read the file: {e.strerror or e}"


def check_zip(data: bytes) -> str:
    """Why `data` is not a workbook openpyxl may open ('' when it may): not a ZIP, an old .xls,
    too many parts, a ZIP bomb (from ``infolist()``, before anything is unpacked)."""
    if not data.startswith(b"PK"):
        kind = (
            "an old Excel 97-2003 (.xls) or encrypted workbook"
            if data.startswith(b"\xd0\xcf\x11\xe0")
            else "not a ZIP container"
        )
        return f"not an Excel workbook (.xlsx): {kind}; was it renamed? Save it from Excel as .xlsx"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        return f"not an Excel workbook (.xlsx): a damaged ZIP container ({e})"
    if len(infos) > MAX_ZIP_MEMBERS:
        return f"refused: the workbook holds {len(infos)} parts (limit {MAX_ZIP_MEMBERS})"
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        return (
            f"refused: the workbook would unpack to {total / 1048576:.0f} MB (limit "
            f"{MAX_UNCOMPRESSED_BYTES / 1048576:.0f} MB): a ZIP bomb or not a questionnaire"
        )
    for i in infos:
        if i.file_size > 1048576 and i.file_size > MAX_COMPRESSION_RATIO * max(1, i.compress_size):
            return (
                f"refused: part {i.filename} is compressed {i.file_size // max(1, i.compress_size)}:1 "
                f"(limit {MAX_COMPRESSION_RATIO}:1): a ZIP bomb or not a questionnaire"
            )
    if "xl/workbook.xml" not in names:
        return "not an Excel workbook (.xlsx): the ZIP container has no xl/workbook.xml"
    return ""
