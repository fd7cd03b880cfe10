"""The version is written once, in project(libaudit VERSION …) of CMakeLists.txt: pyproject.toml
reads it (scikit-build-core's regex provider) and the extension gets it from CMake."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads TOML")

REPO = Path(__file__).resolve().parents[2]
CMAKE_VERSION = re.search(r"project\(libaudit\s+VERSION\s+(\S+)", (REPO / "CMakeLists.txt").read_text()).group(1)


def test_pyproject_has_no_version_of_its_own_and_reads_cmakes():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    provider = pyproject["tool"]["scikit-build"]["metadata"]["version"]
    assert provider["provider"] == "scikit_build_core.metadata.regex"
    assert provider["input"] == "CMakeLists.txt"
    m = re.search(provider["regex"], (REPO / provider["input"]).read_text(encoding="utf-8"), re.MULTILINE)
    assert m and m.group("value") == CMAKE_VERSION


def test_no_other_file_writes_the_version():
    hits = [
        str(p.relative_to(REPO))
        for top in ("bindings", "libaudit", "pyproject.toml")
        for p in ([REPO / top] if (REPO / top).is_file() else (REPO / top).rglob("*"))
        if p.is_file()
        and p.suffix in {".py", ".pyi", ".cpp", ".h", ".txt", ".toml"}
        and re.search(rf"['\"]{re.escape(CMAKE_VERSION)}['\"]", p.read_text(encoding="utf-8", errors="replace"))
    ]
    assert hits == []


def test_the_module_reports_it():
    libaudit = pytest.importorskip("libaudit", reason="needs the built extension")
    assert libaudit.__version__ == CMAKE_VERSION
