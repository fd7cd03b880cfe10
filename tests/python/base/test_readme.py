"""The README's Python examples run as written (they once stopped at ``NameError: name 'text'
is not defined``): every ```python block is executed, in order, in a temporary folder holding
the files the README says you bring (departments.csv, policy.txt) and the repository's
checklists/ folder. A block that raises fails the test."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)

DEPARTMENTS_CSV = """\
code,name,parent_code,security_officer,security_manager
4000,市民部,,市民部長,
4010,市民課,4000,,市民課長
4020,保険年金課,4000,,保険年金課長
"""

POLICY_TXT = """\
小牧市情報セキュリティ対策基準
１　組織体制
（１）最高情報セキュリティ責任者
ア　最高情報セキュリティ責任者は、情報セキュリティ対策に関する最終決定権限を有しなければならない。
（２）情報セキュリティ管理者
ア　情報セキュリティ管理者は、所管する課室等の情報セキュリティ対策を実施しなければならない。
"""


def blocks(markdown: str) -> list[str]:
    return BLOCK.findall(markdown)


def test_the_readme_has_python_examples():
    assert blocks((REPO / "README.md").read_text(encoding="utf-8"))


def test_blocks_are_found_as_written():
    md = "text\n```python\nx = 1\n```\n\n```sh\nls\n```\n```python\ny = 2\n```\n"
    assert blocks(md) == ["x = 1\n", "y = 2\n"]


def test_readme_python_blocks_run_as_written(tmp_path, monkeypatch, capsys):
    (tmp_path / "checklists").symlink_to(REPO / "checklists", target_is_directory=True)
    (tmp_path / "departments.csv").write_text(DEPARTMENTS_CSV, encoding="utf-8")
    (tmp_path / "policy.txt").write_text(POLICY_TXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for k, code in enumerate(blocks((REPO / "README.md").read_text(encoding="utf-8")), 1):
        try:
            exec(compile(code, f"README.md python block {k}", "exec"), {"__name__": f"readme_{k}"})
        except Exception as e:  # the block's own error, named
            pytest.fail(f"README.md python block {k} raised {type(e).__name__}: {e}")
    out = capsys.readouterr().out
    assert "小牧市情報セキュリティ対策基準 自己点検表" in out  # the checklist's title was printed
    assert "DRAFT: check every item by hand" in out  # and the draft at the end
