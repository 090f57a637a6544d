"""The web app's session store (gateway/web/sessions.py) on SQLite, and the
cookie flags WebApp sets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway.web import sessions as module
from gateway.web.app import WebApp, WebSettings
from gateway.web.sessions import SessionStore

LATER = datetime.now(UTC) + timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    store = SessionStore(f"sqlite:///{tmp_path / 'web.db'}")
    yield store
    store.dispose()


def test_a_session_is_found_by_its_cookie_and_the_table_holds_only_its_hash(store):
    session = store.open("token-1", "Ioana Pop", LATER)
    found = store.find(session.id)
    assert found is not None and (found.token, found.name) == ("token-1", "Ioana Pop")
    assert found.csrf == session.csrf and len(session.csrf) >= 40
    with store.engine.begin() as db:
        ids = [row.id_hash for row in db.execute(sa.select(module.sessions))]
    assert session.id not in ids and ids == [module._hash(session.id)]


def test_an_unknown_empty_or_expired_session_is_none(store):
    assert store.find(None) is None and store.find("") is None and store.find("ghicit") is None
    old = store.open("token", "X", datetime.now(UTC) - timedelta(seconds=1))
    assert store.find(old.id) is None


def test_each_session_has_its_own_id_and_csrf_token(store):
    one, two = store.open("t", "A", LATER), store.open("t", "A", LATER)
    assert one.id != two.id and one.csrf != two.csrf


def test_closing_a_session_ends_it_and_closing_nothing_is_harmless(store):
    session = store.open("token", "X", LATER)
    store.close(session.id)
    assert store.find(session.id) is None
    store.close(None)
    store.close("nu-exista")


def test_a_message_is_shown_once(store):
    session = store.open("token", "X", LATER)
    store.say(session, "Documentul a fost trimis.")
    again = store.find(session.id)
    assert again is not None and store.take_flash(again) == ["Documentul a fost trimis."]
    assert store.take_flash(store.find(session.id)) == []


def test_a_draft_is_given_back_once_and_only_on_its_page(store):
    form = {"note": ["Mama a cerut o întâlnire"], "tags": ["a", "b"]}
    kept = store.keep_draft("/cazuri/1/monitorizare", form)
    assert store.take_draft(kept, "/alta/pagina") is None  # another page: not given
    assert store.take_draft(kept, "/cazuri/1/monitorizare") == form
    assert store.take_draft(kept, "/cazuri/1/monitorizare") is None  # once
    assert store.take_draft(None, "/x") is None


def test_an_old_draft_is_not_given_back_and_old_rows_are_forgotten(store):
    kept = store.keep_draft("/p", {"a": ["1"]})
    past = datetime.now(UTC) - timedelta(minutes=1)
    with store.engine.begin() as db:
        db.execute(sa.update(module.drafts).values(expires_at=past))
    assert store.take_draft(kept, "/p") is None
    store.keep_draft("/q", {"b": ["2"]})
    old = store.open("t", "X", LATER)
    with store.engine.begin() as db:
        db.execute(sa.update(module.drafts).values(expires_at=past))
        db.execute(sa.update(module.sessions).values(expires_at=past))
    store.forget_old()
    with store.engine.begin() as db:
        assert db.execute(sa.select(sa.func.count()).select_from(module.drafts)).scalar() == 0
        assert db.execute(sa.select(sa.func.count()).select_from(module.sessions)).scalar() == 0
    assert store.find(old.id) is None


def test_a_draft_keeps_diacritics_as_typed(store):
    kept = store.keep_draft("/p", {"note": ["ș ț ă î â"]})
    with store.engine.begin() as db:
        row = db.execute(sa.select(module.drafts)).one()
    assert json.loads(row.form) == {"note": ["ș ț ă î â"]}
    assert store.take_draft(kept, "/p") == {"note": ["ș ț ă î â"]}


def test_the_store_survives_being_opened_twice_on_one_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    first = SessionStore(url)
    session = first.open("t", "X", LATER)
    second = SessionStore(url)  # another replica, or after a restart
    assert second.find(session.id) is not None
    first.dispose()
    second.dispose()


@pytest.mark.parametrize(
    ("setting", "scheme", "secure"),
    [
        ("auto", "http", False),
        ("auto", "https", True),
        ("on", "http", True),
        ("off", "https", False),
    ],
)
def test_cookies_are_httponly_lax_and_secure_as_configured(store, setting, scheme, secure):
    app = WebApp([], store, WebSettings(secure_cookies=setting))
    request = Request(EnvironBuilder(path="/", base_url=f"{scheme}://localhost/").get_environ())
    response = Response()
    app.set_cookie(response, request, "coordonare_sesiune", "id", None)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert ("Secure" in cookie) is secure


def test_secure_cookies_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_SECURE_COOKIES", "on")
    assert WebSettings.from_env().secure_cookies == "on"
