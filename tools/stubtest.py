#!/usr/bin/env python3
"""Checks bindings/python/libaudit/_core.pyi against the compiled module (mypy.stubtest), less
two findings that are pybind11's and not the stub's. Exit 0 when nothing else is reported.

    PYTHONPATH=build/py/python python tools/stubtest.py [stubtest options]

The two false positives, each dropped only where the runtime proves it (no allowlist of names,
so a class bound later needs no edit here, and nothing else about a class is ever hidden):

* ``X is inconsistent, metaclass differs``: pybind11 makes every bound class with the metaclass
  ``pybind11_builtins.pybind11_type``, which a stub cannot name. Dropped when type(X) is that.
* ``X.__init__ is inconsistent, stub does not have *args parameter "args"`` (or ``**kwargs``):
  a class bound without a constructor gets pybind11's C slot __init__(self, *args, **kwargs),
  which only raises TypeError ("No constructor defined!"); the stub rightly declares none.
  Dropped when X.__init__ is that slot (a bound constructor is a pybind11 function instead).
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import types

MODULE = "libaudit._core"
METACLASS = re.compile(r"^(?P<name>\S+) is inconsistent, metaclass differs$")
NO_INIT = re.compile(r'^(?P<name>\S+)\.__init__ is inconsistent, stub does not have \*{1,2}\w+ parameter "\w+"$')


def runtime(dotted: str) -> object | None:
    """The runtime object `dotted` names inside MODULE, or None."""
    if not dotted.startswith(MODULE + "."):
        return None
    obj: object = importlib.import_module(MODULE)
    for part in dotted[len(MODULE) + 1 :].split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def is_pybind11_false_positive(line: str) -> bool:
    m = METACLASS.match(line)
    if m:
        cls = runtime(m["name"])
        return isinstance(cls, type) and type(cls).__name__ == "pybind11_type"
    m = NO_INIT.match(line)
    if m:
        cls = runtime(m["name"])
        if not isinstance(cls, type) or type(cls).__name__ != "pybind11_type":
            return False
        # A bound constructor is a pybind11 function; without one, __init__ is the C slot that raises.
        return isinstance(vars(cls).get("__init__"), types.WrapperDescriptorType)
    return False


def main(argv: list[str]) -> int:
    importlib.import_module(MODULE)  # fail here, plainly, when the module is not built
    r = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "--concise", MODULE, *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    lines = [line for line in r.stdout.splitlines() if line.strip()]
    kept = [line for line in lines if not is_pybind11_false_positive(line)]
    for line in kept:
        print(line)
    if r.stderr.strip():
        print(r.stderr.strip(), file=sys.stderr)
    if kept or (r.returncode != 0 and not lines):
        print(f"stubtest: {len(kept)} error(s) ({len(lines) - len(kept)} pybind11 false positives dropped)")
        return 1
    print(f"stubtest: ok ({len(lines)} pybind11 false positives dropped)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
