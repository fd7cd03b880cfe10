#!/usr/bin/env python3
"""Fails (exit 1) when a stage reaches a later one, or when files include or import in a circle.

The stages, in the order data flows (docs/architecture.md):

    base → policy → checklist → store → followup → scoring → audit → exchange → report

A stage may use itself and the stages before it. What is checked, under ROOT (default: the
repository this script lives in):

C++ -- every ``#include "..."`` in libaudit/include, libaudit/src and bindings/src.
  * A file's stage is its folder: libaudit/include/libaudit/<stage>/ or libaudit/src/<stage>/.
    bindings/src is above every stage. A file of libaudit/ outside a stage folder is an error.
  * An include resolving to a later stage is an error; so is a public header (libaudit/include)
    including an internal one (libaudit/src), which an installed header could not find.
  * Files including each other in a circle are an error.

Python -- every import in bindings/python/libaudit (the package ``libaudit``).
  * A module's stage comes from PY_STAGE_RULES below, or from a line ``# libaudit-stage: <stage>``
    in its first 30 lines (which wins). ``top`` is above every stage (the package's __init__, the
    CLI, the demo); ``libaudit._core`` (the C++ extension) is below every stage. A module with no
    stage is an error.
  * An import of a later stage is an error, wherever it stands.
  * Modules importing each other in a circle are an error. Module-level imports count, and so do
    imports inside functions (they only defer the circle); imports under ``if TYPE_CHECKING:``
    do not (they never run).
  * A private name of the extension (``_core._X``) serves one module (or one subpackage, such as
    ``libaudit.exchange``, whose modules share it): reached from two or more, every use is an error.

Every error is one line ``path:line: message``, naming both ends (and their stages). Stdlib only.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import posixpath
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

STAGES = ("base", "policy", "checklist", "store", "followup", "scoring", "audit", "exchange", "report")
TOP = "top"
CORE = "_core"  # the extension: every stage's C++ under one module, importable from anywhere
RANK = {CORE: -1, **{s: i for i, s in enumerate(STAGES)}, TOP: len(STAGES)}

PACKAGE = "libaudit"
PY_ROOT = PurePosixPath("bindings/python/libaudit")
CPP_PUBLIC = PurePosixPath("libaudit/include")
CPP_INTERNAL = PurePosixPath("libaudit/src")
CPP_BINDINGS = PurePosixPath("bindings/src")
CPP_SUFFIXES = {".h", ".hpp", ".cpp", ".cc"}

# (pattern on the path inside the package, stage); the first match wins. fnmatch's * also
# matches "/", so "cli/*" is the whole subpackage.
PY_STAGE_RULES: tuple[tuple[str, str], ...] = (
    ("__init__.py", TOP),
    ("__main__.py", TOP),
    ("demo.py", TOP),
    ("cli/*", TOP),
    ("web/*", TOP),
    ("web.py", TOP),
    ("errors.py", "base"),
    ("table.py", "base"),
    ("labels.py", "base"),
    ("_text*.py", "base"),
    ("text.py", "base"),
    ("*dates.py", "base"),
    ("policy*.py", "policy"),
    ("checklist*.py", "checklist"),
    ("store*.py", "store"),
    ("_store*.py", "store"),
    ("findings*.py", "followup"),
    ("followup*.py", "followup"),
    ("exceptions*.py", "followup"),
    ("scoring*.py", "scoring"),
    ("audit*.py", "audit"),
    ("exchange*.py", "exchange"),
    ("exchange/*", "exchange"),
    ("_exchange*.py", "exchange"),
    ("report*.py", "report"),
    ("report/*", "report"),
)
STAGE_PRAGMA = re.compile(r"^#\s*libaudit-stage:\s*(\S+)\s*$")
SELF = "tools/check_layering.py"
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Edge:
    """`source` uses `target` at path:line; `how` says in what way (for the message)."""

    source: str
    target: str
    path: str
    line: int
    how: str


def stage_label(stage: str) -> str:
    return {TOP: "above every stage", CORE: "the extension"}.get(stage, f"stage {stage}")


# ---- cycles -----------------------------------------------------------------------------------


def strongly_connected(nodes: list[str], edges: list[Edge]) -> list[list[str]]:
    """Tarjan's components with more than one node or a self-edge, iteratively (no recursion
    limit); deterministic for a given input order."""
    succ: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        succ[e.source].append(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            nexts = succ.get(node, [])
            if i < len(nexts):
                work.append((node, i + 1))
                nxt = nexts[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                if len(comp) > 1 or node in succ.get(node, []):
                    out.append(sorted(comp))
    return out


def cycle_problems(nodes: list[str], edges: list[Edge], what: str) -> list[Problem]:
    """One problem per edge inside each circle, naming the circle's members."""
    problems = []
    for comp in strongly_connected(nodes, edges):
        members = set(comp)
        circle = ", ".join(comp)
        for e in edges:
            if e.source in members and e.target in members:
                problems.append(Problem(e.path, e.line, f"{what} cycle among {circle}: {e.source} {e.how} {e.target}"))
    return problems


# ---- C++ --------------------------------------------------------------------------------------


def cpp_stage(rel: PurePosixPath) -> str | None:
    """The stage of a file by its folder, TOP for the bindings, None outside any stage."""
    parts = rel.parts
    if rel.is_relative_to(CPP_BINDINGS):
        return TOP
    if parts[:3] == ("libaudit", "include", "libaudit") and len(parts) > 4 and parts[3] in STAGES:
        return parts[3]
    if parts[:2] == ("libaudit", "src") and len(parts) > 3 and parts[2] in STAGES:
        return parts[2]
    return None


def cpp_files(root: Path) -> list[PurePosixPath]:
    out = []
    for top in (CPP_PUBLIC, CPP_INTERNAL, CPP_BINDINGS):
        base = root / top
        if base.is_dir():
            out += [
                PurePosixPath(p.relative_to(root).as_posix())
                for p in base.rglob("*")
                if p.is_file() and p.suffix in CPP_SUFFIXES
            ]
    return sorted(out)


def resolve_include(root: Path, rel: PurePosixPath, name: str) -> PurePosixPath | None:
    """Where the compiler finds `name` from `rel`: its own folder, then the include paths
    (libaudit's own files also see libaudit/src, as libaudit_add_stage gives them)."""
    dirs = [rel.parent, CPP_PUBLIC]
    if rel.parts[0] == "libaudit":
        dirs.append(CPP_INTERNAL)
    for d in dirs:
        candidate = PurePosixPath(posixpath.normpath(d / name))  # "../base/x.h" names base's file
        if (root / candidate).is_file():
            return candidate
    return None


def check_cpp(root: Path) -> tuple[list[Problem], int]:
    problems: list[Problem] = []
    edges: list[Edge] = []
    files = cpp_files(root)
    for rel in files:
        stage = cpp_stage(rel)
        if stage is None:
            problems.append(Problem(str(rel), 1, f"not in a stage folder ({', '.join(STAGES)})"))
            continue
        lines = (root / rel).read_text(encoding="utf-8", errors="replace").splitlines()
        for no, text in enumerate(lines, 1):
            m = INCLUDE.match(text)
            if not m:
                continue
            target = resolve_include(root, rel, m.group(1))
            if target is None:
                parts = PurePosixPath(m.group(1)).parts
                if len(parts) > 2 and parts[0] == "libaudit" and parts[1] in STAGES:
                    problems.append(Problem(str(rel), no, f'#include "{m.group(1)}" names no file of the tree'))
                continue
            edges.append(Edge(str(rel), str(target), str(rel), no, "includes"))
            tstage = cpp_stage(target)
            if tstage is None:
                continue  # reported as a file of its own
            if RANK[tstage] > RANK[stage]:
                problems.append(
                    Problem(
                        str(rel),
                        no,
                        f"{rel} ({stage_label(stage)}) includes {target} ({stage_label(tstage)}), a later stage",
                    )
                )
            if rel.is_relative_to(CPP_PUBLIC) and target.is_relative_to(CPP_INTERNAL):
                problems.append(
                    Problem(str(rel), no, f"public header {rel} includes internal {target} (not installed)")
                )
    problems += cycle_problems([str(f) for f in files], edges, "include")
    return problems, len(files)


# ---- Python -----------------------------------------------------------------------------------


@dataclass
class Module:
    name: str
    rel: PurePosixPath  # from ROOT
    stage: str | None
    tree: ast.Module | None


def module_name(inside: PurePosixPath) -> str:
    parts = list(inside.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def python_stage(inside: PurePosixPath, source: str) -> str | None:
    for line in source.splitlines()[:30]:
        m = STAGE_PRAGMA.match(line.strip())
        if m:
            return m.group(1)
    for pattern, stage in PY_STAGE_RULES:
        if fnmatch.fnmatchcase(inside.as_posix(), pattern):
            return stage
    return None


def python_modules(root: Path) -> tuple[dict[str, Module], list[Problem]]:
    base = root / PY_ROOT
    modules: dict[str, Module] = {}
    problems: list[Problem] = []
    if not base.is_dir():
        return modules, problems
    for p in sorted(base.rglob("*.py")):
        inside = PurePosixPath(p.relative_to(base).as_posix())
        rel = PY_ROOT / inside
        source = p.read_text(encoding="utf-8")
        try:
            tree: ast.Module | None = ast.parse(source, filename=str(rel))
        except SyntaxError as e:
            tree = None
            problems.append(Problem(str(rel), e.lineno or 1, f"cannot parse: {e.msg}"))
        name = module_name(inside)
        modules[name] = Module(name, rel, python_stage(inside, source), tree)
    modules[f"{PACKAGE}._core"] = Module(f"{PACKAGE}._core", PY_ROOT / "_core.pyi", CORE, None)
    return modules, problems


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@dataclass(frozen=True)
class Use:
    target: str
    line: int
    deferred: bool  # inside a function: runs when called, not on import


class ImportVisitor(ast.NodeVisitor):
    """The imports of one module (skipping `if TYPE_CHECKING:` bodies), and its `_core._X` uses."""

    def __init__(self, module: Module, known: set[str]) -> None:
        self.module = module
        self.known = known
        self.depth = 0  # functions we are inside
        self.uses: list[Use] = []
        self.private: list[tuple[str, int]] = []  # (_X, line)
        is_pkg = module.rel.name == "__init__.py"
        self.package = module.name if is_pkg else module.name.rpartition(".")[0]

    def _known_prefix(self, dotted: str) -> str | None:
        while dotted:
            if dotted in self.known:
                return dotted
            dotted = dotted.rpartition(".")[0]
        return None

    def _add(self, target: str | None, line: int) -> None:
        if target and target != self.module.name:
            self.uses.append(Use(target, line, self.depth > 0))

    def visit_If(self, node: ast.If) -> None:
        if is_type_checking(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _function(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function
    visit_Lambda = _function

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                self._add(self._known_prefix(alias.name), node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base_parts = self.package.split(".")
            if node.level - 1 >= len(base_parts):
                return
            base = ".".join(base_parts[: len(base_parts) - (node.level - 1)])
            base = f"{base}.{node.module}" if node.module else base
        else:
            base = node.module or ""
            if base != PACKAGE and not base.startswith(PACKAGE + "."):
                return
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            self._add(sub if sub in self.known else self._known_prefix(base), node.lineno)
            if base == f"{PACKAGE}._core" and alias.name.startswith("_") and not alias.name.startswith("__"):
                self.private.append((alias.name, node.lineno))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if (
            isinstance(node.value, ast.Name)
            and node.value.id == "_core"
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            self.private.append((node.attr, node.lineno))
        self.generic_visit(node)


def check_python(root: Path) -> tuple[list[Problem], int]:
    modules, problems = python_modules(root)
    known = set(modules)
    edges: list[Edge] = []
    private_uses: dict[str, list[tuple[Module, int]]] = defaultdict(list)
    for mod in modules.values():
        if mod.tree is None:
            continue
        if mod.stage not in RANK:
            what = f"names an unknown stage '{mod.stage}'" if mod.stage else "has no stage"
            hint = f"add a line '# libaudit-stage: <stage>' (one of {', '.join((*STAGES, TOP))})"
            problems.append(
                Problem(str(mod.rel), 1, f"module {mod.name} {what}: {hint} or a rule to PY_STAGE_RULES in {SELF}")
            )
            continue
        v = ImportVisitor(mod, known)
        v.visit(mod.tree)
        for name, line in v.private:
            private_uses[name].append((mod, line))
        seen: set[tuple[str, int]] = set()
        for use in v.uses:
            if (use.target, use.line) in seen:
                continue
            seen.add((use.target, use.line))
            how = "imports (in a function)" if use.deferred else "imports"
            edges.append(Edge(mod.name, use.target, str(mod.rel), use.line, how))
            tstage = modules[use.target].stage
            if tstage in RANK and RANK[tstage] > RANK[mod.stage]:
                problems.append(
                    Problem(
                        str(mod.rel),
                        use.line,
                        f"{mod.name} ({stage_label(mod.stage)}) {how} {use.target} "
                        f"({stage_label(tstage)}), a later stage",
                    )
                )
    for name, uses in sorted(private_uses.items()):
        users = sorted({owner_of(m.name) for m, _ in uses})
        if len(users) > 1:
            for m, line in uses:
                problems.append(
                    Problem(
                        str(m.rel),
                        line,
                        f"{m.name} reaches private _core.{name}, which {len(users)} modules reach "
                        f"({', '.join(users)}): a private name of the extension serves one module",
                    )
                )
    problems += cycle_problems(sorted(known), edges, "import")
    return problems, len(modules) - 1


def owner_of(module: str) -> str:
    """Who may keep a private _core name: a module, or the subpackage it is part of
    (libaudit.exchange.workbook -> libaudit.exchange)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "root", nargs="?", type=Path, default=Path(__file__).resolve().parents[1], help="the tree to check"
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    cpp, n_cpp = check_cpp(root)
    py, n_py = check_python(root)
    problems = sorted(set(cpp + py))
    for p in problems:
        print(p)
    if problems:
        counted = f"{n_cpp} C++ files and {n_py} Python modules"
        print(f"check_layering: {len(problems)} problem(s) in {counted}", file=sys.stderr)
        return 1
    print(f"check_layering: ok ({n_cpp} C++ files, {n_py} Python modules; stages {' → '.join(STAGES)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
