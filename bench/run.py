"""Runs every benchmark: the C++ ones built in the CMake build (bench/*_bench.cpp) and the
Python ones (bench/*.py). `make bench` calls this. Figures go into docs/performance.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILD = Path(os.environ.get("LIBAUDIT_BUILD", HERE.parent / "build" / "py"))


def main() -> int:
    failed = 0
    for exe in sorted((BUILD / "bench").glob("*_bench")):
        print(f"== {exe.name}", flush=True)
        failed += subprocess.call([str(exe)]) != 0
    for script in sorted(HERE.glob("*.py")):
        if script.name == "run.py":
            continue
        print(f"== {script.name}", flush=True)
        failed += subprocess.call([sys.executable, str(script)]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
