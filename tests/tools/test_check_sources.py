"""tools/check_sources.py fails, naming the file, when a C++ source is in no CMake source list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "check_sources.py"


def tree(root: Path, extra: list[str]) -> None:
    files = {
        "libaudit/CMakeLists.txt": (
            "function(libaudit_add_stage name)\nendfunction()\n"
            "libaudit_add_stage(base\n  SOURCES csv.cpp text.cpp  # the two\n  PRIVATE_LIBS x.cpp)\n"
        ),
        "libaudit/src/base/csv.cpp": "",
        "libaudit/src/base/text.cpp": "",
        "bindings/CMakeLists.txt": "set(LIBAUDIT_BINDING_SOURCES\n  module.cpp)\n",
        "bindings/src/module.cpp": "",
        "tests/cpp/CMakeLists.txt": "libaudit_add_test(base csv_test)\nlibaudit_add_test(policy clause_test SEEDS)\n",
        "tests/cpp/base/csv_test.cpp": "",
        "tests/cpp/policy/clause_test.cpp": "",
    }
    for rel in [*files, *extra]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(files.get(rel, ""), encoding="utf-8")


def run(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True)


def test_every_source_listed_passes(tmp_path):
    tree(tmp_path, [])
    r = run(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_unlisted_sources_fail_by_name(tmp_path):
    # x.cpp is named after PRIVATE_LIBS, not SOURCES; store/ has no libaudit_add_stage at all
    tree(
        tmp_path,
        [
            "libaudit/src/base/x.cpp",
            "libaudit/src/store/store.cpp",
            "bindings/src/labels.cpp",
            "tests/cpp/base/text_test.cpp",
        ],
    )
    r = run(tmp_path)
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "libaudit/src/base/x.cpp:1: not in the SOURCES of libaudit_add_stage(base …)",
        "libaudit/src/store/store.cpp:1: not in the SOURCES of libaudit_add_stage(store …)",
        "bindings/src/labels.cpp:1: not in LIBAUDIT_BINDING_SOURCES (bindings/CMakeLists.txt)",
        "tests/cpp/base/text_test.cpp:1: not registered: libaudit_add_test(base text_test) in tests/cpp/CMakeLists.txt",
    ]
