"""Columnar results (docs/analytics.md): score tables, the matrix and comparisons reach Python as
the core's columns; to_pandas() and to_arrow() equal the dataclass view on the demo store
(values, types, order); the Parquet export (responses, scores, findings) round-trips through
pyarrow and DuckDB with the documented schema, gives the scores ``libaudit score`` prints, and
refuses an unknown cycle or an existing output in a clear (Japanese) error, writing nothing."""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, fields

import pytest
from _followup_util import audit_world
from _lang import speaking
from _store_util import write
from conftest import REPO
from libaudit.analytics import SCHEMAS, SCORE_GROUPINGS, TABLES, export_parquet, schema
from libaudit.scoring import GROUPINGS, GroupScore, _frame, model_names

import libaudit
from libaudit import NotFoundError, Store, ValidationError

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")
pq = pytest.importorskip("pyarrow.parquet")

KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"
FLOATS = {"score", "maximum", "deviation", "response_rate"}
TEXTS = {"group", "name", "parent", "band"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from libaudit.demo import build_demo_store

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = build_demo_store(path, KOMAKI)
    return path, summary["cycles"][2025]["id"], summary["cycles"][2024]["id"]


def same(a, b) -> bool:
    """Equal, a NaN counting as None."""
    nan = lambda x: x is None or (isinstance(x, float) and math.isnan(x))  # noqa: E731
    return (nan(a) and nan(b)) or a == b


def assert_frame_is_view(df, rows) -> None:
    names = [f.name for f in fields(GroupScore)]
    assert list(df.columns) == names and len(df) == len(rows)
    for name in names:
        if name in TEXTS:  # pandas' text dtype: object, or str from pandas 3
            assert pd.api.types.is_string_dtype(df[name].dtype), name
        else:
            assert str(df[name].dtype) == ("float64" if name in FLOATS else "int64"), name
        got = df[name].tolist()
        assert all(same(g, getattr(r, name)) for g, r in zip(got, rows)), name
        assert all(type(g) is str for g in got) if name in TEXTS else True


def test_score_tables_to_pandas_and_to_arrow_equal_the_dataclass_view(demo):
    path, cycle, _ = demo
    with Store(path, create=False, read_only=True) as s:
        data = s.scoring_data(cycle)
        for model in ("rate", "ipa", "xccdf_default"):
            for by in GROUPINGS:
                t = data.score(model, by)
                assert len(t) > 0
                df = t.to_pandas()
                assert_frame_is_view(df, t.rows)
                assert list(df.dtypes) == list(_frame(t.rows).dtypes)  # as a frame of the dataclasses
                arrow = t.to_arrow()
                assert arrow.schema.equals(libaudit.scoring.group_schema(), check_metadata=False)
                assert arrow.to_pylist() == [asdict(r) for r in t.rows]  # None for no score
                assert arrow.schema.metadata[b"model"] == model.encode() and arrow.schema.metadata[b"by"] == by.encode()


def test_the_matrix_is_columns_until_cells_are_asked_for(demo):
    path, cycle, _ = demo
    with Store(path, create=False, read_only=True) as s:
        m = s.score_matrix(cycle, model="ipa")
        wide = m.to_pandas()
        arrow = m.to_arrow()
        assert "cells" not in vars(m) and "rows" not in vars(m)  # neither built the dataclasses
        by_dept = s.score(cycle, model="ipa")
        assert [r.group for r in m.rows] == [r.group for r in by_dept]
        assert [(r.score, r.applicable) for r in m.rows] == [(r.score, r.applicable) for r in by_dept]
        assert wide.shape == (len(m.rows), len(m.columns)) and str(wide.dtypes.unique()[0]) == "float64"
        assert list(wide.index) == [r.group for r in m.rows] and list(wide.columns) == [c.group for c in m.columns]
        for r, row in enumerate(m.cells):
            assert all(same(wide.iloc[r, c], cell.score) for c, cell in enumerate(row))
            assert all(
                cell.parent == m.rows[r].group and cell.group == m.columns[c].group for c, cell in enumerate(row)
            )
        assert arrow.to_pylist() == [asdict(c) for row in m.cells for c in row]
        d = m.to_dict()
        assert json.loads(json.dumps(d)) == d and len(d["cells"]) == len(m.rows)
        again = s.score_matrix(cycle, model="ipa")
        assert m == again and hash(m) == hash(again) and m != s.score_matrix(cycle, model="rate")


def test_columns_are_read_in_place(demo):
    path, cycle, _ = demo
    with Store(path, create=False, read_only=True) as s:
        t = s.score(cycle)
        col = t.row_columns._c["score"]  # the core's _Column, read through the buffer protocol
        view = memoryview(col)
        assert view.format == "d" and view.nbytes == 8 * len(t)
        arr = np.asarray(col)
        assert not arr.flags.owndata  # NumPy's array is a view of the core's vector
        counts = memoryview(t.row_columns._c["applicable"])
        assert counts.format in ("q", "l") and counts.itemsize == 8
        codes, values = t.row_columns._c["group"]
        assert [values[c] for c in memoryview(codes).tolist()] == [r.group for r in t]


def test_comparison_to_arrow_equals_to_pandas(demo):
    path, after, before = demo
    with Store(path, create=False, read_only=True) as s:
        c = s.compare_scores(before, after, by="chapter")
        df, arrow = c.to_pandas(), c.to_arrow()
        assert arrow.column_names == list(df.columns)
        assert arrow.schema.field("applicable_before").type == pa.int64()
        for name in df.columns:
            assert all(same(a, b) for a, b in zip(arrow.column(name).to_pylist(), df[name].tolist())), name


def test_a_table_built_by_hand_converts_too():
    from libaudit.scoring import Distribution, ScoreTable

    row = GroupScore("101", "総務課", "100", None, None, "", None, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0.0)
    t = ScoreTable(1, "rate", "department", (row,), Distribution(0, None, None, None, None, None))
    assert_frame_is_view(t.to_pandas(), t.rows)
    assert t.to_arrow().to_pylist() == [asdict(row)]


# ---- Parquet ---------------------------------------------------------------------------------


def test_parquet_export_round_trips_with_the_documented_schema(demo, tmp_path):
    path, cycle, _ = demo
    out = tmp_path / "komaki"
    with Store(path, create=False, read_only=True) as s:
        files = export_parquet(s, cycle, out)
        data = s.scoring_data(cycle)
        by_dept = s.score(cycle)
    assert [f.name for f in files] == [f"{t}.parquet" for t in TABLES]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["komaki"]  # no temporary folder left
    tables = {t: pq.read_table(out / f"{t}.parquet") for t in TABLES}
    for t in TABLES:
        assert tables[t].schema.equals(schema(t), check_metadata=False), t
        assert [(f.name, str(f.type)) for f in tables[t].schema] == [
            (n, "list<element: string>" if k == "list<string>" else "double" if k == "float64" else k)
            for n, k in SCHEMAS[t]
        ]
    responses = tables["responses"].to_pylist()
    assert len(responses) == data.answered
    assert {r["fiscal_year"] for r in responses} == {2025} and {r["body"] for r in responses} == {data.body}
    first = responses[0]
    dept = next(d for d in data.departments if d["code"] == first["department"])
    assert (first["department_name"], first["parent"], first["parent_name"]) == (
        dept["name"],
        dept["parent_code"],
        dept["parent_name"],
    )
    checklist = data.checklist
    chapter = {it.id: checklist.chapter_of(it).id for it in checklist.items}
    model = {it.id: list(it.model) for it in checklist.items}
    assert all(r["chapter"] == chapter[r["item"]] and r["model_items"] == model[r["item"]] for r in responses)
    assert any(r["model_items"] for r in responses)  # the shipped checklist maps onto the model
    order = [(r["department"], r["item"]) for r in responses]
    position = {it.id: k for k, it in enumerate(checklist.items)}
    assert order == sorted(order, key=lambda k: (k[0], position[k[1]]))
    scores = tables["scores"].to_pylist()
    assert {r["model"] for r in scores} == set(model_names()) and {r["grouping"] for r in scores} == set(
        SCORE_GROUPINGS
    )
    rate = [r for r in scores if r["model"] == "rate" and r["grouping"] == "department"]
    assert [{k: r[k] for k in asdict(by_dept.rows[0])} for r in rate] == [asdict(r) for r in by_dept]


PEOPLE_CSV = """\
name,department,roles
監査 一郎,201,auditor
佐藤 花子,101,security_manager
"""


def test_findings_are_exported(tmp_path):
    store, _, audit = audit_world(tmp_path / "f.db", tmp_path, PEOPLE_CSV)
    with store:
        fid = store.findings.open(
            "監査 一郎",
            cycle=audit,
            department="101",
            items=["7.1"],
            severity="minor_nonconformity",
            condition="監視記録なし",
            due="2025-03-31",
        )
        paths = store.export_parquet(audit, tmp_path / "out")
    rows = pq.read_table(paths[2]).to_pylist()
    assert [(r["id"], r["department"], r["items"], r["state"], r["fiscal_year"]) for r in rows] == [
        (fid, "101", ["7.1"], "open", 2024)
    ]


def test_duckdb_reads_the_scores_libaudit_score_prints(demo, tmp_path, cli):
    duckdb = pytest.importorskip("duckdb")
    path, cycle, _ = demo
    r = cli("export", str(path), "--cycle", str(cycle), "--format", "parquet", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(tmp_path / "out" / f"{t}.parquet") for t in TABLES]
    printed = json.loads(cli("score", str(path), "--cycle", str(cycle), "--json").stdout)
    glob = str(tmp_path / "out" / "scores.parquet")
    got = duckdb.sql(
        f"SELECT \"group\", score, applicable, answered FROM read_parquet('{glob}') "
        "WHERE model = 'rate' AND grouping = 'department' ORDER BY \"group\""
    ).fetchall()
    want = sorted((p["group"], p["score"], p["applicable"], p["answered"]) for p in printed)
    assert len(got) == len(want) and all(
        g[0] == w[0] and same(g[1], w[1]) and g[2:] == w[2:] for g, w in zip(got, want)
    )
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{tmp_path / 'out' / 'responses.parquet'}')").fetchall()
    with Store(path, create=False, read_only=True) as s:
        assert n == [(s.scoring_data(cycle).answered,)]


def test_an_unknown_cycle_or_an_existing_output_writes_nothing(demo, tmp_path, cli):
    path, cycle, _ = demo
    with Store(path, create=False, read_only=True) as s:
        with pytest.raises(NotFoundError):
            export_parquet(s, 9999, tmp_path / "x")
        existing = write(tmp_path / "exists", "keep")
        with speaking("ja"), pytest.raises(ValidationError, match="既に存在する"):
            export_parquet(s, cycle, existing)
        (tmp_path / "folder").mkdir()
        with pytest.raises(ValidationError, match="already exists"):
            export_parquet(s, cycle, tmp_path / "folder")
    assert existing.read_text(encoding="utf-8") == "keep" and not any((tmp_path / "folder").iterdir())
    assert sorted(os.listdir(tmp_path)) == ["exists", "folder"]
    r = cli("export", str(path), "--cycle", "9999", "--format", "parquet", "-o", str(tmp_path / "y"), lang="ja")
    assert r.returncode != 0 and "9999" in r.stderr and not (tmp_path / "y").exists()
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in r.stderr)
    r = cli("export", str(path), "--cycle", str(cycle), "--format", "parquet", "-o", str(existing), lang="ja")
    assert r.returncode != 0 and "既に存在する" in r.stderr
    r = cli("export", str(path), "--cycle", str(cycle), "--format", "parquet", "--all-depts", "-o", "z", lang="ja")
    assert r.returncode == 2 and "--dept" in r.stderr and "実施回全体" in r.stderr
    r = cli("export", str(path), "--cycle", str(cycle), "-o", str(tmp_path / "q.xlsx"))
    assert r.returncode == 2 and "give --dept CODE or --all-depts" in r.stderr
    assert sorted(os.listdir(tmp_path)) == ["exists", "folder"]


def test_store_to_arrow_names_its_tables(demo):
    path, cycle, _ = demo
    with Store(path, create=False, read_only=True) as s:
        with pytest.raises(ValueError, match="responses, scores, findings"):
            s.to_arrow("answers", cycle)
        assert s.to_arrow("findings", cycle).num_rows == 0
        assert s.to_arrow("responses", cycle).num_rows == s.scoring_data(cycle).answered
