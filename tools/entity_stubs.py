"""Writes the field properties of the follow-up entity classes into bindings/python/libaudit/_core.pyi.

The classes (Person, Finding, Transition, CheckRequest, ExceptionRecord) are generated in C++
from one field table per entity (libaudit/followup/fields.h); the built module tells each
class's fields and their Python types in ``__field_types__``. This script keeps the stub's
properties equal to them, between two marker lines in each class, so that adding a field to an
entity needs no hand-written stub line (docs/architecture.md, "a field to an entity"). The
class's other members (rules, labels, to_dict) stay hand-written below the markers.

    PYTHONPATH=build/dev/python python tools/entity_stubs.py           # rewrite _core.pyi
    PYTHONPATH=build/dev/python python tools/entity_stubs.py --check   # exit 1 if it would change

Stdlib only; imports libaudit._core from PYTHONPATH.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Mapping
from pathlib import Path

STUB = Path(__file__).resolve().parents[1] / "bindings" / "python" / "libaudit" / "_core.pyi"
ENTITIES = ("Person", "Finding", "Transition", "CheckRequest", "ExceptionRecord")
BEGIN = "    # fields: written by tools/entity_stubs.py from the field table (libaudit/followup/fields.h)"
END = "    # end of fields"


def block(types: Mapping[str, str]) -> list[str]:
    """The generated lines of one class: its __field_types__ and one property per field."""
    lines = [BEGIN, "    __field_types__: dict[str, str]"]
    for name, py_type in types.items():
        lines += ["    @property", f"    def {name}(self) -> {py_type}: ..."]
    return [*lines, END]


def rewrite_class(lines: list[str], cls: str, types: Mapping[str, str]) -> list[str]:
    """`lines` of the stub with class `cls`'s field block replaced (or, the first time, made from
    the hand-written properties of its fields, which are removed)."""
    start = next((i for i, line in enumerate(lines) if line.startswith(f"class {cls}:")), None)
    if start is None:
        raise SystemExit(f"entity_stubs: class {cls} is not in {STUB}")
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith((" ", "\t"))), len(lines)
    )
    body = lines[start + 1 : end]
    if BEGIN in body:
        b, e = body.index(BEGIN), body.index(END)
        body = body[:b] + block(types) + body[e + 1 :]
    else:
        kept: list[str] = []
        i = 0
        while i < len(body):
            m = re.match(r"    def (\w+)\(self\) -> [^:]*:( \.\.\.)?$", body[i + 1]) if i + 1 < len(body) else None
            if body[i] == "    @property" and m and m.group(1) in types:
                i += 2
                if not m.group(2):  # a property with a docstring: skip its docstring line
                    i += 1
                continue
            kept.append(body[i])
            i += 1
        doc_end = 1 if kept and kept[0].lstrip().startswith('"""') and kept[0].rstrip().endswith('"""') else 0
        body = kept[:doc_end] + ["", *block(types)] + kept[doc_end:]  # ruff format: a blank line after the docstring
    return lines[: start + 1] + body + lines[end:]


def generate(text: str, module: object) -> str:
    lines = text.split("\n")
    for cls in ENTITIES:
        types = getattr(getattr(module, cls), "__field_types__", None)
        if not isinstance(types, Mapping):
            raise SystemExit(f"entity_stubs: _core.{cls} has no __field_types__ (an old build?)")
        lines = rewrite_class(lines, cls, types)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report whether _core.pyi is up to date")
    args = ap.parse_args(argv)
    core = importlib.import_module("libaudit._core")
    old = STUB.read_text(encoding="utf-8")
    new = generate(old, core)
    if args.check:
        if new != old:
            print(f"entity_stubs: {STUB} is not up to date: run tools/entity_stubs.py", file=sys.stderr)
            return 1
        print("entity_stubs: ok")
        return 0
    if new != old:
        tmp = STUB.with_suffix(".pyi.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(STUB)
        print(f"entity_stubs: wrote {STUB}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
