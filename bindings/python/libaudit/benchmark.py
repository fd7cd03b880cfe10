"""Many bodies compared (docs/benchmark.md): each body's 実施率 overall and per chapter and its
偏差値 among the bodies, on the national model checklist's items or on the checklist the
bodies share, as a table, HTML, Markdown, CSV, JSON or PDF.

::

    import libaudit
    from libaudit.benchmark import benchmark, model_checklist_path
    stores = [libaudit.Store(p, create=False, read_only=True) for p in ("komaki.db", "okayama.db")]
    b = benchmark(stores, [cycle_in_year(s, 2025) for s in stores],
                  model=libaudit.Checklist.load(model_checklist_path()), anonymise=True)
    b.render("pdf", out="benchmark.pdf")

The computation and the report's view model are the core's (``libaudit/scoring/benchmark.h``,
``libaudit/report/benchmark_report.h``); this module reads each store under its lock, picks
cycles by 年度 and prints PDF through :func:`libaudit.report.html_to_pdf`.
"""

# libaudit-stage: report
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Union

from . import _core
from .checklists import shipped_model
from .errors import NotFoundError, ValidationError
from .files import write_text
from .i18n import _
from .report import html_to_pdf, template_dir
from .store import Store, core_call, fiscal_year_label

PathLike = Union[str, "os.PathLike[str]"]


def model_checklist_path() -> Path:
    """The model checklist (標準点検表) shipped inside the package
    (:func:`libaudit.checklists.shipped_model`), wherever the package is installed and whatever
    the current directory; a clear error naming ``--model-map PATH`` when the installation lacks it."""
    path = shipped_model()
    if path.is_file():
        return path
    raise NotFoundError(
        _("the model checklist is not installed with the package ({path}): give its file with --model-map PATH").format(
            path=str(path)
        )
    )


def cycle_in_year(store: Store, year: int, *, kind: str = "self_inspection", name: str = "") -> int:
    """The one cycle of `kind` in 年度 `year` of `store` (`name` names the store in errors)."""
    found = [c.id for c in store.cycles() if c.fiscal_year == year and c.kind == kind]
    if not found:
        raise NotFoundError(
            _("{store} has no cycle of kind {kind} in {year}").format(
                store=name, kind=kind, year=fiscal_year_label(year)
            )
        )
    if len(found) > 1:
        raise ValidationError(
            _("{store} has several cycles of kind {kind} in {year} ({ids}): give one with --cycle").format(
                store=name, kind=kind, year=fiscal_year_label(year), ids=", ".join(map(str, found))
            )
        )
    return found[0]


class Benchmark:
    """Bodies compared, computed once; render it in any number of formats."""

    def __init__(self, core: Any, templates: PathLike | None = None):
        self._b = core
        self._dirs = ([Path(templates)] if templates else []) + [template_dir()]

    def view(self) -> dict[str, Any]:
        """The view model (docs/benchmark.md lists its keys)."""
        result: dict[str, Any] = json.loads(self._b.view())
        return result

    def render(self, format: str = "html", out: PathLike | None = None) -> str | Path:
        """The report as text (html, md, csv, json), or written to `out` (pdf needs `out`)."""
        if format == "pdf":
            if out is None:
                raise ValueError(_("format='pdf' writes a file: give out=PATH"))
            html = self._b.render("html", self._dirs)
            with tempfile.TemporaryDirectory(prefix="libaudit-pdf-") as tmp:
                src = Path(tmp) / "benchmark.html"
                src.write_text(html, encoding="utf-8")  # a private scratch copy
                return html_to_pdf(src, Path(out))
        text: str = self._b.render(format, self._dirs)
        return text if out is None else write_text(Path(out), text)


def benchmark(
    stores: Sequence[Store],
    cycles: Sequence[int],
    *,
    model: _core.Checklist | None = None,
    anonymise: bool = False,
    key: str = "",
    scoring_model: str = "rate",
    partial_value: float = 0.5,
    as_of: str | None = None,
    templates: PathLike | None = None,
) -> Benchmark:
    """Compare the bodies of `stores` (one body each), cycle `cycles[i]` of store i, on the model
    checklist `model` (every item counted on the model items its ``model:`` names) or, without
    it, on the checklist they share. Each cycle is read by the as-of rule (a closed one at its
    close: its published figures; an open one at the end of day `as_of` in Japan, default now)."""
    if len(stores) != len(cycles):
        raise ValueError(_("benchmark needs one cycle per store"))
    inputs = [
        core_call(store, _core.benchmark_input, cycle, scoring_model, partial_value, as_of)
        for store, cycle in zip(stores, cycles)
    ]
    return Benchmark(_core.benchmark(inputs, model, anonymise, key), templates)
