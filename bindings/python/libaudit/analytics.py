"""Results for the analytic engines (docs/analytics.md): a cycle's responses, scores and
findings as Apache Arrow tables, and as Parquet files that DuckDB, pandas, polars or Spark read
directly.

::

    from libaudit import Store
    with Store("audit.db") as store:
        store.to_arrow("scores", cycle)                 # a pyarrow.Table
        export_parquet(store, cycle, "out/komaki-2025")  # responses/scores/findings.parquet

The cycle is read by the as-of rule (docs/scoring.md, "As of"), once, as for ``libaudit score``:
the scores in ``scores.parquet`` are the ones ``libaudit score`` prints. Every table starts with
the same columns (``fiscal_year``, ``body``, ``cycle``) so that the files of several bodies and
年度 can be read as one. The columns, their types and meanings are documented in
docs/analytics.md; :data:`SCHEMAS` holds them. Needs pyarrow (an optional dependency).
"""

# libaudit-stage: scoring

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from .files import PathLike, write_directory_atomically
from .findings import DateLike, Findings
from .i18n import _
from .scoring import CycleData, GroupColumns, GroupScore, _arrow, model_names

#: The tables of an export, each written as ``<name>.parquet``.
TABLES = ("responses", "scores", "findings")
#: The groupings written into scores.parquet (its column ``grouping``, the ``--by`` of ``libaudit
#: score``); "matrix" is the 課 × chapter cells.
SCORE_GROUPINGS = ("body", "parent", "department", "chapter", "item", "matrix")

_KEY = [("fiscal_year", "int64"), ("body", "string"), ("cycle", "int64")]
#: Every table's columns and Arrow types, in order (docs/analytics.md says what each means).
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "responses": [
        *_KEY,
        ("department", "string"),
        ("department_name", "string"),
        ("parent", "string"),
        ("parent_name", "string"),
        ("item", "string"),
        ("chapter", "string"),
        ("answer", "string"),
        ("model_items", "list<string>"),
    ],
    "scores": [
        *_KEY,
        ("model", "string"),
        ("grouping", "string"),
        ("group", "string"),
        ("name", "string"),
        ("parent", "string"),
        ("score", "float64"),
        ("maximum", "float64"),
        ("band", "string"),
        ("deviation", "float64"),
        *((n, "int64") for n in ("pairs", "applicable", "answered", "unanswered", "not_applicable", "excepted")),
        *((n, "int64") for n in ("implemented", "partial", "not_implemented", "unknown")),
        ("response_rate", "float64"),
    ],
    "findings": [
        *_KEY,
        ("id", "int64"),
        ("department", "string"),
        ("items", "list<string>"),
        ("severity", "string"),
        ("state", "string"),
        ("condition", "string"),
        ("criterion", "string"),
        ("evidence", "string"),
        ("recommendation", "string"),
        ("due", "string"),
        ("raised_by", "string"),
        ("raised_at", "string"),
        ("source_finding", "int64"),
        ("promoted_from", "int64"),
        ("remediated_by", "string"),
        ("updated_at", "string"),
        ("checks_open", "int64"),
        ("checks_total", "int64"),
        ("model_items", "list<string>"),
    ],
}


def schema(table: str) -> Any:
    """The Arrow schema of one table (``responses``, ``scores`` or ``findings``)."""
    pa = _arrow()
    types = {"int64": pa.int64(), "string": pa.string(), "float64": pa.float64(), "list<string>": pa.list_(pa.string())}
    return pa.schema([pa.field(n, types[t]) for n, t in SCHEMAS[table]])


def _check_table(what: str) -> None:
    if what not in TABLES:
        raise ValueError(_("unknown table {what!r}: one of {tables}").format(what=what, tables=", ".join(TABLES)))


def _key_columns(data: CycleData, n: int) -> list[Any]:
    pa = _arrow()
    c = data.cycle
    return [
        pa.repeat(pa.scalar(int(c["fiscal_year"]), pa.int64()), n),
        pa.repeat(pa.scalar(data.body, pa.string()), n),
        pa.repeat(pa.scalar(int(c["id"]), pa.int64()), n),
    ]


def _model_items(data: CycleData) -> dict[str, list[str]]:
    return {it.id: list(it.model) for it in data.checklist.items}


def responses_table(data: CycleData) -> Any:
    """The answers of the cycle at its point, one row per answered (課, item), by 課 then item
    in document order; built from the core's columns (no Python object per response)."""
    pa = _arrow()
    np = importlib.import_module("numpy")
    cols = data.answer_columns()
    dept, item = np.asarray(cols["department"]), np.asarray(cols["item"])
    depts = data.departments
    items = data.checklist.items

    def by(index: Any, values: list[Any], kind: Any) -> Any:
        return pa.array(values, kind).take(pa.array(index, pa.int64()))

    checklist = data.checklist
    arrays = [
        *_key_columns(data, len(dept)),
        by(dept, [d["code"] for d in depts], pa.string()),
        by(dept, [d["name"] for d in depts], pa.string()),
        by(dept, [d["parent_code"] for d in depts], pa.string()),
        by(dept, [d["parent_name"] for d in depts], pa.string()),
        by(item, [it.id for it in items], pa.string()),
        by(item, [checklist.chapter_of(it).id for it in items], pa.string()),
        by(np.asarray(cols["answer"]), list(cols["answers"]), pa.string()),
        by(item, [list(it.model) for it in items], pa.list_(pa.string())),
    ]
    return pa.Table.from_arrays(arrays, schema=schema("responses"))


def _with_key(data: CycleData, model: str, by: str, rows: GroupColumns) -> Any:
    pa = _arrow()
    n = len(rows)
    arrays = [
        *_key_columns(data, n),
        pa.repeat(pa.scalar(model, pa.string()), n),
        pa.repeat(pa.scalar(by, pa.string()), n),
    ]
    arrays += [rows.arrow(f) for f in GroupScore.__dataclass_fields__]
    return pa.Table.from_arrays(arrays, schema=schema("scores"))


def scores_table(data: CycleData, models: list[str] | None = None) -> Any:
    """Every model's scores (default: every registered model) by each of
    :data:`SCORE_GROUPINGS`, one row per group: the figures ``libaudit score`` prints, with the
    cycle's own exceptions."""
    pa = _arrow()
    parts = []
    for model in models or model_names():
        for by in SCORE_GROUPINGS:
            if by == "matrix":
                rows = data.matrix(model).cell_columns
            else:
                t = data.score(model, by)
                assert t.row_columns is not None  # a table from the core always has them
                rows = t.row_columns
            parts.append(_with_key(data, model, by, rows))
    return pa.concat_tables(parts)


def findings_table(store: Any, data: CycleData) -> Any:
    """The cycle's findings (指摘事項) as stored now, by id, with the model items of the
    checklist items they cite."""
    pa = _arrow()
    findings = Findings(store).list(cycle=int(data.cycle["id"]))
    model = _model_items(data)
    fields = [n for n, _t in SCHEMAS["findings"][len(_KEY) : -1]]
    arrays = _key_columns(data, len(findings))
    sch = schema("findings")
    for name in fields:
        arrays.append(pa.array([_plain(getattr(f, name)) for f in findings], sch.field(name).type))
    cited = [sorted({m for i in f.items for m in model.get(i, [])}) for f in findings]
    arrays.append(pa.array(cited, pa.list_(pa.string())))
    return pa.Table.from_arrays(arrays, schema=sch)


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def to_arrow(store: Any, what: str, cycle: int, as_of: DateLike = None) -> Any:
    """One table of :data:`TABLES` for a cycle, as a pyarrow.Table with :func:`schema`."""
    _check_table(what)
    data = CycleData(store, cycle, as_of)
    if what == "responses":
        return responses_table(data)
    if what == "scores":
        return scores_table(data)
    return findings_table(store, data)


def export_parquet(store: Any, cycle: int, out: PathLike, as_of: DateLike = None) -> list[Path]:
    """responses.parquet, scores.parquet and findings.parquet of a cycle in a new folder
    `out`, written atomically (a temporary folder renamed into place: the folder appears whole
    or not at all). `out` must not exist. Returns the files' paths."""
    pq = importlib.import_module("pyarrow.parquet")
    data = CycleData(store, cycle, as_of)  # NotFoundError for an unknown cycle, before any write
    tables = {"responses": responses_table(data), "scores": scores_table(data), "findings": findings_table(store, data)}

    def write(tmp: Path) -> None:
        for name, table in tables.items():
            pq.write_table(table, tmp / f"{name}.parquet")

    folder = write_directory_atomically(out, write)
    return [folder / f"{name}.parquet" for name in tables]


__all__ = ["SCHEMAS", "SCORE_GROUPINGS", "TABLES", "export_parquet", "schema", "to_arrow"]
