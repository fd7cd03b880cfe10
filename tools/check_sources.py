#!/usr/bin/env python3
"""Fails (exit 1) when a C++ source of the tree is in no explicit CMake source list.

The build lists every source by name (no globs). A file that is on disk but not listed is never
compiled, and nothing else would notice. Checked, under ROOT (default: this repository):

* libaudit/src/<stage>/*.cpp: in the SOURCES of libaudit_add_stage(<stage> …) in libaudit/CMakeLists.txt;
* bindings/src/*.cpp: in LIBAUDIT_BINDING_SOURCES in bindings/CMakeLists.txt;
* tests/cpp/<stage>/<name>.cpp: registered by libaudit_add_test(<stage> <name> …) in tests/cpp/CMakeLists.txt.

Each problem is one line ``path:1: message``. Stdlib only.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path


def calls(text: str, function: str) -> list[list[str]]:
    """The whitespace-separated arguments of every call `function(...)` (comments removed)."""
    text = re.sub(r"#[^\n]*", "", text)
    return [m.group(1).split() for m in re.finditer(rf"\b{function}\s*\(([^)]*)\)", text)]


def listed_stage_sources(root: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for args in calls((root / "libaudit" / "CMakeLists.txt").read_text(encoding="utf-8"), "libaudit_add_stage"):
        if not args or args[0] == "name":
            continue  # the function's own definition
        keywords = {"SOURCES", "STAGES", "PUBLIC_LIBS", "PRIVATE_LIBS"}
        sources, on = set(), False
        for a in args[1:]:
            if a in keywords:
                on = a == "SOURCES"
            elif on:
                sources.add(a)
        out.setdefault(args[0], set()).update(sources)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", type=Path, default=Path(__file__).resolve().parents[1])
    root = ap.parse_args(argv).root.resolve()
    problems: list[str] = []

    stages = listed_stage_sources(root)
    for cpp in sorted((root / "libaudit" / "src").glob("*/*.cpp")):
        stage = cpp.parent.name
        if cpp.name not in stages.get(stage, set()):
            problems.append(f"{cpp.relative_to(root)}:1: not in the SOURCES of libaudit_add_stage({stage} …)")

    bindings = (root / "bindings" / "CMakeLists.txt").read_text(encoding="utf-8")
    m = re.search(r"set\(LIBAUDIT_BINDING_SOURCES([^)]*)\)", re.sub(r"#[^\n]*", "", bindings))
    binding_sources = set(m.group(1).split()) if m else set()
    for cpp in sorted((root / "bindings" / "src").glob("*.cpp")):
        if cpp.name not in binding_sources:
            problems.append(f"{cpp.relative_to(root)}:1: not in LIBAUDIT_BINDING_SOURCES (bindings/CMakeLists.txt)")

    tests = {
        (a[0], a[1])
        for a in calls((root / "tests" / "cpp" / "CMakeLists.txt").read_text(encoding="utf-8"), "libaudit_add_test")
        if len(a) > 1
    }
    for cpp in sorted((root / "tests" / "cpp").glob("*/*.cpp")):
        if (cpp.parent.name, cpp.stem) not in tests:
            problems.append(
                f"{cpp.relative_to(root)}:1: not registered: libaudit_add_test({cpp.parent.name} {cpp.stem}) "
                "in tests/cpp/CMakeLists.txt"
            )

    for p in problems:
        print(p)
    if problems:
        print(f"check_sources: {len(problems)} unlisted source(s)", file=sys.stderr)
        return 1
    print("check_sources: ok (every C++ source is in a CMake source list)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
