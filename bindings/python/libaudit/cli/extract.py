"""``libaudit checklist extract POLICY.txt --id ID --title TITLE --body BODY [-o OUT.yaml]``.

Drafts a checklist from the text of a body's standard (docs/extractor.md) and prints a
summary: items per chapter, then every warning as FILE:LINE:COL: message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import Checklist, Diagnostic, _core, extract_checklist
from ..files import os_error_text, write_text
from ..i18n import _, ngettext
from ..table import format_table


def register_checklist_extract(cs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    e = cs.add_parser(
        "extract",
        help=_("draft a checklist from a standard's text (PDF/Markdown extraction): obligations, roles, questions"),
        description=_(
            "Draft a checklist from the text of an information-security standard. The draft "
            "needs checking by hand; see docs/extractor.md for the rules."
        ),
    )
    e.add_argument("file", metavar="POLICY.txt", help=_("the standard's text (UTF-8; Shift_JIS/CP932 is accepted)"))
    e.add_argument("--id", required=True, help=_("checklist id: a-z, 0-9 and '-'"))
    e.add_argument("--title", required=True, help=_("checklist title"))
    e.add_argument("--body", required=True, help=_("the body (団体) as it writes its name, e.g. 小牧市"))
    e.add_argument("--version", default="draft", help=_('version of the standard, e.g. "2024-03-01" (default: draft)'))
    e.add_argument("--part", default="", help=_("extract only the document whose title contains this (e.g. 対策基準)"))
    e.add_argument("-o", "--output", metavar="OUT.yaml", help=_("write the YAML here (default: standard output)"))
    e.set_defaults(func=_extract)


def read_policy(path: str) -> tuple[str, str]:
    """The text of `path` and the encoding it was read in (UTF-8, else CP932)."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as first:
        try:
            return data.decode("cp932"), "cp932"
        except UnicodeDecodeError:
            raise ValueError(
                _("{path}: neither UTF-8 nor Shift_JIS (first bad byte at offset {offset}); save it as UTF-8").format(
                    path=path, offset=first.start
                )
            ) from None


def item_count(section: _core.Section) -> int:
    """Items in a section and all its sub-sections."""
    return len(section.item_indices) + sum(item_count(s) for s in section.sections)


def section_items(items: list[_core.Item], section: _core.Section) -> list[_core.Item]:
    """The items (of the checklist's `items`) in a section and all its sub-sections."""
    own = [items[i] for i in section.item_indices]
    return own + [i for s in section.sections for i in section_items(items, s)]


def chapter_counts(c: Checklist) -> list[tuple[str, str, int, int, int]]:
    """(clause, title, items, body-level items, audit-only items) for every chapter of `c`."""
    rows = []
    every = c.items
    for s in c.sections:
        items = section_items(every, s)
        body = sum(1 for i in items if i.respondent == "body")
        audit = sum(1 for i in items if i.audience == ["audit"])
        rows.append((s.clause, s.title, len(items), body, audit))
    return rows


def render_summary(c: Checklist, warnings: list[Diagnostic], source: str) -> str:
    rows = chapter_counts(c)
    lines = [
        ngettext(
            "{source}: {n} item drafted for {body} ({id})", "{source}: {n} items drafted for {body} ({id})", len(c)
        ).format(source=source, n=len(c), body=c.body, id=c.id),
        "",
        format_table([_("chapter"), _("heading"), _("items"), _("body-level"), _("audit only")], rows, "<<>>>"),
    ]
    if warnings:
        lines += ["", ngettext("{n} warning:", "{n} warnings:", len(warnings)).format(n=len(warnings))]
        lines += [f"  {w}" for w in warnings]
    return "\n".join(lines)


def _extract(args: argparse.Namespace) -> int:
    try:
        text, encoding = read_policy(args.file)
    except OSError as e:
        print(f"libaudit: {args.file}: {os_error_text(e)}", file=sys.stderr)
        return 1
    except ValueError as e:
        print(f"libaudit: {e}", file=sys.stderr)
        return 1
    if encoding != "utf-8":
        print(_("{file}: read as {encoding}").format(file=args.file, encoding=encoding), file=sys.stderr)
    ex = extract_checklist(
        text,
        id=args.id,
        title=args.title,
        body=args.body,
        source_document=Path(args.file).name,
        version=args.version,
        part=args.part,
    )
    summary = render_summary(ex.checklist, ex.warnings, args.file)
    if args.output:
        write_text(args.output, ex.yaml)
        print(summary)
        print()
        print(_("wrote {file} (a draft: check every item by hand)").format(file=args.output))
    else:
        sys.stdout.write(ex.yaml)
        print(summary, file=sys.stderr)
    return 0
