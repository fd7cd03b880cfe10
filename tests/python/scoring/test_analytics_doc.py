"""docs/analytics.md's Python example runs as written: the demo store and a second synthetic
body exported as Parquet and read together by DuckDB. Every ```python block is executed, in
order, in a temporary folder holding the repository's checklists/; a block that raises fails."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def test_analytics_doc_python_blocks_run_as_written(tmp_path, monkeypatch, capsys):
    pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    (tmp_path / "checklists").symlink_to(REPO / "checklists", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    blocks = BLOCK.findall((REPO / "docs" / "analytics.md").read_text(encoding="utf-8"))
    assert blocks
    for k, code in enumerate(blocks, 1):
        try:
            exec(compile(code, f"docs/analytics.md python block {k}", "exec"), {"__name__": f"analytics_{k}"})
        except Exception as e:  # the block's own error, named
            pytest.fail(f"docs/analytics.md python block {k} raised {type(e).__name__}: {e}")
    out = capsys.readouterr().out
    assert "小牧市" in out and "架空市" in out and "model_item" in out
    assert sorted(p.name for p in (tmp_path / "parquet").iterdir()) == ["komaki-2025", "other-2025"]
