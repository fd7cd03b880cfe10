#!/usr/bin/env python3
"""Fails (exit 1) when a message marked in the code has no Japanese in the catalogue.

The marked messages are what xgettext finds: in C++ (libaudit/, bindings/src) the calls
tr("…"), trn("…", "…", n), message("…", …) and message_n("…", "…", n, …); in Python
(bindings/python/libaudit, the web app's templates included) _("…") and ngettext("…", "…", n).
The catalogue is po/ja/*.po joined. What is checked:
  * every marked message has a translation that is neither empty nor fuzzy (a conflicting
    duplicate between two files of po/ja is fuzzy);
  * msgfmt --check accepts the catalogue with the code's flags, so a translation keeps the
    placeholders ({name}, %s) of its message;
  * no Python message is an f-string (_(f"…")): it could never be found in the catalogue.
  * every entry of the catalogue is a message the code marks: one it no longer marks is a
    problem to remove (argparse's own messages, in po/ja/argparse.py.po, are exempt: the
    standard library marks them). ``--missing`` prints the untranslated entries as .po text
to fill in. Needs GNU gettext (xgettext, msgcat, msgmerge, msgattrib, msgfmt).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPP_DIRS = ("libaudit/include", "libaudit/src", "bindings/src")
PY_DIR = "bindings/python/libaudit"
CPP_KEYWORDS = ("tr", "trn:1,2", "message", "message_n:1,2")
PY_KEYWORDS = ("_", "ngettext:1,2")
FLAGS = ("message:1:python-brace-format", "message_n:1:python-brace-format", "message_n:2:python-brace-format")
ARGPARSE_PO = "argparse.py.po"
FSTRING = re.compile(r"(?<![\w.])(?:_|ngettext)\(\s*[rR]?[fF]")


def run(*cmd: str) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"check_messages: {' '.join(cmd[:2])} failed:\n{done.stderr}")
    return done.stdout


def sources(root: Path) -> tuple[list[str], list[str]]:
    cpp = sorted(
        str(p.relative_to(root)) for d in CPP_DIRS for p in (root / d).rglob("*") if p.suffix in {".h", ".cpp"}
    )
    # The web app's Jinja templates mark their words as Python does ({{ _("…") }}): their tags
    # are read as Python (jinja_code), so a mark inside an HTML attribute's quotes is found too.
    py = sorted(str(p.relative_to(root)) for pattern in ("*.py", "*.html") for p in (root / PY_DIR).rglob(pattern))
    return cpp, py


JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def jinja_code(text: str) -> str:
    """The Python of a Jinja template: the text of its {{ }} and {% %} tags at their places, all
    else blank (line numbers kept)."""
    out = [c if c == "\n" else " " for c in text]
    for m in JINJA_TAG.finditer(text):
        out[m.start() + 2 : m.end() - 2] = list(m.group()[2:-2])
    return "".join(out)


def extract(root: Path, tmp: Path) -> Path:
    cpp, py = sources(root)
    # No --omit-header: without the header xgettext cannot declare UTF-8 and drops non-ASCII text from msgids.
    common = ["xgettext", "--from-code=UTF-8", "--sort-by-file"]
    cpp_pot, py_pot, pot = tmp / "cpp.pot", tmp / "py.pot", tmp / "libaudit.pot"
    run(
        *common,
        "-D",
        str(root),
        "--language=C++",
        *(f"--keyword={k}" for k in CPP_KEYWORDS),
        *(f"--flag={f}" for f in FLAGS),
        "-o",
        str(cpp_pot),
        *cpp,
    )
    jinja = tmp / "jinja"  # the templates as Python, under their own paths
    for rel in (r for r in py if r.endswith(".html")):
        (jinja / rel).parent.mkdir(parents=True, exist_ok=True)
        (jinja / rel).write_text(jinja_code((root / rel).read_text(encoding="utf-8")), encoding="utf-8")
    run(
        *common,
        "-D",
        str(jinja),
        "-D",
        str(root),
        "--language=Python",
        *(f"--keyword={k}" for k in PY_KEYWORDS),
        "-o",
        str(py_pot),
        *py,
    )
    parts = [str(p) for p in (cpp_pot, py_pot) if p.exists()]
    run("msgcat", "--use-first", "-o", str(pot), *parts)
    return pot


def entries(po_text: str) -> list[str]:
    """The entries of a .po text, header left out."""
    return [e for e in po_text.strip().split("\n\n") if e.strip() and 'msgid ""\nmsgstr ""' not in e]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--missing", action="store_true", help="print the untranslated entries as .po text")
    args = ap.parse_args(argv)
    root: Path = args.root
    problems: list[str] = []
    _, py = sources(root)
    for rel in py:
        for n, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
            if FSTRING.search(line):
                problems.append(f"{rel}:{n}: an f-string is marked for translation; use _('… {{name}}').format(name=…)")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        pot = extract(root, tmp)
        po_files = sorted(str(p) for p in (root / "po" / "ja").glob("*.po"))
        if not po_files:
            problems.append("po/ja: no catalogue files")
            joined = tmp / "empty.po"
            joined.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8")
        else:
            joined = tmp / "ja.po"
            run("msgcat", "--to-code=UTF-8", "-o", str(joined), *po_files)
        fuzzy = entries(run("msgattrib", "--only-fuzzy", "--no-obsolete", str(joined)))
        for e in fuzzy:
            problems.append("po/ja: conflicting translations of one message (fuzzy):\n" + e)
        merged = tmp / "merged.po"
        run("msgmerge", "--quiet", "--no-fuzzy-matching", "--no-wrap", "-o", str(merged), str(joined), str(pot))
        run("msgfmt", "--check", "-o", str(tmp / "ja.mo"), str(merged))
        missing = entries(run("msgattrib", "--untranslated", "--no-obsolete", "--no-wrap", str(merged)))
        own = [p for p in po_files if not p.endswith(ARGPARSE_PO)]
        unused: list[str] = []
        if own:
            run("msgcat", "--to-code=UTF-8", "-o", str(tmp / "own.po"), *own)
            run(
                "msgmerge",
                "--quiet",
                "--no-fuzzy-matching",
                "--no-wrap",
                "-o",
                str(tmp / "own-merged.po"),
                str(tmp / "own.po"),
                str(pot),
            )
            unused = entries(run("msgattrib", "--only-obsolete", "--no-wrap", str(tmp / "own-merged.po")))
        marked = len(entries(pot.read_text(encoding="utf-8")))
    if args.missing:
        print("\n\n".join(missing))
        return 0
    for e in missing:
        where = [line[3:] for line in e.splitlines() if line.startswith("#: ")]
        msgid = next((line for line in e.splitlines() if line.startswith("msgid ")), e)
        problems.append(f"{' '.join(where) or '?'}: no Japanese for {msgid[6:]}")
    for e in unused:
        msgid = next((line for line in e.splitlines() if line.startswith("#~ msgid ")), e)
        problems.append(f"po/ja: {msgid[9:]} is not marked in the code any more: remove its entry")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(
            f"check_messages: {len(problems)} problem(s); `python3 tools/check_messages.py --missing`", file=sys.stderr
        )
        return 1
    print(f"check_messages: each of the {marked} marked messages has its Japanese")
    return 0


if __name__ == "__main__":
    sys.exit(main())
