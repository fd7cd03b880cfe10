"""The web questionnaire and the audit team's dashboard: ``libaudit serve`` (docs/web.md).

Needs the optional extra ``libaudit[web]`` (Flask, waitress, argon2-cffi). The app is made by
:func:`libaudit.web.app.create_app`; the blueprints are ``auth`` (sign-in, invitations and the
rules of every request), ``department`` (the pages of a 課) and ``team`` (the audit team's).
"""
