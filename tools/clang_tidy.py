#!/usr/bin/env python3
"""clang-tidy (.clang-tidy) over the sources of a build's compile_commands.json, in parallel and
incrementally: a file is checked again only when what clang-tidy would read has changed.

    tools/clang_tidy.py BUILD_DIR [-j N] [--files REGEX]

The key of a file is the SHA-256 of clang-tidy's version, .clang-tidy, the file's compile command
and its preprocessed text (the compiler's -E output, so every header it includes counts). A file
that passes leaves a stamp under BUILD_DIR/clang-tidy-cache/; a file with findings never does,
so it is checked on every run until it is clean. Exit 1 when any file has findings.
Stdlib only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def preprocess_command(args: list[str]) -> list[str]:
    """The compile command with its output, dependency-file and compile-only flags replaced by -E."""
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD") or a.startswith("-o"):
            continue
        out.append(a)
    return [*out, "-E", "-o", "-"]


def key_of(entry: dict[str, str], salt: bytes) -> str | None:
    args = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    r = subprocess.run(preprocess_command(args), cwd=entry["directory"], capture_output=True)
    if r.returncode != 0:
        return None  # clang-tidy will say why
    h = hashlib.sha256(salt)
    h.update(" ".join(args).encode())
    h.update(r.stdout)
    return h.hexdigest()


def check(entry: dict[str, str], build: Path, cache: Path, salt: bytes) -> tuple[str, str, str]:
    """(file, 'cached' | 'clean' | 'findings', output)."""
    key = key_of(entry, salt)
    if key and (cache / key).exists():
        return entry["file"], "cached", ""
    r = subprocess.run(
        ["clang-tidy", "-p", str(build), "--quiet", "--use-color=false", entry["file"]],
        capture_output=True,
        text=True,
    )
    noise = re.compile(r"^\d+ warnings? (and \d+ errors? )?generated\.$|^Suppressed \d+ warnings|^Use -header-filter")
    output = "\n".join(line for line in (r.stdout + r.stderr).splitlines() if not noise.match(line))
    if r.returncode == 0:
        if key:
            (cache / key).touch()
        return entry["file"], "clean", output
    return entry["file"], "findings", output


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", type=Path, help="a build directory with compile_commands.json")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2, help="files checked at once")
    ap.add_argument("--files", default=r"/libaudit/src/.*\.cpp$", help="regex on the source paths")
    args = ap.parse_args(argv)
    build = args.build.resolve()
    db = build / "compile_commands.json"
    if not db.is_file():
        print(f"clang_tidy: no {db} (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON)", file=sys.stderr)
        return 1
    pattern = re.compile(args.files)
    entries = [e for e in json.loads(db.read_text(encoding="utf-8")) if pattern.search(e["file"])]
    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, text=True, check=True).stdout
    salt = version.encode() + (REPO / ".clang-tidy").read_bytes()
    cache = build / "clang-tidy-cache"
    cache.mkdir(exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, args.j)) as pool:
        results = list(pool.map(lambda e: check(e, build, cache, salt), entries))
    counts = {s: sum(1 for _, st, _ in results if st == s) for s in ("cached", "clean", "findings")}
    for file, status, output in results:
        if status == "findings":
            print(output or f"{file}: clang-tidy failed")
    summary = f"{len(entries)} files: {counts['cached']} unchanged, {counts['clean']} checked clean"
    if counts["findings"]:
        print(f"clang_tidy: {summary}, {counts['findings']} with findings", file=sys.stderr)
        return 1
    print(f"clang_tidy: ok ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
