"""Writing a file the package makes (reports, PDF, questionnaires, checklist drafts): always
through :func:`write_atomically` (a folder of files, e.g. a Parquet export:
:func:`write_directory_atomically`), so that a reader, a crash or a full disk never leaves half a
file, and an error leaves the previous file as it was.

Errors: a write that fails raises :class:`libaudit.errors.LibauditIOError` (an ``OSError``,
with the ``errno`` of the cause) naming the file and saying that the previous file is unchanged;
the temporary file is gone by then.
"""

# libaudit-stage: base

from __future__ import annotations

import errno as _errno
import os
import secrets
import shutil
from pathlib import Path
from typing import Any, Callable, Union

from .errors import LibauditIOError, ValidationError
from .i18n import _

PathLike = Union[str, "os.PathLike[str]"]


def write_atomically(path: PathLike, write: Callable[[Path], Any]) -> Path:
    """``write(tmp)`` to a new temporary file beside `path` (same folder, so same filesystem),
    flushed to disk, then renamed over `path` (``os.replace``): `path` is either the previous
    file, byte for byte, or the whole new one. On any error or interruption the temporary file
    is removed; an OSError becomes a LibauditIOError naming `path`. Returns `path`.

    `write` may write the temporary file itself or replace it (e.g. a program told to write
    there); it must leave a file at `tmp`.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _create_temporary(path)
    except OSError as e:
        raise _write_error(path, e) from e
    try:
        write(tmp)
        _fsync(tmp)
        _keep_mode(path, tmp)
        os.replace(tmp, path)
    except BaseException as e:
        tmp.unlink(missing_ok=True)
        if isinstance(e, OSError) and not isinstance(e, LibauditIOError):
            raise _write_error(path, e) from e
        raise
    return path


def write_directory_atomically(path: PathLike, write: Callable[[Path], Any]) -> Path:
    """``write(tmp)`` to fill a new temporary folder beside `path`, every file in it flushed to
    disk, then the folder renamed to `path`: `path` appears whole or not at all. `path` must not
    exist (ValidationError, nothing written: a folder is never merged into or replaced). On any
    error the temporary folder and what it holds are removed; an OSError becomes a
    LibauditIOError naming `path`. Returns `path`."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise ValidationError(_("{path} already exists: name a new folder (nothing was written)").format(path=path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _create_temporary_folder(path)
    except OSError as e:
        raise _write_error(path, e) from e
    try:
        write(tmp)
        for f in tmp.rglob("*"):
            if f.is_file():
                _fsync(f)
        os.rename(tmp, path)  # fails on an existing file; an existing folder was refused above
    except BaseException as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, OSError) and not isinstance(e, LibauditIOError):
            raise _write_error(path, e) from e
        raise
    return path


def write_text(path: PathLike, text: str) -> Path:
    """`text` as UTF-8 at `path`, atomically; line ends as given (a CSV's CRLF is kept)."""
    data = text.encode("utf-8")
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))


#: What an output file's name says of its format, where the extension is not the format's name.
_EXTENSION_FORMATS = {"htm": "html", "markdown": "md"}


def output_format(
    out: PathLike | None,
    format: str | None,
    formats: tuple[str, ...],
    *,
    default: str,
    directory: bool = False,
) -> str:
    """The format of an output file (reports, questionnaires): `format` when given, else the one
    the extension of `out` names (``x.pdf``: pdf; ``.htm``, ``.markdown`` too), else `default`.
    ValidationError, with nothing written, for a format not in `formats`, for a `format` that
    contradicts the file's extension (``-o x.pdf --format html``: x.pdf never holds HTML), and
    for standard output (``out`` ``"-"``) without `format`. `directory`: `out` is a folder of
    files, whose name says nothing of the format."""
    if format is not None and format not in formats:
        raise ValidationError(
            _("unknown format {format!r}: one of {formats}").format(format=format, formats=", ".join(formats))
        )
    if out is not None and os.fspath(out) == "-":
        if format is None:
            raise ValidationError(
                _("standard output (-o -) has no extension to tell the format: give --format ({formats})").format(
                    formats=", ".join(formats)
                )
            )
        return format
    path = Path(out) if out is not None and not directory else None
    suffix = path.suffix.lower().lstrip(".") if path else ""
    named = _EXTENSION_FORMATS.get(suffix, suffix) if suffix else None
    if named is not None and named not in formats:
        named = None
    if format is None:
        return named or default
    if path is not None and named is not None and named != format:
        raise ValidationError(
            _(
                "{path} is named {suffix} but the format is {format}: name the file .{ext}, or leave the format "
                "out to take it from the name"
            ).format(path=path, suffix=path.suffix, format=format, ext=format)
        )
    return format


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _create_temporary(path: Path) -> Path:
    """A new empty file ``.NAME.<random>.tmp`` beside `path`, created exclusively (never an
    existing file) with the permissions a plain open() gives (0666 less the umask)."""
    for _attempt in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(_("no free temporary name beside {path}").format(path=path))


def _create_temporary_folder(path: Path) -> Path:
    """A new empty folder ``.NAME.<random>.tmp`` beside `path`, created exclusively."""
    for _attempt in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            tmp.mkdir()
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(_("no free temporary name beside {path}").format(path=path))


def _keep_mode(path: Path, tmp: Path) -> None:
    """The replaced file's permissions carried over to its successor."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return
    os.chmod(tmp, mode)


def os_error_text(e: OSError) -> str:
    """What went wrong, in the language in use: the system's own words (``strerror``, English
    whatever the locale; the msgids are glibc's) translated for the errors a person meets with files."""
    known = {
        _errno.ENOENT: _("No such file or directory"),
        _errno.EACCES: _("Permission denied"),
        _errno.EPERM: _("Operation not permitted"),
        _errno.EISDIR: _("Is a directory"),
        _errno.ENOTDIR: _("Not a directory"),
        _errno.EEXIST: _("File exists"),
        _errno.ENOSPC: _("No space left on device"),
        _errno.EROFS: _("Read-only file system"),
        _errno.EFBIG: _("File too large"),
        _errno.ENAMETOOLONG: _("File name too long"),
    }
    if e.errno in known:
        return known[e.errno]
    return str(e.strerror or e)


def _write_error(path: Path, e: OSError) -> LibauditIOError:
    err = LibauditIOError(
        _("cannot write {path}: {reason}; the previous file (if any) is unchanged").format(
            path=path, reason=os_error_text(e)
        )
    )
    err.errno = e.errno
    return err


__all__ = ["os_error_text", "write_atomically", "write_directory_atomically", "write_text"]
