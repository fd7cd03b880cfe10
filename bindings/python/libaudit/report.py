"""Reports (docs/reports.md): the committee report (情報セキュリティ委員会報告), each 課's sheet
(課別結果票), the audit report (監査報告書) and the findings register (指摘事項一覧).

::

    import libaudit
    with libaudit.Store("audit.db") as store:
        libaudit.render(store, "committee", cycle=2, compare=1, format="html", out="committee.html")
        libaudit.render(store, "department", cycle=2, dept="4010", format="pdf", out="4010.pdf")
        libaudit.render(store, "department", cycle=2, all_depts=True, format="html", out="sheets/")

The C++ core builds each report's view model from the scores (and findings) and renders it
from the Mustache templates in ``libaudit/templates`` (or your own directory, ``templates=``;
files missing there fall back to the built-in ones). CSV and JSON come from the same view
model. PDF is printed from the HTML by headless Chromium (``apt-get install chromium``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Callable, Union

from . import _core
from .audit import AuditPlans
from .errors import PdfError, ValidationError
from .files import output_format, write_atomically, write_text
from .findings import DateLike
from .i18n import _
from .store import Store, core_call

PathLike = Union[str, "os.PathLike[str]"]
KINDS = ("committee", "department", "audit", "findings", "plan", "workpapers")
FORMATS = ("html", "md", "csv", "json", "pdf")
_EXT = {"html": "html", "md": "md", "markdown": "md", "csv": "csv", "json": "json", "pdf": "pdf"}


def template_dir() -> Path:
    """The built-in templates shipped inside the package."""
    return Path(os.path.abspath(os.path.dirname(__file__))) / "templates"


def wareki_date(date: str) -> str:
    """'2025-03-31' -> '令和7年3月31日'."""
    return _core.wareki_date(date)


class Reporter:
    """A cycle read once (scores, comparison, history, comments, findings), to render any number
    of reports from. Not thread-safe.

    ``templates``: your own template directory, searched before the built-in one.
    The cycle is read by the as-of rule (docs/scoring.md): a closed cycle as it stood at its
    close (the report prints its edition, 第N版, and the publication's trail anchor), an open one
    as the store stood at the end of day ``at`` in Japan (default now; the CLI's ``--as-of`` sets
    ``at`` and ``as_of`` together).
    Options: ``model`` (default "rate"), ``partial_value``, ``weakest`` (10), ``as_of`` (ISO
    date the report is dated and counts overdue and expiry from; default a closed cycle's close
    day, else today in Japan), ``expiring_days`` (30), and for the
    audit report the auditors' own ``opinion``, ``purpose``, ``auditors``, ``period``; ``title``
    overrides a report's title.
    """

    def __init__(
        self,
        store: Store,
        cycle: int,
        *,
        compare: int | None = None,
        dept: str | None = None,
        templates: PathLike | None = None,
        model: str = "rate",
        partial_value: float = 0.5,
        weakest: int = 10,
        as_of: str | None = None,
        at: DateLike = None,
        expiring_days: int = 30,
        opinion: str = "",
        purpose: str = "",
        auditors: Sequence[str] = (),
        period: str = "",
        title: str = "",
        plan: int = 0,
    ):
        dirs = ([os.fspath(templates)] if templates else []) + [os.fspath(template_dir())]
        self._r = core_call(
            store,
            _core._Reporter,
            int(cycle),
            compare,
            dept or "",
            dirs,
            model,
            float(partial_value),
            int(weakest),
            str(as_of or ""),
            at,
            int(expiring_days),
            opinion,
            purpose,
            list(auditors),
            period,
            title,
            int(plan),
        )

    def departments(self) -> list[str]:
        """The cycle's target 課 codes."""
        return list(self._r.departments())

    def view(self, kind: str, dept: str | None = None) -> dict[str, Any]:
        """The view model of a report (what the templates see; the JSON format)."""
        view: dict[str, Any] = json.loads(self._r.view(kind, dept or ""))
        return view

    def render(self, kind: str, format: str = "html", dept: str | None = None) -> str:
        """One report as text: html, md, csv or json (for PDF use :func:`render`)."""
        if format == "pdf":
            raise ValueError(_("PDF is written to a file: use libaudit.render(..., format='pdf', out=PATH)"))
        return self._r.render(kind, format, dept or "")


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "_"


def format_of(out: PathLike | None, format: str | None, *, directory: bool = False) -> str:
    """The format a report is written in: `format` when given, else the extension of `out`
    (.html/.htm, .md, .csv, .json, .pdf), else html. ValidationError for an unknown format, one
    that contradicts the file's extension, or standard output (``"-"``) without a format
    (:func:`libaudit.files.output_format`)."""
    if format == "markdown":
        format = "md"
    return output_format(out, format, FORMATS, default="html", directory=directory)


def render(
    store: Store,
    kind: str,
    *,
    cycle: int | None = None,
    compare: int | None = None,
    format: str | None = None,
    out: PathLike | None = None,
    templates: PathLike | None = None,
    dept: str | None = None,
    all_depts: bool = False,
    progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> str | Path | list[Path]:
    """Render a report of `kind` (committee, department, audit, findings, workpapers) for `cycle`,
    or the audit plan (``kind="plan"``, ``plan=ID``; the cycle is the self-inspection it read).

    Without ``out`` the text is returned (not for PDF). With ``out`` it is written there and the
    path returned. ``format`` is html, md, csv, json or pdf; without it, the file's extension
    says (``committee.pdf``: PDF), else html. A format that contradicts the extension is refused
    (ValidationError): ``x.pdf`` never holds HTML. ``all_depts=True`` (department sheets)
    writes one file per 課 into the directory ``out`` (``<code>_<課>.<ext>``) and returns their
    paths; ``progress(done, total)`` is called after each. Other options: see :class:`Reporter`.
    """
    if kind not in KINDS:
        raise ValueError(_("unknown report {kind!r}: one of {kinds}").format(kind=kind, kinds=", ".join(KINDS)))
    format = format_of(out, format, directory=all_depts)
    if kind == "department" and not dept and not all_depts:
        raise ValueError(_("the department sheet needs dept=CODE or all_depts=True"))
    if kind == "plan":
        if not options.get("plan"):
            raise ValidationError(_("the plan report needs the audit plan (--plan ID)"))
        cycle = AuditPlans(store).get(int(options["plan"])).basis_cycle
        if not cycle:
            raise ValidationError(_("the audit plan read no self-inspection cycle: there is nothing to report it with"))
    if cycle is None:
        raise ValidationError(_("the report needs the cycle (--cycle ID)"))
    reporter = Reporter(store, cycle, compare=compare, dept=dept, templates=templates, **options)
    if all_depts:
        if out is None:
            raise ValueError(_("all_depts=True writes files: give out=DIRECTORY"))
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        codes = reporter.departments()
        names = {d["code"]: d["name"] for d in _departments(store, codes)}
        paths = []
        for i, code in enumerate(codes, 1):
            path = folder / f"{_safe(code)}_{_safe(names.get(code, ''))}.{_EXT[format]}"
            _write(reporter, kind, format, code, path)
            paths.append(path)
            if progress:
                progress(i, len(codes))
        return paths
    if format == "pdf":
        if out is None:
            raise ValueError(_("format='pdf' writes a file: give out=PATH"))
        return _write(reporter, kind, format, dept, Path(out))
    text = reporter.render(kind, format, dept)
    if out is None:
        return text
    return write_text(Path(out), text)


def _departments(store: Store, codes: Iterable[str]) -> list[dict[str, str]]:
    wanted = set(codes)
    try:
        departments: Iterable[Any] = store.departments()
        return [{"code": d.code, "name": d.name} for d in departments if d.code in wanted]
    except AttributeError:  # a bare _core store
        return []


def _write(reporter: Reporter, kind: str, format: str, dept: str | None, path: Path) -> Path:
    if format != "pdf":
        return write_text(path, reporter.render(kind, format, dept))
    html = reporter.render(kind, "html", dept)
    with tempfile.TemporaryDirectory(prefix="libaudit-pdf-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html, encoding="utf-8")  # a private scratch copy, not a file the user gets
        html_to_pdf(src, path)
    return path


# ---- Chromium ---------------------------------------------------------------------------------


def _install_hint() -> str:
    return _(
        "PDF needs Chromium: install it with `apt-get install chromium` "
        "(or `scripts/install-deps.sh --chromium`), or set LIBAUDIT_CHROMIUM to a Chromium binary"
    )


def find_chromium() -> str | None:
    """The Chromium (or Chrome) binary: $LIBAUDIT_CHROMIUM, else the first on the PATH."""
    env = os.environ.get("LIBAUDIT_CHROMIUM")
    if env:
        return env if Path(env).exists() or shutil.which(env) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(binary: str, profile: PathLike) -> list[str]:
    """Headless Chromium as the reports start it: no sandbox (containers), no GPU, no network
    beyond the file, a throw-away profile."""
    return [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={os.fspath(profile)}",
    ]


def html_to_pdf(html: PathLike, pdf: PathLike, *, timeout: float = 120.0) -> Path:
    """Print an HTML file to PDF with headless Chromium (A4, the page's print stylesheet, no
    browser header or footer: the reports' own running header and page numbers, ``N / M``, come
    from their stylesheet's ``@page`` margin boxes). Chromium prints to a temporary file beside `pdf`, which replaces
    `pdf` only when it is a non-empty PDF (libaudit.files.write_atomically): a failure leaves
    the previous `pdf` as it was. Raises PdfError when Chromium is missing or fails,
    LibauditIOError when the folder cannot be written."""
    binary = find_chromium()
    if not binary:
        raise PdfError(_install_hint())
    pdf = Path(pdf).resolve()

    def print_to(tmp: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="libaudit-chromium-") as profile:
            cmd = chromium_command(binary, profile) + [
                "--no-pdf-header-footer",
                "--print-to-pdf-no-header",
                f"--print-to-pdf={tmp}",
                Path(html).resolve().as_uri(),
            ]
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            except (OSError, subprocess.TimeoutExpired) as e:
                raise PdfError(_("Chromium failed to print {html}: {error}").format(html=html, error=e)) from e
        with open(tmp, "rb") as f:
            if f.read(5) != b"%PDF-":
                raise PdfError(
                    _("Chromium did not write {pdf} (exit {code}): {stderr}").format(
                        pdf=pdf, code=r.returncode, stderr=r.stderr.strip()[-500:]
                    )
                )

    return write_atomically(pdf, print_to)


__all__ = [
    "KINDS",
    "FORMATS",
    "Reporter",
    "render",
    "template_dir",
    "wareki_date",
    "html_to_pdf",
    "find_chromium",
    "chromium_command",
]
