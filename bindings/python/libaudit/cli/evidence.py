"""``libaudit evidence add|revise|list|get|withdraw|purge|clean|settings``: evidence files
(証跡ファイル) attached to a response, a working-paper entry, a finding or an exception
(docs/evidence.md). Every rule is the core's; this module parses and prints."""

from __future__ import annotations

import argparse
import os
from typing import Any, Callable

from .. import Store, labels
from ..dates import day_argument
from ..evidence import EvidenceFile
from ..i18n import _, ngettext
from ..table import format_table
from .common import Progress, actor, command, group, open_store, print_dicts, today_option, writer


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    es = group(sub, "evidence", _("evidence files (証跡ファイル) attached to responses, findings, exceptions, …"))
    p = command(es, "add", _add, _("add an evidence file; prints its number"), parents=[writer()], positionals=["FILE"])
    p.add_argument(
        "--to",
        required=True,
        metavar="KIND:KEY",
        help=_(
            "what the file is evidence for: response:CYCLE/DEPARTMENT/ITEM, finding:N, exception:N, working_paper:KEY"
        ),
    )
    _spec_options(p)
    p = command(
        es,
        "revise",
        _revise,
        _("add the next revision of an evidence item (the earlier ones stay)"),
        parents=[writer()],
    )
    _id(p)
    p.add_argument("file", metavar="FILE")
    _spec_options(p)
    p = command(es, "list", _list, _("list evidence files, every revision, with their state"), json_flag=True)
    p.add_argument("--to", metavar="KIND[:KEY]", help=_("only the files of this target"))
    p = command(es, "get", _get, _("write an evidence file's bytes, checked against its SHA-256"))
    _id(p)
    p.add_argument("--revision", type=int, default=0, metavar="N", help=_("the revision (default: the last)"))
    p.add_argument("-o", "--output", required=True, metavar="PATH", help=_("where to write the file"))
    p = command(
        es,
        "withdraw",
        _withdraw,
        _("withdraw an evidence item (its bytes are kept until the retention period ends)"),
        parents=[writer()],
    )
    _id(p)
    p.add_argument("--reason", required=True, help=_("why it is withdrawn (recorded in the trail)"))
    p = command(
        es,
        "purge",
        _purge,
        _("remove the bytes of a withdrawn item whose retention period has ended"),
        parents=[writer()],
    )
    _id(p)
    today_option(p)
    command(es, "clean", _clean, _("remove files of the evidence folder that are not evidence"), parents=[writer()])
    p = command(
        es, "settings", _settings, _("show or change the size limit and the retention period"), parents=[writer()]
    )
    p.add_argument(
        "--max-mb", type=int, metavar="MB", help=_("the largest file accepted, in MB (1 MB = 1,048,576 bytes)")
    )
    p.add_argument("--retention-days", type=int, metavar="DAYS", help=_("days a withdrawn item's bytes are kept"))


def _id(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", type=int, metavar="ID", help=_("the evidence item's number"))


def _spec_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title", default="", help=_("a title (default: the file's name)"))
    p.add_argument("--date", type=day_argument, metavar="YYYY-MM-DD", help=_("when the evidence was produced"))
    p.add_argument("--name", default="", help=_("the file name to record (default: the file's own)"))


def _spec(args: argparse.Namespace) -> dict[str, Any]:
    """The keywords of add and revise from the options _spec_options gives them."""
    return {
        "title": args.title,
        "evidence_date": args.date,
        "file_name": args.name,
        "progress": Progress(os.path.basename(args.file)),
    }


def _target(text: str) -> tuple[str, str]:
    kind, _sep, key = text.partition(":")
    return kind.strip(), key.strip()


def _added(f: Any) -> None:
    print(
        _("evidence {id} revision {revision}: {name} ({media_type}, {size} bytes, SHA-256 {sha})").format(
            id=f.id, revision=f.revision, name=f.file_name, media_type=f.media_type, size=f.size, sha=f.sha256[:16]
        )
    )


def _add(args: argparse.Namespace) -> int:
    kind, key = _target(args.to)
    with open_store(args.db) as s:
        f = s.evidence.add(actor(args), kind, key, args.file, **_spec(args))
    _added(f)
    return 0


def _revise(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        f = s.evidence.revise(actor(args), args.id, args.file, **_spec(args))
    _added(f)
    return 0


def _list(args: argparse.Namespace) -> int:
    kind, key = _target(args.to or "")
    with open_store(args.db, read_only=True) as s:
        files = s.evidence.list(kind, key)
    if args.json:
        print_dicts(files)
        return 0
    headers = [
        _("id"),
        _("revision"),
        _("state"),
        _("target"),
        _("title"),
        _("file"),
        _("type"),
        _("bytes"),
        _("evidence date"),
        _("added by"),
        _("added at"),
    ]
    rows = [
        [
            f.id,
            f.revision,
            labels.shown("evidence_status", f.status),
            f"{f.target_kind}:{f.target_key}",
            f.title,
            f.file_name,
            f.media_type,
            f"{f.size:,}",
            f.evidence_date,
            f.added_by,
            f.added_at[:19],
        ]
        for f in files
    ]
    print(format_table(headers, rows, "<<<<<<<><<<"))
    return 0


def _get(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        f = s.evidence.copy_out(args.id, args.revision, args.output, progress=Progress(args.output))
    print(
        _("{path}: evidence {id} revision {revision}, {size} bytes, SHA-256 checked").format(
            path=args.output, id=f.id, revision=f.revision, size=f.size
        )
    )
    return 0


def _withdraw(args: argparse.Namespace) -> int:
    return _end(
        args,
        lambda s: s.evidence.withdraw(actor(args), args.id, args.reason),
        lambda n: ngettext(
            "evidence {id} withdrawn ({n} revision); its bytes are kept",
            "evidence {id} withdrawn ({n} revisions); its bytes are kept",
            n,
        ),
    )


def _purge(args: argparse.Namespace) -> int:
    return _end(
        args,
        lambda s: s.evidence.purge(actor(args), args.id, args.today),
        lambda n: ngettext(
            "evidence {id} purged ({n} revision): its bytes are removed, its record stays",
            "evidence {id} purged ({n} revisions): its bytes are removed, its record stays",
            n,
        ),
    )


def _end(args: argparse.Namespace, end: Callable[[Store], list[EvidenceFile]], message: Callable[[int], str]) -> int:
    """Withdraw or purge: `end` on the store, then `message` for the number of revisions it ended."""
    with open_store(args.db) as s:
        n = len(end(s))
    print(message(n).format(id=args.id, n=n))
    return 0


def _clean(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        removed = s.evidence.clean()
    for path in removed:
        print(_("removed: {path}").format(path=path))
    n = len(removed)
    print(ngettext("{n} file that was not evidence removed", "{n} files that were not evidence removed", n).format(n=n))
    return 0


def _settings(args: argparse.Namespace) -> int:
    change = args.max_mb is not None or args.retention_days is not None
    with open_store(args.db, read_only=not change) as s:
        if change:
            s.evidence.set_settings(
                actor(args),
                max_bytes=None if args.max_mb is None else args.max_mb * 1024 * 1024,
                retention_days=args.retention_days,
            )
        now = s.evidence.settings
    print(
        _("size limit {bytes} bytes per file; withdrawn files kept {days} days before a purge").format(
            bytes=f"{now.max_bytes:,}", days=now.retention_days
        )
    )
    return 0
