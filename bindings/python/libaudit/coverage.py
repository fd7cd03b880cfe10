"""Alignment with the model checklist (標準点検表) and the coverage report (docs/alignment.md).

::

    import libaudit
    from libaudit.coverage import align, coverage_report

    body = libaudit.Checklist.load("checklists/mito/kihon-hoshin.yaml")
    model = libaudit.Checklist.load("checklists/model/hyojun-tenkenhyo.yaml")
    a = align(body, model, use_stated=False)  # every mapping derived from the texts
    for ch in a["chapters"]:
        print(ch["title"], ch["covered"], "/", ch["total"], ch["missing"])
    coverage_report(body, model, out="mito-coverage.pdf")  # for the 情報セキュリティ委員会

The C++ core maps and counts (libaudit/checklist/align.h) and builds the report's view model
(libaudit/report/coverage.h); this module adds the file handling: the format from the file's
name, atomic writes, PDF through Chromium.
"""

# libaudit-stage: report

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Union

from . import _core
from .files import output_format, write_text
from .i18n import _
from .report import html_to_pdf, template_dir

PathLike = Union[str, "os.PathLike[str]"]
FORMATS = ("html", "md", "csv", "json", "pdf")
THRESHOLD: float = _core.ALIGN_THRESHOLD


#: The shipped model checklist, inside a source tree.
MODEL_FILE = Path("checklists") / "model" / "hyojun-tenkenhyo.yaml"


def default_model_path() -> Path | None:
    """The model checklist used when none is given: ``checklists/model/hyojun-tenkenhyo.yaml``
    under the current directory, else in the source tree this package comes from; None if
    neither exists."""
    here = Path(__file__).resolve().parent  # bindings/python/libaudit in a source tree
    for candidate in (Path.cwd() / MODEL_FILE, here.parents[2] / MODEL_FILE):
        if candidate.is_file():
            return candidate
    return None


def _room(server_room: bool | None) -> int:
    return -1 if server_room is None else int(bool(server_room))


def align(
    checklist: _core.Checklist,
    model: _core.Checklist,
    *,
    use_stated: bool = True,
    network_model: str = "",
    server_room: bool | None = None,
) -> dict[str, Any]:
    """Every item of `checklist` mapped to the items of `model`, with evidence and confidence,
    and the coverage by chapter: ``{"items": [...], "chapters": [...], "total", "covered",
    "threshold"}``. ``use_stated=False`` ignores the items' own ``model:``. ``network_model`` and
    ``server_room`` leave out the measures that do not apply to the body. ValidationError when
    `model` is not a model checklist."""
    result: dict[str, Any] = _core.align(checklist, model, use_stated, network_model, _room(server_room))
    return result


def coverage_report(
    checklist: _core.Checklist,
    model: _core.Checklist,
    *,
    format: str | None = None,
    out: PathLike | None = None,
    templates: PathLike | None = None,
    use_stated: bool = True,
    date: str | None = None,
    title: str = "",
    network_model: str = "",
    server_room: bool | None = None,
) -> str | Path:
    """The coverage report (標準点検表との対照表) for the 情報セキュリティ委員会. Without ``out``
    the text is returned (html, md, csv, json); with it the file is written atomically and its
    path returned. The format comes from ``format`` or the file's extension
    (libaudit.files.output_format); PDF is printed from the HTML by Chromium."""
    fmt = output_format(out, format, FORMATS, default="html")
    dirs = ([os.fspath(templates)] if templates else []) + [os.fspath(template_dir())]

    def text(f: str) -> str:
        result: str = _core.coverage_report(
            checklist, model, f, dirs, use_stated, date or "", title, network_model, _room(server_room)
        )
        return result

    if fmt == "pdf":
        if out is None:
            raise ValueError(_("format='pdf' writes a file: give out=PATH"))
        html = text("html")
        with tempfile.TemporaryDirectory(prefix="libaudit-pdf-") as tmp:
            src = Path(tmp) / "coverage.html"
            src.write_text(html, encoding="utf-8")  # a private scratch copy
            return html_to_pdf(src, Path(out))
    body = text(fmt)
    if out is None or os.fspath(out) == "-":
        return body
    return write_text(Path(out), body)


__all__ = ["FORMATS", "MODEL_FILE", "THRESHOLD", "align", "coverage_report", "default_model_path"]
