"""The web's credentials: a sidecar SQLite file ``<store>.web`` beside the audit store.

Credentials are not audit data, so they are kept apart from the store and its trail: accounts
(a person's name and the argon2id hash of their password), invitations (the SHA-256 of a
one-time token, for whom, when it expires, when it was used), sessions (the SHA-256 of a random
id, whose, its CSRF token, created, last seen, revoked) and failed sign-ins (for the rate limit).
Only hashes of tokens and session ids are stored: a copy of the file signs nobody in.

The file is created 0600 in WAL mode. Each thread has its own connection; every change is one
transaction. Times are seconds since the epoch from :attr:`Credentials.clock` (a test may
replace it). Nothing here knows the people register: :mod:`libaudit.web.auth` checks that a
name is a person of the store before an account is used.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: How long an invitation link is valid.
INVITATION_SECONDS = 72 * 3600
#: A session ends after this long without a request …
IDLE_SECONDS = 30 * 60
#: … and this long after sign-in, whatever happens.
ABSOLUTE_SECONDS = 8 * 3600
#: The window and the number of failures in it after which sign-in is refused.
FAILURE_WINDOW_SECONDS = 60
FAILURE_LIMIT = 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
  name TEXT PRIMARY KEY, hash TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS invitations (
  token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, created_by TEXT NOT NULL,
  created REAL NOT NULL, expires REAL NOT NULL, used_at REAL);
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY, name TEXT NOT NULL, csrf TEXT NOT NULL, created REAL NOT NULL,
  last_seen REAL NOT NULL, revoked_at REAL, flash TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS failures (at REAL NOT NULL, name TEXT NOT NULL, address TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS failures_at ON failures(at);
"""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sidecar_path(store_path: str) -> str:
    """The credentials file of the store at `store_path`."""
    return store_path + ".web"


@dataclass(frozen=True)
class Session:
    """A live session: whose, its CSRF token, and the message to show once (``flash``)."""

    name: str
    csrf: str
    flash: str


class InvitationError(Exception):
    """An invitation that does not exist, has expired or was used."""


class Credentials:
    """The credentials file of one store (thread-safe: a connection per thread)."""

    def __init__(self, path: str, *, fast_hashes: bool = False, clock: Callable[[], float] = time.time):
        self.path = path
        self.clock = clock
        # argon2id with the library's defaults (RFC 9106's second recommendation); tests may
        # ask for cheap parameters so that they run quickly.
        self._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1) if fast_hashes else PasswordHasher()
        self._dummy = self._hasher.hash(secrets.token_hex(16))
        self._local = threading.local()
        if not os.path.exists(path):
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._db().executescript(_SCHEMA)  # idempotent; executescript commits on its own

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=True)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- accounts
    def has_accounts(self) -> bool:
        return self._db().execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None

    def has_account(self, name: str) -> bool:
        return self._db().execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone() is not None

    def check_password(self, name: str, password: str) -> bool:
        """Whether `password` is `name`'s. An unknown name costs the same time as a known one."""
        row = self._db().execute("SELECT hash FROM accounts WHERE name = ?", (name,)).fetchone()
        stored = row[0] if row else self._dummy
        try:
            ok = bool(self._hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False
        return ok and row is not None

    # -- invitations
    def invite(self, name: str, by: str) -> str:
        """A new one-time invitation for `name`; returns the token (only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO invitations (token_hash, name, created_by, created, expires) VALUES (?, ?, ?, ?, ?)",
                (_digest(token), name, by, now, now + INVITATION_SECONDS),
            )
        return token

    def invitation(self, token: str) -> str | None:
        """The person a valid (unused, unexpired) invitation is for, else None."""
        row = (
            self._db()
            .execute("SELECT name, expires, used_at FROM invitations WHERE token_hash = ?", (_digest(token),))
            .fetchone()
        )
        if row is None or row[2] is not None or row[1] <= self.clock():
            return None
        return str(row[0])

    def redeem(self, token: str, password: str) -> str:
        """Sets the invited person's password and uses the invitation up, in one transaction;
        returns the name. InvitationError when the invitation is not valid. Every session of the
        person ends (a new password signs out everywhere)."""
        digest = self._hasher.hash(password)
        now = self.clock()
        with self._transaction() as db:
            row = db.execute(
                "SELECT name FROM invitations WHERE token_hash = ? AND used_at IS NULL AND expires > ?",
                (_digest(token), now),
            ).fetchone()
            if row is None:
                raise InvitationError(token)
            name = str(row[0])
            db.execute("UPDATE invitations SET used_at = ? WHERE token_hash = ?", (now, _digest(token)))
            db.execute(
                "INSERT INTO accounts (name, hash, created, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET hash = excluded.hash, updated = excluded.updated",
                (name, digest, now, now),
            )
            db.execute("UPDATE sessions SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", (now, name))
        return name

    # -- failed sign-ins
    def record_failure(self, name: str, address: str) -> None:
        now = self.clock()
        with self._transaction() as db:
            db.execute("DELETE FROM failures WHERE at < ?", (now - FAILURE_WINDOW_SECONDS,))
            db.execute("INSERT INTO failures (at, name, address) VALUES (?, ?, ?)", (now, name, address))

    def too_many_failures(self, name: str, address: str) -> bool:
        """Whether `name` or `address` already failed FAILURE_LIMIT times within the window."""
        since = self.clock() - FAILURE_WINDOW_SECONDS
        db = self._db()
        by_name = db.execute("SELECT COUNT(*) FROM failures WHERE at >= ? AND name = ?", (since, name)).fetchone()
        by_address = db.execute(
            "SELECT COUNT(*) FROM failures WHERE at >= ? AND address = ?", (since, address)
        ).fetchone()
        return max(int(by_name[0]), int(by_address[0])) >= FAILURE_LIMIT

    # -- sessions
    def start_session(self, name: str) -> str:
        """A new session for `name`; returns its id (only its hash is kept)."""
        sid = secrets.token_urlsafe(32)
        now = self.clock()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO sessions (id_hash, name, csrf, created, last_seen) VALUES (?, ?, ?, ?, ?)",
                (_digest(sid), name, secrets.token_urlsafe(32), now, now),
            )
        return sid

    def session(self, sid: str) -> Session | None:
        """The live session `sid`, its last-seen time moved to now; None when there is none,
        it was revoked, or it passed its idle or absolute expiry."""
        now = self.clock()
        with self._transaction() as db:
            row = db.execute(
                "SELECT name, csrf, flash FROM sessions WHERE id_hash = ? AND revoked_at IS NULL "
                "AND last_seen > ? AND created > ?",
                (_digest(sid), now - IDLE_SECONDS, now - ABSOLUTE_SECONDS),
            ).fetchone()
            if row is None:
                return None
            db.execute("UPDATE sessions SET last_seen = ?, flash = '' WHERE id_hash = ?", (now, _digest(sid)))
        return Session(name=row[0], csrf=row[1], flash=row[2])

    def set_flash(self, sid: str, message: str) -> None:
        """The message the session's next page shows once."""
        with self._transaction() as db:
            db.execute("UPDATE sessions SET flash = ? WHERE id_hash = ?", (message, _digest(sid)))

    def end_session(self, sid: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL",
                (self.clock(), _digest(sid)),
            )

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
