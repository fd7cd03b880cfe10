"""The web app: ``create_app(store_path)`` gives the Flask application that ``libaudit serve``
runs under waitress (docs/web.md).

The app speaks Japanese whatever the server's locale. It keeps no audit data of its own: every
change goes through the library's Python API with the signed-in person as actor; the
credentials live in the sidecar file ``<store>.web`` (:mod:`libaudit.web.credentials`).
"""

from __future__ import annotations

import os

from flask import Flask

from .. import Store, labels
from ..i18n import _, set_language
from . import auth, context, department, team
from .credentials import Credentials, sidecar_path

#: The largest evidence file the web accepts (the store's own limit, when lower, wins)…
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: … and what the rest of a request's form may add to it.
FORM_BYTES = 64 * 1024


def create_app(
    store_path: str | os.PathLike[str],
    *,
    secure_cookies: bool = True,
    testing: bool = False,
    trail_key: bytes | None = None,
) -> Flask:
    """The app serving the store at `store_path` (which must exist). `secure_cookies=False` lets
    a browser send the session cookie over plain HTTP (a local demo only). `testing` makes
    password hashing cheap; it changes no rule. `trail_key` seals the trail records the app
    writes, as ``--key-file`` does for the command line."""
    path = os.fspath(store_path)
    with Store(path, create=False, trail_key=trail_key) as s:  # a missing store fails here, not on a request
        largest = min(MAX_UPLOAD_BYTES, s.evidence.settings.max_bytes)
    set_language("ja")
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=largest + FORM_BYTES,  # larger: 413, before anything is read
        PROPAGATE_EXCEPTIONS=False,
        TRAP_HTTP_EXCEPTIONS=False,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.extensions["libaudit"] = context.WebState(
        store_path=path,
        credentials=Credentials(sidecar_path(path), fast_hashes=testing),
        secure_cookies=secure_cookies,
        trail_key=trail_key,
    )
    app.jinja_env.autoescape = True
    app.jinja_env.globals.update(
        _=_,
        label=labels.label_or_id,
        person=context.person,
        is_team=context.is_team,
        flashed=context.flashed,
    )
    auth.install(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(department.bp)
    app.register_blueprint(team.bp)
    return app
