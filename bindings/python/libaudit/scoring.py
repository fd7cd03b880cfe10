"""Scores of a cycle (docs/scoring.md): 実施率, IPA points and the XCCDF models, per 課, 部,
chapter, section, role, tier, item or body; a 課 × chapter matrix; the weakest items; year on
year comparison.

::

    from libaudit import Store
    with Store("audit.db") as store:
        table = store.score(cycle, model="rate", by="department")
        for row in table:
            print(row.group, row.name, row.score, row.applicable, row.answered)
        table.to_pandas()                      # needs pandas
        table.to_arrow()                       # needs pyarrow

A cycle is read once into a :class:`CycleData` (``store.scoring_data(cycle)``); analyses on it
do not touch the store again, so reuse it for several tables. It is read by the as-of rule
(docs/scoring.md, "As of"): a closed cycle as it stood at its close, another as of ``as_of`` (a
day in Japan; default now), with the exceptions that count for it then. The numbers are computed in C++
(libaudit/scoring/scoring.h) and are the same whether asked from Python or C++.

Score tables and the matrix come from the core as columns (one buffer per column, no Python
object per value; docs/analytics.md): ``to_pandas()`` and ``to_arrow()`` read them in place,
and the dataclass view (``rows``, ``cells``) is built from them only when asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import Any, cast

from . import _core
from .findings import DateLike
from .i18n import _
from .store import core_call

GROUPINGS = ("department", "parent", "chapter", "section", "role", "tier", "item", "body")
Exceptions = Iterable[tuple[str, str]]


def model_names() -> list[str]:
    """The registered scoring models: rate, ipa, xccdf_default, xccdf_flat,
    xccdf_flat_unweighted, xccdf_absolute (and any a body has added in C++)."""
    return list(_core.model_names())


def model_title(name: str) -> str:
    """A model's name as a person reads it, in the language in use (rate: 実施率, ipa: IPA点数);
    a body's own model without a title is shown by its name. NotFoundError when unknown."""
    return _core.model_title(name)


def ipa_band(score: float) -> str:
    """The IPA 自社診断 band of a score, by its rounded value: '100', '70-99', '50-69', '0-49'."""
    return _core.ipa_band(score)


def _pandas() -> Any:
    try:
        pd = importlib.import_module("pandas")  # optional dependency
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(_("to_pandas() needs pandas: pip install pandas")) from e
    return pd


def _arrow() -> Any:
    try:
        pa = importlib.import_module("pyarrow")  # optional dependency
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(_("to_arrow() needs pyarrow: pip install pyarrow")) from e
    return pa


def _numpy() -> Any:
    return importlib.import_module("numpy")  # comes with pandas and with pyarrow


@dataclass(frozen=True)
class GroupScore:
    """One group's score with the counts behind it. Counts are (課, item) pairs; every pair is
    exactly one of not_applicable, excepted, unanswered or answered, and applicable =
    answered + unanswered. ``score`` is None when nothing in the group was answered."""

    group: str
    name: str
    parent: str
    score: float | None
    maximum: float | None
    band: str
    deviation: float | None  # 偏差値 among the table's rows
    pairs: int
    applicable: int
    answered: int
    unanswered: int
    not_applicable: int
    excepted: int
    implemented: int
    partial: int
    not_implemented: int
    unknown: int
    response_rate: float | None  # 回答率, percent

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Distribution:
    """Over the rows that have a score; sd is the population standard deviation."""

    n: int
    mean: float | None
    sd: float | None
    min: float | None
    median: float | None
    max: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pairs(exceptions: Exceptions) -> list[tuple[str, str]]:
    """The (課, item) pairs as the core takes them (a wrong shape fails there, with a TypeError)."""
    return [cast("tuple[str, str]", tuple(e)) for e in exceptions]


def _rows(rows: Sequence[dict[str, Any]]) -> tuple[GroupScore, ...]:
    return tuple(GroupScore(**r) for r in rows)


_TEXTS = ("group", "name", "parent", "band")
_FLOATS = ("score", "maximum", "deviation", "response_rate")


class GroupColumns:
    """GroupScore's fields as columns, as the core hands them: each number column a
    ``_core._Column`` (float64 with NaN for "no value", or int64) read through the buffer
    protocol; each text column (codes, distinct values). Nothing is copied per value until a
    dataclass view is asked for."""

    def __init__(self, columns: dict[str, Any]):
        self._c = columns

    def __len__(self) -> int:
        return len(self._c["score"])

    def values(self, name: str) -> list[Any]:
        """One column as Python values (None for NaN), as GroupScore holds them."""
        if name in _TEXTS:
            codes, distinct = self._c[name]
            return [distinct[c] for c in memoryview(codes).tolist()]
        out: list[Any] = memoryview(self._c[name]).tolist()
        return [None if x != x else x for x in out] if name in _FLOATS else out

    def rows(self) -> tuple[GroupScore, ...]:
        names = [f.name for f in fields(GroupScore)]
        return tuple(GroupScore(*v) for v in zip(*(self.values(n) for n in names)))

    def numpy(self, name: str) -> Any:
        """One column as a NumPy array: float64 (NaN: no value), int64, or object (str) for a
        text column (its distinct values taken by code: one Python str per distinct value)."""
        np = _numpy()
        if name in _TEXTS:
            codes, distinct = self._c[name]
            return np.asarray(distinct, dtype=object).take(np.asarray(codes)) if distinct else np.asarray([], object)
        return np.asarray(self._c[name])

    def to_pandas(self) -> Any:
        pd = _pandas()
        return pd.DataFrame({f.name: self.numpy(f.name) for f in fields(GroupScore)})

    def arrow(self, name: str) -> Any:
        """One column as an Arrow array: string, float64 (NaN as null) or int64."""
        pa = _arrow()
        np = _numpy()
        if name in _TEXTS:
            codes, distinct = self._c[name]
            indices = pa.array(np.asarray(codes), pa.int64())
            return pa.DictionaryArray.from_arrays(indices, pa.array(distinct, pa.string())).dictionary_decode()
        if name in _FLOATS:
            return pa.array(np.asarray(self._c[name]), pa.float64(), from_pandas=True)
        return pa.array(np.asarray(self._c[name]), pa.int64())

    def to_arrow(self, metadata: dict[str, str] | None = None) -> Any:
        pa = _arrow()
        names = [f.name for f in fields(GroupScore)]
        return pa.Table.from_arrays([self.arrow(n) for n in names], schema=group_schema(metadata))


def group_schema(metadata: dict[str, str] | None = None) -> Any:
    """The Arrow schema of GroupScore's columns (docs/analytics.md)."""
    pa = _arrow()
    kinds = {"str": pa.string(), "float | None": pa.float64(), "int": pa.int64()}
    return pa.schema([pa.field(f.name, kinds[str(f.type)]) for f in fields(GroupScore)], metadata=metadata)


def _row(row: dict[str, Any] | None) -> GroupScore | None:
    return GroupScore(**row) if row else None


def _frame(rows: Sequence[GroupScore]) -> Any:
    """The frame GroupColumns.to_pandas() gives, from dataclasses (a table made by hand)."""
    np = _numpy()
    kinds = {"str": object, "float | None": np.float64, "int": np.int64}
    columns = {}
    for f in fields(GroupScore):
        values = [getattr(r, f.name) for r in rows]
        if f.name in _FLOATS:
            values = [np.nan if v is None else v for v in values]
        columns[f.name] = np.asarray(values, dtype=kinds[str(f.type)])
    return _pandas().DataFrame(columns)


@dataclass(frozen=True)
class ScoreTable:
    """Scores of one cycle grouped one way, in the groups' natural order."""

    cycle: int
    model: str
    by: str
    rows: tuple[GroupScore, ...]
    distribution: Distribution
    # 全庁共通事項 (docs/scoring.md, "Body-level items"): the body-level items as the cycle's
    # secretariat answered them, once for the body; None when the cycle has none. 課 and 部
    # rows leave them out; body, chapter, section, role, tier and item rows count them once.
    body_level: GroupScore | None = None
    row_columns: GroupColumns | None = field(default=None, repr=False, compare=False)  # as the core gave them

    def __iter__(self) -> Iterator[GroupScore]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, group: str) -> GroupScore:
        """The row of one group (a 課 code, chapter id, …). KeyError when absent."""
        for r in self.rows:
            if r.group == group:
                return r
        raise KeyError(group)

    def to_dict(self) -> dict[str, Any]:
        """As a dict; "body_level" only when the cycle has the block, so a cycle without body-level
        items gives the dict (and the JSON) it gave before the rule."""
        d = {
            "cycle": self.cycle,
            "model": self.model,
            "by": self.by,
            "rows": [r.to_dict() for r in self.rows],
            "distribution": self.distribution.to_dict(),
        }
        if self.body_level:
            d["body_level"] = self.body_level.to_dict()
        return d

    def to_pandas(self) -> Any:
        """One row per group, the columns of GroupScore (float64 with NaN for None, int64,
        str). Needs pandas."""
        return self.row_columns.to_pandas() if self.row_columns is not None else _frame(self.rows)

    def to_arrow(self) -> Any:
        """The same as an Arrow table (null for None; docs/analytics.md), with cycle, model and
        by in its schema's metadata. Needs pyarrow."""
        meta = {"cycle": str(self.cycle), "model": self.model, "by": self.by}
        if self.row_columns is not None:
            return self.row_columns.to_arrow(meta)
        return _arrow().Table.from_pylist([asdict(r) for r in self.rows], schema=group_schema(meta))


class ScoreMatrix:
    """課 × chapter: rows per 課, columns per chapter, cells[r][c] (a cell's group is the
    chapter id, its name the chapter's title, its parent the 課 code). Held as the core's
    columns: ``rows`` and ``cells`` are built on first use; :meth:`to_pandas` and
    :meth:`to_arrow` never build them."""

    def __init__(
        self,
        cycle: int,
        model: str,
        rows: GroupColumns,
        columns: GroupColumns,
        cells: GroupColumns,
        body_level: GroupScore | None = None,
        body_level_cells: tuple[GroupScore, ...] = (),
    ):
        self.cycle = cycle
        self.model = model
        self.row_columns = rows
        self.columns = columns.rows()
        self.cell_columns = cells  # row-major: 課 r, chapter c at r * len(columns) + c
        # 全庁共通事項 over the checklist and per chapter (columns' order); None and () when the
        # cycle has none. Rows and cells leave the body-level items out, columns count them once.
        self.body_level = body_level
        self.body_level_cells = body_level_cells

    def __eq__(self, other: object) -> bool:
        """Equal figures (as the dataclass it was compared them)."""
        if not isinstance(other, ScoreMatrix):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:  # by value, as the frozen dataclass it was (builds the cells)
        return hash(
            (self.cycle, self.model, self.rows, self.columns, self.cells, self.body_level, self.body_level_cells)
        )

    def __repr__(self) -> str:
        return f"ScoreMatrix(cycle={self.cycle}, model={self.model!r}, {len(self.row_columns)} × {len(self.columns)})"

    @cached_property
    def rows(self) -> tuple[GroupScore, ...]:
        return self.row_columns.rows()

    @cached_property
    def cells(self) -> tuple[tuple[GroupScore, ...], ...]:
        flat, n = self.cell_columns.rows(), len(self.columns)
        return tuple(flat[r * n : (r + 1) * n] for r in range(len(self.row_columns)))

    def to_dict(self) -> dict[str, Any]:
        """As a dict; "body_level" and "body_level_cells" only when the cycle has the block."""
        d: dict[str, Any] = {
            "cycle": self.cycle,
            "model": self.model,
            "rows": [r.to_dict() for r in self.rows],
            "columns": [c.to_dict() for c in self.columns],
            "cells": [[c.to_dict() for c in row] for row in self.cells],
        }
        if self.body_level:
            d["body_level"] = self.body_level.to_dict()
            d["body_level_cells"] = [c.to_dict() for c in self.body_level_cells]
        return d

    def to_pandas(self) -> Any:
        """Scores as a DataFrame indexed by 課 code, one column per chapter id (float64, NaN
        for no score). Needs pandas."""
        pd = _pandas()
        scores = self.cell_columns.numpy("score").reshape(len(self.row_columns), len(self.columns))
        return pd.DataFrame(
            scores,
            index=pd.Index(self.row_columns.numpy("group"), name="department"),
            columns=[c.group for c in self.columns],
            dtype="float64",
            copy=False,
        )

    def to_arrow(self) -> Any:
        """The cells as an Arrow table, one row per (課, chapter) in row-major order with the
        columns of GroupScore (group: chapter id, parent: 課 code); cycle and model in the
        schema's metadata. Needs pyarrow."""
        return self.cell_columns.to_arrow({"cycle": str(self.cycle), "model": self.model, "by": "matrix"})


@dataclass(frozen=True)
class ScoreChange:
    group: str
    name: str
    before: GroupScore | None  # None: only in the later cycle
    after: GroupScore | None  # None: only in the earlier cycle
    change: float | None  # after.score - before.score

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "name": self.name,
            "before": self.before.to_dict() if self.before else None,
            "after": self.after.to_dict() if self.after else None,
            "change": self.change,
        }


@dataclass(frozen=True)
class Comparison:
    """Two cycles matched group by group (by item id, 課 code, chapter id, …)."""

    before_cycle: int
    after_cycle: int
    before_year: int
    after_year: int
    model: str
    by: str
    rows: tuple[ScoreChange, ...]
    items_added: tuple[str, ...]
    items_removed: tuple[str, ...]
    departments_added: tuple[str, ...]
    departments_removed: tuple[str, ...]
    # The two cycles' 全庁共通事項 rows (ScoreTable.body_level); None when neither has one.
    body_level: ScoreChange | None = None

    def __iter__(self) -> Iterator[ScoreChange]:
        return iter(self.rows)

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["rows"] = [r.to_dict() for r in self.rows]
        if self.body_level:  # only when either cycle has the block
            d["body_level"] = self.body_level.to_dict()
        else:
            del d["body_level"]
        for k in ("items_added", "items_removed", "departments_added", "departments_removed"):
            d[k] = list(d[k])
        return d

    def _records(self) -> list[tuple[Any, ...]]:
        return [
            (
                r.group,
                r.name,
                r.before.score if r.before else None,
                r.after.score if r.after else None,
                r.change,
                r.before.applicable if r.before else None,
                r.after.applicable if r.after else None,
                r.before.answered if r.before else None,
                r.after.answered if r.after else None,
            )
            for r in self.rows
        ]

    def to_pandas(self) -> Any:
        """group, name, before, after, change, and both sides' applicable/answered. Needs pandas."""
        pd = _pandas()
        return pd.DataFrame(self._records(), columns=[n for n, _t in _CHANGE_COLUMNS])

    def to_arrow(self) -> Any:
        """The columns of :meth:`to_pandas` as an Arrow table (null where a side is absent;
        counts int64); both cycles, model and by in the schema's metadata. Needs pyarrow."""
        pa = _arrow()
        kinds = {"str": pa.string(), "float": pa.float64(), "int": pa.int64()}
        meta = {"before_cycle": str(self.before_cycle), "after_cycle": str(self.after_cycle)}
        schema = pa.schema(
            [pa.field(n, kinds[t]) for n, t in _CHANGE_COLUMNS], metadata={**meta, "model": self.model, "by": self.by}
        )
        records = self._records()
        return pa.Table.from_arrays(
            [pa.array([r[i] for r in records], f.type) for i, f in enumerate(schema)], schema=schema
        )


_CHANGE_COLUMNS = (
    ("group", "str"),
    ("name", "str"),
    ("before", "float"),
    ("after", "float"),
    ("change", "float"),
    ("applicable_before", "int"),
    ("applicable_after", "int"),
    ("answered_before", "int"),
    ("answered_after", "int"),
)


def _check(model: str, by: str | None = None) -> None:
    if by is not None and by not in GROUPINGS:
        raise ValueError(_("unknown grouping {by!r}: one of {groupings}").format(by=by, groupings=", ".join(GROUPINGS)))


class CycleData:
    """One cycle read from a store for scoring (its checklist, 課, systems and answers), at one
    point of the trail (:attr:`point`): a closed cycle at its close, another as of ``as_of`` (a
    day in Japan, default now). :attr:`exceptions` are the (課 code, item id) pairs of the
    exceptions that count for it at that point: approved by then, their period overlapping the
    cycle's 年度.

    Options taken by every analysis: ``model`` (see :func:`model_names`), ``partial_value``
    (rate: the value of 一部実施, default 0.5) and ``exceptions``: None (the default) for the
    cycle's own, or pairs of your own (``()`` for none), counted as excepted and left out of
    every score.
    """

    def __init__(self, store: Any, cycle: int, as_of: DateLike = None):
        self._d: _core._CycleData
        self._d, point, pairs = core_call(store, _core.cycle_at, int(cycle), as_of)
        self.point: dict[str, Any] = point
        self.exceptions: frozenset[tuple[str, str]] = frozenset(pairs)

    def _pairs(self, exceptions: Exceptions | None) -> list[tuple[str, str]]:
        return sorted(self.exceptions) if exceptions is None else _pairs(exceptions)

    @property
    def cycle(self) -> dict[str, Any]:
        return self._d.cycle

    @property
    def body(self) -> str:
        return self._d.body

    @property
    def checklist(self) -> _core.Checklist:
        return self._d.checklist

    @property
    def departments(self) -> list[dict[str, Any]]:
        return self._d.departments

    @property
    def answered(self) -> int:
        """The answers held (of any answer), at the cycle's point."""
        return self._d.answered

    def answer_columns(self) -> dict[str, Any]:
        """The answers held, as the core's columns (buffer-protocol ``_Column`` of int64):
        ``department`` and ``item`` (indices into :attr:`departments` and the checklist's items)
        and ``answer`` (an index into ``answers``, the answer codes), one entry per answered
        (課, item), by 課 then item in document order."""
        return self._d.answer_columns()

    def applies(self, department: int, item: int) -> bool:
        """Whether item `item` (an index into the checklist's items) applies to 課 `department`
        (an index into :attr:`departments`): the store stage's applicability rule."""
        return self._d.applies(department, item)

    def in_scope(self, department: int, item: int) -> bool:
        """Whether item `item` is part of 課 `department`'s cycle at all: in the cycle's audience and
        answered by the 課 (a body-level item, 全庁共通事項, only by the cycle's secretariat)."""
        return self._d.in_scope(department, item)

    def body_level(self, item: int) -> bool:
        """Whether item `item` is one of the cycle's body-level items (全庁共通事項)."""
        return self._d.body_level(item)

    def score(
        self,
        model: str = "rate",
        by: str = "department",
        *,
        partial_value: float = 0.5,
        exceptions: Exceptions | None = None,
    ) -> ScoreTable:
        _check(model, by)
        d = self._d.score(by, model, float(partial_value), self._pairs(exceptions))
        columns = GroupColumns(d["rows"])
        return ScoreTable(
            cycle=d["cycle"],
            model=d["model"],
            by=d["by"],
            rows=columns.rows(),
            distribution=Distribution(**d["distribution"]),
            body_level=_row(d["body_level"]),
            row_columns=columns,
        )

    def matrix(
        self, model: str = "rate", *, partial_value: float = 0.5, exceptions: Exceptions | None = None
    ) -> ScoreMatrix:
        d = self._d.matrix(model, float(partial_value), self._pairs(exceptions))
        return ScoreMatrix(
            d["cycle"],
            d["model"],
            GroupColumns(d["rows"]),
            GroupColumns(d["columns"]),
            GroupColumns(d["cells"]),
            body_level=_row(d["body_level"]),
            body_level_cells=_rows(d["body_level_cells"]),
        )

    def weakest_items(
        self, n: int = 10, model: str = "rate", *, partial_value: float = 0.5, exceptions: Exceptions | None = None
    ) -> list[GroupScore]:
        """The n items with the lowest score across the body (name = question, parent = chapter)."""
        return list(_rows(self._d.weakest(int(n), model, float(partial_value), self._pairs(exceptions))))

    def compare(
        self,
        after: CycleData,
        by: str = "department",
        model: str = "rate",
        *,
        partial_value: float = 0.5,
        exceptions: Exceptions | None = None,
    ) -> Comparison:
        """This cycle (before) against a later one, group by group, each with its own exceptions
        (``exceptions`` given: the same pairs for both), so that each side's figure is the one
        :meth:`score` gives for it."""
        _check(model, by)
        d = self._d.compare(
            after._d, by, model, float(partial_value), self._pairs(exceptions), after._pairs(exceptions)
        )
        rows = tuple(
            ScoreChange(
                group=r["group"], name=r["name"], before=_row(r["before"]), after=_row(r["after"]), change=r["change"]
            )
            for r in d["rows"]
        )
        bl = d["body_level"]
        body_level = (
            ScoreChange(bl["group"], bl["name"], _row(bl["before"]), _row(bl["after"]), bl["change"]) if bl else None
        )
        return Comparison(
            before_cycle=d["before_cycle"],
            after_cycle=d["after_cycle"],
            before_year=d["before_year"],
            after_year=d["after_year"],
            model=d["model"],
            by=d["by"],
            rows=rows,
            items_added=tuple(d["items_added"]),
            items_removed=tuple(d["items_removed"]),
            departments_added=tuple(d["departments_added"]),
            departments_removed=tuple(d["departments_removed"]),
            body_level=body_level,
        )


__all__ = [
    "CycleData",
    "Comparison",
    "Distribution",
    "GROUPINGS",
    "GroupColumns",
    "GroupScore",
    "ScoreChange",
    "ScoreMatrix",
    "ScoreTable",
    "ipa_band",
    "model_names",
    "model_title",
]
