"""``libaudit init | trail | verify`` and ``checklist import``: the store itself (docs/store.md).

The organisation (``dept``, ``system``) is in cli/organisation.py, cycles and responses in
cli/cycles.py. Every command that writes takes ``--as NAME``, the actor recorded in the trail;
it defaults to the login name.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from .. import Store
from ..files import os_error_text
from ..i18n import _, ngettext
from ..store import new_trail_key, read_trail_key, trail_key_id
from ..table import format_table
from .common import (
    Progress,
    actor,
    command,
    group,
    key_file_option,
    load_checklist,
    open_store,
    print_json,
    trail_key,
    writer,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", parents=[writer()], help=_("create a store (an SQLite file)"))
    p.add_argument("db", metavar="DB", help=_("the store (an SQLite file)"))
    p.add_argument("--body", help=_("the body (団体) the store is for, e.g. 小牧市"))
    key_file_option(p)
    p.set_defaults(func=_init)

    p = sub.add_parser("trail", help=_("print the trail (every recorded change), oldest first"))
    p.add_argument("db", metavar="DB", help=_("the store (an SQLite file)"))
    p.add_argument("--after", type=int, default=0, metavar="SEQ", help=_("only records after this seq"))
    p.add_argument("--limit", type=int, default=0, metavar="N", help=_("at most N records"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line, states parsed"))
    p.set_defaults(func=_trail)

    p = sub.add_parser(
        "verify", parents=[writer()], help=_("check the trail's hash chain and replay it against the tables")
    )
    p.add_argument("db", metavar="DB", help=_("the store (an SQLite file)"))
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--checkpoint",
        action="store_true",
        help=_("after a full verify that finds no problem, seal the verified head as a checkpoint in the trail"),
    )
    mode.add_argument(
        "--since-checkpoint",
        action="store_true",
        help=_(
            "check only what came after the latest checkpoint: the chain from it on, the rows written after it and "
            "the rules of its later records (docs/store.md, Checkpoints)"
        ),
    )
    p.add_argument(
        "--anchor",
        metavar="HASH|REPORT.json",
        help=_(
            "a head hash kept elsewhere (printed by verify and by cycle close), or a report's JSON, whose "
            "anchor (seq and hash) the trail must still hold"
        ),
    )
    key_file_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_verify)

    keys = group(sub, "trail-key", _("the trail key that seals the trail (docs/store.md, Threat model)"))
    p = keys.add_parser("new", help=_("write a new trail key file (32 random bytes, mode 0600; never overwrites)"))
    p.add_argument("path", metavar="PATH", help=_("where to write the key file"))
    p.set_defaults(func=_trail_key_new)


def register_checklist_import(cs: Any) -> None:
    """``libaudit checklist import DB FILE.yaml`` (added to the checklist group)."""
    command(
        cs,
        "import",
        _checklist_import,
        _("store a checklist version in a store; prints its id"),
        parents=[writer()],
        positionals=["FILE.yaml"],
    )
    command(
        cs,
        "list",
        _checklist_list,
        _("list the checklist versions a store holds (id, version, title, items, stored at)"),
        json_flag=True,
    )


def _init(args: argparse.Namespace) -> int:
    with Store(args.db, trail_key=trail_key(args.key_file)) as s:
        if args.body:
            s.set_body(actor(args), args.body)
        print(_("{db}: libaudit store, schema version {version}").format(db=args.db, version=s.schema_version))
    return 0


def _checklist_import(args: argparse.Namespace) -> int:
    checklist = load_checklist(args.file, show_all=args.all)
    if checklist is None:
        return 1
    with open_store(args.db) as s:
        print(s.import_checklist(actor(args), checklist))
    return 0


def _checklist_list(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        stored = s.checklists()
    if args.json:
        print_json([asdict(c) for c in stored])
        return 0
    rows = [(c.id, c.checklist_id, c.version, c.title, c.items, c.imported_at[:19].replace("T", " ")) for c in stored]
    headers = [_("No."), _("checklist id"), _("version"), _("title"), _("items"), _("stored at (UTC)")]
    print(format_table(headers, rows, "><<<><"))
    return 0


def _trail(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        records = s.trail(after=args.after, limit=args.limit)
    if args.json:
        for t in records:
            d = asdict(t)
            d["state"] = json.loads(t.state)
            print(json.dumps(d, ensure_ascii=False))
        return 0
    rows = []
    for t in records:
        state = json.loads(t.state)
        what = _("{n} responses").format(n=len(state["rows"])) if t.action == "batch" else t.state
        short = what if len(what) <= 60 else what[:57] + "..."
        rows.append((t.seq, t.at[:19].replace("T", " "), t.actor, t.entity, t.key, t.action, short, t.hash[:12]))
    heads = ["seq", _("at (UTC)"), _("actor"), _("entity"), _("key"), _("action"), _("state"), _("hash")]
    print(format_table(heads, rows, ">" + "<" * 7))
    return 0


def anchor_of(given: str | None) -> tuple[str | None, int]:
    """(hash, seq) of ``--anchor``: a hash as given (seq 0: any record), or a report's JSON file
    (its ``anchor``: the record that report was computed at, docs/reports.md)."""
    if not given or not given.lower().endswith(".json"):
        return given, 0
    try:
        with open(given, encoding="utf-8-sig") as f:
            view = json.load(f)
        anchor = view["anchor"]
        hash_, seq = anchor["hash"], anchor["seq"]
        if not isinstance(hash_, str) or not isinstance(seq, int) or not hash_:
            raise TypeError
    except OSError as e:
        raise SystemExit(
            "libaudit: " + _("cannot read {file}: {reason}").format(file=given, reason=os_error_text(e))
        ) from None
    except (ValueError, KeyError, TypeError):
        raise SystemExit(
            "libaudit: "
            + _(
                "{file} is not a libaudit report's JSON (it has no anchor with seq and hash): give a JSON "
                "written by `libaudit report … -o report.json`, or the hash itself"
            ).format(file=given)
        ) from None
    return hash_, seq


def _verify(args: argparse.Namespace) -> int:
    key = trail_key(args.key_file)
    hash_, seq = anchor_of(args.anchor)
    if args.checkpoint:
        who = actor(args)
        with open_store(args.db, key_file=args.key_file) as s:
            report = s.checkpoint(who, hash_, anchor_seq=seq, trail_key=key)
    else:
        with open_store(args.db, read_only=True) as s:
            report = s.verify(anchor=hash_, anchor_seq=seq, trail_key=key, since_checkpoint=bool(args.since_checkpoint))
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "records": report.records,
                "rows": report.rows,
                "head_hash": report.head_hash,
                "problems": [asdict(p) for p in report.problems],
                "unreferenced": list(report.unreferenced),
                **({"sealed_from": report.sealed_from, "key_id": report.key_id} if key else {}),
                **(
                    {"checkpoint": report.checkpoint, "checkpoint_hash": report.checkpoint_hash}
                    if args.checkpoint or args.since_checkpoint
                    else {}
                ),
                **({"since": report.since} if args.since_checkpoint else {}),
            }
        )
    elif report.ok:
        _print_intact(args, report, key, hash_, seq)
    else:
        for p in report.problems:
            print(str(p))
    if not args.json:
        for path in report.unreferenced:
            print(
                _("not evidence, unreferenced (`libaudit evidence clean {db}` removes it): {path}").format(
                    db=args.db, path=path
                )
            )
    if not report.ok and not args.json:
        n = len(report.problems)
        print(
            ngettext("{db}: {n} problem found", "{db}: {n} problems found", n).format(db=args.db, n=n), file=sys.stderr
        )
        if args.checkpoint:
            print(_("no checkpoint was written: only a verify that finds no problem seals the head"), file=sys.stderr)
    return 0 if report.ok else 1


def _print_intact(args: argparse.Namespace, report: Any, key: bytes | None, hash_: str | None, seq: int) -> None:
    """What a verify that found no problem prints: what it walked, the checkpoint it wrote or
    started from (with its anchor), what the key vouched for and the anchor it found."""
    if args.since_checkpoint:
        print(
            _(
                "{db}: intact since checkpoint {checkpoint} (record {since}): {records} later trail records, "
                "{rows} rows written since; head {head}"
            ).format(
                db=args.db,
                checkpoint=report.checkpoint,
                since=report.since,
                records=report.records,
                rows=report.rows,
                head=report.head_hash,
            )
        )
    else:
        print(
            _("{db}: intact ({records} trail records, {rows} rows; head {head})").format(
                db=args.db, records=report.records, rows=report.rows, head=report.head_hash
            )
        )
    if args.checkpoint:
        print(
            _("checkpoint {seq} written: it seals record {head}; `--since-checkpoint` starts from it").format(
                seq=report.checkpoint, head=report.head_seq
            )
        )
    if report.checkpoint:
        print(
            _("checkpoint anchor: {anchor} (hash {hash})").format(
                anchor=report.checkpoint_anchor, hash=report.checkpoint_hash
            )
        )
    if args.checkpoint:
        print(
            _(
                "Keep the anchor outside the store: `libaudit verify {db} --anchor {hash}` (also with "
                "`--since-checkpoint`) then shows that nothing up to the checkpoint was rewritten and that it was not "
                "removed."
            ).format(db=args.db, hash=report.checkpoint_hash)
        )
    if key:
        print(_sealed_line(report))
    if hash_:
        if seq:
            text = _("anchor {hash} (the hash of record {seq}) is in the trail: nothing up to it was rewritten")
        else:
            text = _("anchor {hash} is in the trail: nothing up to it was rewritten")
        print(text.format(hash=hash_[:12], seq=seq))


def _sealed_line(report: Any) -> str:
    """What the key vouched for, in words (a store verified clean with its key)."""
    before = report.sealed_from - 1
    if before:
        return _("sealed with key {key}: records {first} on (the {before} before were written before the key)").format(
            key=report.key_id, first=report.sealed_from, before=before
        )
    return _("sealed with key {key}: records {first} on").format(key=report.key_id, first=report.sealed_from)


def _trail_key_new(args: argparse.Namespace) -> int:
    new_trail_key(args.path)
    key_id = trail_key_id(read_trail_key(args.path))
    print(
        _("{path}: trail key written (key_id {key}). Keep it apart from the store.").format(path=args.path, key=key_id)
    )
    return 0


__all__ = ["Progress", "register", "register_checklist_import"]
