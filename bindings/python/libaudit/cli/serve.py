"""``libaudit serve DB``: the web questionnaire and the audit team's pages (docs/web.md), under
waitress. Needs the optional extra ``libaudit[web]``. When the store has no web account yet it
prints a one-time link for the first administrator (``--admin NAME``, else the register's first
chief_security_officer or chief_auditor)."""

from __future__ import annotations

import argparse
import sys

from ..i18n import _
from .common import open_store, trail_key


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help=_("serve the web questionnaire and the audit team's pages"))
    p.add_argument("db", metavar="DB", help=_("the store (an SQLite file)"))
    p.add_argument("--host", default="127.0.0.1", help=_("the address to listen on (default: 127.0.0.1)"))
    p.add_argument("--port", type=_port, default=8080, help=_("the port to listen on (default: 8080)"))
    p.add_argument(
        "--admin",
        metavar="NAME",
        help=_("when no account exists: the person invited as the first administrator"),
    )
    p.add_argument(
        "--insecure-cookies",
        action="store_true",
        help=_("send the session cookie over plain HTTP too (a local demo only)"),
    )
    p.add_argument("--threads", type=int, default=8, help=_("worker threads (default: 8)"))
    p.set_defaults(func=_serve)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(_("a port is a number from 1 to 65535, not {text!r}").format(text=text))
    return port


def _serve(args: argparse.Namespace) -> int:
    try:
        import waitress

        from ..web.app import create_app
        from ..web.auth import first_admin_invitation
        from ..web.credentials import Credentials, sidecar_path
    except ImportError:
        raise SystemExit("libaudit: " + _("libaudit serve needs the web extra: pip install 'libaudit[web]'")) from None
    key = trail_key(None)
    # Everything printed before the app exists is in the caller's language; the app then speaks
    # Japanese (create_app), whatever the locale.
    with open_store(args.db) as store:
        invitation = first_admin_invitation(store, Credentials(sidecar_path(args.db)), args.admin)
    base = f"http://{args.host}:{args.port}"
    if args.insecure_cookies:
        print(
            "libaudit: " + _("warning: the session cookie is sent over plain HTTP; use this only for a local demo"),
            file=sys.stderr,
        )
    if invitation is not None:
        name, token = invitation
        print(
            _("No account exists yet. {name} sets a password at this one-time link (valid 72 hours):").format(name=name)
        )
        print(f"  {base}/invite/{token}")
    print(_("serving {store} on {url} (Ctrl+C stops)").format(store=args.db, url=base + "/"), flush=True)
    app = create_app(args.db, secure_cookies=not args.insecure_cookies, trail_key=key)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="libaudit")
    return 0
