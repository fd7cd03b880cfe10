"""tools/entity_stubs.py keeps the entity properties of _core.pyi equal to the module's field
tables: a new field appears, a removed one goes, other members stay, and --check fails on a stub
that is behind."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("entity_stubs", REPO / "tools" / "entity_stubs.py")
assert SPEC and SPEC.loader
entity_stubs = importlib.util.module_from_spec(SPEC)
sys.modules["entity_stubs"] = entity_stubs
SPEC.loader.exec_module(entity_stubs)

STUB = '''class Person:
    """Someone."""
    @property
    def name(self) -> str: ...
    def has(self, role: str) -> bool: ...

class Other:
    x: int
'''


def module(**fields: dict[str, str]) -> object:
    m = types.SimpleNamespace()
    for cls in entity_stubs.ENTITIES:
        setattr(m, cls, types.SimpleNamespace(__field_types__=fields.get(cls, {})))
    return m


def only_person(text: str) -> str:
    lines = entity_stubs.rewrite_class(text.split("\n"), "Person", {"name": "str", "roles": "tuple[str, ...]"})
    return "\n".join(lines)


def test_the_first_run_replaces_the_hand_written_properties_and_keeps_the_rest():
    out = only_person(STUB)
    assert out.count("def name(self) -> str: ...") == 1
    assert "    def roles(self) -> tuple[str, ...]: ..." in out
    assert out.index(entity_stubs.BEGIN) < out.index("def name") < out.index(entity_stubs.END) < out.index("def has")
    assert out.index('"""Someone."""') < out.index(entity_stubs.BEGIN)
    assert out.endswith("class Other:\n    x: int\n")


def test_a_second_run_changes_only_the_block():
    first = only_person(STUB)
    assert only_person(first) == first
    lines = entity_stubs.rewrite_class(first.split("\n"), "Person", {"name": "str"})  # a field removed
    second = "\n".join(lines)
    assert "roles" not in second
    assert "def has(self, role: str) -> bool: ..." in second


def test_check_fails_on_a_stub_behind_the_module(tmp_path, monkeypatch, capsys):
    stub = tmp_path / "_core.pyi"
    text = "\n\n".join(f'class {c}:\n    """{c}."""\n    def to_dict(self) -> dict: ...' for c in entity_stubs.ENTITIES)
    stub.write_text(text + "\n", encoding="utf-8")
    monkeypatch.setattr(entity_stubs, "STUB", stub)
    fake = module(Finding={"id": "int", "reviewed_by": "str"})
    monkeypatch.setattr(entity_stubs.importlib, "import_module", lambda name: fake)
    assert entity_stubs.main(["--check"]) == 1
    assert "not up to date" in capsys.readouterr().err
    assert entity_stubs.main([]) == 0
    assert "    def reviewed_by(self) -> str: ..." in stub.read_text(encoding="utf-8")
    assert entity_stubs.main(["--check"]) == 0


def test_a_hand_written_property_with_a_docstring_is_replaced_too():
    text = (
        'class Person:\n    """Someone."""\n    @property\n    def name(self) -> str:\n'
        '        """The name."""\n    def has(self) -> bool: ...\n'
    )
    out = only_person(text)
    assert out.count("def name(") == 1
    assert '"""The name."""' not in out
    assert "def has(self) -> bool: ..." in out
