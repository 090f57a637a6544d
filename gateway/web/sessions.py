"""The web app's sessions and kept drafts, in the gateway's own database
(``GATEWAY_STORE_URL``), so every gateway replica knows every session and a
restart signs nobody out.

A session holds the person's access token (the local issuer's or the
county identity provider's): each page verifies it again, exactly as the API
verifies a bearer token, so a session lives no longer than its token. The
cookie carries only a random id; the table keeps its SHA-256, so a copy of
the table signs nobody in.

A *draft* is what someone typed into a form whose session had expired: it
is kept (a few minutes, for that browser only) while they sign in again, and
offered back on the page they were on. It may hold personal data, so it is
deleted once used and at the latest after ``DRAFT_MINUTES``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from events.schema import schema_lock

DRAFT_MINUTES = 30

metadata = sa.MetaData()
sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("token", sa.Text, nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("flash", sa.Text, nullable=True),  # JSON list of messages shown once
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)
drafts = sa.Table(
    "web_drafts",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("form", sa.Text, nullable=False),  # JSON: field -> list of values
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class Session:
    id: str  # the cookie's value
    token: str
    name: str
    csrf: str
    expires_at: datetime
    flash: list[str] = field(default_factory=list)


class SessionStore:
    def __init__(self, url: str) -> None:
        pooled = {} if url.startswith("sqlite") else {"pool_size": 10, "max_overflow": 20}
        self.engine = sa.create_engine(url, pool_pre_ping=True, **pooled)
        with schema_lock(self.engine):  # two gateway replicas may start together
            metadata.create_all(self.engine)

    # -- sessions -------------------------------------------------------------
    def open(self, token: str, name: str, expires_at: datetime) -> Session:
        csrf = secrets.token_urlsafe(32)
        session = Session(secrets.token_urlsafe(32), token, name, csrf, expires_at)
        with self.engine.begin() as db:
            db.execute(
                sa.insert(sessions).values(
                    id_hash=_hash(session.id),
                    token=token,
                    name=name,
                    csrf=session.csrf,
                    expires_at=expires_at,
                )
            )
        return session

    def find(self, session_id: str | None) -> Session | None:
        """The session, or None when there is none or it has expired."""
        if not session_id:
            return None
        with self.engine.begin() as db:
            row = db.execute(
                sa.select(sessions).where(sessions.c.id_hash == _hash(session_id))
            ).one_or_none()
        if row is None or _aware(row.expires_at) <= datetime.now(UTC):
            return None
        return Session(
            session_id, row.token, row.name, row.csrf, _aware(row.expires_at),
            json.loads(row.flash or "[]"),
        )

    def say(self, session: Session, message: str) -> None:
        """A message for the next page this session shows (after a redirect)."""
        session.flash.append(message)
        self._set(session, flash=json.dumps(session.flash, ensure_ascii=False))

    def take_flash(self, session: Session) -> list[str]:
        messages, session.flash = session.flash, []
        if messages:
            self._set(session, flash=None)
        return messages

    def close(self, session_id: str | None) -> None:
        if session_id:
            with self.engine.begin() as db:
                db.execute(sa.delete(sessions).where(sessions.c.id_hash == _hash(session_id)))

    def _set(self, session: Session, **values: Any) -> None:
        with self.engine.begin() as db:
            db.execute(
                sa.update(sessions).where(sessions.c.id_hash == _hash(session.id)).values(**values)
            )

    # -- drafts ---------------------------------------------------------------
    def keep_draft(self, path: str, form: dict[str, list[str]]) -> str:
        draft_id = secrets.token_urlsafe(24)
        with self.engine.begin() as db:
            db.execute(
                sa.insert(drafts).values(
                    id_hash=_hash(draft_id),
                    path=path,
                    form=json.dumps(form, ensure_ascii=False),
                    expires_at=datetime.now(UTC) + timedelta(minutes=DRAFT_MINUTES),
                )
            )
        return draft_id

    def take_draft(self, draft_id: str | None, path: str) -> dict[str, list[str]] | None:
        """The draft kept for ``path``, deleted as it is given back."""
        if not draft_id:
            return None
        with self.engine.begin() as db:
            row = db.execute(
                sa.select(drafts).where(drafts.c.id_hash == _hash(draft_id))
            ).one_or_none()
            if row is None or row.path != path:
                return None
            db.execute(sa.delete(drafts).where(drafts.c.id_hash == row.id_hash))
        if _aware(row.expires_at) <= datetime.now(UTC):
            return None
        return dict(json.loads(row.form))

    def forget_old(self) -> None:
        now = datetime.now(UTC)
        with self.engine.begin() as db:
            db.execute(sa.delete(sessions).where(sessions.c.expires_at < now))
            db.execute(sa.delete(drafts).where(drafts.c.expires_at < now))

    def dispose(self) -> None:
        self.engine.dispose()


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
